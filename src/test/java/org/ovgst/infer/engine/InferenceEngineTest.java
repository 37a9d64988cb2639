package org.ovgst.infer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovgst.infer.detect.AnchorSsdConfig;
import org.ovgst.infer.detect.AnchorSsdDecoder;
import org.ovgst.infer.engine.EngineFrames.FaceOutputs;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.openvino.OpenVino;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.TestAssets;

/** The engine's semantics on the real face model: batches, markers, flush, back-pressure, formats, zero copy. */
@Timeout(120)
class InferenceEngineTest {
    private static final int WIDTH = 160;
    private static final int HEIGHT = 120;
    private static final FrameLayout BGR = FrameLayout.tight(PixelFormat.BGR, WIDTH, HEIGHT);
    /** The face in astronaut.png, by hand: left, top, right, bottom in pixels. */
    private static final double[] ASTRONAUT_FACE = {175, 75, 275, 180};

    private static Arena arena;
    /** Ten different 160x120 BGR frames and each one's outputs alone (batch 1, synchronous). */
    private static MemorySegment[] frames;
    private static FaceOutputs[] alone;

    @BeforeAll
    static void makeFrames() {
        arena = Arena.ofShared();
        frames = EngineFrames.photosThenPatterns(10, WIDTH, HEIGHT, arena);
        Recorder recorder = new Recorder();
        try (var engine = InferenceEngine.open(EngineFrames.faceSettings().withAsync(false), BGR, recorder)) {
            for (int i = 0; i < frames.length; i++) {
                engine.submit(i, frames[i]);
            }
        }
        alone = new FaceOutputs[frames.length];
        recorder.outputs.forEach((tag, outputs) -> alone[tag] = outputs);
        assertTrue(Arrays.stream(alone).allMatch(java.util.Objects::nonNull), "every frame ran alone");
    }

    @AfterAll
    static void freeFrames() {
        arena.close();
    }

    @AfterEach
    void noNativeHandlesLeft() {
        assertEquals(Map.of(), OpenVino.liveHandles(), "native handles after close");
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {true, false})
    void aPartialBatchRunsAtDrain(boolean async) {
        Recorder recorder = new Recorder();
        var settings = EngineFrames.faceSettings().withBatchSize(8).withNireq(2).withAsync(async);
        try (var engine = InferenceEngine.open(settings, BGR, recorder)) {
            for (int i = 0; i < 10; i++) {
                assertTrue(engine.submit(i, frames[i]));
            }
            // The first batch of 8 ran; the last two wait for more frames, or for the end of the stream.
            assertTrue(engine.drain());
            assertEquals(List.of("d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9"), recorder.events);
            for (int i = 0; i < 10; i++) {
                assertEquals(i % 8, recorder.slots.get(i), "slot of frame " + i);
                assertEquals(0, recorder.outputs.get(i).maxDifference(alone[i]), "frame " + i + " vs alone");
            }
            assertTrue(engine.drain(), "a second drain has nothing to do");
        }
        assertEquals(10, recorder.events.size());
    }

    /**
     * A live stream's frames must not wait for frames that do not come: with a batch wait, a
     * partial batch runs once its first frame has waited that long, exactly as a full one would, and
     * the frames after it fill the next batch from its first place.
     */
    @Test
    void aPartialBatchRunsAfterItsBatchWait() throws Exception {
        Recorder recorder = new Recorder();
        var settings = EngineFrames.faceSettings().withBatchSize(4).withNireq(2);
        long wait = 150_000_000L;
        try (var engine = InferenceEngine.open(settings, BGR, recorder)) {
            assertTrue(engine.submit(0, frames[0]));
            assertTrue(engine.submit(1, frames[1]));
            Thread.sleep(400);
            assertEquals(List.of(), recorder.events, "without a batch wait, the batch waits for two more frames");
            long start = System.nanoTime();
            engine.setBatchWait(wait);
            awaitEvents(recorder, 2);
            assertTrue(System.nanoTime() - start < wait, "already past its wait: runs at once");
            assertTrue(engine.submit(2, frames[2]));
            start = System.nanoTime();
            awaitEvents(recorder, 3);
            long waited = System.nanoTime() - start;
            assertTrue(waited >= wait - 5_000_000L && waited < wait + 1_000_000_000L, "ran after " + waited / 1e6
                    + " ms for a batch wait of " + wait / 1e6);
            for (int i = 3; i < 7; i++) {
                assertTrue(engine.submit(i, frames[i]));
            }
            awaitEvents(recorder, 7);
        }
        assertEquals(List.of("d0", "d1", "d2", "d3", "d4", "d5", "d6"), recorder.events);
        List<Integer> expectedSlots = List.of(0, 1, 0, 0, 1, 2, 3);
        for (int i = 0; i < 7; i++) {
            assertEquals(expectedSlots.get(i), recorder.slots.get(i), "slot of frame " + i);
            assertEquals(0, recorder.outputs.get(i).maxDifference(alone[i]), "frame " + i + " vs alone");
        }
    }

    private static void awaitEvents(Recorder recorder, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (recorder.events.size() < count) {
            assertTrue(System.nanoTime() < deadline, "events so far: " + recorder.events);
            Thread.sleep(1);
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {true, false})
    void markersComeOutInOrderAmongFrames(boolean async) {
        Recorder recorder = new Recorder();
        var settings = EngineFrames.faceSettings().withBatchSize(3).withNireq(2).withAsync(async);
        List<String> expected = new ArrayList<>();
        try (var engine = InferenceEngine.open(settings, BGR, recorder)) {
            // Markers before, between, inside and after batches of 3, and several in a row.
            String script = "MFFMFMMFFFFMFFMM";
            for (int i = 0; i < script.length(); i++) {
                if (script.charAt(i) == 'M') {
                    engine.submitMarker(100 + i);
                    expected.add("m" + (100 + i));
                } else {
                    assertTrue(engine.submit(i, frames[i % frames.length]));
                    expected.add("d" + i);
                }
            }
            assertTrue(engine.drain());
        }
        assertEquals(expected, recorder.events);
    }

    /**
     * Frame 0's delivery blocks; the pool is full; flush starts while it blocks. Frame 0 was being
     * delivered before flush began, so it is delivered; everything after is discarded, not delivered.
     */
    @ParameterizedTest(name = "batch-size={0}")
    @ValueSource(ints = {1, 2})
    void flushDiscardsEverythingQueuedAndInFlight(int batch) throws Exception {
        Recorder recorder = new Recorder();
        recorder.blockAt(0);
        var settings = EngineFrames.faceSettings().withBatchSize(batch).withNireq(2);
        try (var engine = InferenceEngine.open(settings, BGR, recorder)) {
            int capacity = 2 * batch;
            for (int i = 0; i < capacity; i++) {
                assertTrue(engine.submit(i, frames[i]), "frame " + i);
            }
            assertTrue(recorder.blocked.await(10, TimeUnit.SECONDS), "frame 0 is being delivered");
            engine.submitMarker(100);
            Thread flusher = Thread.ofPlatform().start(engine::flush);
            awaitWaiting(flusher);
            recorder.unblock();
            flusher.join(10_000);
            assertFalse(flusher.isAlive(), "flush returned");
            List<String> expected = new ArrayList<>(List.of("d0"));
            for (int i = 1; i < capacity; i++) {
                expected.add("x" + i);
            }
            expected.add("x100");
            assertEquals(expected, recorder.events);

            // A partial batch is dropped without running; then the engine works as before.
            recorder.events.clear();
            if (batch > 1) {
                assertTrue(engine.submit(50, frames[5]));
                engine.flush();
                assertEquals(List.of("x50"), recorder.events);
                recorder.events.clear();
            }
            for (int i = 0; i < 5; i++) {
                assertTrue(engine.submit(i, frames[i]));
            }
            assertTrue(engine.drain());
            assertEquals(List.of("d0", "d1", "d2", "d3", "d4"), recorder.events);
            for (int i = 0; i < 5; i++) {
                assertEquals(0, recorder.outputs.get(i).maxDifference(alone[i]), "frame " + i + " after flush");
            }
        }
    }

    @Test
    void flushOfAStreamInFullFlowAccountsForEveryFrame() {
        Recorder recorder = new Recorder();
        var settings = EngineFrames.faceSettings().withBatchSize(3).withNireq(4);
        int submitted = 0;
        try (var engine = InferenceEngine.open(settings, BGR, recorder)) {
            for (int i = 0; i < 200; i++) {
                assertTrue(engine.submit(i, frames[i % frames.length]));
                submitted++;
            }
            engine.flush();
            int delivered = (int) recorder.events.stream().filter(e -> e.startsWith("d")).count();
            int discarded = (int) recorder.events.stream().filter(e -> e.startsWith("x")).count();
            assertEquals(submitted, delivered + discarded, recorder.events.toString());
            assertTrue(discarded > 0, "something was still queued");
            // Delivered frames are a prefix, discarded ones the rest: nothing delivered after a discard.
            for (int i = 0; i < recorder.events.size(); i++) {
                assertEquals((i < delivered ? "d" : "x") + i, recorder.events.get(i));
            }
        }
    }

    @Test
    void submitWaitsForAFreeRequestAndReleaseWakesIt() throws Exception {
        Recorder recorder = new Recorder();
        recorder.blockAt(0);
        var settings = EngineFrames.faceSettings().withNireq(1);
        try (var engine = InferenceEngine.open(settings, BGR, recorder)) {
            assertTrue(engine.submit(0, frames[0]));
            assertTrue(recorder.blocked.await(10, TimeUnit.SECONDS));
            // The only request is held by the blocked delivery: the next submit waits...
            AtomicReference<Boolean> accepted = new AtomicReference<>();
            Thread submitter = Thread.ofPlatform().start(() -> accepted.set(engine.submit(1, frames[1])));
            awaitWaiting(submitter);
            Thread.sleep(200);
            assertTrue(submitter.isAlive(), "submit still waits");
            assertNull(accepted.get());
            // ...until release(), which refuses the frame at once.
            engine.release();
            submitter.join(5_000);
            assertFalse(submitter.isAlive(), "release woke submit");
            assertEquals(false, accepted.get());
            // While released, submit and drain do not wait at all.
            long start = System.nanoTime();
            assertFalse(engine.submit(2, frames[2]));
            assertFalse(engine.drain());
            assertTrue(System.nanoTime() - start < 1_000_000_000L);
            assertEquals(2, engine.stats().refused());
            // A drain waiting for the blocked delivery is released too.
            engine.rearm();
            AtomicReference<Boolean> drained = new AtomicReference<>();
            Thread drainer = Thread.ofPlatform().start(() -> drained.set(engine.drain()));
            awaitWaiting(drainer);
            engine.release();
            drainer.join(5_000);
            assertEquals(false, drained.get());

            recorder.unblock();
            engine.rearm();
            assertTrue(engine.drain());
            assertTrue(engine.submit(3, frames[3]));
            assertTrue(engine.drain());
            assertEquals(List.of("d0", "d3"), recorder.events);
        }
    }

    /** The astronaut at 512x512 in every format finds the face where BGR does; padded rows change nothing. */
    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = "GRAY8", mode = EnumSource.Mode.EXCLUDE)
    void everyPixelFormatFindsTheFace(PixelFormat format) {
        BgrImage astronaut = TestAssets.readBgr(TestAssets.image("astronaut.png"));
        int w = astronaut.width();
        int h = astronaut.height();
        Detection bgrFace = detectOne(astronaut, PixelFormat.BGR, 0);
        for (int padding : new int[] {0, 64}) {
            FaceOutputs[] tightAndPadded = new FaceOutputs[1];
            Detection face = detectOne(astronaut, format, padding, tightAndPadded);
            double[] box = {face.xMin() * w, face.yMin() * h, face.xMax() * w, face.yMax() * h};
            double[] bgrBox = {bgrFace.xMin() * w, bgrFace.yMin() * h, bgrFace.xMax() * w, bgrFace.yMax() * h};
            System.out.printf("%s padding %d: face %.1f %.1f %.1f %.1f score %.4f (BGR %.1f %.1f %.1f %.1f %.4f)%n",
                    format, padding, box[0], box[1], box[2], box[3], face.confidence(), bgrBox[0], bgrBox[1], bgrBox[2],
                    bgrBox[3], bgrFace.confidence());
            for (int i = 0; i < 4; i++) {
                assertEquals(bgrBox[i], box[i], 3.0, format + " edge " + i + ": " + Arrays.toString(box));
                assertEquals(ASTRONAUT_FACE[i], box[i], 0.1 * w, format + " edge " + i);
            }
            assertEquals(bgrFace.confidence(), face.confidence(), 0.02, format + " score");
        }
        // The padded frame (copied row by row) gives exactly what the tight one (in place) gives.
        FaceOutputs[] tight = new FaceOutputs[1];
        FaceOutputs[] padded = new FaceOutputs[1];
        detectOne(astronaut, format, 0, tight);
        detectOne(astronaut, format, 64, padded);
        assertEquals(0, tight[0].maxDifference(padded[0]), "padded vs tight " + format);
    }

    private static Detection detectOne(BgrImage image, PixelFormat format, int padding) {
        return detectOne(image, format, padding, new FaceOutputs[1]);
    }

    /** One frame through a batch-1 engine; checks which input path it took. */
    private static Detection detectOne(BgrImage image, PixelFormat format, int padding, FaceOutputs[] outputs) {
        Recorder recorder = new Recorder();
        FrameLayout layout = EngineFrames.padded(format, image.width(), image.height(), padding);
        try (Arena frameArena = Arena.ofConfined();
                var engine = InferenceEngine.open(EngineFrames.faceSettings(), layout, recorder)) {
            MemorySegment tight = EngineFrames.convert(image, format, frameArena);
            MemorySegment frame = padding == 0 ? tight : EngineFrames.relayout(tight, layout, frameArena);
            assertEquals(padding == 0, layout.isTight());
            assertTrue(engine.submit(0, frame));
            assertTrue(engine.drain());
            assertEquals(padding == 0 ? 1 : 0, engine.stats().framesZeroCopy(), "zero copy");
        }
        outputs[0] = recorder.outputs.get(0);
        List<Detection> faces = outputs[0].decode(new AnchorSsdDecoder(EngineFrames.FACE, LabelMap.NONE));
        assertEquals(1, faces.size(), format + " padding " + padding + ": " + faces);
        return faces.getFirst();
    }

    /**
     * Frames at ever new addresses: the wrapped-tensor cache evicts tensors still set on requests in
     * flight, then gives up and copies. Every result is still the frame's own.
     */
    @Test
    void framesAtNewAddressesEvictWrappedTensorsThenCopy() {
        Recorder recorder = new Recorder();
        int count = 150;
        try (Arena frameArena = Arena.ofShared();
                var engine = InferenceEngine.open(EngineFrames.faceSettings().withNireq(4), BGR, recorder)) {
            assertTrue(engine.zeroCopy());
            for (int i = 0; i < count; i++) {
                MemorySegment copy = frameArena.allocate(frames[i % frames.length].byteSize());
                copy.copyFrom(frames[i % frames.length]);
                assertTrue(engine.submit(i, copy));
            }
            assertTrue(engine.drain());
            InferenceEngine.Stats stats = engine.stats();
            System.out.println("new addresses: " + stats);
            assertEquals(count, stats.framesZeroCopy() + stats.framesCopied());
            assertTrue(stats.tensorWraps() > 32 /* OpenVINO keeps 32 wrapped frames */, "evicted: " + stats);
            assertTrue(stats.framesCopied() > 0, "fell back to copying: " + stats);
            assertFalse(engine.zeroCopy());
        }
        assertEquals(count, recorder.events.size());
        for (int i = 0; i < count; i++) {
            assertEquals("d" + i, recorder.events.get(i));
            assertEquals(0, recorder.outputs.get(i).maxDifference(alone[i % frames.length]), "frame " + i);
        }
    }

    @Test
    void heapFramesAreCopied() {
        Recorder recorder = new Recorder();
        try (var engine = InferenceEngine.open(EngineFrames.faceSettings(), BGR, recorder)) {
            byte[] heap = frames[0].toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            assertTrue(engine.submit(0, MemorySegment.ofArray(heap)));
            assertTrue(engine.drain());
            assertEquals(1, engine.stats().framesCopied());
        }
        assertEquals(0, recorder.outputs.get(0).maxDifference(alone[0]));
    }

    @Test
    void aNewLayoutRecompilesAndAPaddedOneOnlyCopies() {
        Recorder recorder = new Recorder();
        BgrImage astronaut = TestAssets.readBgr(TestAssets.image("astronaut.png"));
        BgrImage big = astronaut.scaled(320, 240);
        try (Arena frameArena = Arena.ofConfined();
                var engine = InferenceEngine.open(EngineFrames.faceSettings().withNireq(2), BGR, recorder)) {
            assertTrue(engine.submit(0, frames[0]));
            engine.submitMarker(1);
            // Caps change: the frame and marker before it come out first.
            FrameLayout bigLayout = FrameLayout.tight(PixelFormat.BGR, 320, 240);
            engine.reconfigure(bigLayout);
            assertEquals(List.of("d0", "m1"), recorder.events);
            assertEquals(bigLayout, engine.layout());
            MemorySegment bigFrame = EngineFrames.convert(big, PixelFormat.BGR, frameArena);
            assertTrue(engine.submit(2, bigFrame));
            FrameLayout paddedLayout = EngineFrames.padded(PixelFormat.BGR, 320, 240, 32);
            engine.reconfigure(paddedLayout);
            assertTrue(engine.submit(3, EngineFrames.relayout(bigFrame, paddedLayout, frameArena)));
            FrameLayout nv12 = FrameLayout.tight(PixelFormat.NV12, 320, 240);
            engine.reconfigure(nv12);
            assertTrue(engine.submit(4, EngineFrames.convert(big, PixelFormat.NV12, frameArena)));
            assertTrue(engine.drain());
            assertEquals(List.of("d0", "m1", "d2", "d3", "d4"), recorder.events);
            // Tight frames 0, 2 and 4 (NV12) in place; the padded frame 3 copied.
            assertEquals(new InferenceEngine.Stats(3, 1, 3, 0), engine.stats());
        }
        var decoder = new AnchorSsdDecoder(EngineFrames.FACE, LabelMap.NONE);
        for (int tag : new int[] {0, 2, 3, 4}) {
            List<Detection> faces = recorder.outputs.get(tag).decode(decoder);
            assertEquals(1, faces.size(), "frame " + tag + ": " + faces);
            assertEquals(ASTRONAUT_FACE[0] / 512, faces.getFirst().xMin(), 0.05, "frame " + tag);
        }
        assertEquals(0, recorder.outputs.get(2).maxDifference(recorder.outputs.get(3)), "padded vs tight");
    }

    /** The IR model: NCHW found from its shape, dynamic batch set to 2, outputs [N, 896, values]. */
    @Test
    void irModelWithNchwLayoutAndRealBatchAxis() {
        AnchorSsdConfig ir = EngineFrames.FACE.withTensors("input", "output", "525",
                AnchorSsdConfig.BatchLayout.FRAME_MAJOR);
        var decoder = new AnchorSsdDecoder(ir, LabelMap.NONE);
        List<List<Detection>> found = Collections.synchronizedList(new ArrayList<>());
        var sink = new ResultSink<Integer>() {
            @Override
            public void deliver(Integer tag, InferenceResults results) {
                decoder.checkOutputShapes(results.shape("output"), results.shape("525"), results.batchSize());
                found.add(decoder.decode(results.output("output"), results.output("525"), results.batchSize(),
                        results.slot(), EngineFrames.FACE_THRESHOLD));
            }

            @Override
            public void discard(Integer tag) {}

            @Override
            public void fail(Integer tag, RuntimeException error) {
                throw error;
            }
        };
        var settings = EngineSettings.of(TestAssets.model("face_detection.xml"))
                .withNormalization(127.5f, 127.5f).withBatchSize(2);
        try (var engine = InferenceEngine.open(settings, BGR, sink)) {
            assertEquals(2, engine.outputs().getFirst().shape().get(0).size());
            for (int i = 0; i < 3; i++) {
                assertTrue(engine.submit(i, frames[i == 1 ? 0 : i]));
            }
            assertTrue(engine.drain());
        }
        assertEquals(3, found.size());
        for (int i : new int[] {0, 1}) {
            assertEquals(1, found.get(i).size(), "astronaut in slot " + i + ": " + found.get(i));
            assertTrue(found.get(i).getFirst().confidence() > 0.8);
        }
        List<Detection> tflite = alone[0].decode(new AnchorSsdDecoder(EngineFrames.FACE, LabelMap.NONE));
        assertEquals(tflite.getFirst().xMin(), found.get(0).getFirst().xMin(), 0.01, "IR vs TFLite");
    }

    @Test
    void aThrowingSinkIsReportedAndDeliveryGoesOn() {
        AtomicBoolean thrown = new AtomicBoolean();
        Recorder recorder = new Recorder() {
            @Override
            public void deliver(Integer tag, InferenceResults results) {
                super.deliver(tag, results);
                if (tag == 1 && thrown.compareAndSet(false, true)) {
                    throw new IllegalStateException("sink bug");
                }
            }
        };
        try (var engine = InferenceEngine.open(EngineFrames.faceSettings().withNireq(2), BGR, recorder)) {
            assertTrue(engine.submit(0, frames[0]));
            assertTrue(engine.submit(1, frames[1]));
            assertTrue(engine.drain());
            IllegalStateException reported = assertThrows(IllegalStateException.class,
                    () -> engine.submit(2, frames[2]));
            assertTrue(reported.getMessage().contains("sink bug"), reported.getMessage());
            assertTrue(engine.submit(2, frames[2]));
            assertTrue(engine.drain());
        }
        assertEquals(List.of("d0", "d1", "d2"), recorder.events);
    }

    @Test
    void drainFromTheSinkIsRefusedAndResultsDoNotOutliveTheCall() {
        AtomicReference<InferenceEngine<Integer>> self = new AtomicReference<>();
        AtomicReference<Throwable> fromSink = new AtomicReference<>();
        AtomicReference<InferenceResults> kept = new AtomicReference<>();
        Recorder recorder = new Recorder() {
            @Override
            public void deliver(Integer tag, InferenceResults results) {
                super.deliver(tag, results);
                kept.set(results);
                try {
                    self.get().drain();
                } catch (Throwable t) {
                    fromSink.set(t);
                }
            }
        };
        try (var engine = InferenceEngine.open(EngineFrames.faceSettings(), BGR, recorder)) {
            self.set(engine);
            assertTrue(engine.submit(0, frames[0]));
            assertTrue(engine.drain());
        }
        assertNotNull(fromSink.get());
        assertTrue(fromSink.get().getMessage().contains("cannot be called from the Sink"), fromSink.get().getMessage());
        assertThrows(IllegalStateException.class, () -> kept.get().output("regressors"));
    }

    @Test
    void closedEngineRefusesWork() {
        var engine = InferenceEngine.open(EngineFrames.faceSettings(), BGR, new Recorder());
        engine.close();
        engine.close();
        assertThrows(IllegalStateException.class, () -> engine.submit(0, frames[0]));
        assertThrows(IllegalStateException.class, () -> engine.submitMarker(0));
    }

    @Test
    void aFrameSmallerThanItsLayoutIsRefused() {
        try (var engine = InferenceEngine.open(EngineFrames.faceSettings(), BGR, new Recorder())) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> engine.submit(0, frames[0].asSlice(0, 1000)));
            assertTrue(error.getMessage().contains("needs " + WIDTH * HEIGHT * 3 + " bytes"), error.getMessage());
        }
    }

    @Test
    void resultsGiveShapesAndTypes() {
        AtomicReference<String> seen = new AtomicReference<>();
        Recorder recorder = new Recorder() {
            @Override
            public void deliver(Integer tag, InferenceResults results) {
                seen.set(Arrays.toString(results.shape("regressors")) + " " + results.elementType("classificators")
                        + " " + results.output(0).byteSize() + " " + results.output("classificators").isReadOnly());
            }
        };
        try (var engine = InferenceEngine.open(EngineFrames.faceSettings().withBatchSize(3), BGR, recorder)) {
            assertEquals("input", engine.inputName());
            // nireq 0: one more than the device's OPTIMAL_NUMBER_OF_INFER_REQUESTS (at least 1) under the THROUGHPUT hint.
            assertTrue(engine.nireq() >= 2, "nireq " + engine.nireq());
            System.out.println("nireq=0 gave " + engine.nireq() + " requests");
            assertEquals(3, engine.batchSize());
            assertTrue(engine.submit(0, frames[0]));
            assertTrue(engine.drain());
        }
        assertEquals("[1, 2688, 16] f32 " + 2688 * 16 * 4 + " true", seen.get());
    }

    /** Waits until {@code thread} blocks in the engine (WAITING), as a test's way to know it is parked. */
    static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(thread.isAlive(), "the thread ended instead of waiting");
            assertTrue(System.nanoTime() < deadline, "the thread does not wait: " + thread.getState());
            Thread.sleep(5);
        }
    }

    /** Records every call as "d7" (delivered), "m7" (marker), "x7" (discarded), "f7" (failed). */
    static class Recorder implements ResultSink<Integer> {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final Map<Integer, FaceOutputs> outputs = new ConcurrentHashMap<>();
        final Map<Integer, Integer> slots = new ConcurrentHashMap<>();
        final CountDownLatch blocked = new CountDownLatch(1);
        private final CountDownLatch gate = new CountDownLatch(1);
        private volatile int blockAt = -1;

        void blockAt(int tag) {
            blockAt = tag;
        }

        void unblock() {
            gate.countDown();
        }

        @Override
        public void deliver(Integer tag, InferenceResults results) {
            if (results == null) {
                events.add("m" + tag);
                return;
            }
            outputs.put(tag, FaceOutputs.of(results));
            slots.put(tag, results.slot());
            events.add("d" + tag);
            if (tag == blockAt) {
                blocked.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void discard(Integer tag) {
            events.add("x" + tag);
        }

        @Override
        public void fail(Integer tag, RuntimeException error) {
            events.add("f" + tag + " " + error);
        }
    }
}
