package org.ovgst.infer;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.ovgst.openvino.ColorFormat;
import org.ovgst.openvino.CompiledModel;
import org.ovgst.openvino.Core;
import org.ovgst.openvino.Dimension;
import org.ovgst.openvino.ElementType;
import org.ovgst.openvino.InferRequest;
import org.ovgst.openvino.Model;
import org.ovgst.openvino.OpenVinoException;
import org.ovgst.openvino.PartialShape;
import org.ovgst.openvino.PortInfo;
import org.ovgst.openvino.PrePostProcessor;
import org.ovgst.openvino.ResizeAlgorithm;
import org.ovgst.openvino.Tensor;

/**
 * Runs one model on a stream of video frames with a pool of OpenVINO infer requests and hands the
 * results back <b>in submission order</b>: FFmpeg's OpenVINO DNN backend, made correct. It knows
 * nothing of GStreamer; an element feeds it from its streaming thread and turns results into metadata.
 *
 * <h2>Flow</h2>
 * {@link #submit} puts a frame into the request being filled (copied into the request's input
 * tensor, or at batch 1 and for a tight frame set as the input tensor without a copy). A full request
 * ({@code batch-size} frames) starts at once. OpenVINO's completion callback only hands the finished
 * request to this engine's delivery thread, which calls {@link InferRequest#waitForCompletion()}
 * (the callback is not told about failures), reads the outputs and calls the {@link ResultSink}: frames and
 * markers leave strictly in the order they came in, each as soon as it and everything before it are
 * done. A request that finished before an earlier one is held (it stays out of the pool) until its
 * turn; the pool of {@code nireq} requests therefore bounds both memory and the work in flight.
 * Nobody polls or sleeps: the submitter waits on a condition for a free request, the delivery thread
 * on a queue of completions.
 *
 * <p>With {@code async=false} the same path runs on the submitting thread: a full request is
 * inferred synchronously and its frames delivered before {@code submit} returns (one request).
 *
 * <h2>Batches</h2>
 * At {@code batch-size} N &gt; 1 the model's batch axis is reshaped to N and N frames fill one
 * request, slot by slot. {@link InferenceResults#slot()} and {@link InferenceResults#batchSize()} say which part of
 * the outputs belongs to the frame: how a model lays out a batch in its outputs is the decoder's
 * business (see {@link AnchorSsdConfig.BatchLayout}). A partial batch runs at {@link #drain()} and is
 * dropped by {@link #flush()}; its unused slots are never delivered. Markers do not cut a batch short:
 * a marker submitted while a batch fills comes out after that batch runs, between its frames in the
 * order they were submitted.
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
 * call {@code flush()}, which re-arms. {@code drain()} does not re-arm: EOS may race with a state change,
 * and a drain that cleared a release would block the very shutdown that released it.
 *
 * <h2>Pre-processing</h2>
 * Frames go to OpenVINO as u8 tensors in their own format ({@link PixelFormat}): packed formats as
 * NHWC {@code [N, H, W, 3|4]}, I420 and NV12 as single-plane {@code [N, H*3/2, W, 1]} tensors. The
 * pre-processing compiled into the model resizes them (linear by default) to the model's input,
 * converts the colors to the model's order (the MediaPipe models take RGB), applies
 * {@code (value - mean) / scale}, and transposes to the model's layout (NCHW or NHWC, found from the
 * input shape or given). A model is compiled once per frame layout; {@link #reconfigure} (a caps
 * change) recompiles only when the format or size changed, from a fresh read of the model file:
 * OpenVINO's pre/post-processor builds into the model it is given (checked on 2026.4.1; the
 * original model's input becomes u8), so a model is never given pre-processing twice.
 *
 * <h2>Zero copy</h2>
 * At batch 1, a tight frame ({@link FrameLayout#isTight()}) in native memory is given to OpenVINO
 * in place. Wrapping memory as a tensor costs a native handle and a shared arena (measured on
 * 640x480 BGR: 25-45 µs a frame with its release, more than the 21 µs of copying the frame), so the
 * engine keeps the wrapped tensors of the last {@value #WRAP_CACHE_SIZE} frame addresses: video
 * buffers come from pools that cycle through a few blocks of memory, and setting an already wrapped
 * tensor costs about 1 µs. When most frames arrive at new addresses (no pool), the engine falls back
 * to copying for the rest of the configuration. Everything else is copied row by row (stride-aware)
 * into the request's own input tensor.
 *
 * <h2>Allocation on the hot path</h2>
 * Submitting, starting, completing and delivering a frame allocate nothing in this class: the
 * order queue, the completion queue and the results views are made once. What remains: the binding's
 * {@code setTensor} (a confined arena and the input name as a C string, zero-copy frames only) and,
 * for each new frame address, one wrapped tensor; outputs with a dynamic shape are fetched again
 * each delivery (a tensor handle each); {@link InferenceResults#shape} returns a copy; growing the order queue
 * when markers pile up.
 *
 * <h2>Threads</h2>
 * {@code submit}, {@code submitMarker}, {@code drain}, {@code flush}, {@code reconfigure} and
 * {@code close} are called by one thread at a time (the streaming thread; {@code flush} and
 * {@code close} also by the application once streaming stopped); {@code release}, {@code rearm} and
 * {@link #stats()} by any thread. The {@link ResultSink} is called by one thread at a time, in order: the
 * delivery thread, or the submitting thread when {@code async=false}. It must not call back into the
 * engine except {@code release}/{@code rearm}.
 *
 * @param <T> what identifies a frame or marker to the caller (e.g. a GStreamer buffer)
 */
public final class InferenceEngine<T> implements AutoCloseable {
    /** How many wrapped frame tensors (by frame address) are kept for zero-copy input. */
    static final int WRAP_CACHE_SIZE = 32;
    private static final System.Logger LOG = System.getLogger(InferenceEngine.class.getName());

    /**
     * Counters since {@link #open}, for diagnostics; written by the submitting thread.
     *
     * @param framesZeroCopy frames given to OpenVINO in place
     * @param framesCopied frames copied into a request's input tensor
     * @param tensorWraps wrapped tensors created for zero copy (one per new frame address)
     * @param refused frames {@link #submit} refused while released
     */
    public record Stats(long framesZeroCopy, long framesCopied, long tensorWraps, long refused) {}

    private final EngineSettings settings;
    private final ResultSink<T> sink;
    private final String modelName;
    private final Core core;
    /**
     * The model as read, kept only until the first configuration uses it. OpenVINO's
     * pre/post-processor builds into the model it was given (checked on 2026.4.1), so every
     * configuration starts from a fresh read.
     */
    private Model pristine;
    private final String inputName;
    /** The model input's layout, NCHW or NHWC. */
    private final String modelLayout;
    private final int batch;
    private final boolean async;

    // One configuration: a frame layout, its compiled model and its requests.
    private FrameLayout layout;
    private CompiledModel compiled;
    private List<Slot> slots = List.of();
    private int nireq;
    private List<PortInfo> outputs = List.of();
    private Map<String, Integer> outputIndex = Map.of();
    /** Bytes of one tight frame in the input tensor. */
    private long frameBytes;
    /** Bytes a frame's memory must hold in its own layout. */
    private long frameExtent;
    /** Whether tight native frames are given to OpenVINO in place (batch 1 and a tight layout). */
    private boolean zeroCopy;
    private WrapCache wraps;

    // Guarded by lock.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition slotFreed = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private final Condition orderAdded = lock.newCondition();
    private final ArrayDeque<Slot> idle = new ArrayDeque<>();
    private Slot filling;
    private final Order order = new Order();
    /** Entries with a lower sequence number are discarded, not delivered (set by flush). */
    private long discardBelow;
    private boolean released;
    private boolean closing;
    private Throwable sinkFailure;

    /** Started (or dropped) requests, handed over by OpenVINO's callback; at most one entry per slot. */
    private volatile ArrayBlockingQueue<Slot> completions;
    private final Thread deliveryThread;
    /** The thread inside a Sink call, to refuse re-entrant calls that would deadlock. */
    private volatile Thread sinkThread;
    private boolean closed;
    /** Why the last reconfigure failed; the engine then only closes. */
    private RuntimeException broken;

    private long framesZeroCopy;
    private long framesCopied;
    private long tensorWraps;
    private long refused;

    private InferenceEngine(EngineSettings settings, ResultSink<T> sink, Core core, Model model, String inputName,
            String modelLayout) {
        this.settings = settings;
        this.sink = sink;
        this.modelName = settings.model().toString();
        this.core = core;
        this.pristine = model;
        this.inputName = inputName;
        this.modelLayout = modelLayout;
        this.batch = settings.batchSize();
        this.async = settings.async();
        if (async) {
            deliveryThread = new Thread(this::deliveryLoop, "ovgst-delivery-" + settings.model().getFileName());
            deliveryThread.setDaemon(true);
        } else {
            deliveryThread = null;
        }
    }

    /**
     * Reads, reshapes and compiles the model for frames of {@code layout} and creates the request pool.
     *
     * @throws IllegalArgumentException for a frame layout OpenVINO cannot take (odd-sized YUV)
     * @throws InferenceException when the model cannot be used with these settings; the message says why
     *     and what to do
     */
    public static <T> InferenceEngine<T> open(EngineSettings settings, FrameLayout layout, ResultSink<T> sink) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(sink, "sink");
        Path file = settings.model();
        if (file == null) {
            throw new InferenceException("no model set: set model to an OpenVINO IR .xml, ONNX, TFLite or"
                    + " PaddlePaddle model file");
        }
        if (!Files.isRegularFile(file)) {
            throw new InferenceException("model " + file.toAbsolutePath() + " " + (Files.isDirectory(file)
                    ? "is a folder: set model to the model file in it" : "does not exist: set model to an existing"
                            + " OpenVINO IR .xml (with its .bin beside it), ONNX, TFLite or PaddlePaddle file"));
        }
        Core core = null;
        Model model = null;
        InferenceEngine<T> engine = null;
        try {
            core = new Core();
            try {
                model = core.readModel(file);
            } catch (OpenVinoException e) {
                throw new InferenceException("cannot read model " + file + ": " + e.getMessage(), e);
            }
            PortInfo input = chooseInput(model, settings);
            String modelLayout = modelLayout(input, settings);
            engine = new InferenceEngine<>(settings, sink, core, model, input.name(), modelLayout);
            model = null;
            engine.configure(layout);
            if (engine.deliveryThread != null) {
                engine.deliveryThread.start();
            }
            return engine;
        } catch (RuntimeException | Error e) {
            if (engine != null) {
                engine.freeConfiguration();
                if (engine.pristine != null) {
                    engine.pristine.close();
                }
            }
            if (model != null) {
                model.close();
            }
            if (core != null) {
                core.close();
            }
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
        if (frame.byteSize() < frameExtent) {
            throw new IllegalArgumentException("a " + layout + " frame needs " + frameExtent + " bytes, got "
                    + frame.byteSize());
        }
        Slot slot;
        int index;
        boolean full;
        lock.lock();
        try {
            slot = filling;
            if (slot == null) {
                while (idle.isEmpty()) {
                    if (released) {
                        refused++;
                        return false;
                    }
                    try {
                        slotFreed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        refused++;
                        return false;
                    }
                }
                slot = idle.pollFirst();
                filling = slot;
            }
            index = slot.filled++;
            order.add(tag, slot, index);
            orderAdded.signal();
            full = slot.filled == batch;
            if (full) {
                filling = null;
            }
        } finally {
            lock.unlock();
        }
        try {
            fillInput(slot, index, frame);
        } catch (RuntimeException e) {
            slot.error = new InferenceException("cannot give a frame to " + modelName + ": " + e.getMessage(), e);
        }
        if (full) {
            start(slot);
        }
        return true;
    }

    /**
     * Submits a marker: no inference; it reaches {@link ResultSink#deliver} with {@code null} results in
     * order among the frames (for events such as EOS or tags). Never waits.
     */
    public void submitMarker(T tag) {
        checkUsable();
        lock.lock();
        try {
            order.add(tag, null, 0);
            orderAdded.signal();
        } finally {
            lock.unlock();
        }
        if (!async) {
            deliverReady();
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
        refuseFromSink("drain");
        Slot partial;
        long target;
        lock.lock();
        try {
            partial = filling;
            filling = null;
            target = order.nextSeq();
        } finally {
            lock.unlock();
        }
        if (partial != null) {
            start(partial);
        }
        if (!async) {
            return true;
        }
        lock.lock();
        try {
            while (order.headSeq() < target) {
                if (released) {
                    return false;
                }
                try {
                    progress.await();
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
        refuseFromSink("flush");
        Slot partial;
        long target;
        lock.lock();
        try {
            target = order.nextSeq();
            discardBelow = target;
            partial = filling;
            filling = null;
            if (partial != null) {
                partial.dropped = true;
            }
        } finally {
            lock.unlock();
        }
        if (async) {
            if (partial != null) {
                completions.add(partial);
            }
            lock.lock();
            try {
                while (order.headSeq() < target) {
                    progress.awaitUninterruptibly();
                }
                released = false;
            } finally {
                lock.unlock();
            }
        } else {
            if (partial != null) {
                partial.done = true;
            }
            deliverReady();
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
            slotFreed.signalAll();
            progress.signalAll();
        } finally {
            lock.unlock();
        }
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
     * when the engine is released), then the model is recompiled unless only the strides or offsets
     * changed.
     */
    public void reconfigure(FrameLayout newLayout) {
        Objects.requireNonNull(newLayout, "layout");
        checkUsable();
        refuseFromSink("reconfigure");
        if (newLayout.equals(layout)) {
            return;
        }
        if (!drain()) {
            flush();
        }
        if (newLayout.format() == layout.format() && newLayout.width() == layout.width()
                && newLayout.height() == layout.height()) {
            setLayout(newLayout);
            return;
        }
        lock.lock();
        try {
            idle.clear();
        } finally {
            lock.unlock();
        }
        freeConfiguration();
        try {
            configure(newLayout);
        } catch (RuntimeException e) {
            freeConfiguration();
            broken = e;
            throw e;
        }
    }

    /**
     * Discards whatever was not drained (as {@link #flush()}), stops the delivery thread and frees every
     * native handle. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        refuseFromSink("close");
        release();
        flush();
        if (deliveryThread != null && deliveryThread.isAlive()) {
            lock.lock();
            try {
                closing = true;
                orderAdded.signalAll();
            } finally {
                lock.unlock();
            }
            boolean interrupted = false;
            while (deliveryThread.isAlive()) {
                try {
                    deliveryThread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        closed = true;
        freeConfiguration();
        if (pristine != null) {
            pristine.close();
        }
        core.close();
    }

    // ------------------------------------------------------------------------------------------
    // What the engine runs

    public EngineSettings settings() {
        return settings;
    }

    public FrameLayout layout() {
        return layout;
    }

    /** Requests in the pool (the device's choice when {@code nireq} was 0; 1 when not async). */
    public int nireq() {
        return nireq;
    }

    public int batchSize() {
        return batch;
    }

    /** The name of the model input the frames go to. */
    public String inputName() {
        return inputName;
    }

    /** The model's outputs as compiled: names, element types (f32 for float outputs) and batch shapes. */
    public List<PortInfo> outputs() {
        return outputs;
    }

    /** Whether tight frames in native memory are currently given to OpenVINO without a copy. */
    public boolean zeroCopy() {
        return zeroCopy && !wraps.fallenBack;
    }

    public Stats stats() {
        return new Stats(framesZeroCopy, framesCopied, tensorWraps, refused);
    }

    // ------------------------------------------------------------------------------------------
    // Configuration

    private static PortInfo chooseInput(Model model, EngineSettings settings) {
        List<PortInfo> inputs = model.inputs();
        String names = describe(inputs);
        if (settings.inputName() == null) {
            if (inputs.size() != 1) {
                throw new InferenceException("model " + settings.model() + " has " + inputs.size()
                        + " inputs (" + names + "): set input-name to the one that takes the frames");
            }
            return inputs.getFirst();
        }
        for (PortInfo input : inputs) {
            if (input.name().equals(settings.inputName())) {
                return input;
            }
        }
        throw new InferenceException("model " + settings.model() + " has no input named '" + settings.inputName()
                + "' (input-name); its inputs are: " + names + ". Set input-name to one of them"
                + (inputs.size() == 1 ? " or leave it unset" : ""));
    }

    private static String describe(List<PortInfo> ports) {
        return ports.stream().map(p -> "'" + p.name() + "' " + p.elementType() + " " + p.shape())
                .collect(Collectors.joining(", "));
    }

    /** NCHW or NHWC: given, or the layout whose channel axis has size 3. */
    private static String modelLayout(PortInfo input, EngineSettings settings) {
        PartialShape shape = input.shape();
        String where = "input '" + input.name() + "' " + shape + " of model " + settings.model();
        if (!shape.isRankStatic() || shape.rank() != 4) {
            throw new InferenceException(where + " is not an image input of rank 4 (N, C, H, W or N, H, W, C):"
                    + " set input-name to the model's image input");
        }
        boolean channelsSecond = isSize(shape.get(1), 3);
        boolean channelsLast = isSize(shape.get(3), 3);
        String layout = settings.modelLayout();
        if (layout == null) {
            if (channelsSecond == channelsLast) {
                throw new InferenceException("cannot tell whether " + where + " is NCHW or NHWC: set model-layout");
            }
            layout = channelsSecond ? "NCHW" : "NHWC";
        }
        Dimension channels = shape.get(layout.equals("NCHW") ? 1 : 3);
        if (channels.isStatic() && channels.size() != 3) {
            throw new InferenceException(where + " has " + channels + " channels in layout " + layout
                    + ", but frames give 3 color channels: check model-layout and input-name");
        }
        return layout;
    }

    private static boolean isSize(Dimension dimension, long size) {
        return dimension.isStatic() && dimension.size() == size;
    }

    private void configure(FrameLayout newLayout) {
        PixelFormat format = newLayout.format();
        if (!format.isPacked() && (newLayout.width() % 2 != 0 || newLayout.height() % 2 != 0)) {
            throw new IllegalArgumentException(format + " frames of odd size " + newLayout.width() + "x"
                    + newLayout.height() + " cannot go to OpenVINO (its YUV conversion needs even sizes):"
                    + " scale or crop to an even size, or convert to BGR, before " + modelName);
        }
        try (Model model = freshModel()) {
            build(model, newLayout);
        }
        createRequests();
        setLayout(newLayout);
        lock.lock();
        try {
            idle.clear();
            idle.addAll(slots);
        } finally {
            lock.unlock();
        }
    }

    /** The model as read at open, the first time; then read again (see {@link #pristine}). */
    private Model freshModel() {
        Model model = pristine;
        pristine = null;
        if (model != null) {
            return model;
        }
        try {
            return core.readModel(settings.model());
        } catch (OpenVinoException e) {
            throw new InferenceException("cannot read model " + modelName + " again: " + e.getMessage(), e);
        }
    }

    /** Reshapes the model, adds the pre-processing for {@code newLayout} and compiles it. */
    private void build(Model model, FrameLayout newLayout) {
        PixelFormat format = newLayout.format();
        reshape(model, newLayout);
        try (PrePostProcessor ppp = new PrePostProcessor(model)) {
            PrePostProcessor.Input input = ppp.input(inputName).tensorElementType(ElementType.U8)
                    .tensorLayout("NHWC").tensorColorFormat(colorFormat(format))
                    .tensorSpatialStaticShape(newLayout.height(), newLayout.width())
                    .convertElementType(ElementType.F32)
                    .convertColor(settings.modelColor() == ModelColor.RGB ? ColorFormat.RGB : ColorFormat.BGR)
                    .resize(settings.resize());
            if (settings.mean() != 0) {
                input.mean(settings.mean());
            }
            if (settings.scale() != 1) {
                input.scale(settings.scale());
            }
            input.modelLayout(modelLayout);
            List<PortInfo> modelOutputs = model.outputs();
            for (PortInfo output : modelOutputs) {
                ElementType type = output.elementType();
                if (type == ElementType.F16 || type == ElementType.BF16 || type == ElementType.F64) {
                    ppp.output(output.index()).tensorElementType(ElementType.F32);
                }
            }
            Model built;
            try {
                built = ppp.build();
            } catch (OpenVinoException e) {
                throw new InferenceException("cannot set up the pre-processing of " + modelName + " for "
                        + newLayout + " frames: " + e.getMessage(), e);
            }
            try (built) {
                compiled = compile(built);
            }
        }
    }

    private void createRequests() {
        int requests = !async ? 1 : settings.nireq() > 0 ? settings.nireq() : compiled.optimalNumberOfInferRequests();
        nireq = Math.max(1, requests);
        outputs = compiled.outputs();
        Map<String, Integer> byName = new HashMap<>();
        for (PortInfo output : outputs) {
            byName.putIfAbsent(output.name(), output.index());
        }
        outputIndex = byName;
        List<Slot> made = new ArrayList<>();
        try {
            for (int i = 0; i < nireq; i++) {
                made.add(new Slot(i));
            }
        } catch (OpenVinoException e) {
            made.forEach(Slot::free);
            throw new InferenceException("cannot create " + nireq + " infer requests (nireq) for " + modelName
                    + " on " + settings.device() + ": " + e.getMessage() + ". Try a smaller nireq", e);
        }
        slots = List.copyOf(made);
        completions = new ArrayBlockingQueue<>(nireq);
    }

    /** Frame geometry that needs no recompilation: how frames are read, and whether in place. */
    private void setLayout(FrameLayout newLayout) {
        layout = newLayout;
        frameBytes = newLayout.tightSize();
        frameExtent = extent(newLayout);
        zeroCopy = batch == 1 && newLayout.isTight();
        if (wraps != null) {
            wraps.clear();
        }
        wraps = new WrapCache(inputShape());
    }

    /** The u8 tensor frames are given as: NHWC, YUV as one plane of 1.5 rows per image row. */
    private long[] inputShape() {
        PixelFormat format = layout.format();
        return format.isPacked()
                ? new long[] {batch, layout.height(), layout.width(), format.pixelStride()}
                : new long[] {batch, layout.height() * 3L / 2, layout.width(), 1};
    }

    private static ColorFormat colorFormat(PixelFormat format) {
        return switch (format) {
            case BGR -> ColorFormat.BGR;
            case RGB -> ColorFormat.RGB;
            case BGRX -> ColorFormat.BGRX;
            case RGBX -> ColorFormat.RGBX;
            case I420 -> ColorFormat.I420_SINGLE_PLANE;
            case NV12 -> ColorFormat.NV12_SINGLE_PLANE;
        };
    }

    /**
     * Sets the model input's batch to {@code batch-size}, and dynamic image sizes to the frame's (no
     * resize then). A model whose layers hold fixed sizes refuses, and that is reported as such.
     */
    private void reshape(Model model, FrameLayout frames) {
        PartialShape shape = model.input(inputName).shape();
        boolean nchw = modelLayout.equals("NCHW");
        int heightAxis = nchw ? 2 : 1;
        int widthAxis = nchw ? 3 : 2;
        PartialShape wanted = shape.with(0, Dimension.of(batch));
        if (!shape.get(heightAxis).isStatic()) {
            wanted = wanted.with(heightAxis, Dimension.of(frames.height()));
        }
        if (!shape.get(widthAxis).isStatic()) {
            wanted = wanted.with(widthAxis, Dimension.of(frames.width()));
        }
        wanted = wanted.with(nchw ? 1 : 3, Dimension.of(3));
        if (wanted.equals(shape)) {
            return;
        }
        try {
            model.reshape(inputName, wanted);
        } catch (OpenVinoException e) {
            String cause = firstLine(e.getMessage());
            if (batch > 1 && !isSize(shape.get(0), batch)) {
                throw new InferenceException("batch-size " + batch + " is not possible with " + modelName
                        + ": OpenVINO cannot reshape its input '" + inputName + "' from " + shape + " to " + wanted
                        + " (" + cause + "). The model's layers hold fixed sizes, so use batch-size=1", e);
            }
            throw new InferenceException("cannot reshape input '" + inputName + "' of " + modelName + " from "
                    + shape + " to " + wanted + " for " + frames + " frames: " + cause, e);
        }
    }

    private CompiledModel compile(Model built) {
        Map<String, String> properties = new LinkedHashMap<>(settings.config());
        properties.putIfAbsent("PERFORMANCE_HINT", async ? "THROUGHPUT" : "LATENCY");
        try {
            return core.compile(built, settings.device(), properties);
        } catch (OpenVinoException e) {
            if ("NOT_FOUND".equals(e.status()) && e.getMessage().contains("unknown device")) {
                throw new InferenceException("device '" + settings.device() + "' is not available for " + modelName
                        + ": " + e.getMessage() + ". Set device to one of them", e);
            }
            throw new InferenceException("cannot compile " + modelName + " for device " + settings.device()
                    + " with " + properties + " (config): " + firstLine(e.getMessage())
                    + ". Check the device and the config properties", e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        String[] lines = message.strip().split("\n");
        // OpenVINO's messages end with the failed check; keep the first and the last meaningful line.
        String last = "";
        for (int i = lines.length - 1; i > 0; i--) {
            if (!lines[i].isBlank()) {
                last = lines[i].strip();
                break;
            }
        }
        return last.isEmpty() || lines.length == 1 ? lines[0].strip() : lines[0].strip() + " ... " + last;
    }

    /** Bytes a frame of this layout spans: the end of its last row of its last plane. */
    private static long extent(FrameLayout layout) {
        PixelFormat format = layout.format();
        int w = layout.width();
        int h = layout.height();
        long end = 0;
        for (int plane = 0; plane < format.planes(); plane++) {
            long rowBytes = plane == 0 ? (long) w * format.pixelStride()
                    : format == PixelFormat.NV12 ? w : w / 2;
            long rows = plane == 0 ? h : h / 2;
            end = Math.max(end, layout.offset(plane) + (rows - 1) * layout.stride(plane) + rowBytes);
        }
        return Math.max(end, layout.isTight() ? layout.tightSize() : 0);
    }

    private void freeConfiguration() {
        if (wraps != null) {
            wraps.clear();
        }
        for (Slot slot : slots) {
            slot.free();
        }
        slots = List.of();
        if (compiled != null) {
            compiled.close();
            compiled = null;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Input

    private void fillInput(Slot slot, int index, MemorySegment frame) {
        if (zeroCopy && frame.isNative()) {
            Tensor wrapped = wraps.get(frame);
            if (wrapped != null) {
                if (slot.currentInput != wrapped) {
                    slot.request.setTensor(inputName, wrapped);
                    slot.currentInput = wrapped;
                }
                framesZeroCopy++;
                return;
            }
        }
        if (slot.currentInput != slot.ownInput) {
            slot.request.setTensor(inputName, slot.ownInput);
            slot.currentInput = slot.ownInput;
        }
        copyFrame(frame, slot.ownInputData, index * frameBytes);
        framesCopied++;
    }

    /** Copies a frame, plane by plane and row by row when strided, into tight memory at {@code base}. */
    private void copyFrame(MemorySegment frame, MemorySegment target, long base) {
        PixelFormat format = layout.format();
        int w = layout.width();
        int h = layout.height();
        long luma = (long) w * h;
        switch (format) {
            case I420 -> {
                copyPlane(frame, 0, target, base, w, h);
                copyPlane(frame, 1, target, base + luma, w / 2, h / 2);
                copyPlane(frame, 2, target, base + luma + luma / 4, w / 2, h / 2);
            }
            case NV12 -> {
                copyPlane(frame, 0, target, base, w, h);
                copyPlane(frame, 1, target, base + luma, w, h / 2);
            }
            default -> copyPlane(frame, 0, target, base, (long) w * format.pixelStride(), h);
        }
    }

    private void copyPlane(MemorySegment frame, int plane, MemorySegment target, long at, long rowBytes, int rows) {
        long stride = layout.stride(plane);
        long from = layout.offset(plane);
        if (stride == rowBytes) {
            MemorySegment.copy(frame, from, target, at, rowBytes * rows);
            return;
        }
        for (int row = 0; row < rows; row++) {
            MemorySegment.copy(frame, from + row * stride, target, at + row * rowBytes, rowBytes);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Running and delivering

    private void start(Slot slot) {
        if (!async) {
            if (slot.error == null) {
                try {
                    slot.request.infer();
                } catch (RuntimeException e) {
                    slot.error = inferenceFailed(e);
                }
            }
            slot.done = true;
            deliverReady();
            return;
        }
        if (slot.error == null) {
            try {
                slot.request.startAsync(slot.onDone);
                return;
            } catch (RuntimeException e) {
                slot.error = inferenceFailed(e);
            }
        }
        completions.add(slot);
    }

    private InferenceException inferenceFailed(RuntimeException e) {
        return new InferenceException("inference of " + modelName + " on " + settings.device() + " failed: "
                + e.getMessage(), e);
    }

    /** Runs on OpenVINO's callback thread: only hands the request over; nothing may escape. */
    private void completed(Slot slot) {
        try {
            if (!completions.offer(slot)) {
                LOG.log(Level.ERROR, "ovgst: completion queue full; a request completed twice?");
            }
        } catch (Throwable t) {
            try {
                LOG.log(Level.ERROR, "ovgst: cannot hand a finished request to the delivery thread", t);
            } catch (Throwable ignored) {
                // Nothing may leave OpenVINO's callback.
            }
        }
    }

    /** The delivery thread: takes the oldest entry, waits for its request if need be, delivers it. */
    private void deliveryLoop() {
        try {
            while (true) {
                Object tag;
                Slot slot;
                int index;
                long seq;
                lock.lock();
                try {
                    while (order.isEmpty() && !closing) {
                        orderAdded.awaitUninterruptibly();
                    }
                    if (order.isEmpty()) {
                        return;
                    }
                    seq = order.headSeq();
                    tag = order.headTag();
                    slot = order.headSlot();
                    index = order.headIndex();
                } finally {
                    lock.unlock();
                }
                if (slot != null) {
                    while (!slot.done) {
                        finish(takeCompletion());
                    }
                }
                dispatch(tag, slot, index, seq);
            }
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "ovgst: the delivery thread of " + modelName + " died", t);
            recordSinkFailure(t);
        }
    }

    private Slot takeCompletion() {
        while (true) {
            try {
                return completions.take();
            } catch (InterruptedException e) {
                // Only close() stops this thread, and not by interrupting it.
            }
        }
    }

    /** On the delivery thread: learns whether a finished request succeeded. */
    private void finish(Slot slot) {
        if (!slot.dropped && slot.error == null) {
            try {
                slot.request.waitForCompletion();
            } catch (RuntimeException e) {
                slot.error = inferenceFailed(e);
            }
        }
        slot.done = true;
    }

    /** Sync mode, on the caller's thread: delivers every entry whose request has run. */
    private void deliverReady() {
        while (true) {
            Object tag;
            Slot slot;
            int index;
            long seq;
            lock.lock();
            try {
                if (order.isEmpty()) {
                    return;
                }
                slot = order.headSlot();
                if (slot != null && !slot.done) {
                    return;
                }
                seq = order.headSeq();
                tag = order.headTag();
                index = order.headIndex();
            } finally {
                lock.unlock();
            }
            dispatch(tag, slot, index, seq);
        }
    }

    /** Hands the head entry to the Sink, then removes it and recycles its request when it was the last. */
    @SuppressWarnings("unchecked")
    private void dispatch(Object tag, Slot slot, int index, long seq) {
        boolean discard;
        lock.lock();
        try {
            discard = seq < discardBelow || (slot != null && slot.dropped);
        } finally {
            lock.unlock();
        }
        sinkThread = Thread.currentThread();
        try {
            if (discard) {
                sink.discard((T) tag);
            } else if (slot == null) {
                sink.deliver((T) tag, null);
            } else if (slot.error != null) {
                sink.fail((T) tag, slot.error);
            } else {
                slot.results.open(index);
                try {
                    sink.deliver((T) tag, slot.results);
                } finally {
                    slot.results.closeView();
                }
            }
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "ovgst: the sink of " + modelName + " threw", t);
            recordSinkFailure(t);
        } finally {
            sinkThread = null;
        }
        lock.lock();
        try {
            order.removeHead();
            if (slot != null && ++slot.consumed == slot.filled) {
                slot.reset();
                idle.addLast(slot);
                slotFreed.signal();
            }
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void recordSinkFailure(Throwable t) {
        lock.lock();
        try {
            if (sinkFailure == null) {
                sinkFailure = t;
            }
        } finally {
            lock.unlock();
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
        Throwable failure;
        lock.lock();
        try {
            failure = sinkFailure;
            sinkFailure = null;
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            throw new IllegalStateException("the sink of the inference engine of " + modelName + " threw " + failure,
                    failure);
        }
    }

    private void refuseFromSink(String what) {
        if (Thread.currentThread() == sinkThread) {
            throw new IllegalStateException(what + "() cannot be called from the Sink: it waits for deliveries"
                    + " that only this thread makes");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Parts

    /** One infer request with its tensors, the frames it holds, and its results view. */
    private final class Slot {
        final int number;
        final InferRequest request;
        final Tensor ownInput;
        final MemorySegment ownInputData;
        /** The tensor set as the request's input now (own or wrapped); compared by identity only. */
        Tensor currentInput;
        final Tensor[] outputTensors;
        final MemorySegment[] outputData;
        final long[][] outputShapes;
        final boolean[] dynamicOutput;
        final SlotResults results = new SlotResults();
        final InferRequest.Completion onDone = finished -> completed(this);

        /** Frames put in; entries delivered (guarded by lock). */
        int filled;
        int consumed;
        /** Written and read on the delivery thread (sync: the caller's). */
        volatile boolean done;
        volatile boolean dropped;
        volatile RuntimeException error;

        Slot(int number) {
            this.number = number;
            InferRequest made = compiled.createInferRequest();
            Tensor input = null;
            Tensor[] tensors = new Tensor[outputs.size()];
            try {
                input = made.tensor(inputName);
                ownInputData = input.data();
                outputData = new MemorySegment[tensors.length];
                outputShapes = new long[tensors.length][];
                dynamicOutput = new boolean[tensors.length];
                for (int i = 0; i < tensors.length; i++) {
                    dynamicOutput[i] = !outputs.get(i).shape().isStatic();
                    if (!dynamicOutput[i]) {
                        tensors[i] = made.outputTensor(i);
                        outputData[i] = tensors[i].data().asReadOnly();
                        outputShapes[i] = tensors[i].shape();
                    }
                }
            } catch (RuntimeException e) {
                for (Tensor tensor : tensors) {
                    if (tensor != null) {
                        tensor.close();
                    }
                }
                if (input != null) {
                    input.close();
                }
                made.close();
                throw e;
            }
            request = made;
            ownInput = input;
            currentInput = input;
            outputTensors = tensors;
        }

        void reset() {
            filled = 0;
            consumed = 0;
            done = false;
            dropped = false;
            error = null;
        }

        void free() {
            // The request first: closing it cancels and waits for an inference in flight.
            request.close();
            for (Tensor tensor : outputTensors) {
                if (tensor != null) {
                    tensor.close();
                }
            }
            ownInput.close();
        }

        /** The view of this request's outputs given to the Sink, one frame at a time. */
        final class SlotResults implements InferenceResults {
            private int index = -1;

            void open(int frame) {
                for (int i = 0; i < dynamicOutput.length; i++) {
                    if (dynamicOutput[i]) {
                        // The shape, and so the memory, may change with every inference.
                        if (outputTensors[i] != null) {
                            outputTensors[i].close();
                        }
                        outputTensors[i] = request.outputTensor(i);
                        outputData[i] = outputTensors[i].data().asReadOnly();
                        outputShapes[i] = outputTensors[i].shape();
                    }
                }
                index = frame;
            }

            void closeView() {
                index = -1;
            }

            private int indexOf(String name) {
                Integer found = outputIndex.get(name);
                if (found == null) {
                    throw new IllegalArgumentException("model " + modelName + " has no output named '" + name
                            + "'; its outputs are: " + describe(outputs));
                }
                return found;
            }

            private void checkOpen() {
                if (index < 0) {
                    throw new IllegalStateException("results are valid only during Sink.deliver");
                }
            }

            @Override
            public MemorySegment output(String name) {
                checkOpen();
                return outputData[indexOf(name)];
            }

            @Override
            public MemorySegment output(int output) {
                checkOpen();
                Objects.checkIndex(output, outputData.length);
                return outputData[output];
            }

            @Override
            public long[] shape(String name) {
                checkOpen();
                return outputShapes[indexOf(name)].clone();
            }

            @Override
            public ElementType elementType(String name) {
                return outputs.get(indexOf(name)).elementType();
            }

            @Override
            public int batchSize() {
                return batch;
            }

            @Override
            public int slot() {
                checkOpen();
                return index;
            }

            @Override
            public String toString() {
                return "results of request " + number + ", frame " + index + " of " + batch;
            }
        }
    }

    /**
     * Every submitted frame and marker, in submission order, until delivered: a ring that grows only
     * when markers pile up (frames are bounded by the pool). Guarded by the engine lock.
     */
    private final class Order {
        private Object[] tags = new Object[64];
        @SuppressWarnings("unchecked")
        private Slot[] slotOf = (Slot[]) java.lang.reflect.Array.newInstance(Slot.class, 64);
        private int[] indexOf = new int[64];
        private int head;
        private int size;
        /** Sequence number of the head entry: everything before it has been handled. */
        private long headSeq;

        void add(Object tag, Slot slot, int index) {
            if (size == tags.length) {
                grow();
            }
            int at = (head + size) & (tags.length - 1);
            tags[at] = tag;
            slotOf[at] = slot;
            indexOf[at] = index;
            size++;
        }

        boolean isEmpty() {
            return size == 0;
        }

        long headSeq() {
            return headSeq;
        }

        long nextSeq() {
            return headSeq + size;
        }

        Object headTag() {
            return tags[head];
        }

        Slot headSlot() {
            return slotOf[head];
        }

        int headIndex() {
            return indexOf[head];
        }

        void removeHead() {
            tags[head] = null;
            slotOf[head] = null;
            head = (head + 1) & (tags.length - 1);
            size--;
            headSeq++;
        }

        @SuppressWarnings("unchecked")
        private void grow() {
            int capacity = tags.length * 2;
            Object[] newTags = new Object[capacity];
            Slot[] newSlots = (Slot[]) java.lang.reflect.Array.newInstance(Slot.class, capacity);
            int[] newIndex = new int[capacity];
            for (int i = 0; i < size; i++) {
                int from = (head + i) & (tags.length - 1);
                newTags[i] = tags[from];
                newSlots[i] = slotOf[from];
                newIndex[i] = indexOf[from];
            }
            tags = newTags;
            slotOf = newSlots;
            indexOf = newIndex;
            head = 0;
        }
    }

    /**
     * Wrapped tensors of recent frame addresses, least recently used evicted; used by the submitting
     * thread only. A tensor set on a request stays valid there after its handle here is closed
     * (OpenVINO shares it), so eviction is safe while an inference runs. Falls back to copying when
     * most frames come at new addresses, where wrapping would cost more than copying.
     */
    private final class WrapCache {
        private static final int WINDOW = 64;
        private final long[] shape;
        private final long[] addresses = new long[WRAP_CACHE_SIZE];
        private final Tensor[] tensors = new Tensor[WRAP_CACHE_SIZE];
        private final long[] lastUse = new long[WRAP_CACHE_SIZE];
        private long clock;
        private int lookups;
        private int misses;
        boolean fallenBack;

        WrapCache(long[] shape) {
            this.shape = shape;
        }

        /** The wrapped tensor over {@code frame}, or null when copying is the better choice. */
        Tensor get(MemorySegment frame) {
            if (fallenBack) {
                return null;
            }
            long address = frame.address();
            clock++;
            int oldest = 0;
            for (int i = 0; i < tensors.length; i++) {
                if (tensors[i] != null && addresses[i] == address) {
                    lastUse[i] = clock;
                    count(false);
                    return tensors[i];
                }
                if (tensors[i] == null || (tensors[oldest] != null && lastUse[i] < lastUse[oldest])) {
                    oldest = i;
                }
            }
            if (count(true)) {
                LOG.log(Level.INFO, "ovgst: most frames for " + modelName + " arrive at new addresses (no buffer"
                        + " pool), so they are copied instead of wrapped");
                clear();
                fallenBack = true;
                return null;
            }
            if (tensors[oldest] != null) {
                tensors[oldest].close();
            }
            tensors[oldest] = Tensor.wrap(ElementType.U8, shape, frame.asSlice(0, frameBytes));
            addresses[oldest] = address;
            lastUse[oldest] = clock;
            tensorWraps++;
            return tensors[oldest];
        }

        /** Counts a lookup; true when the last window was mostly misses. */
        private boolean count(boolean miss) {
            lookups++;
            if (miss) {
                misses++;
            }
            if (lookups < WINDOW) {
                return false;
            }
            boolean mostlyMisses = misses > WINDOW / 2;
            lookups = 0;
            misses = 0;
            return mostlyMisses;
        }

        void clear() {
            for (int i = 0; i < tensors.length; i++) {
                if (tensors[i] != null) {
                    tensors[i].close();
                    tensors[i] = null;
                }
            }
        }
    }
}
