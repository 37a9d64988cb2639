package org.ovgst.infer.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * A backend without OpenVINO for the scheduler's tests: deterministic, its outputs computed by
 * exact arithmetic from the input, its completions under the test's control.
 *
 * <p>The model has one output, {@code "sums"} f32 {@code [batch, 2]}: for the frame in slot
 * {@code b}, element 0 is the sum of its bytes and element 1 its first byte (exact in f32 for
 * frames under 64 KiB). With {@link #automatic()} a started request completes on the backend's
 * own thread, in start order; with {@link #manual()} it completes when the test says so
 * ({@link #complete}), in any order, or never (a stall). {@link #failWhen} makes a request fail.
 */
final class FakeBackend implements Backend {
    static final String OUTPUT = "sums";

    private final boolean manual;
    private volatile boolean inPlace;
    private volatile IntPredicate failing = first -> false;
    private volatile int optimalRequests = 2;
    private final ExecutorService completer;

    /** Requests started and not completed yet, in start order (manual). */
    private final List<FakeRequest> inFlight = new ArrayList<>();
    final AtomicInteger modelsRead = new AtomicInteger();
    final AtomicInteger modelsOpen = new AtomicInteger();
    final AtomicInteger prepared = new AtomicInteger();
    final AtomicInteger requestsOpen = new AtomicInteger();
    /** Inferences started asynchronously (batches), and run on the caller's thread (the pool's first one too). */
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger runs = new AtomicInteger();

    private FakeBackend(boolean manual) {
        this.manual = manual;
        this.completer = manual ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fake-backend");
            t.setDaemon(true);
            return t;
        });
    }

    /** Requests complete by themselves, in start order, on the backend's thread. */
    static FakeBackend automatic() {
        return new FakeBackend(false);
    }

    /** Requests complete only when the test calls {@link #complete}. */
    static FakeBackend manual() {
        return new FakeBackend(true);
    }

    /** Frames given in place (the optional capability), for batch 1 and tight frames. */
    FakeBackend withInPlace() {
        inPlace = true;
        return this;
    }

    /** A request fails when the first byte of its first frame passes {@code test}. */
    FakeBackend failWhen(IntPredicate test) {
        failing = test;
        return this;
    }

    FakeBackend withOptimalRequests(int n) {
        optimalRequests = n;
        return this;
    }

    /** What the model gives for a frame: {sum of its bytes, its first byte}. */
    static float[] expected(MemorySegment frame, long bytes) {
        long sum = 0;
        for (long i = 0; i < bytes; i++) {
            sum += Byte.toUnsignedInt(frame.get(ValueLayout.JAVA_BYTE, i));
        }
        return new float[] {sum, Byte.toUnsignedInt(frame.get(ValueLayout.JAVA_BYTE, 0))};
    }

    /** Waits until {@code n} requests are started and not completed (manual). */
    void awaitInFlight(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (inFlight) {
            while (inFlight.size() < n) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + n + " requests in flight, have " + inFlight.size());
                }
                TimeUnit.NANOSECONDS.timedWait(inFlight, left);
            }
        }
    }

    int inFlight() {
        synchronized (inFlight) {
            return inFlight.size();
        }
    }

    /** Completes the request in flight at {@code position} (0: started first); manual. */
    void complete(int position) {
        FakeRequest request;
        synchronized (inFlight) {
            request = inFlight.remove(position);
        }
        request.onDone.completed();
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public String version() {
        return "fake";
    }

    /** An NHWC image input of any size and the output, batch 1, as a model file would declare them. */
    @Override
    public ModelDescription describe(Path model) {
        return new ModelDescription(
                List.of(new PortInfo(0, "frames", ElementType.U8, PartialShape.of(1, 64, 64, 3))),
                List.of(new PortInfo(0, OUTPUT, ElementType.F32, PartialShape.of(1, 2))));
    }

    @Override
    public BackendModel read(EngineSettings settings) {
        if (settings.model() == null) {
            throw new InferenceException("no model set");
        }
        modelsRead.incrementAndGet();
        modelsOpen.incrementAndGet();
        int batch = settings.batchSize();
        String name = settings.model().toString();
        return new BackendModel() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String inputName() {
                return "frames";
            }

            @Override
            public PreparedModel prepare(FrameLayout frames) {
                if (frames.width() > 64 || frames.height() > 64) {
                    throw new InferenceException("the fake model takes frames up to 64x64, not " + frames);
                }
                prepared.incrementAndGet();
                return new FakePrepared(frames, batch);
            }

            @Override
            public void close() {
                modelsOpen.decrementAndGet();
            }
        };
    }

    private final class FakePrepared implements PreparedModel {
        private final FrameLayout frames;
        private final long frameBytes;
        private final int batch;
        private final List<PortInfo> outputs;

        FakePrepared(FrameLayout frames, int batch) {
            this.frames = frames;
            this.frameBytes = FrameLayout.tight(frames.format(), frames.width(), frames.height()).size();
            this.batch = batch;
            this.outputs = List.of(new PortInfo(0, OUTPUT, ElementType.F32, PartialShape.of(batch, 2)));
        }

        @Override
        public InputGeometry geometry() {
            return InputGeometry.stretch(frames.width(), frames.height(), frames.width(), frames.height());
        }

        @Override
        public List<PortInfo> outputs() {
            return outputs;
        }

        @Override
        public int optimalRequests() {
            return optimalRequests;
        }

        @Override
        public Request newRequest(Request.Completion onDone) {
            return new FakeRequest(this, onDone);
        }

        @Override
        public InPlaceFrames inPlaceFrames(String modelName, long[] shape, long bytes) {
            if (!inPlace) {
                return null;
            }
            return new InPlaceFrames() {
                private long wraps;

                @Override
                public Frame get(MemorySegment frame) {
                    wraps++;
                    return new InPlace(frame.asSlice(0, bytes));
                }

                @Override
                public boolean wrapping() {
                    return true;
                }

                @Override
                public long wraps() {
                    return wraps;
                }

                @Override
                public void clear() {}
            };
        }

        @Override
        public void close() {
            prepared.decrementAndGet();
        }
    }

    private record InPlace(MemorySegment frame) implements InPlaceFrames.Frame {}

    private final class FakeRequest implements Request {
        private final FakePrepared model;
        private final Request.Completion onDone;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment ownInput;
        private final MemorySegment output;
        private final MemorySegment readOnlyOutput;
        private final long[] shape;
        private MemorySegment input;
        private volatile boolean failed;

        FakeRequest(FakePrepared model, Request.Completion onDone) {
            this.model = model;
            this.onDone = onDone;
            this.ownInput = arena.allocate(model.frameBytes * model.batch);
            this.output = arena.allocate(4L * 2 * model.batch);
            this.readOnlyOutput = output.asReadOnly();
            this.shape = new long[] {model.batch, 2};
            this.input = ownInput;
            requestsOpen.incrementAndGet();
        }

        @Override
        public MemorySegment input() {
            return ownInput;
        }

        @Override
        public void useOwnInput() {
            input = ownInput;
        }

        @Override
        public void useInPlace(InPlaceFrames.Frame frame) {
            input = ((InPlace) frame).frame();
        }

        /** The inference: every slot's sums, from the input as it is now. */
        private void run() {
            int frames = (int) (input.byteSize() / model.frameBytes);
            for (int b = 0; b < frames; b++) {
                float[] values = expected(input.asSlice(b * model.frameBytes), model.frameBytes);
                output.setAtIndex(ValueLayout.JAVA_FLOAT, 2L * b, values[0]);
                output.setAtIndex(ValueLayout.JAVA_FLOAT, 2L * b + 1, values[1]);
            }
            failed = failing.test(Byte.toUnsignedInt(input.get(ValueLayout.JAVA_BYTE, 0)));
        }

        @Override
        public void infer() {
            runs.incrementAndGet();
            run();
            if (failed) {
                throw new IllegalStateException("the fake model failed");
            }
        }

        @Override
        public void start() {
            starts.incrementAndGet();
            run();
            if (manual) {
                synchronized (inFlight) {
                    inFlight.add(this);
                    inFlight.notifyAll();
                }
            } else {
                completer.execute(onDone::completed);
            }
        }

        @Override
        public void finish(boolean started) {
            if (failed) {
                throw new IllegalStateException("the fake model failed");
            }
        }

        @Override
        public MemorySegment output(int i) {
            return readOnlyOutput;
        }

        @Override
        public long[] outputShape(int i) {
            return shape;
        }

        @Override
        public void close() {
            synchronized (inFlight) {
                inFlight.remove(this);
            }
            arena.close();
            requestsOpen.decrementAndGet();
        }
    }
}
