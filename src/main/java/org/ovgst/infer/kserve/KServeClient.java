package org.ovgst.infer.kserve;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.engine.BackendUnavailable;
import org.ovgst.infer.engine.ModelDescription;
import org.ovgst.infer.kserve.v2.GRPCInferenceServiceGrpc;
import org.ovgst.infer.kserve.v2.InferParameter;
import org.ovgst.infer.kserve.v2.ModelInferRequest;
import org.ovgst.infer.kserve.v2.ModelInferResponse;
import org.ovgst.infer.kserve.v2.ModelMetadataRequest;
import org.ovgst.infer.kserve.v2.ModelMetadataResponse;
import org.ovgst.infer.kserve.v2.ModelReadyRequest;
import org.ovgst.infer.kserve.v2.RepositoryIndexRequest;
import org.ovgst.infer.kserve.v2.ServerLiveRequest;
import org.ovgst.infer.kserve.v2.ServerMetadataRequest;
import org.ovgst.infer.kserve.v2.ServerMetadataResponse;
import org.ovgst.infer.kserve.v2.ServerReadyRequest;
import org.ovgst.infer.kserve.v2.SystemSharedMemoryRegisterRequest;
import org.ovgst.infer.kserve.v2.SystemSharedMemoryStatusRequest;
import org.ovgst.infer.kserve.v2.SystemSharedMemoryUnregisterRequest;
import org.ovgst.tensor.Dimension;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * A client of one KServe v2 / Open Inference Protocol gRPC server (Triton, OpenVINO Model Server,
 * KServe's model server): one channel to {@code HOST:PORT}, the protocol's calls typed, tensors in raw
 * contents. Every failure is an {@link InferenceException} whose message names the address, the call,
 * the model and what the server said, and, for a model it does not have or that is not ready, the
 * models it serves. Thread-safe; inferences run concurrently on the one channel (HTTP/2 streams).
 */
public final class KServeClient implements AutoCloseable {
    /** gRPC's default of 4 MiB would refuse one 640x640 RGB f32 output; the server bounds what it sends. */
    private static final int MAX_INBOUND_BYTES = Integer.MAX_VALUE;
    /** For the list of served models in an error message: a server that answered just now answers fast. */
    private static final Duration LISTING_TIMEOUT = Duration.ofSeconds(2);
    /** How often a lost server is tried again (see {@link #watch}). */
    static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(1);
    private static final Pattern ADDRESS = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^\\s:\\[\\]/]+):([0-9]{1,5})");

    /** Codes of a ModelInfer that say "not now" rather than "never" (the model was ready before it). */
    private static final Set<Status.Code> TRANSIENT_IN_INFERENCE = EnumSet.of(Status.Code.NOT_FOUND,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED, Status.Code.CANCELLED);

    private final String address;
    private final ManagedChannel channel;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub async;
    /** Calls failing after close() fail because of it (CANCELLED, or UNAVAILABLE before they reached the server). */
    private volatile boolean closed;

    /** The server's name, version and the protocol extensions it supports (Triton: {@code system_shared_memory}...). */
    public record ServerInfo(String name, String version, List<String> extensions) {
        public ServerInfo {
            extensions = List.copyOf(extensions);
        }
    }

    /** One model of a server's repository (Triton's {@code RepositoryIndex}): its state and why. */
    public record ModelState(String name, String version, String state, String reason) {
        @Override
        public String toString() {
            return "'" + name + "'" + (version.isEmpty() ? "" : " version " + version) + " " + state
                    + (reason.isEmpty() ? "" : " (" + reason + ")");
        }
    }

    /** What a {@code ModelInfer} returned: the model and version that ran and the outputs, in raw contents. */
    public record InferResponse(String model, String version, List<KServeTensor> outputs) {
        public InferResponse {
            outputs = List.copyOf(outputs);
        }
    }

    /** A plaintext channel to {@code address} ({@code HOST:PORT}, an IPv6 host in brackets). */
    public KServeClient(String address) {
        this(address, InsecureChannelCredentials.create());
    }

    /**
     * A channel to {@code address} with these credentials (TLS: {@code TlsChannelCredentials}). It
     * connects on the first call, and again after the server was lost.
     *
     * @throws InferenceException when {@code address} is not {@code HOST:PORT}
     */
    public KServeClient(String address, ChannelCredentials credentials) {
        var matcher = ADDRESS.matcher(address);
        if (!matcher.matches() || Integer.parseInt(matcher.group(2)) == 0 || Integer.parseInt(matcher.group(2)) > 65535) {
            throw new InferenceException("server '" + address + "' is not HOST:PORT, e.g. 127.0.0.1:8001 or [::1]:8001"
                    + " (the gRPC port of a KServe v2 server: Triton's --grpc-port, 8001 by default)");
        }
        this.address = address;
        // As a target, HOST:PORT is not a URI gRPC resolves: it takes it as dns:///HOST:PORT.
        channel = Grpc.newChannelBuilder(address, credentials).maxInboundMessageSize(MAX_INBOUND_BYTES).build();
        blocking = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        async = GRPCInferenceServiceGrpc.newStub(channel);
        watch(channel.getState(false));
    }

    /**
     * A lost server is tried again every {@link #RECONNECT_INTERVAL}: gRPC's own backoff grows to 2
     * minutes, and until it tries, every call fails at once (UNAVAILABLE) although the server is back.
     * Polled while the channel is in TRANSIENT_FAILURE: gRPC's pick-first stays in that state through
     * its attempts, so no state change says when one failed.
     */
    private void watch(ConnectivityState state) {
        switch (state) {
            case SHUTDOWN -> { }
            case TRANSIENT_FAILURE -> CompletableFuture.delayedExecutor(RECONNECT_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS).execute(() -> {
                        ConnectivityState now = channel.getState(false);
                        if (now == ConnectivityState.TRANSIENT_FAILURE) {
                            channel.resetConnectBackoff();
                        }
                        watch(now);
                    });
            default -> channel.notifyWhenStateChanged(state, () -> watch(channel.getState(false)));
        }
    }

    /** {@code HOST:PORT} as given. */
    public String address() {
        return address;
    }

    /** Whether the server can receive requests ({@code ServerLive}). */
    public boolean serverLive(Duration timeout) {
        return call("ServerLive", null, "", timeout,
                stub -> stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    }

    /** Whether the server is ready for inferencing ({@code ServerReady}). */
    public boolean serverReady(Duration timeout) {
        return call("ServerReady", null, "", timeout,
                stub -> stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
    }

    /** The server's name, version and extensions ({@code ServerMetadata}). */
    public ServerInfo serverMetadata(Duration timeout) {
        ServerMetadataResponse r = call("ServerMetadata", null, "", timeout,
                stub -> stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()));
        return new ServerInfo(r.getName(), r.getVersion(), r.getExtensionsList());
    }

    /** Whether the model is ready ({@code ModelReady}); {@code version} empty for the server's choice. */
    public boolean modelReady(String model, String version, Duration timeout) {
        return call("ModelReady", model, version, timeout, stub -> stub
                .modelReady(ModelReadyRequest.newBuilder().setName(model).setVersion(version).build()).getReady());
    }

    /**
     * The model's inputs and outputs ({@code ModelMetadata}).
     *
     * @throws InferenceException when the server has no such model (with the models it serves) or
     *     describes a tensor in a data type the protocol does not define
     */
    public ServedModel modelMetadata(String model, String version, Duration timeout) {
        ModelMetadataResponse r = call("ModelMetadata", model, version, timeout, stub -> stub
                .modelMetadata(ModelMetadataRequest.newBuilder().setName(model).setVersion(version).build()));
        String where = "model '" + model + "' at " + address;
        return new ServedModel(r.getName(), r.getVersionsList(), r.getPlatform(),
                new ModelDescription(ports(r.getInputsList(), "input", where), ports(r.getOutputsList(), "output", where)));
    }

    /**
     * The model, ready, described: what an element asks before its first frame.
     *
     * @throws InferenceException when the server is not there, has no such model or has it not ready;
     *     the message names the models it serves and their states
     */
    public ServedModel requireModel(String model, String version, Duration timeout) {
        if (!modelReady(model, version, timeout)) {
            throw new InferenceException("the inference server at " + address + " has no model '" + model + "'"
                    + (version.isEmpty() ? "" : " version " + version) + " ready for inferencing; " + servedModels()
                    + "; check the property model (and model-version)");
        }
        return modelMetadata(model, version, timeout);
    }

    /** The models of the server's repositories, ready or not (Triton's {@code RepositoryIndex}). */
    public List<ModelState> repositoryIndex(Duration timeout) {
        return call("RepositoryIndex", null, "", timeout, stub -> stub
                .repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModelsList().stream()
                .map(m -> new ModelState(m.getName(), m.getVersion(), m.getState(), m.getReason())).toList());
    }

    /**
     * Runs {@code model} on {@code inputs}, sent as raw contents, asking for {@code outputs} (all of
     * them when empty). The future completes on a gRPC thread with the outputs, in the order the server
     * gives them (the order asked for, on Triton), or fails with an {@link InferenceException} naming the
     * address and the model: the server not reachable, the deadline passed, the request refused. The
     * inputs' memory must stay unchanged until then.
     */
    public CompletableFuture<InferResponse> infer(String model, String version, List<KServeTensor> inputs,
            List<String> outputs, Duration deadline) {
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model).setModelVersion(version);
        for (KServeTensor input : inputs) {
            request.addInputs(input(input.name(), input.type(), input.shape()));
            // No copy here: protobuf reads the memory when gRPC serializes the message.
            request.addRawInputContents(UnsafeByteOperations.unsafeWrap(input.data().asByteBuffer()));
        }
        return infer(request, outputs, deadline);
    }

    /**
     * As {@link #infer}, the inputs read by the server from registered shared-memory regions (Triton's
     * extension: a server on this host), the outputs still in raw contents.
     */
    public CompletableFuture<InferResponse> inferShared(String model, String version, List<SharedTensor> inputs,
            List<String> outputs, Duration deadline) {
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model).setModelVersion(version);
        for (SharedTensor input : inputs) {
            // The parameters of Triton's shared-memory extension (docs/protocol/extension_shared_memory.md).
            request.addInputs(input(input.name(), input.type(), input.shape())
                    .putParameters("shared_memory_region", InferParameter.newBuilder().setStringParam(input.region()).build())
                    .putParameters("shared_memory_offset", InferParameter.newBuilder().setInt64Param(input.offset()).build())
                    .putParameters("shared_memory_byte_size",
                            InferParameter.newBuilder().setInt64Param(input.byteSize()).build()));
        }
        return infer(request, outputs, deadline);
    }

    /**
     * Registers {@code byteSize} bytes at {@code offset} of the POSIX shared-memory object {@code key}
     * ({@code shm_open}'s name, "/ovgst-..." for /dev/shm/ovgst-...) as region {@code region}.
     *
     * @throws InferenceException when the server refuses (no such object, a name taken, a server
     *     without the extension), with its words
     */
    public void registerSystemSharedMemory(String region, String key, long offset, long byteSize, Duration timeout) {
        call("SystemSharedMemoryRegister", null, "", timeout, stub -> stub.systemSharedMemoryRegister(
                SystemSharedMemoryRegisterRequest.newBuilder().setName(region).setKey(key).setOffset(offset)
                        .setByteSize(byteSize).build()));
    }

    /** Unregisters a region (every region of the server for an empty name). */
    public void unregisterSystemSharedMemory(String region, Duration timeout) {
        call("SystemSharedMemoryUnregister", null, "", timeout, stub -> stub.systemSharedMemoryUnregister(
                SystemSharedMemoryUnregisterRequest.newBuilder().setName(region).build()));
    }

    /** The names of the system shared-memory regions registered with the server. */
    public List<String> systemSharedMemoryRegions(Duration timeout) {
        return call("SystemSharedMemoryStatus", null, "", timeout, stub -> stub.systemSharedMemoryStatus(
                SystemSharedMemoryStatusRequest.getDefaultInstance()).getRegionsMap().keySet().stream().sorted().toList());
    }

    private static ModelInferRequest.InferInputTensor.Builder input(String name, ElementType type, long[] shape) {
        return ModelInferRequest.InferInputTensor.newBuilder().setName(name).setDatatype(Datatypes.datatype(type))
                .addAllShape(java.util.Arrays.stream(shape).boxed().toList());
    }

    private CompletableFuture<InferResponse> infer(ModelInferRequest.Builder request, List<String> outputs,
            Duration deadline) {
        for (String output : outputs) {
            request.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(output));
        }
        String model = request.getModelName();
        CompletableFuture<InferResponse> result = new CompletableFuture<>();
        async.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS).modelInfer(request.build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(ModelInferResponse response) {
                        try {
                            result.complete(response(model, response));
                        } catch (RuntimeException e) {
                            result.completeExceptionally(e);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(failure("ModelInfer", model, request.getModelVersion(), deadline,
                                t, false));
                    }

                    @Override
                    public void onCompleted() {}
                });
        return result;
    }

    /** Closes the channel: calls in flight fail; waits up to 5 s for its threads. */
    @Override
    public void close() {
        closed = true;
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private InferResponse response(String model, ModelInferResponse response) {
        if (response.getRawOutputContentsCount() != response.getOutputsCount()) {
            throw new InferenceException("the inference server at " + address + " answered ModelInfer for model '"
                    + model + "' with " + response.getOutputsCount() + " outputs but "
                    + response.getRawOutputContentsCount() + " raw contents: ovgst reads raw_output_contents"
                    + " only (typed contents cost ~100 times more); use a server that answers raw requests in raw");
        }
        List<KServeTensor> outputs = new ArrayList<>(response.getOutputsCount());
        for (int i = 0; i < response.getOutputsCount(); i++) {
            ModelInferResponse.InferOutputTensor output = response.getOutputs(i);
            String where = "output '" + output.getName() + "' of model '" + model + "' at " + address;
            long[] shape = output.getShapeList().stream().mapToLong(Long::longValue).toArray();
            ByteString bytes = response.getRawOutputContents(i);
            try {
                outputs.add(new KServeTensor(output.getName(), Datatypes.elementType(output.getDatatype(), where),
                        shape, MemorySegment.ofBuffer(bytes.asReadOnlyByteBuffer())));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                throw new InferenceException(where + " came as " + output.getDatatype() + " " + output.getShapeList()
                        + " in " + bytes.size() + " bytes of raw contents, which do not match: " + e.getMessage(), e);
            }
        }
        return new InferResponse(response.getModelName(), response.getModelVersion(), outputs);
    }

    private static List<PortInfo> ports(List<ModelMetadataResponse.TensorMetadata> tensors, String kind, String where) {
        List<PortInfo> ports = new ArrayList<>(tensors.size());
        for (ModelMetadataResponse.TensorMetadata t : tensors) {
            ports.add(new PortInfo(ports.size(), t.getName(),
                    Datatypes.elementType(t.getDatatype(), kind + " '" + t.getName() + "' of " + where),
                    new PartialShape(t.getShapeList().stream().map(d -> d < 0 ? Dimension.DYNAMIC : Dimension.of(d))
                            .toList())));
        }
        return ports;
    }

    /** A blocking call with a deadline, its failure made an {@link InferenceException}. */
    private <T> T call(String name, String model, String version, Duration timeout,
            Function<GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub, T> body) {
        try {
            return body.apply(blocking.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (StatusRuntimeException e) {
            throw failure(name, model, version, timeout, e, true);
        }
    }

    /**
     * What went wrong, for the user: the address, the call and the model, the server's own words and
     * what to do. {@code listModels}: name the models served (a blocking call: not on gRPC's threads).
     */
    private InferenceException failure(String call, String model, String version, Duration timeout, Throwable t,
            boolean listModels) {
        Status status = Status.fromThrowable(t);
        String what = call + (model == null ? "" : " for model '" + model + "'" + (version.isEmpty() ? "" : " version " + version));
        String said = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription())
                + (status.getCause() == null ? "" : " (" + status.getCause().getMessage() + ")");
        if (closed) {
            return new InferenceException(what + " to the inference server at " + address + " was cancelled: "
                    + "the client was closed (" + said + ")", t);
        }
        if (call.equals("ModelInfer") && (TRANSIENT_IN_INFERENCE.contains(status.getCode()) || connectionLost(status))) {
            // A model that ran a moment ago is unloaded (a server shutting down, a model reloaded),
            // the server is short of resources, or the connection went under the call: unavailable
            // for now, like a server out of reach.
            return new BackendUnavailable("the inference server at " + address + " could not run " + what + " now ("
                    + said + ")", t);
        }
        // Out of reach, or too slow: a backend unavailable for now, whose frames go on without results.
        return switch (status.getCode()) {
            case UNAVAILABLE -> new BackendUnavailable("the inference server at " + address + " is not reachable ("
                    + call + ": " + said + "); start it, or check the address (property server)", t);
            case DEADLINE_EXCEEDED -> new BackendUnavailable("the inference server at " + address + " did not answer "
                    + what + " within " + timeout.toMillis() + " ms (property server-timeout)", t);
            default -> new InferenceException("the inference server at " + address + " refused " + what + ": " + said
                    + (model != null && listModels ? "; " + servedModels() : ""), t);
        };
    }

    /**
     * Whether a call failed because its connection went (the server killed under it): grpc-java
     * says UNKNOWN "channel closed" then, and the channel is no longer ready.
     */
    private boolean connectionLost(Status status) {
        return status.getCode() == Status.Code.UNKNOWN && ("channel closed".equals(status.getDescription())
                || channel.getState(false) != ConnectivityState.READY);
    }

    /** "it serves: 'a' version 1 READY, ..." from RepositoryIndex, or why it does not say. */
    private String servedModels() {
        try {
            List<ModelState> models = repositoryIndex(LISTING_TIMEOUT);
            return models.isEmpty() ? "it serves no model"
                    : "it serves: " + models.stream().map(ModelState::toString).collect(Collectors.joining(", "));
        } catch (InferenceException e) {
            // OpenVINO Model Server and KServe do not implement Triton's RepositoryIndex.
            return "it does not list its models (" + Status.fromThrowable(e.getCause()).getCode() + ")";
        }
    }
}
