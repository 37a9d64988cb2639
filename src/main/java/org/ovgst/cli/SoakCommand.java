package org.ovgst.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ovgst bench --soak [minutes]}: a live soak of
 * {@code videotestsrc is-live=true ! ovdetect ! ovwatermark ! ovmetapublish ! fakesink sync=true} run by
 * gst-launch-1.0, so the elements live in the JVM that the loader plugin starts, with its default
 * options or {@code OVGST_JVM_OPTIONS}: what a user's pipeline gets. Prints the process's resident
 * memory (RSS) every minute, then RSS at minute 2 (start-up is over by then) and at the end, and the
 * growth between the two: what a long run adds.
 */
final class SoakCommand {
    static final double DEFAULT_MINUTES = 10;
    private static final Duration SETTLED = Duration.ofMinutes(2);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(60);

    private SoakCommand() {}

    static int run(Path home, String model, int width, int height, List<String> properties, double minutes,
            PrintStream out) throws IOException, InterruptedException {
        if (!(minutes > 0)) {
            throw new UsageException("--soak takes a positive number of minutes, got " + minutes);
        }
        Duration length = Duration.ofMillis(Math.round(minutes * 60_000));
        // Start-up is over at minute 2; a shorter soak compares its middle with its end instead.
        Duration reference = length.compareTo(SETTLED.multipliedBy(2)) < 0 ? length.dividedBy(2) : SETTLED;
        Path dir = Files.createDirectories(home.resolve("out"));
        Path records = dir.resolve("soak.jsonl");
        Path log = dir.resolve("soak.log");
        List<String> command = new ArrayList<>(List.of("gst-launch-1.0", "-e",
                "videotestsrc", "is-live=true",
                "!", "video/x-raw,format=BGR,width=" + width + ",height=" + height + ",framerate=30/1",
                "!", "ovdetect", "model=" + model));
        command.addAll(properties);
        command.addAll(List.of("!", "ovwatermark", "!", "ovmetapublish", "location=" + records,
                "!", "fakesink", "sync=true"));
        String jvmOptions = System.getenv("OVGST_JVM_OPTIONS");
        out.printf(Locale.ROOT, "soak: %s of %s%n", describe(length), String.join(" ", command));
        out.println("soak: JVM options: the loader's defaults"
                + (jvmOptions == null ? "" : ", then OVGST_JVM_OPTIONS=" + jvmOptions) + "; output in " + log);

        Process process = start(command, home, log);
        long start = System.nanoTime();
        long atReference = -1;
        long lastRss = -1;
        int minutesPrinted = 0;
        while (true) {
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                out.println("soak: gst-launch-1.0 ended early (exit " + process.exitValue() + ") after "
                        + describe(Duration.ofNanos(System.nanoTime() - start)) + "; its output:");
                out.print(Files.readString(log, StandardCharsets.UTF_8));
                return Main.EXIT_FAILURE;
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            long rss = memoryBytes(Long.toString(process.pid()), "VmRSS");
            lastRss = rss;
            if (atReference < 0 && elapsed.compareTo(reference) >= 0) {
                atReference = rss;
            }
            if (elapsed.toMinutes() > minutesPrinted) {
                minutesPrinted = (int) elapsed.toMinutes();
                out.printf(Locale.ROOT, "  minute %3d: RSS %7.1f MB, %d frames published%n", minutesPrinted,
                        megabytes(rss), lines(records));
            }
            if (elapsed.compareTo(length) >= 0) {
                break;
            }
        }
        boolean stopped = stop(process);
        long frames = lines(records);
        out.printf(Locale.ROOT, "RSS at %s: %.1f MB; at the end (%s): %.1f MB; growth %+.1f MB (%+.1f %%)%n",
                describe(reference), megabytes(atReference), describe(length), megabytes(lastRss),
                megabytes(lastRss - atReference), 100.0 * (lastRss - atReference) / atReference);
        out.printf(Locale.ROOT, "frames published: %d (%.1f fps)%n", frames, frames / (length.toMillis() / 1000.0));
        if (!stopped) {
            out.println("soak: gst-launch-1.0 did not finish within " + STOP_LIMIT.toSeconds()
                    + " s of Ctrl-C (end of stream) and was killed; see " + log);
            return Main.EXIT_FAILURE;
        }
        return 0;
    }

    /** Starts the command with our plugin found as {@code ./ovgst env} sets it up; output to {@code log}. */
    private static Process start(List<String> command, Path home, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        String pluginPath = env.get("GST_PLUGIN_PATH");
        env.put("GST_PLUGIN_PATH", home.resolve("target/gst-plugin")
                + (pluginPath == null || pluginPath.isEmpty() ? "" : ":" + pluginPath));
        env.put("OVGST_HOME", home.toString());
        env.put("OVGST_JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** Ctrl-C, as a user would: gst-launch-1.0 -e sends end of stream and waits for it. */
    private static boolean stop(Process process) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        if (process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            return true;
        }
        process.destroyForcibly().waitFor();
        return false;
    }

    /** A memory figure of a process ("self" or a pid) from /proc/.../status, e.g. VmRSS or VmHWM, in bytes. */
    static long memoryBytes(String process, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", process, "status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("/proc/" + process + "/status has no " + key);
    }

    /** Records written so far (ovmetapublish writes one line per frame). */
    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        long count = 0;
        byte[] block = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(block)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (block[i] == '\n') {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static double megabytes(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static String describe(Duration duration) {
        double minutes = duration.toMillis() / 60_000.0;
        return (minutes == Math.rint(minutes) ? Long.toString((long) minutes)
                : String.format(Locale.ROOT, "%.1f", minutes)) + " min";
    }
}
