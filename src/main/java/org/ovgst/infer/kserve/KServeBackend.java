package org.ovgst.infer.kserve;

import io.grpc.ChannelCredentials;
import java.nio.file.Path;
import java.time.Duration;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.engine.Backend;
import org.ovgst.infer.engine.BackendModel;
import org.ovgst.infer.engine.BackendUnavailable;
import org.ovgst.infer.engine.EngineSettings;
import org.ovgst.infer.engine.ModelDescription;

/**
 * Models served by a KServe v2 / Open Inference Protocol gRPC server (Triton, OpenVINO Model Server):
 * the frames are pre-processed here, at the model's size ({@code org.ovgst.infer.preprocess}), and
 * only the model's input crosses the network. A model is named as the server serves it: the path of
 * {@link #describe} and of {@link EngineSettings#model()} is that name.
 */
public final class KServeBackend implements Backend {
    /** Between two attempts to reach the server when an element starts. */
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

    private final String address;
    private final String version;
    private final Duration timeout;
    private final int connectAttempts;
    private final boolean sharedMemory;
    private final ChannelCredentials credentials;

    /**
     * @param address {@code HOST:PORT} of the server's gRPC port
     * @param version the model's version, empty for the server's choice
     * @param timeout the deadline of each call (an inference too: {@code server-timeout})
     * @param connectAttempts how many times the server is tried when an element starts
     * @param sharedMemory give a server on this host the model's input in shared memory, if it can take it
     * @param credentials plaintext, or TLS ({@link ServerConfig})
     */
    public KServeBackend(String address, String version, Duration timeout, int connectAttempts, boolean sharedMemory,
            ChannelCredentials credentials) {
        this.address = address;
        this.version = version == null ? "" : version;
        this.timeout = timeout;
        this.connectAttempts = connectAttempts;
        this.sharedMemory = sharedMemory;
        this.credentials = credentials;
    }

    @Override
    public String name() {
        return "the inference server at " + address;
    }

    @Override
    public String version() {
        return "KServe v2 gRPC";
    }

    @Override
    public boolean readsModelFiles() {
        return false;
    }

    @Override
    public ModelDescription describe(Path model) {
        try (KServeClient client = newClient()) {
            return served(client, model.toString()).ports();
        }
    }

    @Override
    public BackendModel read(EngineSettings settings) {
        return new KServeModel(this, settings);
    }

    String address() {
        return address;
    }

    String modelVersion() {
        return version;
    }

    /** A channel of its own to the server. */
    KServeClient newClient() {
        return new KServeClient(address, credentials);
    }

    boolean sharedMemory() {
        return sharedMemory;
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * The model, ready, as the server describes it; a server out of reach is tried
     * {@code connectAttempts} times, a second apart, before that is an error.
     */
    ServedModel served(KServeClient client, String model) {
        for (int attempt = 1;; attempt++) {
            try {
                return client.requireModel(model, version, timeout);
            } catch (BackendUnavailable e) {
                if (attempt >= connectAttempts) {
                    // Fatal here: without the model's description the element cannot start.
                    throw new InferenceException(e.getMessage() + " (tried " + attempt + (attempt == 1 ? " time" : " times")
                            + ", property server-connect-attempts)", e);
                }
            }
            try {
                Thread.sleep(RETRY_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InferenceException("interrupted while waiting for " + name(), e);
            }
        }
    }
}
