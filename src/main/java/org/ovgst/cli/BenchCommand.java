package org.ovgst.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.ovgst.files.ProjectHome;

/**
 * {@code ovgst bench}: ovdetect's frame rate beside what bounds it and what a user would otherwise
 * write, in one run, side by side; every rate with start-up excluded, every figure the median of
 * {@code --reps} repetitions with the range beside it. For each model and frame size:
 * <ul>
 * <li>the source alone, {@code benchmark_app} on the raw model (inference alone) and on the model
 *     exactly as ovdetect compiled it, pre-processing included (exported from the element);</li>
 * <li>ovdetect, and the Python peers of {@code bench/python} (appsink, NumPy and OpenVINO: a
 *     synchronous loop and AsyncInferQueue with the pre-processing order OpenVINO documents, and
 *     AsyncInferQueue with the resize first, the best a Python user could do);</li>
 * <li>the ratios: ovdetect over the combined limit {@code 1 / (1/source + 1/raw model)}, the rate if
 *     the source and the inference shared the machine with no overhead, and over each peer;</li>
 * <li>latency mode (one request, the latency hint, a live 30 fps source): the median and 99th
 *     percentile time a frame spends inside ovdetect, beside the raw model's from benchmark_app;</li>
 * <li>the Java heap allocated per frame, by every thread of the JVM;</li>
 * <li>1, 4 and 8 streams of 640x480 in one process, sharing one {@code model-instance-id}.</li>
 * </ul>
 * Printed as Markdown tables, written as CSV and a PNG chart under {@code out/bench/}. With
 * {@code --soak [minutes]}: a live soak that watches frames, latency and memory instead ({@link SoakCommand}); with
 * {@code --jmh [JMH args]}: the JMH benchmarks ({@link JmhCommand}).
 */
final class BenchCommand {
    static final String THROUGHPUT = "throughput";
    static final String RATIOS = "ratios";
    static final String LATENCY = "latency";
    static final String HEAP = "heap";
    static final String STREAMS = "streams";

    static final String SOURCE = "source alone";
    static final String RAW = "benchmark_app, raw model";
    static final String COMPILED = "benchmark_app, ovgst's compiled model";
    static final String OVDETECT = "ovdetect";
    static final String LIMIT = "combined limit";
    /** The Python peers: file name in bench/python, line name. */
    static final String[][] PEERS = {
        {"appsink_sync", "Python sync, documented order"},
        {"appsink_async", "Python AsyncInferQueue, documented order"},
        {"appsink_async_fast", "Python AsyncInferQueue, resize first"}};
    static final int[] STREAM_COUNTS = {1, 4, 8};
    /**
     * The first run of each size: it exports the compiled model, tells how many frames make a run
     * of the length asked, and warms up the JIT (the first few hundred frames run slower).
     */
    private static final int WARM_UP_FRAMES = 300;

    private static final List<int[]> DEFAULT_SIZES = List.of(new int[] {128, 128}, new int[] {640, 480},
            new int[] {1280, 720}, new int[] {1920, 1080});
    private static final String USAGE = "give --model M (repeatable), --sizes WxH,..., --reps N, --seconds S, --quick,"
            + " --out DIR"
            + " --soak [minutes] [--soak-pipeline chain|detect|rtsp] [--busy N], --server, --jmh [JMH args] or ovdetect"
            + " properties such as nireq=4 batch-size=2 (with --soak: of every inference element)";

    private BenchCommand() {}

    static int run(String[] args, PrintStream out) throws IOException, InterruptedException {
        if (args.length > 0 && args[0].equals("--jmh")) {
            return JmhCommand.run(args, out);
        }
        if (args.length > 0 && args[0].equals("--streams-child")) {
            return streamsChild(args, out);
        }
        Path home = ProjectHome.orCurrent();
        List<String> models = new ArrayList<>();
        List<int[]> sizes = DEFAULT_SIZES;
        int reps = 3;
        double seconds = 3;
        List<String> properties = new ArrayList<>();
        Path outDir = home.resolve("out/bench");
        Double soakMinutes = null;
        SoakCommand.Pipeline soakPipeline = SoakCommand.Pipeline.CHAIN;
        int busy = 0;
        boolean server = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--soak" -> soakMinutes = i + 1 < args.length && args[i + 1].matches("[0-9.]+")
                        ? Double.parseDouble(args[++i]) : SoakCommand.DEFAULT_MINUTES;
                case "--soak-pipeline" -> soakPipeline = SoakCommand.Pipeline.named(value(args, ++i));
                case "--busy" -> busy = positive(args, ++i);
                case "--model" -> models.add(Path.of(value(args, ++i)).toAbsolutePath().toString());
                case "--sizes" -> sizes = parseSizes(value(args, ++i));
                case "--reps" -> reps = positive(args, ++i);
                case "--seconds" -> seconds = Double.parseDouble(value(args, ++i));
                case "--out" -> outDir = Path.of(value(args, ++i)).toAbsolutePath();
                case "--server" -> server = true;
                case "--quick" -> {
                    reps = 1;
                    seconds = 1.5;
                    sizes = List.of(new int[] {640, 480}, new int[] {1280, 720});
                }
                default -> {
                    if (!args[i].contains("=")) {
                        throw new UsageException("unknown option '" + args[i] + "'; " + USAGE);
                    }
                    properties.add(args[i]);
                }
            }
        }
        String face = home.resolve("models/face_detection_short_range.tflite").toString();
        if (server) {
            Files.createDirectories(outDir);
            return ServerBench.run(home, new BenchRuns(home, seconds), 3000, outDir, out);
        }
        if (soakMinutes != null) {
            return SoakCommand.run(home, new SoakCommand.Settings(soakPipeline, models.isEmpty() ? face
                    : models.getFirst(), properties, soakMinutes, busy), out);
        }
        if (models.isEmpty()) {
            models = List.of(face, home.resolve("models/object_detection_ssd_mobilenetv2_oidv4_fp16.tflite").toString());
        }
        BenchRuns runs = new BenchRuns(home, seconds);
        BenchReport report = new BenchReport();
        Files.createDirectories(outDir);
        String ovdetectProperties = String.join(" ", properties);
        out.printf(Locale.ROOT, "ovgst bench: %d repetitions of about %.1f s each; source %s; ovdetect %s%n", reps,
                seconds, BenchRuns.SOURCE_ELEMENT, ovdetectProperties);
        long start = System.nanoTime();
        for (String model : models) {
            String name = Path.of(model).getFileName().toString();
            double[] raw = values(repeat(reps, () -> runs.benchmarkAppThroughput(model)), Double::doubleValue);
            for (int[] size : sizes) {
                String frames = size[0] + "x" + size[1];
                out.printf(Locale.ROOT, "  %s at %s...%n", name, frames);
                measureSize(runs, report, model, name, size[0], size[1], raw, reps, ovdetectProperties,
                        outDir.resolve(name + "-" + frames + ".blob"));
            }
            measureLatency(runs, report, model, name, sizes, reps, outDir);
            measureStreams(runs, report, model, name, reps);
        }
        out.printf(Locale.ROOT, "%nmeasured in %.1f minutes%n", (System.nanoTime() - start) / 60e9);
        report.printTables(out);
        report.writeCsv(outDir.resolve("bench.csv"));
        report.writeChart(THROUGHPUT, outDir.resolve("bench.png"));
        out.println("\nwritten: " + outDir.resolve("bench.csv") + ", " + outDir.resolve("bench.png"));
        return 0;
    }

    private static void measureSize(BenchRuns runs, BenchReport report, String model, String name, int width,
            int height, double[] raw, int reps, String properties, Path blob) {
        String frames = width + "x" + height;
        // A short first run warms up, exports the model as compiled, and tells how many frames last long enough.
        double rough = runs.detect(model, width, height, WARM_UP_FRAMES, properties, blob).fps();
        int detectFrames = runs.framesFor(rough);
        int sourceFrames = runs.framesFor(runs.sourceAlone(width, height, 100));
        double source = measure(report, THROUGHPUT, name, frames, SOURCE, "fps", reps,
                () -> runs.sourceAlone(width, height, sourceFrames));
        report.add(THROUGHPUT, name, frames, RAW, "fps", raw);
        double limit = 1 / (1 / source + 1 / report.median(THROUGHPUT, name, frames, RAW));
        report.add(THROUGHPUT, name, frames, LIMIT, "fps", limit);
        measure(report, THROUGHPUT, name, frames, COMPILED, "fps", reps,
                () -> runs.benchmarkAppThroughput(blob.toString()));
        List<BenchRuns.DetectRun> detected = repeat(reps,
                () -> runs.detect(model, width, height, detectFrames, properties, null));
        report.add(THROUGHPUT, name, frames, OVDETECT, "fps", values(detected, BenchRuns.DetectRun::fps));
        report.add(HEAP, name, frames, "Java heap per frame, all threads", "bytes",
                values(detected, BenchRuns.DetectRun::heapBytesPerFrame));
        double detect = report.median(THROUGHPUT, name, frames, OVDETECT);
        report.add(RATIOS, name, frames, "ovdetect / combined limit", "ratio", detect / limit);
        for (String[] peer : PEERS) {
            int peerFrames = runs.framesFor(runs.pythonPeer(peer[0], model, width, height, 30));
            double peerFps = measure(report, THROUGHPUT, name, frames, peer[1], "fps", reps,
                    () -> runs.pythonPeer(peer[0], model, width, height, peerFrames));
            report.add(RATIOS, name, frames, "ovdetect / " + peer[1], "ratio", detect / peerFps);
        }
    }

    /**
     * Latency mode. ovgst's compiled model (exported by the first run, with the latency hint)
     * separates what the pre-processing at the frame's size costs inside OpenVINO from what the
     * element adds around it.
     */
    private static void measureLatency(BenchRuns runs, BenchReport report, String model, String name,
            List<int[]> sizes, int reps, Path outDir) {
        List<BenchRuns.Latencies> raw = repeat(reps, () -> runs.benchmarkAppLatency(model));
        int frames = runs.framesFor(30);
        for (int[] size : sizes) {
            String at = size[0] + "x" + size[1];
            Path blob = outDir.resolve(name + "-" + at + "-latency.blob");
            // The first run exports the model as compiled with the latency hint.
            List<BenchRuns.Latencies> inside = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                inside.add(runs.detectLatency(model, size[0], size[1], frames, r == 0 ? blob : null));
            }
            report.add(LATENCY, name, at, "ovdetect median", "ms", values(inside, BenchRuns.Latencies::medianMs));
            report.add(LATENCY, name, at, "ovdetect 99th percentile", "ms", values(inside, BenchRuns.Latencies::p99Ms));
            report.add(LATENCY, name, at, "benchmark_app raw model median", "ms",
                    values(raw, BenchRuns.Latencies::medianMs));
            report.add(LATENCY, name, at, "benchmark_app raw model 99th percentile", "ms",
                    values(raw, BenchRuns.Latencies::p99Ms));
            report.add(LATENCY, name, at, "benchmark_app ovgst's compiled model median", "ms",
                    values(repeat(reps, () -> runs.benchmarkAppMedian(blob.toString())), Double::doubleValue));
            double median = report.median(LATENCY, name, at, "ovdetect median");
            report.add(LATENCY, name, at, "added over the raw model", "ms",
                    median - report.median(LATENCY, name, at, "benchmark_app raw model median"));
            report.add(LATENCY, name, at, "added over ovgst's compiled model", "ms",
                    median - report.median(LATENCY, name, at, "benchmark_app ovgst's compiled model median"));
        }
    }

    private static void measureStreams(BenchRuns runs, BenchReport report, String model, String name, int reps) {
        double oneStream = report.median(THROUGHPUT, name, "640x480", OVDETECT);
        if (Double.isNaN(oneStream)) {
            oneStream = runs.detect(model, 640, 480, 60, "", null).fps();
        }
        double single = Double.NaN;
        for (int streams : STREAM_COUNTS) {
            String row = streams + (streams == 1 ? " stream" : " streams");
            int perStream = runs.framesFor(oneStream / streams);
            int count = streams;
            List<BenchRuns.StreamsRun> measured = repeat(reps, () -> runs.streams(model, count, 640, 480, perStream));
            report.add(STREAMS, name, row, "aggregate fps", "fps", values(measured, BenchRuns.StreamsRun::aggregateFps));
            report.add(STREAMS, name, row, "slowest stream fps", "fps",
                    values(measured, BenchRuns.StreamsRun::slowestStreamFps));
            report.add(STREAMS, name, row, "peak RSS MB", "MB", values(measured, BenchRuns.StreamsRun::peakRssMb));
            double median = report.median(STREAMS, name, row, "aggregate fps");
            if (streams == 1) {
                single = median;
            }
            report.add(STREAMS, name, row, "aggregate / one stream's", "ratio", median / single);
        }
    }

    /** Runs {@code run} {@code reps} times, adds the figure and returns its median. */
    private static double measure(BenchReport report, String section, String model, String size, String line,
            String unit, int reps, Supplier<Double> run) {
        report.add(section, model, size, line, unit, values(repeat(reps, run), Double::doubleValue));
        return report.median(section, model, size, line);
    }

    /** What {@code reps} runs of {@code run} measured, in order. */
    private static <T> List<T> repeat(int reps, Supplier<T> run) {
        List<T> measured = new ArrayList<>(reps);
        for (int r = 0; r < reps; r++) {
            measured.add(run.get());
        }
        return measured;
    }

    private static <T> double[] values(List<T> runs, ToDoubleFunction<T> figure) {
        return runs.stream().mapToDouble(figure).toArray();
    }

    /** {@code --streams-child STREAMS WIDTH HEIGHT FRAMES MODEL}: one streams run, for {@link BenchRuns#streams}. */
    private static int streamsChild(String[] args, PrintStream out) throws IOException {
        if (args.length != 6) {
            throw new UsageException("--streams-child takes STREAMS WIDTH HEIGHT FRAMES MODEL");
        }
        out.println(BenchRuns.streamsHere(args[5], Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), Integer.parseInt(args[4])).line());
        return 0;
    }

    private static List<int[]> parseSizes(String text) {
        List<int[]> sizes = new ArrayList<>();
        for (String size : text.split(",")) {
            String[] parts = size.strip().split("x");
            try {
                sizes.add(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
            } catch (RuntimeException e) {
                throw new UsageException("--sizes takes WIDTHxHEIGHT,... e.g. 640x480,1280x720; got '" + text + "'");
            }
        }
        return sizes;
    }

    private static int positive(String[] args, int index) {
        int value = Integer.parseInt(value(args, index));
        if (value < 1) {
            throw new UsageException(args[index - 1] + " takes a positive number, got " + value);
        }
        return value;
    }

    private static String value(String[] args, int index) {
        if (index >= args.length) {
            throw new UsageException(args[index - 1] + " needs a value");
        }
        return args[index];
    }
}
