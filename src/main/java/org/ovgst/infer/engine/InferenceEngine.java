package org.ovgst.infer.engine;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.tensor.PortInfo;

/**
 * Runs a model on one stream of video frames with a pool of infer requests and hands the
 * results back <b>in submission order</b>: FFmpeg's OpenVINO DNN backend, made correct. It knows
 * nothing of GStreamer; an element feeds it from its streaming thread and turns results into
 * metadata. The parts: {@link EngineSettings}; the {@link Backend} that reads the model
 * ({@link BackendModel}), prepares it per frame geometry ({@link PreparedModel}: reshaping,
 * pre-processing, compiling) and runs its {@link Request}s: OpenVINO in this process
 * ({@code org.ovgst.infer.openvino}) unless {@link #open(EngineSettings, FrameLayout, ResultSink,
 * String, Backend) given another}; {@link ModelInstance} (a model shared by the engines of one
 * {@code model-instance-id}) with a {@link RequestPool} of {@link RequestSlot}s per frame geometry;
 * {@link FrameInput} (a frame copied, or given in place through {@link InPlaceFrames});
 * {@link Delivery} (ordered release: the results side). This class is the submitting side and the
 * scheduling core of one stream.
 *
 * <h2>Flow</h2>
 * {@link #submit} reserves the next place in the request being filled and writes the frame there
 * (copied into the request's input tensor, or at batch 1 and for a tight frame set as the input
 * tensor without a copy). A full request ({@code batch-size} frames) starts as soon as every frame
 * in it is written. The backend's completion callback only marks the request finished; this engine's
 * delivery thread ({@link Delivery}) learns whether it succeeded (the callback is not told), reads
 * the outputs and calls the {@link ResultSink}: frames and markers leave strictly in the order they
 * came in, each as soon as it and everything before it are done. A request that finished before an earlier one is
 * held (it stays out of the pool) until its frames' turn; the pool of {@code nireq} requests
 * therefore bounds both memory and the work in flight. Nobody polls or sleeps: the submitter waits
 * on a condition for a free request, the delivery thread for its next frame's request.
 *
 * <p>With {@code async=false} the same path runs on the submitting thread: a full request is
 * inferred synchronously and its frames delivered before {@code submit} returns (one request).
 *
 * <h2>Batches</h2>
 * At {@code batch-size} N &gt; 1 the model's batch axis is reshaped to N and N frames fill one
 * request, slot by slot. {@link InferenceResults#slot()} and {@link InferenceResults#batchSize()}
 * say which part of the outputs belongs to the frame: how a model lays out a batch in its outputs
 * is the converter's business. A partial batch runs at {@link #drain()}, or once it has waited
 * {@link #setBatchWait its batch wait} (a live stream), and is dropped by {@link #flush()}; its
 * unused places are never delivered. Markers do not cut a batch short: a
 * marker submitted while a batch fills comes out after that batch runs, between its frames in the
 * order they were submitted.
 *
 * <h2>Shared models</h2>
 * Engines opened with the same {@code model-instance-id} share one read of the model, one compiled
 * model and one request pool per frame geometry ({@link ModelInstance}): their frames fill the same
 * batches (batching across cameras), and each engine still hands out only its own frames, in its
 * own order, from its own delivery thread. An engine's drain starts the shared partial batch; its
 * flush drops the partial batch only when the batch holds nothing else, and otherwise discards its
 * own frames there without waiting (they were copied: batches above 1 always copy).
 *
 * <h2>Back-pressure and release</h2>
 * {@link #submit} waits while every request is busy or held, so memory stays bounded and nothing is
 * dropped. A state change must never block behind a waiting streaming thread, so {@link #release()}
 * (callable from any thread) wakes every waiting {@code submit} and {@code drain} at once and makes
 * later waits return at once: while released, {@code submit} accepts a frame only if a request is
 * free and otherwise refuses it (returns {@code false}; the caller keeps the frame), and
 * {@code drain} starts the partial batch but does not wait. {@link #rearm()} or the end of
 * {@link #flush()} ends the released state. In GStreamer terms: FLUSH_START and PAUSED→READY call
 * {@code release()} before anything else; FLUSH_STOP, and READY after the streaming thread stopped,
 * call {@code flush()}, which re-arms. {@code drain()} does not re-arm: EOS may race with a state
 * change, and a drain that cleared a release would block the very shutdown that released it.
 *
 * <h2>Layouts</h2>
 * A model is compiled once per frame geometry (format and size); {@link #reconfigure} (a caps
 * change) moves to another geometry's pool, compiling it if no engine of the instance uses one,
 * and only re-plans the copy when just the strides or offsets changed.
 *
 * <h2>Zero copy</h2>
 * At batch 1, a tight frame ({@link FrameLayout#isTight()}) in native memory is given to the
 * backend in place when it can ({@link PreparedModel#inPlaceFrames}); everything else is copied plane by plane (stride-aware)
 * into the request's own input tensor ({@link FrameInput}).
 *
 * <h2>Allocation on the hot path</h2>
 * Submitting, starting, completing and delivering a frame allocate nothing in this class: the
 * order ring and the results view are made once, the input tensor is set by index and the
 * completion upcall is bound to its request. What remains: the condition queues' nodes of
 * {@code java.util.concurrent} (a few dozen bytes per wait) and, for each new frame address, one
 * wrapped tensor; outputs with a dynamic shape are fetched again after each inference (a tensor
 * handle each); {@link InferenceResults#shape} returns a copy; growing the order ring when markers
 * pile up.
 *
 * <h2>Threads</h2>
 * {@code submit}, {@code submitMarker}, {@code drain}, {@code flush}, {@code reconfigure} and
 * {@code close} are called by one thread at a time (the streaming thread; {@code flush} and
 * {@code close} also by the application once streaming stopped); {@code release}, {@code rearm} and
 * {@link #stats()} by any thread. The {@link ResultSink} is called by one thread at a time, in
 * order: the delivery thread, or the submitting thread when {@code async=false}. It must not call
 * back into the engine except {@code release}/{@code rearm}.
 *
 * @param <T> what identifies a frame or marker to the caller (e.g. a GStreamer buffer)
 */
public final class InferenceEngine<T> implements AutoCloseable {
    /**
     * Counters since {@link #open}, for diagnostics; written by the submitting thread.
     *
     * @param framesZeroCopy frames given to OpenVINO in place
     * @param framesCopied frames copied into a request's input tensor
     * @param tensorWraps wrapped tensors created for zero copy (one per new frame address)
     * @param refused frames {@link #submit} refused while released
     */
    public record Stats(long framesZeroCopy, long framesCopied, long tensorWraps, long refused) {}

    private final ModelInstance instance;
    private final EngineSettings settings;
    private final String modelName;
    private final boolean async;

    // Guarded by lock (the instance's, shared with the other engines of the instance).
    private final ReentrantLock lock;
    private boolean released;
    private RequestPool pool;

    /** The results side: the order, the delivery thread, the sink. */
    private final Delivery<T> delivery;
    private boolean closed;
    /** Why the last reconfigure failed; the engine then only closes. */
    private RuntimeException broken;

    /** The frames in, for the current layout: written by the submitting thread. */
    private final FrameInput input;
    private long refused;

    private InferenceEngine(ModelInstance instance, ResultSink<T> sink) {
        this.instance = instance;
        this.settings = instance.settings();
        this.modelName = instance.modelName();
        this.async = settings.async();
        this.lock = instance.lock;
        this.delivery = new Delivery<>(this, instance, sink);
        this.input = new FrameInput(modelName, settings.batchSize());
    }

    /**
     * Reads, reshapes and compiles the model for frames of {@code layout} and creates the request
     * pool: an engine with a model of its own.
     *
     * @throws IllegalArgumentException for a frame layout OpenVINO cannot take (odd-sized YUV)
     * @throws InferenceException when the model cannot be used with these settings; the message says why
     *     and what to do
     */
    public static <T> InferenceEngine<T> open(EngineSettings settings, FrameLayout layout, ResultSink<T> sink) {
        return open(settings, layout, sink, null);
    }

    /**
     * An engine on the model instance {@code instanceId} ({@code model-instance-id}): the first
     * engine of an id reads and compiles the model with its settings; the others share it (see
     * {@link ModelInstance}). {@code null} gives the engine a model of its own.
     *
     * @throws InferenceException also when the id already runs another model or device
     */
    public static <T> InferenceEngine<T> open(EngineSettings settings, FrameLayout layout, ResultSink<T> sink,
            String instanceId) {
        return open(settings, layout, sink, instanceId, Backend.local());
    }

    /**
     * An engine whose models run on {@code backend}; the model instance {@code instanceId} is
     * shared only with engines of the same backend.
     */
    public static <T> InferenceEngine<T> open(EngineSettings settings, FrameLayout layout, ResultSink<T> sink,
            String instanceId, Backend backend) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(sink, "sink");
        ModelInstance instance = ModelInstance.attach(instanceId, settings, backend);
        try {
            RequestPool pool = instance.join(layout);
            InferenceEngine<T> engine = new InferenceEngine<>(instance, sink);
            engine.pool = pool;
            engine.setLayout(layout);
            engine.delivery.start();
            return engine;
        } catch (RuntimeException | Error e) {
            instance.detach();
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Submitting

    /**
     * Submits a frame. Its memory must stay valid and unchanged until the tag is delivered, failed or
     * discarded. Waits while every request is busy, unless released.
     *
     * @return true when accepted (the Sink will get the tag); false when refused because the engine is
     *     released (or the thread was interrupted) and no request was free: the caller keeps the frame
     * @throws IllegalArgumentException when the frame's memory is smaller than its layout says
     * @throws IllegalStateException when closed, or when the Sink threw since the last call (once)
     */
    public boolean submit(T tag, MemorySegment frame) {
        Objects.requireNonNull(frame, "frame");
        checkUsable();
        input.check(frame);
        RequestSlot slot;
        int index;
        lock.lock();
        try {
            slot = placeFor();
            if (slot == null) {
                refused++;
                return false;
            }
            index = delivery.add(tag, slot);
            if (slot.filled == pool.batch()) {
                pool.filling = null;
                slot.startWanted = true;
            }
        } finally {
            lock.unlock();
        }
        try {
            input.fill(slot, index, frame);
        } catch (RuntimeException e) {
            slot.error = new InferenceException("cannot give a frame to " + modelName + ": " + e.getMessage(), e);
        }
        boolean start;
        lock.lock();
        try {
            slot.writing--;
            start = slot.claimStart();
        } finally {
            lock.unlock();
        }
        if (start) {
            run(slot);
        }
        return true;
    }

    /**
     * The request the next frame goes to, waiting while this engine holds its share of requests and
     * the batch being filled is not one of them (see {@link RequestPool}); null when released or
     * interrupted. Under the lock.
     */
    private RequestSlot placeFor() {
        while (true) {
            RequestSlot filling = pool.filling;
            if (filling != null && (filling.holds(this) || delivery.held() < pool.share())) {
                return filling;
            }
            if (filling == null && delivery.held() < pool.share() && !pool.idle.isEmpty()) {
                RequestSlot slot = pool.idle.pollFirst();
                pool.filling = slot;
                return slot;
            }
            if (released) {
                return null;
            }
            try {
                instance.slotFreed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /**
     * Submits a marker: no inference; it reaches {@link ResultSink#deliver} with {@code null} results in
     * order among the frames (for events such as EOS or tags). Never waits.
     */
    public void submitMarker(T tag) {
        checkUsable();
        lock.lock();
        try {
            delivery.addMarker(tag);
        } finally {
            lock.unlock();
        }
        if (!async) {
            delivery.deliverReady();
        }
    }

    /**
     * End of stream: runs the partial batch now and waits until everything submitted has been
     * delivered (or failed).
     *
     * @return true when everything was delivered; false when the engine is released (or the thread was
     *     interrupted) before that, in which case the rest is still delivered later, or discarded by a flush
     */
    public boolean drain() {
        checkUsable();
        delivery.refuseFromSink("drain");
        RequestSlot partial = null;
        long target;
        lock.lock();
        try {
            target = delivery.nextSeq();
            RequestSlot filling = pool.filling;
            if (filling != null) {
                pool.filling = null;
                filling.startWanted = true;
                partial = filling.claimStart() ? filling : null;
            }
        } finally {
            lock.unlock();
        }
        if (partial != null) {
            run(partial);
        }
        if (!async) {
            return true;
        }
        lock.lock();
        try {
            while (!delivery.handedOutBelow(target)) {
                if (released) {
                    return false;
                }
                try {
                    delivery.awaitProgress();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops everything submitted so far: the partial batch is not run, requests in flight finish and
     * their frames, like every queued marker, go to {@link ResultSink#discard}. No {@code deliver} or
     * {@code fail} call for them begins once flush has started (one already in progress finishes).
     * Returns when all of them are discarded; ends the released state. Waits for OpenVINO to finish
     * the requests in flight and for a {@code deliver} call in progress to return, so unblock whatever
     * the Sink may wait on first (in GStreamer: FLUSH_START has gone downstream, or the pads are
     * deactivated).
     */
    public void flush() {
        if (closed) {
            return;
        }
        delivery.refuseFromSink("flush");
        long target;
        lock.lock();
        try {
            target = delivery.discardQueued();
            RequestSlot filling = pool == null ? null : pool.filling;
            if (filling != null && filling.heldOnlyBy(this)) {
                // Only this stream's frames: the batch never runs.
                pool.filling = null;
                filling.startWanted = true;
                filling.started = true;
                filling.dropped = true;
                filling.ran = true;
            }
            instance.slotDone.signalAll();
        } finally {
            lock.unlock();
        }
        if (async) {
            lock.lock();
            try {
                while (!delivery.handedOutBelow(target)) {
                    delivery.awaitProgressUninterruptibly();
                }
                released = false;
            } finally {
                lock.unlock();
            }
        } else {
            delivery.deliverReady();
            rearm();
        }
    }

    /**
     * Wakes every {@code submit} and {@code drain} waiting in this engine, and makes later waits return
     * at once, until {@link #rearm()} or the end of {@link #flush()}. Never blocks; any thread.
     */
    public void release() {
        lock.lock();
        try {
            released = true;
            instance.slotFreed.signalAll();
            delivery.wake();
        } finally {
            lock.unlock();
        }
    }

    /**
     * How long a batch may wait for its frames, from its first, before it runs with what it has, ns
     * (0, the default: until it is full, or drained). A live stream's frames must not wait for frames
     * that come late or not at all (a camera that stalls, regions that stop coming). Only with
     * {@code async}: the delivery thread starts the batch. Any thread.
     */
    public void setBatchWait(long nanos) {
        delivery.setBatchWait(nanos);
    }

    /** Ends the released state: {@code submit} and {@code drain} wait again. */
    public void rearm() {
        lock.lock();
        try {
            released = false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A new frame layout (a caps change): everything submitted is delivered first (or discarded,
     * when the engine is released), then the engine moves to the pool of the new geometry (compiled
     * now unless another engine of the instance uses it), or only re-plans the copy when just the
     * strides or offsets changed.
     */
    public void reconfigure(FrameLayout newLayout) {
        Objects.requireNonNull(newLayout, "layout");
        checkUsable();
        delivery.refuseFromSink("reconfigure");
        if (newLayout.equals(input.layout())) {
            return;
        }
        if (!drain()) {
            flush();
        }
        FrameLayout layout = input.layout();
        if (newLayout.format() == layout.format() && newLayout.width() == layout.width()
                && newLayout.height() == layout.height()) {
            setLayout(newLayout);
            return;
        }
        RequestPool old = pool;
        input.clearWraps();
        setPool(null);
        instance.leave(old);
        try {
            setPool(instance.join(newLayout));
        } catch (RuntimeException e) {
            broken = e;
            throw e;
        }
        setLayout(newLayout);
    }

    /**
     * Discards whatever was not drained (as {@link #flush()}), stops the delivery thread and frees every
     * native handle (the shared model when this was its last engine). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        delivery.refuseFromSink("close");
        release();
        flush();
        delivery.stop();
        closed = true;
        input.clearWraps();
        if (pool != null) {
            instance.leave(pool);
            setPool(null);
        }
        instance.detach();
    }

    // ------------------------------------------------------------------------------------------
    // What the engine runs

    /** The settings the model runs with: the first engine's, when the model is shared. */
    public EngineSettings settings() {
        return settings;
    }

    public FrameLayout layout() {
        return input.layout();
    }

    /**
     * The requests this engine brings to the pool and may hold (the device's choice when {@code nireq}
     * was 0; 1 when not async). Engines sharing a model bring theirs to one pool.
     */
    public int nireq() {
        return pool.share();
    }

    public int batchSize() {
        return settings.batchSize();
    }

    /** The name of the model input the frames go to. */
    public String inputName() {
        return instance.inputName();
    }

    /** The model's outputs as compiled: names, element types (f32 for float outputs) and batch shapes. */
    public List<PortInfo> outputs() {
        return pool.outputs();
    }

    /**
     * How long one inference of a whole batch took when the model was compiled for this frame
     * layout: its first inference, so an upper bound of the steady state's.
     */
    public long batchInferenceNanos() {
        return pool.batchNanos();
    }

    /**
     * Writes the model compiled for the current frame layout, pre-processing included, as the
     * backend's own format ({@link PreparedModel#export}; OpenVINO's: the device's blob): what this
     * engine runs, for {@code benchmark_app} to time without GStreamer.
     *
     * @throws UnsupportedOperationException when the backend cannot export it
     */
    public void exportCompiledModel(Path file) {
        pool.prepared().export(file);
    }

    /** Whether {@link #exportCompiledModel} can write the model: the backend can export it. */
    public boolean canExportCompiledModel() {
        return pool.prepared().canExport();
    }

    /** Where frames of the current layout lie in the model's input. */
    public InputGeometry geometry() {
        return pool.geometry();
    }

    /** Whether tight frames in native memory are currently given to OpenVINO without a copy. */
    public boolean zeroCopy() {
        return input.zeroCopy();
    }

    public Stats stats() {
        return new Stats(input.framesZeroCopy(), input.framesCopied(), input.tensorWraps(), refused);
    }

    // ------------------------------------------------------------------------------------------
    // Running

    private void setPool(RequestPool next) {
        lock.lock();
        try {
            pool = next;
        } finally {
            lock.unlock();
        }
    }

    /** Frame geometry that needs no recompilation: how frames are read, and whether in place. */
    private void setLayout(FrameLayout newLayout) {
        input.setLayout(newLayout, pool);
    }

    /** Runs a batch this thread claimed; with {@code async=false} also hands out what it finished. */
    private void run(RequestSlot slot) {
        instance.start(slot);
        if (!async) {
            delivery.deliverReady();
        }
    }

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException("the inference engine of " + modelName + " is closed");
        }
        if (broken != null) {
            throw new IllegalStateException("the inference engine of " + modelName + " could not be set up for"
                    + " the new frame layout; close it: " + broken.getMessage(), broken);
        }
        Throwable failure = delivery.takeSinkFailure();
        if (failure != null) {
            throw new IllegalStateException("the sink of the inference engine of " + modelName + " threw " + failure,
                    failure);
        }
    }
}
