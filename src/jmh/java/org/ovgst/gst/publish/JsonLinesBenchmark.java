package org.ovgst.gst.publish;

import java.io.IOException;
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

/**
 * ovmetapublish's line for a 640x480 frame: {@link #format} is {@link JsonLines} alone, into the
 * builder reused from frame to frame; {@link #publish} is what the element does with the regions it
 * read (the frame's record, its line, and the line written by {@link LineOutput}, here to
 * /dev/null).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class JsonLinesBenchmark {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;

    @Param({"0", "5", "50"})
    int detections;

    private List<Region> regions;
    private FrameMeta frame;
    private final StringBuilder line = new StringBuilder(256);
    private LineOutput output;
    private long index;

    @Setup
    public void setUp() throws IOException {
        regions = Scenes.regions(detections, WIDTH, HEIGHT);
        frame = new FrameMeta(1234, 41_166_666_666L, WIDTH, HEIGHT, regions);
        output = LineOutput.open("/dev/null");
    }

    @TearDown
    public void tearDown() throws IOException {
        output.close();
    }

    @Benchmark
    public StringBuilder format() {
        line.setLength(0);
        return JsonLines.append(line, frame);
    }

    @Benchmark
    public void publish() throws IOException {
        long frameIndex = index++;
        line.setLength(0);
        JsonLines.append(line, new FrameMeta(frameIndex, frameIndex * 33_333_333L, WIDTH, HEIGHT, regions));
        output.write(line);
    }
}
