package org.ovgst.infer.kserve;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.engine.InPlaceFrames;
import org.ovgst.infer.engine.Request;
import org.ovgst.infer.preprocess.Preprocessor;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PortInfo;

/**
 * One request to a served model: the batch's frames in their own format (the engine's copy), the
 * model's input they are pre-processed into when it starts (sent as raw contents, without a copy),
 * and the outputs, copied from the answer into aligned memory of its own, float outputs as f32.
 * Its memory is one shared arena: written by the submitting thread, completed on gRPC's, read by
 * the delivery thread.
 */
final class KServeRequest implements Request {
    private final KServePrepared prepared;
    private final Request.Completion onDone;
    private final Preprocessor preprocessor;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment frames;
    private final long frameBytes;
    private final int batch;
    private final MemorySegment tensor;
    /** The input as it is sent in raw contents, made once: nothing is allocated per frame here. */
    private final List<KServeTensor> inputs;
    /** The input in shared memory with a server on this host, or null: sent in raw contents. */
    private final SharedInput shared;
    private final List<SharedTensor> sharedInputs;
    private final List<String> outputNames;
    private final MemorySegment[] outputs;
    /** Read-only views of {@link #outputs}, made when they are. */
    private final MemorySegment[] outputViews;
    private final Arena[] outputArenas;
    private final long[][] outputShapes;
    private CompletableFuture<KServeClient.InferResponse> call;

    KServeRequest(KServePrepared prepared, Request.Completion onDone) {
        this.prepared = prepared;
        this.onDone = onDone;
        this.preprocessor = prepared.newPreprocessor();
        long[] shape = prepared.inputShape();
        batch = (int) shape[0];
        frameBytes = prepared.frames().size();
        frames = arena.allocate(batch * frameBytes, 64);
        KServeModel model = prepared.model();
        long tensorBytes = batch * prepared.input().imageBytes();
        shared = model.sharesMemory()
                ? new SharedInput(model.client(), model.backend().timeout(), tensorBytes, arena) : null;
        tensor = shared != null ? shared.memory() : arena.allocate(tensorBytes, 64);
        ElementType type = prepared.input().type();
        inputs = List.of(new KServeTensor(model.inputName(), type, shape, tensor));
        sharedInputs = shared == null ? null
                : List.of(new SharedTensor(model.inputName(), type, shape, shared.region(), 0));
        List<PortInfo> ports = prepared.outputs();
        outputNames = ports.stream().map(PortInfo::name).toList();
        outputs = new MemorySegment[ports.size()];
        outputViews = new MemorySegment[ports.size()];
        outputArenas = new Arena[ports.size()];
        outputShapes = new long[ports.size()][];
    }

    /** Float outputs of other widths arrive as they are and are read as f32 (as OpenVINO converts them). */
    static boolean isFloat(ElementType type) {
        return type == ElementType.F16 || type == ElementType.F64 || type == ElementType.F32;
    }

    @Override
    public MemorySegment input() {
        return frames;
    }

    @Override
    public void useOwnInput() {
        // Frames are always copied into the request's own memory: a server cannot read them in place.
    }

    @Override
    public void useInPlace(InPlaceFrames.Frame frame) {
        throw new UnsupportedOperationException("a served model takes no frame in place");
    }

    @Override
    public void infer() {
        send();
        try {
            call.join();
        } catch (CompletionException e) {
            // finish() reports it.
        }
    }

    @Override
    public void start() {
        send();
        call.whenComplete((response, failure) -> onDone.completed());
    }

    /** Pre-processes the batch's frames into the model's input and sends it. */
    private void send() {
        for (int i = 0; i < batch; i++) {
            preprocessor.write(frames.asSlice(i * frameBytes, frameBytes), tensor, i);
        }
        KServeModel model = prepared.model();
        if (shared == null) {
            call = model.client().infer(model.served(), model.backend().modelVersion(), inputs, outputNames,
                    model.backend().timeout());
            return;
        }
        try {
            shared.ensureRegistered();
        } catch (RuntimeException e) {
            // A server out of reach: this call fails as the inference would.
            call = CompletableFuture.failedFuture(e);
            return;
        }
        call = model.client().inferShared(model.served(), model.backend().modelVersion(), sharedInputs,
                outputNames, model.backend().timeout());
    }

    @Override
    public void finish(boolean started) {
        KServeClient.InferResponse response;
        try {
            response = call.join();
        } catch (CompletionException e) {
            if (shared != null) {
                shared.callFailed();
            }
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new InferenceException("the inference of " + prepared.model().name() + " failed: " + e.getCause(),
                    e.getCause());
        }
        for (KServeTensor output : response.outputs()) {
            int i = outputNames.indexOf(output.name());
            if (i < 0) {
                throw new InferenceException(prepared.model().name() + " answered with output '" + output.name()
                        + "', which was not asked for; asked for " + outputNames);
            }
            take(i, output);
        }
        for (int i = 0; i < outputs.length; i++) {
            if (outputShapes[i] == null) {
                throw new InferenceException(prepared.model().name() + " did not answer with output '"
                        + outputNames.get(i) + "'");
            }
        }
    }

    /** Copies output {@code i} into aligned memory of the request's, float types as f32. */
    private void take(int i, KServeTensor output) {
        MemorySegment data = output.data();
        ElementType type = output.type();
        long elements = type.bits() == 0 ? 0 : data.byteSize() * 8 / type.bits();
        long bytes = isFloat(type) ? elements * Float.BYTES : data.byteSize();
        if (outputs[i] == null || outputs[i].byteSize() != bytes) {
            if (outputArenas[i] != null) {
                outputArenas[i].close();
            }
            outputArenas[i] = Arena.ofShared();
            outputs[i] = outputArenas[i].allocate(bytes, 64);
            outputViews[i] = outputs[i].asReadOnly();
        }
        MemorySegment target = outputs[i];
        switch (type) {
            case F16 -> {
                for (long e = 0; e < elements; e++) {
                    target.setAtIndex(JAVA_FLOAT, e, Float.float16ToFloat(data.getAtIndex(JAVA_SHORT_UNALIGNED, e)));
                }
            }
            case F64 -> {
                for (long e = 0; e < elements; e++) {
                    target.setAtIndex(JAVA_FLOAT, e, (float) data.getAtIndex(JAVA_DOUBLE_UNALIGNED, e));
                }
            }
            default -> MemorySegment.copy(data, 0, target, 0, bytes);
        }
        outputShapes[i] = output.shape();
    }

    @Override
    public MemorySegment output(int i) {
        return outputViews[i];
    }

    @Override
    public long[] outputShape(int i) {
        return outputShapes[i];
    }

    @Override
    public void close() {
        CompletableFuture<KServeClient.InferResponse> inFlight = call;
        if (inFlight != null) {
            try {
                inFlight.join();
            } catch (CompletionException e) {
                // Its failure was reported by finish(), or nobody waits for it any more.
            }
        }
        if (shared != null) {
            shared.close();
        }
        for (Arena output : outputArenas) {
            if (output != null) {
                output.close();
            }
        }
        arena.close();
    }
}
