package org.ovgst.gst.overlay;

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
import org.ovgst.gst.Scenes;
import org.ovgst.gst.meta.Region;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;

/** ovwatermark's drawing: every region's box and label ({@link Watermark#draw}) on a 640x480 BGR frame in native memory. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class WatermarkBenchmark {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;

    @Param({"0", "5", "50"})
    int detections;

    private Arena arena;
    private MemorySegment frame;
    private Watermark watermark;
    private List<Region> regions;

    @Setup
    public void setUp() {
        FrameLayout layout = FrameLayout.packed(PixelFormat.BGR, WIDTH, HEIGHT);
        arena = Arena.ofConfined();
        frame = arena.allocate(layout.size());
        frame.fill((byte) 90);
        watermark = new Watermark(layout);
        regions = Scenes.regions(detections, WIDTH, HEIGHT);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment draw() {
        watermark.draw(frame, regions);
        return frame;
    }
}
