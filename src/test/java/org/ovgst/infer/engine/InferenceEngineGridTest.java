package org.ovgst.infer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovgst.infer.detect.AnchorSsdDecoder;
import org.ovgst.infer.engine.EngineFrames.FaceOutputs;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.openvino.OpenVino;
import org.ovgst.testing.BgrImage;

/**
 * Order and loss over the whole grid nireq x batch-size x async: 997 frames in give exactly 997
 * deliveries, in order, each frame's outputs equal to that frame run alone at batch 1.
 */
class InferenceEngineGridTest {
    static final int FRAMES = 997;
    static final int WIDTH = 160;
    static final int HEIGHT = 120;
    /** Largest difference allowed between a frame's outputs in a batch and alone. */
    static final float TOLERANCE = 1e-5f;
    /**
     * Thirteen different frames (a prime, so that frame i and the frames in flight around it differ):
     * five photographs and eight patterns. Frame i of the stream is base i % 13, from the same memory.
     */
    static final String[] PHOTOS = {"astronaut.png", "camera.png", "chelsea.png", "coffee.png", "person.jpg"};
    static final int BASES = 13;

    private static Arena arena;
    private static MemorySegment[] bases;
    private static FaceOutputs[] alone;
    private static List<Detection> astronautAlone;
    private static long started;

    @BeforeAll
    static void frames() {
        started = System.nanoTime();
        arena = Arena.ofShared();
        bases = new MemorySegment[BASES];
        for (int i = 0; i < BASES; i++) {
            BgrImage image = i < PHOTOS.length ? EngineFrames.photo(PHOTOS[i], WIDTH, HEIGHT)
                    : EngineFrames.pattern(i - PHOTOS.length, WIDTH, HEIGHT);
            bases[i] = EngineFrames.convert(image, PixelFormat.BGR, arena);
        }
        // Each base alone: batch 1, synchronous, one request.
        alone = new FaceOutputs[BASES];
        var settings = EngineFrames.faceSettings().withAsync(false);
        try (var engine = InferenceEngine.<Integer>open(settings, FrameLayout.tight(PixelFormat.BGR, WIDTH, HEIGHT),
                new ResultSink<>() {
                    @Override
                    public void deliver(Integer tag, InferenceResults results) {
                        alone[tag] = FaceOutputs.of(results);
                    }

                    @Override
                    public void discard(Integer tag) {}

                    @Override
                    public void fail(Integer tag, RuntimeException error) {
                        throw error;
                    }
                })) {
            for (int i = 0; i < BASES; i++) {
                assertTrue(engine.submit(i, bases[i]));
            }
            assertTrue(engine.drain());
        }
        astronautAlone = alone[0].decode(new AnchorSsdDecoder(EngineFrames.FACE, LabelMap.NONE));
        assertEquals(1, astronautAlone.size(), "the astronaut's face alone: " + astronautAlone);
        assertTrue(astronautAlone.getFirst().confidence() > 0.8, "the astronaut's face: " + astronautAlone);
    }

    @AfterAll
    static void freeFrames() {
        arena.close();
        System.out.printf("grid: %d configurations of %d frames in %.1f s%n", grid().count(), FRAMES,
                (System.nanoTime() - started) / 1e9);
    }

    static Stream<Arguments> grid() {
        List<Arguments> grid = new ArrayList<>();
        for (int nireq : new int[] {1, 2, 4, 7}) {
            for (int batch : new int[] {1, 3, 8}) {
                for (boolean async : new boolean[] {true, false}) {
                    grid.add(Arguments.of(nireq, batch, async));
                }
            }
        }
        return grid.stream();
    }

    @ParameterizedTest(name = "nireq={0} batch-size={1} async={2}")
    @MethodSource("grid")
    void everyFrameOnceInOrderWithItsOwnResult(int nireq, int batch, boolean async) {
        long start = System.nanoTime();
        var decoder = new AnchorSsdDecoder(EngineFrames.FACE, LabelMap.NONE);
        List<Integer> delivered = new ArrayList<>();
        List<Integer> batchSizes = new ArrayList<>();
        float[] worst = new float[1];
        int[] worstFrame = {-1};
        List<String> problems = new ArrayList<>();
        var sink = new ResultSink<Integer>() {
            @Override
            public void deliver(Integer tag, InferenceResults results) {
                delivered.add(tag);
                if (results == null) {
                    problems.add("frame " + tag + " came without results");
                    return;
                }
                batchSizes.add(results.batchSize());
                long[] shape = results.shape(EngineFrames.FACE.boxes().name());
                if (!java.util.Arrays.equals(shape, new long[] {1, 896L * batch, 16})) {
                    problems.add("frame " + tag + ": regressors of shape " + java.util.Arrays.toString(shape));
                }
                FaceOutputs outputs = FaceOutputs.of(results);
                float difference = outputs.maxDifference(alone[tag % BASES]);
                if (difference > worst[0]) {
                    worst[0] = difference;
                    worstFrame[0] = tag;
                }
                if (tag % BASES == 0 && tag % 5 == 0) {
                    // The astronaut, decoded: the same face, box and score as alone.
                    List<Detection> faces = outputs.decode(decoder);
                    if (faces.size() != 1) {
                        problems.add("frame " + tag + ": " + faces);
                    } else {
                        Detection face = faces.getFirst();
                        Detection expected = astronautAlone.getFirst();
                        float boxDifference = Math.max(Math.max(Math.abs(face.xMin() - expected.xMin()),
                                Math.abs(face.yMin() - expected.yMin())), Math.max(
                                Math.abs(face.xMax() - expected.xMax()), Math.abs(face.yMax() - expected.yMax())));
                        if (Math.abs(face.confidence() - expected.confidence()) > TOLERANCE
                                || boxDifference > TOLERANCE) {
                            problems.add("frame " + tag + ": " + face + " vs alone " + expected);
                        }
                    }
                }
            }

            @Override
            public void discard(Integer tag) {
                problems.add("frame " + tag + " discarded");
            }

            @Override
            public void fail(Integer tag, RuntimeException error) {
                problems.add("frame " + tag + " failed: " + error);
            }
        };
        var settings = EngineFrames.faceSettings().withNireq(nireq).withBatchSize(batch).withAsync(async);
        try (var engine = InferenceEngine.open(settings, FrameLayout.tight(PixelFormat.BGR, WIDTH, HEIGHT), sink)) {
            assertEquals(async ? nireq : 1, engine.nireq());
            for (int frame = 0; frame < FRAMES; frame++) {
                assertTrue(engine.submit(frame, bases[frame % BASES]), "frame " + frame + " refused");
            }
            assertTrue(engine.drain(), "drain");
            if (batch == 1) {
                // Tight BGR frames from 13 addresses: in place, 13 wrapped tensors.
                assertEquals(new InferenceEngine.Stats(FRAMES, 0, BASES, 0), engine.stats());
            } else {
                assertEquals(new InferenceEngine.Stats(0, FRAMES, 0, 0), engine.stats());
            }
        }
        assertEquals(Map.of(), OpenVino.liveHandles(), "native handles after close");
        assertEquals(List.of(), problems);
        assertEquals(FRAMES, delivered.size());
        for (int i = 0; i < FRAMES; i++) {
            assertEquals(i, delivered.get(i), "delivery " + i);
        }
        assertTrue(batchSizes.stream().allMatch(b -> b == batch), "batch sizes " + batchSizes.stream().distinct().toList());
        assertTrue(worst[0] <= TOLERANCE, "frame " + worstFrame[0] + " differs from the same frame alone by "
                + worst[0]);
        System.out.printf("nireq=%d batch-size=%d async=%s: %d frames in %d ms, largest difference from alone %.2e%n",
                nireq, batch, async, FRAMES, (System.nanoTime() - start) / 1_000_000, worst[0]);
    }
}
