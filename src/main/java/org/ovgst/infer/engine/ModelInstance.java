package org.ovgst.infer.engine;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;

/**
 * A model and its request pools, owned by one engine or shared by every engine of one
 * {@code model-instance-id} (DL Streamer's name): one read of the model, one compiled model and one
 * request pool per frame geometry, whatever the number of streams. Frames of several streams fill
 * the same batches; each engine still hands out its own frames, in its own order.
 *
 * <p>The engines of one id must ask for the same compiled model and batches: a later engine that
 * asks for another model, device, batch size, compile configuration or pre-processing is refused,
 * naming what differs (it would otherwise run with the first engine's, silently); so is a second
 * engine on an instance that runs inference synchronously ({@code async=false} serves the one
 * streaming thread that submits). Each engine brings its own {@code nireq}.
 *
 * <p>One lock guards the pools' slot bookkeeping and every engine's order; the conditions below are
 * shared by the engines of the instance.
 */
final class ModelInstance {
    private static final System.Logger LOG = System.getLogger(ModelInstance.class.getName());
    /** Shared instances by id; guarded by the class. */
    private static final Map<String, ModelInstance> SHARED = new HashMap<>();

    private final String id;
    private final EngineSettings settings;
    /** Whose model it is ({@link Backend#name}): elements of another backend cannot share it. */
    private final String backendName;
    /** Where the model runs, for messages: OpenVINO's device, or the server. */
    private final String runsOn;
    private final BackendModel model;
    /** Pools by frame geometry; the map's monitor guards it and the pools' user counts. */
    private final Map<Geometry, RequestPool> pools = new HashMap<>();
    /** Engines attached; guarded by the class. */
    private int engines;

    final ReentrantLock lock = new ReentrantLock();
    /** A request went back to its pool. */
    final Condition slotFreed = lock.newCondition();
    /** A request finished (or will never run), or an engine's flush changed what may be handed out. */
    final Condition slotDone = lock.newCondition();

    /** What a compiled model depends on of a frame layout: strides and offsets change only the copy. */
    private record Geometry(PixelFormat format, int width, int height) {
        static Geometry of(FrameLayout layout) {
            return new Geometry(layout.format(), layout.width(), layout.height());
        }
    }

    private ModelInstance(String id, EngineSettings settings, Backend backend) {
        this.id = id;
        this.settings = settings;
        this.backendName = backend.name();
        this.runsOn = backend.runsOn(settings);
        this.model = backend.read(settings);
    }

    /**
     * The instance for an engine: its own when {@code id} is null, else the one of that id (read
     * now if it is the first).
     *
     * @throws InferenceException when the model cannot be read, or the id already runs another
     *     model or device, or runs synchronously
     */
    static ModelInstance attach(String id, EngineSettings settings, Backend backend) {
        if (id == null) {
            ModelInstance own = new ModelInstance(null, settings, backend);
            own.engines = 1;
            return own;
        }
        synchronized (ModelInstance.class) {
            ModelInstance existing = SHARED.get(id);
            if (existing == null) {
                existing = new ModelInstance(id, settings, backend);
                SHARED.put(id, existing);
            } else {
                existing.checkShareable(settings, backend);
            }
            existing.engines++;
            return existing;
        }
    }

    /**
     * What an engine of a shared instance must ask for as the first did, by the name users set it
     * with: each shapes the compiled model or its batches.
     */
    private static final List<Map.Entry<String, Function<EngineSettings, Object>>> SHARED_SETTINGS = List.of(
            Map.entry("batch-size", EngineSettings::batchSize),
            Map.entry("config", EngineSettings::config),
            Map.entry("input-name", EngineSettings::inputName),
            Map.entry("the input's normalization (input-scale/input-offset, mean-values/scale-values)",
                    EngineSettings::normalization),
            Map.entry("model-color", EngineSettings::modelColor),
            Map.entry("the model's input layout", EngineSettings::modelLayout),
            Map.entry("the resize algorithm", EngineSettings::resize),
            Map.entry("letterbox", EngineSettings::letterbox),
            Map.entry("the letterbox's pad value", EngineSettings::padValue),
            Map.entry("the input size (reshape-width/reshape-height)", EngineSettings::inputSize),
            Map.entry("the input's padding", EngineSettings::inputPadding),
            Map.entry("center-crop", EngineSettings::centerCrop));

    private void checkShareable(EngineSettings other, Backend backend) {
        if (!backendName.equals(backend.name())) {
            throw new InferenceException("model-instance-id '" + id + "' already runs " + settings.model() + " on "
                    + backendName + ", and this element asks for " + backend.name() + ": give the elements of one"
                    + " model-instance-id the same server (or none), or another model-instance-id");
        }
        if (!samePath(settings.model(), other.model()) || !settings.device().equals(other.device())) {
            throw new InferenceException("model-instance-id '" + id + "' already runs " + settings.model() + " on "
                    + settings.device() + ", and this element asks for " + other.model() + " on " + other.device()
                    + ": the elements of one model-instance-id share one compiled model, so give them the same model"
                    + " and device, or another model-instance-id");
        }
        for (Map.Entry<String, Function<EngineSettings, Object>> shared : SHARED_SETTINGS) {
            Object first = shared.getValue().apply(settings);
            Object asked = shared.getValue().apply(other);
            if (!Objects.equals(first, asked)) {
                throw new InferenceException("model-instance-id '" + id + "' already runs " + settings.model()
                        + " with " + shared.getKey() + " " + shown(first) + ", and this element asks for " + shown(asked)
                        + ": the elements of one model-instance-id share one compiled model and its batches, so give"
                        + " them the same " + shared.getKey() + ", or another model-instance-id");
            }
        }
        if (!settings.async()) {
            throw new InferenceException("model-instance-id '" + id + "' runs " + settings.model() + " with async=false,"
                    + " which serves one element's streaming thread: set async=true on its first element, or give"
                    + " this element another model-instance-id");
        }
    }

    /** A setting as users write it: config as KEY=VALUE,..., nothing as "none". */
    private static String shown(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.isEmpty() ? "none" : map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .sorted().collect(java.util.stream.Collectors.joining(","));
        }
        return value == null ? "none" : value.toString();
    }

    private static boolean samePath(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /** An engine is done with the instance; the last one frees it. */
    void detach() {
        synchronized (ModelInstance.class) {
            if (--engines > 0) {
                return;
            }
            if (id != null) {
                SHARED.remove(id);
            }
        }
        synchronized (pools) {
            pools.values().forEach(RequestPool::free);
            pools.clear();
        }
        model.close();
    }

    EngineSettings settings() {
        return settings;
    }

    String modelName() {
        return model.name();
    }

    /** Where the model runs, for messages: OpenVINO's device here, or the server. */
    String runsOn() {
        return runsOn;
    }

    String inputName() {
        return model.inputName();
    }

    /**
     * The pool for frames of this layout's geometry, with this engine's share of requests added:
     * compiled now if no engine uses one yet.
     */
    RequestPool join(FrameLayout layout) {
        synchronized (pools) {
            RequestPool pool = pools.get(Geometry.of(layout));
            if (pool == null) {
                pool = new RequestPool(this, model.prepare(layout), layout);
                pools.put(Geometry.of(layout), pool);
            } else {
                pool.grow();
            }
            pool.users++;
            return pool;
        }
    }

    /** An engine's frames left the pool (all handed out): its share of requests goes; the last user frees it. */
    void leave(RequestPool pool) {
        synchronized (pools) {
            if (--pool.users > 0) {
                pool.shrink();
                return;
            }
            pools.values().remove(pool);
        }
        pool.free();
    }

    /**
     * Runs a batch whose start the caller claimed ({@link RequestSlot#claimStart}): hands it to
     * the backend, or with {@code async=false} infers it on this thread. A request that cannot start
     * is finished at once with its error, so its frames are handed out as failed.
     */
    void start(RequestSlot slot) {
        if (slot.error == null) {
            try {
                if (settings.async()) {
                    slot.request.start();
                    return;
                }
                slot.request.infer();
            } catch (RuntimeException e) {
                slot.error = slot.pool.inferenceFailed(e);
            }
        }
        markRan(slot);
    }

    /** The backend's completion callback, on its thread (OpenVINO's: one for all requests on CPU): short, and nothing escapes. */
    void completed(RequestSlot slot) {
        try {
            markRan(slot);
        } catch (Throwable t) {
            try {
                LOG.log(Level.ERROR, "ovgst: cannot hand a finished request of " + modelName() + " over", t);
            } catch (Throwable ignored) {
                // Nothing may leave OpenVINO's callback.
            }
        }
    }

    private void markRan(RequestSlot slot) {
        lock.lock();
        try {
            slot.ran = true;
            slotDone.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code engine} handed out one of the slot's frames; returns whether the engine no longer holds
     * the slot. The slot goes back to its pool when all its frames are out, unless it is still being
     * filled. Under the lock.
     */
    boolean handedOut(RequestSlot slot, Object engine) {
        boolean released = slot.handedOut(engine);
        if (slot.consumed == slot.filled && slot.pool.filling != slot) {
            slot.pool.recycle(slot);
        }
        if (released) {
            // An engine at its share of requests waits for this.
            slotFreed.signalAll();
        }
        return released;
    }
}
