package org.ovgst.infer.image;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.ovgst.infer.classify.CropResizer;
import org.ovgst.infer.model.ImageOutput;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * The per-frame Java work of ovprocess and ovclassify: a 2x model's 512x512 NCHW output written as
 * RGB pixels ({@link OutputPixels}); a 256x256 mask put as alpha into a 640x480 BGR frame
 * ({@link MaskAlpha}); a 300x200 region of a 640x480 BGR frame cut and resized to 224x224
 * ({@link CropResizer}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class FrameMakingBenchmark {
    private static final long[] IMAGE_SHAPE = {1, 3, 512, 512};
    private static final long[] MASK_SHAPE = {1, 256, 256, 1};
    private static final int[] RGB = {0, 1, 2};
    private static final int[] BGRA = {0, 1, 2, MaskAlpha.ALPHA};

    private Arena arena;
    private MemorySegment image;
    private MemorySegment mask;
    private MemorySegment frame;
    private MemorySegment out;
    private MemorySegment crop;
    private FrameLayout bgr;
    private OutputPixels pixels;
    private MaskAlpha alpha;
    private final CropResizer cropResizer = new CropResizer();

    @Setup
    public void setUp() {
        arena = Arena.ofConfined();
        image = arena.allocate(3L * 512 * 512 * Float.BYTES);
        for (long i = 0; i < 3L * 512 * 512; i++) {
            image.setAtIndex(JAVA_FLOAT, i, (i % 997) / 997f);
        }
        mask = arena.allocate(256L * 256 * Float.BYTES);
        for (long i = 0; i < 256L * 256; i++) {
            mask.setAtIndex(JAVA_FLOAT, i, (i % 256) / 16f - 8);
        }
        bgr = FrameLayout.packed(PixelFormat.BGR, 640, 480);
        frame = arena.allocate(bgr.size());
        frame.fill((byte) 90);
        out = arena.allocate(640L * 480 * 4 + 512L * 512 * 3);
        crop = arena.allocate(224L * 224 * 3);
        pixels = new OutputPixels(imageOutput(new PortInfo(0, "y", org.ovgst.tensor.ElementType.F32,
                PartialShape.of(IMAGE_SHAPE))), false, 255, 0);
        alpha = new MaskAlpha(new OutputPixels(imageOutput(new PortInfo(0, "mask",
                org.ovgst.tensor.ElementType.F32, PartialShape.of(MASK_SHAPE))), true, 255, 0));
    }

    private static ImageOutput imageOutput(PortInfo port) {
        return ImageOutput.find(List.of(port), port.name(), "benchmark");
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment outputPixels512() {
        pixels.write(image, IMAGE_SHAPE, 0, 0, out, 0, 512 * 3, RGB);
        return out;
    }

    @Benchmark
    public MemorySegment maskAsAlpha640x480() {
        alpha.take(mask, MASK_SHAPE, 0, 0, 640, 480);
        alpha.blend(frame, bgr, out, 0, 640 * 4, BGRA);
        return out;
    }

    @Benchmark
    public void cropResize224(Blackhole sink) {
        cropResizer.resize(frame, bgr, 170, 140, 300, 200, crop, 224, 224);
        sink.consume(crop);
    }
}
