package org.ovgst.infer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.engine.EngineFrames.FaceOutputs;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.openvino.OpenVino;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.TestAssets;

/** Engines sharing one model instance ({@code model-instance-id}) on the real face model. */
@Timeout(120)
class SharedModelTest {
    private static final int WIDTH = 160;
    private static final int HEIGHT = 120;
    private static final FrameLayout BGR = FrameLayout.tight(PixelFormat.BGR, WIDTH, HEIGHT);

    private static Arena arena;
    private static MemorySegment[] frames;
    /** Each frame's outputs from an engine of its own (batch 1, synchronous). */
    private static FaceOutputs[] alone;

    @BeforeAll
    static void makeFrames() {
        arena = Arena.ofShared();
        frames = EngineFrames.photosThenPatterns(8, WIDTH, HEIGHT, arena);
        alone = new FaceOutputs[frames.length];
        Stream own = new Stream();
        try (var engine = InferenceEngine.open(EngineFrames.faceSettings().withAsync(false), BGR, own)) {
            for (int i = 0; i < frames.length; i++) {
                engine.submit(i, frames[i]);
            }
        }
        own.outputs.forEach((tag, outputs) -> alone[tag] = outputs);
    }

    @AfterAll
    static void freeFrames() {
        arena.close();
    }

    @AfterEach
    void noNativeHandlesLeft() {
        assertEquals(Map.of(), OpenVino.liveHandles(), "native handles after close");
    }

    @Test
    void fourStreamsShareOneCompiledModelAndKeepTheirOwnOrder() throws Exception {
        var settings = EngineFrames.faceSettings().withBatchSize(4).withNireq(2);
        List<Stream> streams = List.of(new Stream(), new Stream(), new Stream(), new Stream());
        List<InferenceEngine<Integer>> engines = new ArrayList<>();
        try {
            for (Stream stream : streams) {
                engines.add(InferenceEngine.open(settings, BGR, stream, "four"));
            }
            assertEquals(1L, OpenVino.liveHandles().get("CompiledModel"), "one compiled model for four streams");
            assertEquals(8L, OpenVino.liveHandles().get("InferRequest"), "each stream brings its nireq requests");
            // Four streaming threads, each submitting its own 30 frames, all at once.
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int s = 0; s < engines.size(); s++) {
                InferenceEngine<Integer> engine = engines.get(s);
                int offset = s;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 30; i++) {
                            assertTrue(engine.submit(i, frames[(i + offset) % frames.length]));
                        }
                        assertTrue(engine.drain());
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join(60_000);
                assertTrue(!thread.isAlive(), "a streaming thread is stuck");
            }
            assertEquals(List.of(), failures);
        } finally {
            engines.forEach(InferenceEngine::close);
        }
        for (int s = 0; s < streams.size(); s++) {
            Stream stream = streams.get(s);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                expected.add(i);
                assertEquals(0, stream.outputs.get(i).maxDifference(alone[(i + s) % frames.length]),
                        "stream " + s + " frame " + i + " vs its own engine");
            }
            assertEquals(expected, stream.delivered, "stream " + s + " in order");
        }
        assertEquals(Map.of(), OpenVino.liveHandles(), "the last engine freed the shared model");
    }

    @Test
    void framesOfTwoStreamsFillOneBatch() {
        var settings = EngineFrames.faceSettings().withBatchSize(2).withNireq(1);
        Stream a = new Stream();
        Stream b = new Stream();
        try (var first = InferenceEngine.open(settings, BGR, a, "pair");
                var second = InferenceEngine.open(settings, BGR, b, "pair")) {
            assertTrue(first.submit(0, frames[0]));
            // The batch of 2 is full with the other stream's frame: it runs without a drain.
            assertTrue(second.submit(0, frames[1]));
            assertTrue(first.drain());
            assertTrue(second.drain());
        }
        assertEquals(0, a.slots.get(0));
        assertEquals(1, b.slots.get(0));
        assertEquals(0, a.outputs.get(0).maxDifference(alone[0]));
        assertEquals(0, b.outputs.get(0).maxDifference(alone[1]));
    }

    @Test
    void aFlushDiscardsOnlyItsOwnFramesOfASharedBatch() {
        var settings = EngineFrames.faceSettings().withBatchSize(3).withNireq(1);
        Stream a = new Stream();
        Stream b = new Stream();
        try (var first = InferenceEngine.open(settings, BGR, a, "flush");
                var second = InferenceEngine.open(settings, BGR, b, "flush")) {
            assertTrue(first.submit(0, frames[0]));
            assertTrue(second.submit(0, frames[2]));
            first.flush();
            assertEquals(List.of(0), a.discarded, "the flushed stream's frame is discarded at once");
            assertTrue(second.submit(1, frames[3]));
            assertTrue(second.drain());
            assertEquals(List.of(0, 1), b.delivered, "the other stream's frames still run");
            assertEquals(0, b.outputs.get(1).maxDifference(alone[3]));
            assertTrue(first.submit(1, frames[1]));
            assertTrue(first.drain());
            assertEquals(List.of(1), a.delivered);
        }
    }

    /**
     * A stream whose downstream blocks (its sink waits, as a sink does before preroll) holds only its
     * own share of the requests: the other stream still runs, and the blocked one waits for itself.
     */
    @Test
    void aBlockedStreamDoesNotStarveTheOthers() throws Exception {
        var settings = EngineFrames.faceSettings().withNireq(1);
        java.util.concurrent.CountDownLatch inDelivery = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        Stream blocked = new Stream() {
            @Override
            public void deliver(Integer tag, InferenceResults results) {
                super.deliver(tag, results);
                inDelivery.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Stream free = new Stream();
        try (var first = InferenceEngine.open(settings, BGR, blocked, "fair");
                var second = InferenceEngine.open(settings, BGR, free, "fair")) {
            Thread submitter = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 3; i++) {
                    first.submit(i, frames[i]);
                }
            });
            assertTrue(inDelivery.await(10, java.util.concurrent.TimeUnit.SECONDS));
            InferenceEngineTest.awaitWaiting(submitter);
            for (int i = 0; i < 3; i++) {
                assertTrue(second.submit(i, frames[i]));
            }
            assertTrue(second.drain());
            assertEquals(List.of(0, 1, 2), free.delivered, "the other stream ran while the first was blocked");
            gate.countDown();
            submitter.join(10_000);
            assertTrue(first.drain());
            assertEquals(List.of(0, 1, 2), blocked.delivered);
        }
    }

    @Test
    void anotherModelOrASynchronousInstanceIsRefused() {
        var settings = EngineFrames.faceSettings();
        Path other = TestAssets.model("face_detection.xml");
        try (var first = InferenceEngine.open(settings, BGR, new Stream(), "taken")) {
            var error = assertThrows(InferenceException.class,
                    () -> InferenceEngine.open(settings.withModel(other), BGR, new Stream(), "taken"));
            assertTrue(error.getMessage().contains("model-instance-id 'taken' already runs")
                    && error.getMessage().contains("face_detection_short_range.tflite")
                    && error.getMessage().contains("face_detection.xml"), error.getMessage());
            var device = assertThrows(InferenceException.class,
                    () -> InferenceEngine.open(settings.withDevice("GPU"), BGR, new Stream(), "taken"));
            assertTrue(device.getMessage().contains("on CPU") && device.getMessage().contains("on GPU"),
                    device.getMessage());
        }
        try (var first = InferenceEngine.open(settings.withAsync(false), BGR, new Stream(), "sync")) {
            var error = assertThrows(InferenceException.class,
                    () -> InferenceEngine.open(settings, BGR, new Stream(), "sync"));
            assertTrue(error.getMessage().contains("async=false"), error.getMessage());
        }
    }

    @Test
    void streamsOfAnotherFrameSizeGetTheirOwnCompilation() {
        var settings = EngineFrames.faceSettings();
        FrameLayout big = FrameLayout.tight(PixelFormat.BGR, 320, 240);
        BgrImage photo = EngineFrames.photo("astronaut.png", 320, 240);
        MemorySegment bigFrame = EngineFrames.convert(photo, PixelFormat.BGR, arena);
        Stream small = new Stream();
        Stream large = new Stream();
        try (var first = InferenceEngine.open(settings, BGR, small, "sizes");
                var second = InferenceEngine.open(settings, big, large, "sizes")) {
            assertEquals(2L, OpenVino.liveHandles().get("CompiledModel"), "one compilation per frame size");
            assertTrue(first.submit(0, frames[0]));
            assertTrue(second.submit(0, bigFrame));
            assertTrue(first.drain());
            assertTrue(second.drain());
            second.reconfigure(BGR);
            assertEquals(1L, OpenVino.liveHandles().get("CompiledModel"), "the 320x240 compilation is freed");
            assertTrue(second.submit(1, frames[0]));
            assertTrue(second.drain());
        }
        assertEquals(0, large.outputs.get(1).maxDifference(alone[0]));
    }

    /** Records one engine's deliveries. */
    static class Stream implements ResultSink<Integer> {
        final List<Integer> delivered = new CopyOnWriteArrayList<>();
        final List<Integer> discarded = new CopyOnWriteArrayList<>();
        final Map<Integer, FaceOutputs> outputs = new ConcurrentHashMap<>();
        final Map<Integer, Integer> slots = new ConcurrentHashMap<>();

        @Override
        public void deliver(Integer tag, InferenceResults results) {
            outputs.put(tag, FaceOutputs.of(results));
            slots.put(tag, results.slot());
            delivered.add(tag);
        }

        @Override
        public void discard(Integer tag) {
            discarded.add(tag);
        }

        @Override
        public void fail(Integer tag, RuntimeException error) {
            throw error;
        }
    }
}
