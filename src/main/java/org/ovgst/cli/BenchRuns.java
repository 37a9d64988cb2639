package org.ovgst.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ovgst.gst.Pipeline;
import org.ovgst.gst.elements.OvDetect;

/**
 * How {@code ./ovgst bench} measures each line, every rate with start-up excluded: GStreamer
 * pipelines in this process timed from the first frame out to the last, OpenVINO's
 * {@code benchmark_app} (which times after compiling), the Python peers of {@code bench/python}
 * (which time from their first result to their last), and the source alone from the difference
 * between N and 2N frames.
 */
final class BenchRuns {
    private static final Pattern THROUGHPUT = Pattern.compile("Throughput:\\s+([0-9.]+) FPS");
    /** benchmark_app's latency line for the percentile asked (50: "Median"), in ms or us. */
    private static final Pattern MEDIAN = Pattern.compile("Median:\\s+([0-9.]+) (ms|us)");
    private static final Pattern PERCENTILE_99 = Pattern.compile("99 percentile:\\s+([0-9.]+) (ms|us)");
    private static final Pattern PEER_FPS = Pattern.compile("\"fps\":\\s*([0-9.eE+-]+)");
    /** Debian's python3 has PyGObject; the venv gives it NumPy and OpenVINO (see bench/python). */
    private static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

    private final Path home;
    private final double seconds;
    /** The venv's site-packages, for the Python peers; found at their first run. */
    private String sitePackages;

    /** @param seconds how long each timed run should last, roughly */
    BenchRuns(Path home, double seconds) {
        this.home = home;
        this.seconds = seconds;
    }

    /** What an ovdetect run measured: frames per second and Java heap allocated per frame. */
    record DetectRun(double fps, double heapBytesPerFrame) {}

    /** What a latency run measured: each frame's time inside ovdetect, milliseconds. */
    record Latencies(double medianMs, double p99Ms) {}

    /** The source of every line: it costs next to nothing per frame. */
    static final String SOURCE_ELEMENT = "videotestsrc pattern=black";

    /** {@code frames} frames of {@code width} x {@code height} BGR from {@link #SOURCE_ELEMENT}. */
    static String source(int width, int height, int frames) {
        return source(SOURCE_ELEMENT, width, height, frames);
    }

    private static String source(String element, int width, int height, int frames) {
        return element + " num-buffers=" + frames + " ! video/x-raw,format=BGR,width=" + width + ",height=" + height;
    }

    /** Frames for a run of about {@link #seconds} at {@code fps}, between 60 and 20 000. */
    int framesFor(double fps) {
        return (int) Math.max(60, Math.min(20_000, Math.round(fps * seconds)));
    }

    /** The source alone into fakesink: N frames and 2N, the rate from the difference. */
    double sourceAlone(int width, int height, int frames) {
        String tail = " ! fakesink sync=false";
        long once = timeRun(source(width, height, frames) + tail);
        long twice = timeRun(source(width, height, 2 * frames) + tail);
        return frames / (Math.max(1, twice - once) / 1e9);
    }

    private static long timeRun(String description) {
        long start = System.nanoTime();
        run(description, pipeline -> { });
        return System.nanoTime() - start;
    }

    /**
     * {@code source ! ovdetect ! fakesink} in this process: frames per second from the first frame
     * out of ovdetect to the last, and the heap every thread of this JVM allocated per frame over
     * the second half (the JIT has warmed up by then).
     */
    DetectRun detect(String model, int width, int height, int frames, String properties, Path exportTo) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        AtomicLong count = new AtomicLong();
        long[] allocated = new long[2];
        int halfway = frames / 2;
        AtomicReference<RuntimeException> exportFailure = new AtomicReference<>();
        String description = source(width, height, frames) + " ! ovdetect name=detect model=" + model + " "
                + properties + " ! fakesink sync=false";
        run(description, pipeline -> {
            OvDetect detect = pipeline.element("detect", OvDetect.class);
            detect.addListener((frame, pts, frameWidth, frameHeight, detections) -> {
                long now = System.nanoTime();
                first.compareAndSet(0, now);
                last.set(now);
                count.incrementAndGet();
                if (frame == halfway) {
                    allocated[0] = threads.getTotalThreadAllocatedBytes();
                } else if (frame == frames - 1) {
                    allocated[1] = threads.getTotalThreadAllocatedBytes();
                }
                if (frame == 0) {
                    export(detect, exportTo, exportFailure);
                }
            });
        });
        rethrow(exportFailure);
        if (count.get() != frames) {
            throw new IllegalStateException("ovdetect gave " + count.get() + " of " + frames + " frames");
        }
        double fps = (count.get() - 1) / ((last.get() - first.get()) / 1e9);
        return new DetectRun(fps, (allocated[1] - allocated[0]) / (double) (frames - 1 - halfway));
    }

    /**
     * A live 30 fps source into ovdetect with one request and the latency hint: each frame comes to
     * an idle element, as from a camera, and its time inside is what the element adds to a live pipeline.
     */
    Latencies detectLatency(String model, int width, int height, int frames, Path exportTo) {
        long[] inside = new long[frames];
        AtomicLong count = new AtomicLong();
        AtomicReference<RuntimeException> exportFailure = new AtomicReference<>();
        String description = source(SOURCE_ELEMENT + " is-live=true", width, height, frames) + ",framerate=30/1"
                + " ! ovdetect name=detect model=" + model + " nireq=1 config=PERFORMANCE_HINT=LATENCY"
                + " ! fakesink sync=false";
        run(description, pipeline -> {
            OvDetect detect = pipeline.element("detect", OvDetect.class);
            detect.addFrameTimer((frame, nanos) -> {
                if (frame < frames) {
                    inside[(int) frame] = nanos;
                    count.incrementAndGet();
                }
                if (frame == 0) {
                    export(detect, exportTo, exportFailure);
                }
            });
        });
        rethrow(exportFailure);
        // The first frames compile caches and warm up threads: the steady state is after them.
        long[] steady = Arrays.copyOfRange(inside, Math.min(10, frames / 5), (int) count.get());
        Arrays.sort(steady);
        return new Latencies(steady[steady.length / 2] / 1e6,
                steady[Math.min(steady.length - 1, (int) Math.ceil(steady.length * 0.99) - 1)] / 1e6);
    }

    /** Several streams in one process: the rate of all frames together, each stream's, and the peak RSS. */
    record StreamsRun(double aggregateFps, double slowestStreamFps, double peakRssMb) {
        static final Pattern LINE = Pattern.compile("streams: aggregate ([0-9.]+) fps, slowest ([0-9.]+) fps,"
                + " peak RSS ([0-9.]+) MB");

        String line() {
            return String.format(Locale.ROOT, "streams: aggregate %.2f fps, slowest %.2f fps, peak RSS %.1f MB",
                    aggregateFps, slowestStreamFps, peakRssMb);
        }
    }

    /**
     * {@code streams} pipelines {@code source ! ovdetect ! fakesink} in one pipeline of a new JVM
     * (so that its peak RSS is theirs alone), each stream with its own ovdetect, all sharing one
     * {@code model-instance-id}.
     */
    StreamsRun streams(String model, int streams, int width, int height, int frames) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench",
                "--streams-child", Integer.toString(streams), Integer.toString(width), Integer.toString(height),
                Integer.toString(frames), model));
        String text = runProcess(command, Map.of());
        Matcher matcher = StreamsRun.LINE.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("the streams run did not report; its output:\n" + text);
        }
        return new StreamsRun(Double.parseDouble(matcher.group(1)), Double.parseDouble(matcher.group(2)),
                Double.parseDouble(matcher.group(3)));
    }

    /** The child of {@link #streams}: runs the streams in this process and measures them. */
    static StreamsRun streamsHere(String model, int streams, int width, int height, int frames) throws IOException {
        long[] first = new long[streams];
        long[] last = new long[streams];
        long[] count = new long[streams];
        StringBuilder description = new StringBuilder();
        for (int i = 0; i < streams; i++) {
            description.append(source(width, height, frames)).append(" ! ovdetect name=detect").append(i)
                    .append(" model=").append(model).append(" model-instance-id=bench ! fakesink sync=false ");
        }
        run(description.toString(), pipeline -> {
            for (int i = 0; i < streams; i++) {
                int stream = i;
                pipeline.element("detect" + i, OvDetect.class).addListener((frame, pts, frameWidth, frameHeight, detections) -> {
                    long now = System.nanoTime();
                    if (first[stream] == 0) {
                        first[stream] = now;
                    }
                    last[stream] = now;
                    count[stream]++;
                });
            }
        });
        double slowest = Double.MAX_VALUE;
        long total = 0;
        for (int i = 0; i < streams; i++) {
            slowest = Math.min(slowest, (count[i] - 1) / ((last[i] - first[i]) / 1e9));
            total += count[i];
        }
        long start = Arrays.stream(first).min().orElseThrow();
        long end = Arrays.stream(last).max().orElseThrow();
        double peakRssMb = SoakCommand.memoryBytes("self", "VmHWM") / (1024.0 * 1024);
        return new StreamsRun((total - streams) / ((end - start) / 1e9), slowest, peakRssMb);
    }

    /** On the delivery thread, which must not throw: the failure is kept for {@link #rethrow}. */
    private static void export(OvDetect detect, Path file, AtomicReference<RuntimeException> failure) {
        if (file != null) {
            try {
                detect.exportCompiledModel(file);
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }
    }

    private static void rethrow(AtomicReference<RuntimeException> failure) {
        if (failure.get() != null) {
            throw new IllegalStateException("could not export the compiled model: " + failure.get().getMessage(),
                    failure.get());
        }
    }

    /** OpenVINO's benchmark_app on a model or an exported blob: frames per second. */
    double benchmarkAppThroughput(String model) {
        String text = benchmarkApp(model, "-hint", "throughput");
        return parse(THROUGHPUT, text, "a throughput", model);
    }

    /** benchmark_app with one request and the latency hint: median and 99th percentile, milliseconds. */
    Latencies benchmarkAppLatency(String model) {
        // It reports one percentile a run: the median by default.
        String tail = benchmarkApp(model, "-hint", "latency", "-nireq", "1", "-latency_percentile", "99");
        return new Latencies(benchmarkAppMedian(model), milliseconds(PERCENTILE_99, tail, model));
    }

    /** benchmark_app with one request and the latency hint: the median alone, milliseconds. */
    double benchmarkAppMedian(String model) {
        return milliseconds(MEDIAN, benchmarkApp(model, "-hint", "latency", "-nireq", "1"), model);
    }

    private static double milliseconds(Pattern pattern, String text, String model) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException(model + ": benchmark_app did not report a latency; its output:\n" + text);
        }
        double value = Double.parseDouble(matcher.group(1));
        return matcher.group(2).equals("us") ? value / 1000 : value;
    }

    private String benchmarkApp(String model, String... options) {
        // An exported blob goes through bench/python/benchmark_blob.py: benchmark_app 2026.4.1 cannot run one.
        List<String> command = new ArrayList<>(model.endsWith(".blob")
                ? List.of(home.resolve(".venv/bin/python").toString(), home.resolve("bench/python/benchmark_blob.py").toString())
                : List.of(home.resolve(".venv/bin/benchmark_app").toString()));
        command.addAll(List.of("-m", model, "-t", Long.toString(Math.max(2, Math.round(seconds)))));
        command.addAll(List.of(options));
        return runProcess(command, Map.of());
    }

    /** A Python peer of bench/python: the frame rate it prints as its last line. */
    double pythonPeer(String peer, String model, int width, int height, int frames) {
        String text = runProcess(List.of(SYSTEM_PYTHON.toString(), home.resolve("bench/python/" + peer + ".py").toString(),
                "--model", model, "--width", Integer.toString(width), "--height", Integer.toString(height),
                "--frames", Integer.toString(frames), "--source", SOURCE_ELEMENT),
                Map.of("PYTHONPATH", sitePackages(), "PYTHONDONTWRITEBYTECODE", "1"));
        return parse(PEER_FPS, text, "a frame rate", peer);
    }

    private String sitePackages() {
        if (sitePackages == null) {
            Path venvLib = home.resolve(".venv/lib");
            try (Stream<Path> versions = Files.list(venvLib)) {
                sitePackages = versions.map(p -> p.resolve("site-packages")).filter(Files::isDirectory).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no site-packages under " + venvLib
                                + ": run ./ovgst setup")).toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sitePackages;
    }

    private static double parse(Pattern pattern, String text, String what, String of) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException(of + " did not report " + what + "; its output:\n" + text);
        }
        return Double.parseDouble(matcher.group(1));
    }

    /** Runs a command to its end; its output (stdout and stderr), or an exception naming it when it failed. */
    static String runProcess(List<String> command, Map<String, String> environment) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process process = builder.start();
            process.getOutputStream().close();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue()
                        + "):\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
    }

    static void run(String description, java.util.function.Consumer<Pipeline> before) {
        try (Pipeline pipeline = Pipeline.parse(description)) {
            before.accept(pipeline);
            Pipeline.Outcome outcome = pipeline.run(System.err::println);
            if (!outcome.ok()) {
                throw new IllegalStateException(description + ": " + outcome.errorSource() + ": "
                        + outcome.errorMessage());
            }
        }
    }
}
