package org.ovgst.infer.engine;

import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * What runs the models: the seam between the engine (pool, ordering, batching, delivery) and an
 * inference runtime. A backend reads and describes a model ({@link BackendModel}), prepares it for a
 * frame layout ({@link PreparedModel}: pre-processing included) and makes its {@link Request}s.
 * The local one is OpenVINO in this process ({@code org.ovgst.infer.openvino}); the engine finds it
 * as a {@link ServiceLoader} service, so no class of the engine names it.
 */
public interface Backend {
    /** A short name for messages ("OpenVINO"). */
    String name();

    /** Loads the runtime if it is not yet and says which it is, for messages ("2026.4.1-…"). */
    String version();

    /**
     * Whether its models are files it reads (checked as files, their metadata read beside); a server
     * names its models instead.
     */
    default boolean readsModelFiles() {
        return true;
    }

    /** Where a model of these settings runs, for messages: this backend, unless it has devices. */
    default String runsOn(EngineSettings settings) {
        return name();
    }

    /**
     * Reads what {@code model} declares (its inputs and outputs), for an element to choose from before
     * it prepares anything.
     *
     * @throws org.ovgst.infer.InferenceException when the file cannot be read as a model; the message says why
     */
    ModelDescription describe(Path model);

    /**
     * Reads the model of {@code settings} and checks that it has an image input these settings can feed.
     *
     * @throws org.ovgst.infer.InferenceException when the model file is missing, unreadable or has no usable input
     */
    BackendModel read(EngineSettings settings);

    /** The backend the engine uses unless given another: the first one on the class path (OpenVINO). */
    static Backend local() {
        return Local.BACKEND;
    }

    /** Loaded once, on first use. */
    final class Local {
        static final Backend BACKEND = ServiceLoader.load(Backend.class, Backend.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no inference backend on the class path"));

        private Local() {}
    }
}
