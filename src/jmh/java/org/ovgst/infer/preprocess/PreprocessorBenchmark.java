package org.ovgst.infer.preprocess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
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
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.infer.model.Normalization;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.ResizeAlgorithm;

/**
 * The Java pre-processing of one HD frame for a remote model: 1920x1080 frames of each format into a
 * 640x640 f32 NCHW input, linear resize, RGB, {@code / 255}, letterboxed (640x360 of the input
 * computed, the rest padding) or stretched.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class PreprocessorBenchmark {
    @Param({"NV12", "I420", "BGR", "BGRX"})
    public PixelFormat format;

    @Param({"false", "true"})
    public boolean letterbox;

    private Arena arena;
    private MemorySegment frame;
    private MemorySegment tensor;
    private Preprocessor preprocessor;

    @Setup
    public void setUp() {
        arena = Arena.ofConfined();
        FrameLayout layout = FrameLayout.packed(format, 1920, 1080);
        byte[] bytes = new byte[Math.toIntExact(layout.size())];
        new Random(1).nextBytes(bytes);
        frame = arena.allocate(bytes.length, 64);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, frame, 0, bytes.length);
        ModelInput input = new ModelInput(ElementType.F32, true, 640, 640, 3, ModelColor.RGB,
                Normalization.uniform(0, 255));
        tensor = arena.allocate(input.imageBytes(), 64);
        InputGeometry geometry = letterbox ? InputGeometry.letterbox(1920, 1080, 640, 640)
                : InputGeometry.stretch(1920, 1080, 640, 640);
        preprocessor = new Preprocessor(layout, input, geometry, ResizeAlgorithm.LINEAR, 114, null);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment write() {
        preprocessor.write(frame, tensor, 0);
        return tensor;
    }
}
