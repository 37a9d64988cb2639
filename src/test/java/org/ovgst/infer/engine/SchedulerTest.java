package org.ovgst.infer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.infer.model.ImageInput;
import org.ovgst.infer.model.ModelColor;

/**
 * The scheduler on {@link FakeBackend}: order, end of stream, flush, batching, back-pressure,
 * sharing a model instance and errors, deterministic and without OpenVINO. The same engine runs
 * OpenVINO in {@link InferenceEngineTest}, {@link SharedModelTest} and the others.
 */
@Timeout(20)
class SchedulerTest {
    private static final FrameLayout BGR = FrameLayout.tight(PixelFormat.BGR, 4, 2);
    private static final long FRAME_BYTES = BGR.extent();
    private static final EngineSettings SETTINGS = EngineSettings.of(Path.of("fake.model"));

    private Arena arena;
    private MemorySegment[] frames;
    private final List<InferenceEngine<Integer>> engines = new ArrayList<>();

    @BeforeEach
    void makeFrames() {
        arena = Arena.ofShared();
        frames = new MemorySegment[64];
        for (int t = 0; t < frames.length; t++) {
            frames[t] = arena.allocate(FRAME_BYTES);
            for (int i = 0; i < FRAME_BYTES; i++) {
                frames[t].set(ValueLayout.JAVA_BYTE, i, (byte) (i == 0 ? t : t * 7 + i * 13));
            }
        }
    }

    @AfterEach
    void closeAll() {
        engines.forEach(InferenceEngine::close);
        arena.close();
    }

    private InferenceEngine<Integer> open(EngineSettings settings, Sink sink, FakeBackend backend, String id) {
        InferenceEngine<Integer> engine = InferenceEngine.open(settings, BGR, sink, id, backend);
        engines.add(engine);
        return engine;
    }

    @Test
    void requestsCompletingOutOfOrderAreDeliveredInSubmissionOrder() throws Exception {
        FakeBackend backend = FakeBackend.manual();
        Sink sink = new Sink(frames);
        InferenceEngine<Integer> engine = open(SETTINGS.withNireq(3), sink, backend, null);
        for (int t = 0; t < 3; t++) {
            assertTrue(engine.submit(t, frames[t]));
        }
        backend.awaitInFlight(3);
        backend.complete(2);
        backend.complete(1);
        Thread.sleep(50);
        assertEquals(List.of(), sink.events(), "nothing before the first frame is done");
        backend.complete(0);
        assertTrue(engine.drain());
        assertEquals(List.of("d0", "d1", "d2"), sink.events());
        assertEquals(List.of(), sink.wrong, "outputs computed from each frame");
    }

    @Test
    void drainRunsThePartialBatchAndDeliversEverythingWithMarkersInOrder() {
        FakeBackend backend = FakeBackend.automatic();
        Sink sink = new Sink(frames);
        InferenceEngine<Integer> engine = open(SETTINGS.withBatchSize(4).withNireq(2), sink, backend, null);
        for (int t = 0; t < 6; t++) {
            assertTrue(engine.submit(t, frames[t]));
            if (t == 4) {
                engine.submitMarker(100);
            }
        }
        assertTrue(engine.drain());
        assertEquals(List.of("d0", "d1", "d2", "d3", "d4", "m100", "d5"), sink.events());
        assertEquals(2, backend.starts.get(), "a full batch, then the partial one at drain");
        assertEquals(List.of(0, 1, 2, 3, 0, 1), sink.slots);
        assertEquals(List.of(), sink.wrong);
    }

    @Test
    void aPartialBatchRunsAfterItsBatchWait() throws Exception {
        FakeBackend backend = FakeBackend.automatic();
        Sink sink = new Sink(frames);
        InferenceEngine<Integer> engine = open(SETTINGS.withBatchSize(4), sink, backend, null);
        engine.setBatchWait(TimeUnit.MILLISECONDS.toNanos(30));
        long start = System.nanoTime();
        assertTrue(engine.submit(0, frames[0]));
        assertTrue(engine.submit(1, frames[1]));
        sink.awaitEvents(2);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30), "not before its batch wait");
        assertEquals(List.of("d0", "d1"), sink.events());
        assertEquals(1, backend.starts.get());
        assertEquals(List.of(0, 1), sink.slots);
        assertEquals(List.of(), sink.wrong);
    }

    @Test
    void flushDiscardsThePartialBatchUnrunAndTheRequestsInFlightOnceTheyFinish() throws Exception {
        FakeBackend backend = FakeBackend.manual();
        Sink sink = new Sink(frames);
        InferenceEngine<Integer> engine = open(SETTINGS.withBatchSize(2).withNireq(2), sink, backend, null);
        for (int t = 0; t < 3; t++) {
            assertTrue(engine.submit(t, frames[t]));
        }
        engine.submitMarker(100);
        backend.awaitInFlight(1);
        CompletableFuture<Void> flush = CompletableFuture.runAsync(engine::flush);
        Thread.sleep(50);
        assertFalse(flush.isDone(), "flush waits for the request in flight");
        backend.complete(0);
        flush.get(5, TimeUnit.SECONDS);
        assertEquals(List.of("x0", "x1", "x2", "x100"), sink.events());
        assertEquals(1, backend.starts.get(), "the partial batch never ran");
        // The engine goes on after a flush.
        assertTrue(engine.submit(3, frames[3]));
        assertTrue(engine.submit(4, frames[4]));
        backend.awaitInFlight(1);
        backend.complete(0);
        assertTrue(engine.drain());
        assertEquals(List.of("x0", "x1", "x2", "x100", "d3", "d4"), sink.events());
    }

    @Test
    void submitWaitsWhileEveryRequestIsBusyAndReleaseRefuses() throws Exception {
        FakeBackend backend = FakeBackend.manual();
        Sink sink = new Sink(frames);
        InferenceEngine<Integer> engine = open(SETTINGS.withNireq(2), sink, backend, null);
        assertTrue(engine.submit(0, frames[0]));
        assertTrue(engine.submit(1, frames[1]));
        backend.awaitInFlight(2);
        CompletableFuture<Boolean> third = CompletableFuture.supplyAsync(() -> engine.submit(2, frames[2]));
        Thread.sleep(50);
        assertFalse(third.isDone(), "the third frame waits for a request (back-pressure)");
        backend.complete(0);
        assertTrue(third.get(5, TimeUnit.SECONDS));
        backend.awaitInFlight(2);
        CompletableFuture<Boolean> stalled = CompletableFuture.supplyAsync(() -> engine.submit(3, frames[3]));
        Thread.sleep(50);
        engine.release();
        assertFalse(stalled.get(5, TimeUnit.SECONDS), "released: refused, not blocked");
        assertEquals(1, engine.stats().refused());
        engine.rearm();
        backend.complete(0);
        backend.complete(0);
        assertTrue(engine.drain());
        assertEquals(List.of("d0", "d1", "d2"), sink.events());
    }

    @Test
    void aFailedRequestFailsOnlyItsFrames() {
        FakeBackend backend = FakeBackend.automatic().failWhen(first -> first == 2);
        Sink sink = new Sink(frames);
        InferenceEngine<Integer> engine = open(SETTINGS.withNireq(2), sink, backend, null);
        for (int t = 0; t < 4; t++) {
            assertTrue(engine.submit(t, frames[t]));
        }
        assertTrue(engine.drain());
        List<String> events = sink.events();
        assertEquals(List.of("d0", "d1", "f2", "d3"), events.stream().map(e -> e.split(" ")[0]).toList());
        assertTrue(sink.failures.get(0) instanceof InferenceException, sink.failures.toString());
        assertEquals("inference of fake.model on fake failed: the fake model failed",
                sink.failures.get(0).getMessage());
    }

    @Test
    void synchronousEnginesDeliverBeforeSubmitReturns() {
        FakeBackend backend = FakeBackend.manual();
        Sink sink = new Sink(frames);
        InferenceEngine<Integer> engine = open(SETTINGS.withAsync(false).withBatchSize(2), sink, backend, null);
        assertTrue(engine.submit(0, frames[0]));
        assertEquals(List.of(), sink.events());
        assertTrue(engine.submit(1, frames[1]));
        assertEquals(List.of("d0", "d1"), sink.events());
        assertTrue(engine.submit(2, frames[2]));
        assertTrue(engine.drain());
        assertEquals(List.of("d0", "d1", "d2"), sink.events());
        assertEquals(0, backend.starts.get(), "infer() runs on the caller's thread");
        assertEquals(1 + 2, backend.runs.get(), "the pool's first inference, then two batches");
        assertEquals(1, engine.nireq());
    }

    @Test
    void enginesOfOneModelInstanceShareItsBatchesAndKeepTheirOwnOrder() {
        FakeBackend backend = FakeBackend.automatic();
        Sink first = new Sink(frames);
        Sink second = new Sink(frames);
        EngineSettings settings = SETTINGS.withBatchSize(2).withNireq(2);
        InferenceEngine<Integer> a = open(settings, first, backend, "shared");
        InferenceEngine<Integer> b = open(settings, second, backend, "shared");
        assertEquals(1, backend.modelsRead.get(), "one read");
        assertEquals(1, backend.prepared.get(), "one prepared model for both");
        assertEquals(4, backend.requestsOpen.get(), "each engine brings its nireq");
        for (int t = 0; t < 10; t += 2) {
            assertTrue(a.submit(t, frames[t]));
            assertTrue(b.submit(t + 1, frames[t + 1]));
        }
        assertTrue(a.drain());
        assertTrue(b.drain());
        assertEquals(List.of("d0", "d2", "d4", "d6", "d8"), first.events());
        assertEquals(List.of("d1", "d3", "d5", "d7", "d9"), second.events());
        assertEquals(5, backend.starts.get(), "their frames fill the same batches");
        assertEquals(List.of(0, 0, 0, 0, 0), first.slots);
        assertEquals(List.of(1, 1, 1, 1, 1), second.slots);
        assertEquals(List.of(), first.wrong);
        assertEquals(List.of(), second.wrong);
        a.close();
        assertEquals(1, backend.modelsOpen.get(), "the model stays while an engine uses it");
        b.close();
        assertEquals(0, backend.modelsOpen.get());
        assertEquals(0, backend.prepared.get());
        assertEquals(0, backend.requestsOpen.get(), "every request freed");
    }

    @Test
    void aModelInstanceRefusesAnotherModel() {
        FakeBackend backend = FakeBackend.automatic();
        open(SETTINGS, new Sink(frames), backend, "one");
        InferenceException e = assertThrows(InferenceException.class,
                () -> open(SETTINGS.withModel(Path.of("other.model")), new Sink(frames), backend, "one"));
        assertTrue(e.getMessage().startsWith("model-instance-id 'one' already runs fake.model on CPU"), e.getMessage());
    }

    /**
     * What shapes the compiled model and its batches must be the same for every engine of an id: a
     * different batch size, configuration or pre-processing is refused by the name users set it with
     * (before, the first engine's won silently, and the second element reported the latency of a
     * batch it did not get). Each engine's nireq is its own.
     */
    @Test
    void aModelInstanceRefusesOtherBatchesConfigurationsAndPreprocessingByName() {
        FakeBackend backend = FakeBackend.automatic();
        InferenceEngine<Integer> first = open(SETTINGS.withBatchSize(2), new Sink(frames), backend, "one");
        record Other(String setting, String first, String asked, EngineSettings settings) {}
        EngineSettings same = SETTINGS.withBatchSize(2);
        for (Other other : List.of(new Other("batch-size", "2", "4", SETTINGS.withBatchSize(4)),
                new Other("config", "none", "NUM_STREAMS=2", same.withConfig(Map.of("NUM_STREAMS", "2"))),
                new Other("model-color", "RGB", "BGR", same.withModelColor(ModelColor.BGR)),
                new Other("center-crop", "0.0", "0.5", same.withCenterCrop(0.5)))) {
            InferenceException e = assertThrows(InferenceException.class,
                    () -> open(other.settings(), new Sink(frames), backend, "one"));
            assertEquals("model-instance-id 'one' already runs fake.model with " + other.setting() + " " + other.first()
                    + ", and this element asks for " + other.asked() + ": the elements of one model-instance-id share"
                    + " one compiled model and its batches, so give them the same " + other.setting()
                    + ", or another model-instance-id", e.getMessage());
        }
        InferenceEngine<Integer> second = open(SETTINGS.withBatchSize(2).withNireq(3), new Sink(frames), backend, "one");
        assertEquals(1, backend.modelsRead.get(), "one read; the refused ones read nothing");
        second.close();
        first.close();
        assertEquals(0, backend.modelsOpen.get());
    }

    @Test
    void aModelThatCannotBePreparedLeavesNothingOpen() {
        FakeBackend backend = FakeBackend.automatic();
        FrameLayout large = FrameLayout.tight(PixelFormat.BGR, 640, 480);
        InferenceException e = assertThrows(InferenceException.class,
                () -> InferenceEngine.open(SETTINGS, large, new Sink(frames), null, backend));
        assertTrue(e.getMessage().contains("up to 64x64"), e.getMessage());
        assertEquals(0, backend.modelsOpen.get());
    }

    @Test
    void framesAreGivenInPlaceOnlyWhenTheBackendCan() {
        Sink copied = new Sink(frames);
        InferenceEngine<Integer> copying = open(SETTINGS, copied, FakeBackend.automatic(), null);
        Sink placed = new Sink(frames);
        InferenceEngine<Integer> inPlace = open(SETTINGS, placed, FakeBackend.automatic().withInPlace(), null);
        for (int t = 0; t < 4; t++) {
            assertTrue(copying.submit(t, frames[t]));
            assertTrue(inPlace.submit(t, frames[t]));
        }
        assertTrue(copying.drain());
        assertTrue(inPlace.drain());
        assertFalse(copying.zeroCopy());
        assertEquals(new InferenceEngine.Stats(0, 4, 0, 0), copying.stats());
        assertTrue(inPlace.zeroCopy());
        assertEquals(new InferenceEngine.Stats(4, 0, 4, 0), inPlace.stats());
        assertEquals(copied.events(), placed.events());
        assertEquals(List.of(), copied.wrong);
        assertEquals(List.of(), placed.wrong);
        assertFalse(copying.canExportCompiledModel());
        assertThrows(UnsupportedOperationException.class, () -> copying.exportCompiledModel(Path.of("x.blob")));
    }

    @Test
    void whatAnElementChoosesFromComesFromTheBackend() {
        ModelDescription model = FakeBackend.automatic().describe(Path.of("fake.model"));
        ImageInput input = ImageInput.find(model.inputs(), null, null, "fake.model");
        assertEquals("frames", input.name());
        assertEquals("NHWC", input.layout());
        assertEquals(List.of(FakeBackend.OUTPUT), model.outputs().stream().map(p -> p.name()).toList());
    }

    /** Records what it gets and checks every frame's outputs against the arithmetic of the fake. */
    static final class Sink implements ResultSink<Integer> {
        private final MemorySegment[] frames;
        private final List<String> events = new ArrayList<>();
        final List<Integer> slots = new ArrayList<>();
        final List<String> wrong = new ArrayList<>();
        final List<RuntimeException> failures = new ArrayList<>();

        Sink(MemorySegment[] frames) {
            this.frames = frames;
        }

        @Override
        public synchronized void deliver(Integer tag, InferenceResults results) {
            if (results == null) {
                events.add("m" + tag);
            } else {
                float[] want = FakeBackend.expected(frames[tag], BGR.extent());
                MemorySegment out = results.output(FakeBackend.OUTPUT);
                long at = 2L * results.slot();
                float sum = out.getAtIndex(ValueLayout.JAVA_FLOAT, at);
                float first = out.getAtIndex(ValueLayout.JAVA_FLOAT, at + 1);
                if (sum != want[0] || first != want[1]) {
                    wrong.add(tag + ": " + sum + "," + first + " not " + want[0] + "," + want[1]);
                }
                slots.add(results.slot());
                events.add("d" + tag);
            }
            notifyAll();
        }

        @Override
        public synchronized void discard(Integer tag) {
            events.add("x" + tag);
            notifyAll();
        }

        @Override
        public synchronized void fail(Integer tag, RuntimeException error) {
            events.add("f" + tag + " " + error.getMessage());
            failures.add(error);
            notifyAll();
        }

        synchronized List<String> events() {
            return List.copyOf(events);
        }

        synchronized void awaitEvents(int n) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (events.size() < n) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + n + " events, have " + events);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }
}
