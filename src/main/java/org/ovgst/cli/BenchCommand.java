package org.ovgst.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ovgst.gst.OvDetect;
import org.ovgst.gst.Pipeline;
import org.ovgst.infer.FrameLayout;
import org.ovgst.infer.EngineSettings;
import org.ovgst.infer.InferenceEngine;
import org.ovgst.infer.InferenceResults;
import org.ovgst.infer.ResultSink;
import org.ovgst.infer.PixelFormat;
import org.ovgst.openvino.OpenVino;

/**
 * {@code ovgst bench [--model M] [--frames N] [--width W --height H] [ovdetect properties...]}: the
 * frame rate of {@code videotestsrc ! ovdetect ! fakesink sync=false} beside OpenVINO's own
 * {@code benchmark_app -hint throughput} on the same model, measured in one run. With
 * {@code --soak [minutes]}: a live soak that watches memory instead ({@link SoakCommand}).
 */
final class BenchCommand {
    private static final Pattern THROUGHPUT = Pattern.compile("Throughput:\\s+([0-9.]+) FPS");

    private BenchCommand() {}

    static int run(String[] args, PrintStream out) throws IOException, InterruptedException {
        Path home = OpenVino.projectHome().orElse(Path.of("")).toAbsolutePath();
        String model = home.resolve("models/face_detection_short_range.tflite").toString();
        int frames = 2000;
        int width = 640;
        int height = 480;
        List<String> properties = new ArrayList<>();
        Double soakMinutes = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--soak" -> soakMinutes = i + 1 < args.length && args[i + 1].matches("[0-9.]+")
                        ? Double.parseDouble(args[++i]) : SoakCommand.DEFAULT_MINUTES;
                case "--model" -> model = value(args, ++i);
                case "--frames" -> frames = Integer.parseInt(value(args, ++i));
                case "--width" -> width = Integer.parseInt(value(args, ++i));
                case "--height" -> height = Integer.parseInt(value(args, ++i));
                default -> {
                    if (!args[i].contains("=")) {
                        throw new UsageException("unknown option '" + args[i] + "'; give --model, --frames, --width,"
                                + " --height, --soak [minutes] or ovdetect properties such as nireq=4 batch-size=2");
                    }
                    properties.add(args[i]);
                }
            }
        }
        if (soakMinutes != null) {
            return SoakCommand.run(home, model, width, height, properties, soakMinutes, out);
        }
        String source = "videotestsrc num-buffers=" + frames + " ! video/x-raw,format=BGR,width=" + width + ",height="
                + height;
        out.printf(Locale.ROOT, "%d frames of %dx%d BGR, model %s %s%n", frames, width, height, model,
                String.join(" ", properties));
        double sourceOnly = framesPerSecond(source + " ! fakesink sync=false", frames, false);
        double element = framesPerSecond(source + " ! ovdetect name=detect model=" + model + " "
                + String.join(" ", properties) + " ! fakesink sync=false", frames, true);
        double engine = engineAlone(Path.of(model), frames, width, height);
        out.printf(Locale.ROOT, "  videotestsrc ! fakesink                  %8.1f fps%n", sourceOnly);
        out.printf(Locale.ROOT, "  videotestsrc ! ovdetect ! fakesink       %8.1f fps%n", element);
        out.printf(Locale.ROOT, "  the engine alone, same pre-processing    %8.1f fps (no GStreamer; one frame in memory)%n",
                engine);
        out.printf(Locale.ROOT, "  ovdetect / engine alone                  %8.2f%n", element / engine);
        Double reference = benchmarkApp(home, model, out);
        if (reference != null) {
            out.printf(Locale.ROOT, "  benchmark_app -hint throughput          %8.1f fps (no resize or color conversion)%n",
                    reference);
            out.printf(Locale.ROOT, "  ovdetect / benchmark_app                 %8.2f%n", element / reference);
        }
        return 0;
    }

    private static String value(String[] args, int index) {
        if (index >= args.length) {
            throw new UsageException(args[index - 1] + " needs a value");
        }
        return args[index];
    }

    /**
     * Frames per second from the first frame out to the last (start-up excluded) when {@code timed}
     * names an ovdetect, else over the whole run.
     */
    private static double framesPerSecond(String description, int frames, boolean detect) {
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        AtomicLong count = new AtomicLong();
        long start = System.nanoTime();
        try (Pipeline pipeline = Pipeline.parse(description)) {
            if (detect) {
                pipeline.element("detect", OvDetect.class).addListener((frame, pts, detections) -> {
                    long now = System.nanoTime();
                    first.compareAndSet(0, now);
                    last.set(now);
                    count.incrementAndGet();
                });
            }
            Pipeline.Outcome outcome = pipeline.run(System.err::println);
            if (!outcome.ok()) {
                throw new IllegalStateException(outcome.errorSource() + ": " + outcome.errorMessage());
            }
        }
        if (detect && count.get() > 1) {
            return (count.get() - 1) / ((last.get() - first.get()) / 1e9);
        }
        return frames / ((System.nanoTime() - start) / 1e9);
    }

    /** ovdetect's engine with its default settings, fed one frame over and over: OpenVINO's share. */
    private static double engineAlone(Path model, int frames, int width, int height) {
        FrameLayout layout = FrameLayout.packed(PixelFormat.BGR, width, height);
        AtomicLong delivered = new AtomicLong();
        ResultSink<Integer> count = new ResultSink<>() {
            @Override
            public void deliver(Integer tag, InferenceResults results) {
                delivered.incrementAndGet();
            }

            @Override
            public void discard(Integer tag) {}

            @Override
            public void fail(Integer tag, RuntimeException error) {
                throw error;
            }
        };
        try (Arena arena = Arena.ofConfined();
                InferenceEngine<Integer> engine = InferenceEngine.open(EngineSettings.of(model)
                        .withNormalization(127.5f, 127.5f), layout, count)) {
            MemorySegment frame = arena.allocate(layout.size());
            long start = System.nanoTime();
            for (int i = 0; i < frames; i++) {
                engine.submit(i, frame);
            }
            engine.drain();
            return delivered.get() / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** OpenVINO's benchmark_app from the project venv, or null (with a note) when it cannot run. */
    private static Double benchmarkApp(Path home, String model, PrintStream out)
            throws IOException, InterruptedException {
        Path app = home.resolve(".venv/bin/benchmark_app");
        Process process = new ProcessBuilder(app.toString(), "-m", model, "-hint", "throughput", "-t", "10")
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher throughput = THROUGHPUT.matcher(text);
        if (process.waitFor() != 0 || !throughput.find()) {
            out.println("  benchmark_app did not report a throughput:\n" + text);
            return null;
        }
        return Double.parseDouble(throughput.group(1));
    }
}
