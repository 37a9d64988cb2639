package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ovgst.testing.TestAssets;

/**
 * Shared by the element tests: the real GStreamer tools (gst-launch-1.0, gst-inspect-1.0) and
 * {@code ./ovgst launch} as subprocesses with the environment of {@code ./ovgst env}, in-process
 * runs, and a small JSON reader for ovmetapublish's JSON Lines. {@link #run}, {@link Result} and
 * {@link Json} are public for tests elsewhere that run GStreamer programs (cli.PythonPeersTest).
 */
public final class GstTestSupport {
    static final Path FACE_MODEL = TestAssets.model("face_detection_short_range.tflite");
    static final Path OI_MODEL = TestAssets.model("object_detection_ssd_mobilenetv2_oidv4_fp16.tflite");
    static final Path PALM_MODEL = TestAssets.model("palm_detection_full.tflite");
    /**
     * What shows Java's insides in a text for users (a bus message, its debug text): an exception's
     * name or a stack line. They belong in the elements' GST_DEBUG categories.
     */
    static final java.util.regex.Pattern JAVA_INSIDES = java.util.regex.Pattern.compile("Exception|java\\.|at org\\.");

    private GstTestSupport() {}

    /** What a subprocess did. */
    public record Result(int exitCode, String output, boolean timedOut) {
        public String describe() {
            return "exit " + exitCode + (timedOut ? " (TIMED OUT, killed)" : "") + "; output:\n" + output;
        }
    }

    /** {@code ./ovgst env}'s exports, plus a registry cache of our own so that tests never touch the user's. */
    static Map<String, String> gstEnvironment() {
        Path home = TestAssets.home();
        Map<String, String> env = new LinkedHashMap<>();
        Path pluginDir = home.resolve("target/gst-plugin");
        assertTrue(Files.exists(pluginDir.resolve("libgstovgst.so")), pluginDir + " has no libgstovgst.so: ./ovgst setup");
        // The test JVM has the second one already (pom.xml): each folder once.
        java.util.Set<String> path = new java.util.LinkedHashSet<>(List.of(pluginDir.toString(),
                fallbackSwitchPluginDir().toString()));
        String inherited = System.getenv("GST_PLUGIN_PATH");
        if (inherited != null && !inherited.isEmpty()) {
            path.addAll(List.of(inherited.split(":")));
        }
        env.put("GST_PLUGIN_PATH", String.join(":", path));
        env.put("OVGST_HOME", home.toString());
        env.put("OVGST_JAVA_HOME", System.getProperty("java.home"));
        env.put("GST_REGISTRY", home.resolve("target/test-registry.bin").toString());
        return env;
    }

    /** The folder of fallbacksrc's plugin (gst-plugins-rs), which set-up builds with cargo. */
    static Path fallbackSwitchPluginDir() {
        Path dir = TestAssets.home().resolve("target/gst-plugins-rs");
        assertTrue(Files.exists(dir.resolve("libgstfallbackswitch.so")), dir + " has no libgstfallbackswitch.so"
                + " (fallbacksrc): ./ovgst setup builds it with cargo (install Rust >= 1.92 with rustup if it says so)");
        return dir;
    }

    /** Runs a command in {@code dir} with {@link #gstEnvironment()} (plus {@code extraEnv}), killing it after {@code seconds}. */
    public static Result run(List<String> command, Path dir, long seconds, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(gstEnvironment());
        builder.environment().putAll(extraEnv);
        Path log = Files.createTempFile(dir, "process", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        boolean finished = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!finished) {
            // gst-launch-1.0 spins forever after "Caught SIGSEGV": kill the whole tree.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(finished ? process.exitValue() : -1, output, !finished);
    }

    /**
     * An H.264 MP4 in {@code dir} of one of the test pictures ({@code .png} or {@code .jpg}) repeated
     * {@code frames} times at {@code fps}: a video whose every frame is known.
     */
    static Path pictureClip(String picture, int frames, int fps, Path dir) throws IOException, InterruptedException {
        Path clip = dir.resolve(picture.substring(0, picture.lastIndexOf('.')) + "-" + frames + ".mp4");
        Result made = gstLaunch("filesrc location=" + TestAssets.image(picture) + " ! decodebin ! imagefreeze"
                + " num-buffers=" + frames + " ! videoconvert ! video/x-raw,format=I420,framerate=" + fps + "/1"
                + " ! openh264enc ! h264parse ! mp4mux ! filesink location=" + clip, dir, 60);
        assertEquals(0, made.exitCode(), made::describe);
        return clip;
    }

    static Result gstLaunch(String description, Path dir, long seconds) throws IOException, InterruptedException {
        return gstLaunch(description, dir, seconds, Map.of());
    }

    /** gst-launch-1.0 with more in its environment (GST_DEBUG, GST_PLUGIN_FEATURE_RANK, ...). */
    static Result gstLaunch(String description, Path dir, long seconds, Map<String, String> env)
            throws IOException, InterruptedException {
        return run(Stream.concat(Stream.of("gst-launch-1.0"), splitDescription(description)).toList(), dir, seconds,
                env);
    }

    static Result ovgstLaunch(String description, Path dir, long seconds) throws IOException, InterruptedException {
        return run(Stream.concat(Stream.of(TestAssets.home().resolve("ovgst").toString(), "launch"),
                splitDescription(description)).toList(), dir, seconds, Map.of());
    }

    /** A description as separate arguments, the way a shell would split it (our descriptions have no quotes). */
    private static Stream<String> splitDescription(String description) {
        return Stream.of(description.trim().split("\\s+"));
    }

    /** The crash reports a JVM leaves in its working directory. */
    static List<Path> crashLogs(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("hs_err_pid")).toList();
        }
    }

    public static void assertNoCrash(Result result, Path dir) throws IOException {
        assertEquals(List.of(), crashLogs(dir), "JVM crash report(s) left behind; " + result.describe());
        assertTrue(!result.output().contains("Caught SIGSEGV"), "the process crashed; " + result.describe());
        assertTrue(!result.timedOut(), "the process hung; " + result.describe());
    }

    /** Runs a description in this process; returns how it ended. Fails (with the threads' stacks) if it hangs. */
    static Pipeline.Outcome runInProcess(String description) {
        return runInProcess(description, java.time.Duration.ofSeconds(30), p -> { });
    }

    private static final class Hung extends RuntimeException {
        Hung() {
            super(null, null, false, false);
        }
    }

    /**
     * Runs a description in this process with a deadline: Pipeline.run polls the bus forever, so a
     * pipeline that never reaches EOS or an error would hang the test JVM (JUnit's timeout cannot
     * interrupt it). On a hang the pipeline is left as it is (closing it could hang too).
     */
    static Pipeline.Outcome runInProcess(String description, java.time.Duration limit,
            java.util.function.Consumer<Pipeline> setup) {
        return runInProcess(description, limit, setup, System.err::println);
    }

    /** Like {@link #runInProcess(String, java.time.Duration, java.util.function.Consumer)}, warnings to {@code warnings}. */
    static Pipeline.Outcome runInProcess(String description, java.time.Duration limit,
            java.util.function.Consumer<Pipeline> setup, java.util.function.Consumer<String> warnings) {
        return runInProcess(description, limit, setup, warnings, p -> { });
    }

    /** Like the others, calling {@code tick} with the playing pipeline about ten times a second. */
    static Pipeline.Outcome runInProcess(String description, java.time.Duration limit,
            java.util.function.Consumer<Pipeline> setup, java.util.function.Consumer<String> warnings,
            java.util.function.Consumer<Pipeline> tick) {
        Pipeline pipeline = Pipeline.parse(description);
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            setup.accept(pipeline);
            Pipeline.Outcome outcome = pipeline.run(warnings, () -> {
                if (System.nanoTime() > deadline) {
                    throw new Hung();
                }
                tick.accept(pipeline);
            });
            pipeline.close();
            return outcome;
        } catch (Hung hung) {
            String dump = threadDump();
            Thread closer = Thread.ofPlatform().daemon().start(pipeline::close);
            try {
                closer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new AssertionError("the pipeline neither ended nor failed within " + limit + " (position "
                    + "unknown; " + (closer.isAlive() ? "closing it hangs too" : "closing it worked") + "): "
                    + description + "\n" + dump);
        } catch (RuntimeException | Error e) {
            pipeline.close();
            throw e;
        }
    }

    /** The stacks of the threads that have anything to do with GStreamer or the engine. */
    static String threadDump() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            out.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
            for (int i = 0; i < Math.min(stack.length, 15); i++) {
                out.append("    at ").append(stack[i]).append('\n');
            }
        });
        return out.toString();
    }

    public static void assertRunsInProcess(String description) {
        Pipeline.Outcome outcome = runInProcess(description);
        assertTrue(outcome.ok(), () -> description + " -> " + outcome);
    }

    // ---- ovmetapublish output ----

    /**
     * An object of a record: its box, and its detection's label (null for none), label id (-1) and
     * confidence (NaN).
     *
     * @param id the track id ({@code "id"}), 0 when the object has none
     */
    record Box(int x, int y, int w, int h, String label, int labelId, double confidence, long id) {}

    /**
     * @param timestamp the stream time, ns ({@code "timestamp"}); -1 when the record has none
     * @param pts the buffer's presentation time, ns ({@code "pts"}); -1 when the record has none
     */
    record Frame(long frame, long timestamp, int width, int height, List<Box> objects, long pts) {}

    static List<Frame> readFrames(Path jsonLines) throws IOException {
        List<Frame> frames = new ArrayList<>();
        for (String line : Files.readAllLines(jsonLines, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                fail("blank line in " + jsonLines);
            }
            Object parsed = new Json(line).parseComplete();
            if (!(parsed instanceof Map<?, ?> map)) {
                throw new AssertionError("not a JSON object: " + line);
            }
            List<Box> boxes = new ArrayList<>();
            for (Object object : (List<?>) field(map, "objects", line)) {
                Map<?, ?> o = (Map<?, ?>) object;
                Map<?, ?> detection = o.containsKey("detection") ? (Map<?, ?>) o.get("detection") : Map.of();
                boxes.add(new Box(integer(field(o, "x", line)), integer(field(o, "y", line)),
                        integer(field(o, "w", line)), integer(field(o, "h", line)), (String) detection.get("label"),
                        detection.containsKey("label_id") ? integer(detection.get("label_id")) : -1,
                        detection.containsKey("confidence") ? ((Number) detection.get("confidence")).doubleValue()
                                : Double.NaN,
                        o.containsKey("id") ? integer(o.get("id")) : 0));
            }
            Map<?, ?> resolution = (Map<?, ?>) field(map, "resolution", line);
            frames.add(new Frame(((Number) field(map, "frame", line)).longValue(),
                    map.containsKey("timestamp") ? ((Number) map.get("timestamp")).longValue() : -1,
                    integer(field(resolution, "width", line)), integer(field(resolution, "height", line)), boxes,
                    map.containsKey("pts") ? ((Number) map.get("pts")).longValue() : -1));
        }
        return frames;
    }

    private static Object field(Map<?, ?> map, String name, String line) {
        if (!map.containsKey(name)) {
            throw new AssertionError("no field '" + name + "' in " + line);
        }
        return map.get(name);
    }

    private static int integer(Object value) {
        Number n = (Number) value;
        assertEquals(n.doubleValue(), Math.rint(n.doubleValue()), "not an integer: " + value);
        return n.intValue();
    }

    /** A strict little JSON reader: objects, arrays, strings, numbers, true/false/null. */
    public static final class Json {
        private final String text;
        private int at;

        public Json(String text) {
            this.text = text;
        }

        public Object parseComplete() {
            Object value = value();
            space();
            if (at != text.length()) {
                throw error("trailing characters");
            }
            return value;
        }

        private Object value() {
            space();
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            switch (c) {
                case '{' -> {
                    at++;
                    Map<String, Object> map = new LinkedHashMap<>();
                    space();
                    if (peek('}')) {
                        return map;
                    }
                    do {
                        space();
                        String key = string();
                        space();
                        expect(':');
                        if (map.put(key, value()) != null) {
                            throw error("duplicate key " + key);
                        }
                        space();
                    } while (peek(','));
                    expect('}');
                    return map;
                }
                case '[' -> {
                    at++;
                    List<Object> list = new ArrayList<>();
                    space();
                    if (peek(']')) {
                        return list;
                    }
                    do {
                        list.add(value());
                        space();
                    } while (peek(','));
                    expect(']');
                    return list;
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    if (text.startsWith("true", at)) {
                        at += 4;
                        return Boolean.TRUE;
                    }
                    if (text.startsWith("false", at)) {
                        at += 5;
                        return Boolean.FALSE;
                    }
                    if (text.startsWith("null", at)) {
                        at += 4;
                        return null;
                    }
                    int start = at;
                    while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                        at++;
                    }
                    if (start == at) {
                        throw error("unexpected character");
                    }
                    String number = text.substring(start, at);
                    if (number.matches("-?(0|[1-9][0-9]*)")) {
                        return Long.parseLong(number);
                    }
                    if (!number.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
                        throw error("bad number " + number);
                    }
                    return Double.parseDouble(number);
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    char e = text.charAt(at++);
                    switch (e) {
                        case '"', '\\', '/' -> out.append(e);
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> {
                            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                            at += 4;
                        }
                        default -> throw error("bad escape");
                    }
                } else if (c < 0x20) {
                    throw error("control character in string");
                } else {
                    out.append(c);
                }
            }
        }

        private boolean peek(char c) {
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private void space() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private AssertionError error(String what) {
            return new AssertionError("invalid JSON (" + what + ") at " + at + ": " + text);
        }
    }
}
