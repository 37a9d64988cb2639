package org.ovgst.gst.elements;

import static org.ovgst.gst.elements.InferenceProperties.ASYNC;
import static org.ovgst.gst.elements.InferenceProperties.BATCH_SIZE;
import static org.ovgst.gst.elements.InferenceProperties.CONFIG;
import static org.ovgst.gst.elements.InferenceProperties.DEVICE;
import static org.ovgst.gst.elements.InferenceProperties.INFERENCE_INTERVAL;
import static org.ovgst.gst.elements.InferenceProperties.INPUT_NAME;
import static org.ovgst.gst.elements.InferenceProperties.MODEL;
import static org.ovgst.gst.elements.InferenceProperties.MODEL_INSTANCE_ID;
import static org.ovgst.gst.elements.InferenceProperties.MODEL_VERSION;
import static org.ovgst.gst.elements.InferenceProperties.NIREQ;
import static org.ovgst.gst.elements.InferenceProperties.RESHAPE_HEIGHT;
import static org.ovgst.gst.elements.InferenceProperties.RESHAPE_WIDTH;
import static org.ovgst.gst.elements.InferenceProperties.SERVER;
import static org.ovgst.gst.elements.InferenceProperties.SERVER_CONFIG;
import static org.ovgst.gst.elements.InferenceProperties.SERVER_CONNECT_ATTEMPTS;
import static org.ovgst.gst.elements.InferenceProperties.SERVER_SHARED_MEMORY;
import static org.ovgst.gst.elements.InferenceProperties.SERVER_TIMEOUT;

import java.lang.foreign.MemorySegment;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ovgst.files.UserFiles;
import org.ovgst.gst.bridge.BridgeBin;
import org.ovgst.gst.bridge.BufferFrame;
import org.ovgst.gst.bridge.LatencyBudget;
import org.ovgst.gst.gobject.ElementSpec;
import org.ovgst.gst.gobject.Property;
import org.ovgst.infer.engine.Backend;
import org.ovgst.infer.engine.BackendUnavailable;
import org.ovgst.infer.engine.EngineSettings;
import org.ovgst.infer.engine.InferenceEngine;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.engine.ResultSink;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.kserve.KServeBackend;
import org.ovgst.infer.kserve.ServerConfig;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.ModelInfo;
import org.ovgst.tensor.PortInfo;

/**
 * The base of every inference element (ovdetect; ovprocess and ovclassify next): the properties
 * they share, each declared once with its range and default; typed settings read once when the
 * element starts; the inference engine, opened when the first caps arrive and closed when the
 * element stops; and the frames' way through it, in order. An element adds its own properties,
 * decides how the model takes frames and builds its running state {@code S} ({@link #prepare}),
 * and says what a frame's results become ({@link #apply}).
 *
 * <p>{@code inference-interval} N infers every Nth frame; the frames between pass through the
 * engine as markers, so they leave in order, unchanged and without new metadata. Elements with the
 * same {@code model-instance-id} share one compiled model and request pool (see
 * {@link InferenceEngine}).
 *
 * <p>The latency the element reports ({@link LatencyBudget}) is the longest a batch waits for its
 * frames (which the engine also enforces: a batch runs partly filled when its frames are late) plus
 * an allowance for processing that follows each frame's own time in the element: from its arrival
 * to its hand-over, less the element's waits for room downstream, so that what downstream holds
 * back never comes back as more latency.
 */
public abstract class InferenceElement<S extends InferenceElement.ElementState> extends BridgeBin {
    /** Told of each frame as it leaves the element, for applications that time it (a bench, a monitor). */
    @FunctionalInterface
    public interface FrameTimer {
        /** @param nanosInside from the frame's arrival to its hand-over to the source pad, results attached */
        void frameLeft(long frame, long nanosInside);
    }

    /**
     * What an element keeps from start() to stop() (gst-plugins-rs's {@code Option<State>}): built by
     * its {@link #prepare}, reached through {@link #state()}, closed when the element stops, after
     * the engine closed (no frame is delivered any more).
     */
    public interface ElementState extends AutoCloseable {
        /** A flush ended and every frame from before it was discarded: drop what was kept for them. */
        default void flushed() {}

        /** Frees what the state allocated. */
        @Override
        default void close() {}
    }

    /** What {@link #prepare} gives: how the engine runs the model, and the element's running state. */
    protected record Prepared<T>(EngineSettings engineSettings, T state) {}

    private final List<FrameTimer> timers = new CopyOnWriteArrayList<>();

    /**
     * One run of the element, from start() to stop(): the settings and the model, read once; how the
     * engine runs it and the element's own state ({@link #prepare}); the engine from the first caps;
     * the latency reported from the model's compilation on; and, on the streaming thread, the
     * inference-interval phase.
     */
    private final class Run {
        final InferenceSettings settings;
        final ModelInfo model;
        final EngineSettings engineSettings;
        final S state;
        InferenceEngine<BufferFrame> engine;
        volatile LatencyBudget latency;
        // The frame that started the current inference-interval phase, its interval and layout.
        long phaseStart;
        int phaseInterval;
        FrameLayout phaseLayout;

        Run(InferenceSettings settings, ModelInfo model, Prepared<S> prepared) {
            this.settings = settings;
            this.model = model;
            this.engineSettings = prepared.engineSettings();
            this.state = prepared.state();
        }
    }

    /** The current run; null while the element is stopped. */
    private volatile Run run;

    protected InferenceElement(MemorySegment self, ElementSpec spec) {
        super(self, spec);
    }

    /** The shared properties, then the element's own, in the order gst-inspect-1.0 lists them. */
    static List<Property<?>> properties(Property<?>... own) {
        List<Property<?>> all = new ArrayList<>(List.of(MODEL, DEVICE, NIREQ, BATCH_SIZE, ASYNC, CONFIG, INPUT_NAME,
                RESHAPE_WIDTH, RESHAPE_HEIGHT, INFERENCE_INTERVAL, MODEL_INSTANCE_ID, SERVER, MODEL_VERSION,
                SERVER_TIMEOUT, SERVER_CONNECT_ATTEMPTS, SERVER_SHARED_MEMORY, SERVER_CONFIG));
        all.addAll(List.of(own));
        return all;
    }

    /** Adds a timer told of every frame that leaves, on the delivery thread: it must return quickly. */
    public void addFrameTimer(FrameTimer timer) {
        timers.add(timer);
    }

    /**
     * Writes the model this element runs for its current caps, pre-processing included, as the
     * device's blob (OpenVINO's {@code benchmark_app -m file.blob} times it). Call it from a listener
     * or timer, while frames flow.
     *
     * @throws IllegalStateException before the first frame's caps or after the element stopped
     */
    public void exportCompiledModel(Path file) {
        Run current = run;
        if (current == null || current.engine == null) {
            throw new IllegalStateException("no model compiled yet: export while frames flow");
        }
        current.engine.exportCompiledModel(file);
    }

    // ---- what elements provide ----

    /**
     * When the element starts: chooses from the model (read once: its ports, labels, known
     * conventions) what the element needs, says how the model takes frames by completing
     * {@code settings.engineSettings()}, and builds the element's running state. Throw to fail the
     * start with a bus ERROR.
     */
    protected abstract Prepared<S> prepare(InferenceSettings settings, ModelInfo model) throws Exception;

    /**
     * The element's running state, made by {@link #prepare}: from start() to stop(), null while
     * stopped (a caps query may come then).
     */
    protected final S state() {
        Run current = run;
        return current == null ? null : current.state;
    }

    /**
     * A frame's results, on the engine's delivery thread, in frame order; the frame is sent on
     * afterwards. It is still mapped for reading: call {@link BufferFrame#writableForMetadata} before
     * attaching metadata, or {@link BufferFrame#replace} it with a frame of the element's making.
     */
    protected abstract void apply(BufferFrame frame, InferenceResults results) throws Throwable;

    /**
     * The model was compiled for a new frame layout (the first caps, a caps change), on the streaming
     * thread, before any frame of that layout is submitted and after every earlier frame was
     * delivered: {@code outputs} are its outputs with their static shapes.
     */
    protected void modelCompiled(FrameLayout layout, List<PortInfo> outputs) {}

    /**
     * What the model sees of frames of {@code frames}' layout, in the same memory: the frames
     * themselves (the default), or a part of them (ovprocess: a YUV frame's luma plane).
     */
    protected FrameLayout inferenceLayout(FrameLayout frames) {
        return frames;
    }

    /**
     * A frame not inferred ({@code inference-interval}), on the delivery thread in frame order; by
     * default it leaves as it came. Such frames always follow an inferred frame of the same layout
     * that {@link BufferFrame#passedFramesFollow() knew} they would.
     */
    protected void passed(BufferFrame frame) throws Throwable {}

    /**
     * The most inferences of this element submitted and not yet delivered: its requests times the
     * batch size. Once the model is compiled (from the first caps on).
     */
    protected final int framesInFlight() {
        InferenceEngine<BufferFrame> engine = run.engine;
        return engine.nireq() * engine.batchSize();
    }

    // ---- the lifecycle ----

    /**
     * Reads the settings and lets the element prepare; when upstream's caps already fix the frames'
     * format and size, compiles the model for them now: a live source's first frames would otherwise
     * wait for the compilation and reach the sinks late.
     */
    @Override
    protected final void start() throws Exception {
        InferenceSettings settings = readSettings();
        ModelInfo model = settings.readModel();
        run = new Run(settings, model, prepare(settings, model));
        FrameLayout expected = expectedLayout();
        if (expected != null) {
            try {
                layoutChanged(expected);
            } catch (Throwable t) {
                stop(); // a failed start leaves the element stopped: nothing calls stop() for it
                throw t;
            }
        }
    }

    private InferenceSettings readSettings() throws FileSystemException {
        String modelSetting = get(MODEL);
        if (modelSetting == null) {
            throw new IllegalArgumentException("property 'model' is not set: give the model file, e.g."
                    + " model=models/face_detection_short_range.tflite");
        }
        Path model = Path.of(modelSetting);
        String server = get(SERVER);
        Backend backend = server == null || server.isBlank() ? Backend.local()
                : new KServeBackend(server.strip(), get(MODEL_VERSION), Duration.ofMillis(get(SERVER_TIMEOUT)),
                        get(SERVER_CONNECT_ATTEMPTS), get(SERVER_SHARED_MEMORY),
                        ServerConfig.credentials(get(SERVER_CONFIG) == null ? null : Path.of(get(SERVER_CONFIG))));
        if (backend.readsModelFiles()) {
            UserFiles.requireReadableFile(model, "model file");
        }
        int width = get(RESHAPE_WIDTH);
        int height = get(RESHAPE_HEIGHT);
        if ((width == 0) != (height == 0)) {
            throw new IllegalArgumentException("properties 'reshape-width' and 'reshape-height' are " + width + " and "
                    + height + ": set both to reshape the model's input, or neither");
        }
        return new InferenceSettings(model, backend, get(DEVICE), get(NIREQ), get(BATCH_SIZE), get(ASYNC),
                InferenceSettings.compileProperties(get(CONFIG)), get(INPUT_NAME),
                width == 0 ? null : InputSize.exact(width, height), get(MODEL_INSTANCE_ID));
    }

    @Override
    protected final void layoutChanged(FrameLayout layout) {
        Run current = run;
        FrameLayout seen = inferenceLayout(layout);
        if (current.engine == null) {
            current.engine = InferenceEngine.open(current.engineSettings, seen, new Delivery(),
                    current.settings.instanceId(), current.settings.backend());
        } else {
            current.engine.reconfigure(seen);
        }
        InferenceEngine<BufferFrame> engine = current.engine;
        EngineSettings engineSettings = current.engineSettings;
        // Twice the first inference to begin with: its time varies with the load, and a frame late by
        // the difference is dropped. The frames' own times correct it from then on.
        long before = current.latency == null ? 0 : current.latency.reported();
        long batchWait = batchWait(engine, get(INFERENCE_INTERVAL));
        engine.setBatchWait(batchWait);
        current.latency = new LatencyBudget(batchWait, frameDuration(), 2 * engine.batchInferenceNanos());
        if (current.latency.reported() != before) {
            latencyReported(current.latency, "the model was compiled");
        }
        InferenceEngine<BufferFrame> compiled = engine;
        logInfo(() -> String.format(java.util.Locale.ROOT, "model %s compiled for %s frames (the model sees %s):"
                + " device %s, nireq %d, batch-size %d, async %b, input '%s', %s, %s; frames %s; first inference"
                + " %.2f ms; outputs %s", engineSettings.model(), layout, seen, engineSettings.device(),
                compiled.nireq(), compiled.batchSize(), engineSettings.async(), compiled.inputName(),
                engineSettings.modelColor(), engineSettings.normalization(), compiled.zeroCopy() ? "read in place"
                        : "copied", compiled.batchInferenceNanos() / 1e6, PortInfo.describe(compiled.outputs())));
        modelCompiled(layout, engine.outputs());
    }

    /**
     * The longest the first inference of a batch waits for the rest, ns: the frames that bring them
     * ({@code batch-size - 1} inferred frames, {@code interval} frames apart) and half a frame for
     * their jitter; 0 without batches, or when the frame rate is unknown (then a batch waits until full).
     */
    private long batchWait(InferenceEngine<BufferFrame> engine, int interval) {
        long frame = frameDuration();
        return engine.batchSize() == 1 || frame == 0 ? 0 : (engine.batchSize() - 1) * interval * frame + frame / 2;
    }

    @Override
    protected final long latency() {
        Run current = run;
        LatencyBudget budget = current == null ? null : current.latency;
        return budget == null ? 0 : budget.reported();
    }

    /** The latency reported changed: the pipeline is told, and GST_DEBUG at INFO says why. */
    private void latencyReported(LatencyBudget current, String why) {
        logInfo(() -> String.format(java.util.Locale.ROOT, "latency %.1f ms (batch wait %.1f ms + processing"
                + " %.1f ms): %s", current.reported() / 1e6, (current.reported() - current.allowance()) / 1e6,
                current.allowance() / 1e6, why));
        latencyChanged();
    }

    /**
     * A frame leaves, while playing: its own time in the element (from its arrival, less the
     * element's waits for room downstream meanwhile) goes to the latency budget.
     */
    private void measure(BufferFrame frame) {
        long period = frame.playingPeriod();
        LatencyBudget current = run.latency;
        if (period >= 0 && period == playingPeriod() && current != null) {
            long now = System.nanoTime();
            long waited = downstream.waitedNanos() - frame.downstreamWaitedBefore();
            long own = now - frame.arrived() - waited;
            if (frameLogging()) {
                logFrame(String.format(java.util.Locale.ROOT, "frame %d leaves after %.2f ms of its own and %.2f ms"
                        + " waiting for room downstream", frame.index(), own / 1e6, waited / 1e6));
            }
            if (current.frameLeft(own, now)) {
                latencyReported(current, current.lastChange().why());
            }
        }
    }

    @Override
    protected final void process(BufferFrame frame) throws Throwable {
        Run current = run;
        int interval = get(INFERENCE_INTERVAL);
        if (interval != current.phaseInterval || frame.layout() != current.phaseLayout
                || frame.index() < current.phaseStart) {
            // A new interval, frame size or stream (after a flush) starts with an inferred frame.
            if (current.phaseInterval != 0 && interval != current.phaseInterval) {
                intervalChanged(current, interval);
            }
            current.phaseStart = frame.index();
            current.phaseInterval = interval;
            current.phaseLayout = frame.layout();
        }
        frame.holdForSubmissions();
        boolean refused = false;
        if ((frame.index() - current.phaseStart) % interval == 0) {
            frame.setPassedFramesFollow(interval > 1);
            refused = !submitInferences(frame);
        }
        if (frame.submissions() == 0 && !refused) {
            // Not inferred (inference-interval, or nothing in it to infer): it leaves in order all the same.
            frame.submitting();
            current.engine.submitMarker(frame);
        }
        if (frame.submitted()) {
            // Everything was delivered during the submissions (async=false), or nothing was accepted.
            if (refused && frame.submissions() == 0) {
                discard(frame);
            } else {
                finish(frame);
            }
        } else if (frame.playingPeriod() < 0) {
            // Not playing: the sinks downstream may be prerolling, waiting for this very frame, and
            // upstream may send no more until they have (a live source): run its batch now.
            current.engine.drain();
        }
    }

    /** inference-interval changed while playing: batches fill more slowly or quickly, and may wait as long. */
    private void intervalChanged(Run current, int interval) {
        long batchWait = batchWait(current.engine, interval);
        current.engine.setBatchWait(batchWait);
        LatencyBudget latency = current.latency;
        long before = latency.reported();
        latency.setBatchWait(batchWait);
        if (latency.reported() != before) {
            latencyReported(latency, "inference-interval is " + interval);
        }
    }

    /**
     * Submits the inferences of a frame to infer, through {@link #infer}: the whole frame (the
     * default), or each of its regions; none lets it pass as a frame not inferred. Returns false
     * when a submission was refused (the element is stopping or flushing).
     */
    protected boolean submitInferences(BufferFrame frame) throws Throwable {
        return infer(frame, frame.data());
    }

    /**
     * Submits one inference of {@code frame} on {@code pixels} (laid out as the engine's layout);
     * {@code pixels} must stay valid and unchanged until its results are applied. False when refused
     * (the element is stopping or flushing).
     */
    protected final boolean infer(BufferFrame frame, MemorySegment pixels) {
        frame.submitting();
        if (!run.engine.submit(frame, pixels)) {
            frame.refused();
            return false;
        }
        return true;
    }

    /** A frame whose inferences were all delivered leaves. */
    private void finish(BufferFrame frame) {
        measure(frame);
        if (!timers.isEmpty()) { // iterating an empty CopyOnWriteArrayList still makes an iterator
            long inside = System.nanoTime() - frame.arrived();
            for (FrameTimer timer : timers) {
                timer.frameLeft(frame.index(), inside);
            }
        }
        send(frame);
    }

    @Override
    protected final void endOfStream() {
        InferenceEngine<BufferFrame> engine = engine();
        if (engine == null || engine.drain()) {
            sendEos();
        }
    }

    @Override
    protected final void flushStarted() {
        InferenceEngine<BufferFrame> engine = engine();
        if (engine != null) {
            engine.release();
        }
    }

    @Override
    protected final void flushStopped() {
        InferenceEngine<BufferFrame> engine = engine();
        if (engine != null) {
            engine.flush();
        }
        S state = state();
        if (state != null) {
            state.flushed();
        }
    }

    @Override
    protected final void unblock() {
        InferenceEngine<BufferFrame> engine = engine();
        if (engine != null) {
            engine.release();
        }
    }

    /** Closes the engine (every frame is delivered or discarded by then), then the element's state. */
    @Override
    protected final void stop() {
        Run current = run;
        if (current == null) {
            return;
        }
        if (current.engine != null) {
            current.engine.close();
        }
        run = null;
        current.state.close();
    }

    /** The engine of the current run; null while stopped or before the first caps. */
    private InferenceEngine<BufferFrame> engine() {
        Run current = run;
        return current == null ? null : current.engine;
    }

    /** The model of the current run, for messages on the delivery thread. */
    private String modelName() {
        Run current = run;
        return current == null ? "the model" : current.model.name();
    }

    @Override
    protected void dispose() {
        stop();
        super.dispose();
    }

    /** Results come back on the engine's delivery thread, in frame order. */
    private final class Delivery implements ResultSink<BufferFrame> {
        /** Frames that went on without results since the backend went out of reach; 0 while it answers. */
        private long framesWithoutResults;
        /** The last of them (a frame's inferences fail one by one: it counts once). */
        private long lastFrameWithoutResults = -1;

        @Override
        public void deliver(BufferFrame frame, InferenceResults results) {
            try {
                if (results != null) {
                    if (framesWithoutResults > 0) {
                        postWarning(ErrorKind.STREAM, modelName() + " answers again: " + framesWithoutResults
                                + (framesWithoutResults == 1 ? " frame" : " frames") + " went on without its results",
                                null);
                        framesWithoutResults = 0;
                    }
                    apply(frame, results);
                } else {
                    passed(frame);
                }
            } catch (Throwable t) {
                InferenceElement.this.fail(ErrorKind.STREAM, "could not use the results of "
                        + modelName() + ": " + describe(t), t);
            }
            if (frame.delivered()) {
                finish(frame);
            }
        }

        @Override
        public void discard(BufferFrame frame) {
            if (frame.delivered()) {
                InferenceElement.this.discard(frame);
            }
        }

        @Override
        public void fail(BufferFrame frame, RuntimeException error) {
            if (error instanceof BackendUnavailable) {
                // A server lost or late: the stream goes on without results, and is told when they are back.
                if (frame.index() != lastFrameWithoutResults) {
                    lastFrameWithoutResults = frame.index();
                    if (framesWithoutResults++ == 0) {
                        postWarning(ErrorKind.STREAM, describe(error) + ": frames go on without results of "
                                + modelName() + " until it answers again", error);
                    }
                    if (frameLogging()) {
                        logFrame("frame " + frame.index() + " goes on without results (" + framesWithoutResults
                                + " since " + modelName() + " was lost)");
                    }
                }
                deliver(frame, null);
                return;
            }
            InferenceElement.this.fail(ErrorKind.LIBRARY, "inference failed on " + modelName() + ": "
                    + describe(error), error);
            if (frame.delivered()) {
                InferenceElement.this.discard(frame);
            }
        }
    }
}
