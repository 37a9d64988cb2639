package org.ovgst.gst.meta;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.FunctionDescriptor;
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
import org.ovgst.ffm.NativeFunction;
import org.ovgst.gst.Scenes;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.infer.image.Detection;

/**
 * Detections on a GstBuffer as {@code GstVideoRegionOfInterestMeta} with their {@code detection}
 * structure ({@link RoiMeta}), on a 640x480 frame: {@link #attach} is what ovdetect does to each
 * frame (a new empty buffer each time, so {@code detections=0} is the buffer's own cost);
 * {@link #read} is what ovwatermark and ovmetapublish do to each frame first.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class RoiMetaBenchmark {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final NativeFunction BUFFER_NEW = GstLib.LIBRARY.function("gst_buffer_new", FunctionDescriptor.of(ADDRESS));

    @Param({"0", "5", "50"})
    int detections;

    private Detection[] toAttach;
    /** A buffer that already carries the detections, to read. */
    private MemorySegment carrying;

    @Setup
    public void setUp() throws Throwable {
        GstLib.ensureInitialized();
        toAttach = Scenes.detections(detections).toArray(Detection[]::new);
        carrying = (MemorySegment) BUFFER_NEW.handle().invokeExact();
        int regionId = 0;
        for (Detection detection : toAttach) {
            RoiMeta.add(carrying, detection, WIDTH, HEIGHT, ++regionId);
        }
        if (RoiMeta.read(carrying).size() != detections) {
            throw new IllegalStateException("the regions did not read back");
        }
    }

    @TearDown
    public void tearDown() throws Throwable {
        Gst.miniObjectUnref(carrying);
    }

    @Benchmark
    public void attach() throws Throwable {
        MemorySegment buffer = (MemorySegment) BUFFER_NEW.handle().invokeExact();
        int regionId = 0;
        for (Detection detection : toAttach) {
            RoiMeta.add(buffer, detection, WIDTH, HEIGHT, ++regionId);
        }
        Gst.miniObjectUnref(buffer);
    }

    @Benchmark
    public List<Region> read() {
        return RoiMeta.read(carrying);
    }
}
