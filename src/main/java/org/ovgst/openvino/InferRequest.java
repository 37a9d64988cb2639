package org.ovgst.openvino;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.ovgst.tensor.PortInfo;

/**
 * One inference request ({@code ov_infer_request_t}): its tensors, synchronous {@link #infer()},
 * and {@link #startAsync} whose completion arrives on an OpenVINO thread through an FFM upcall.
 */
public final class InferRequest extends NativeResource {
    /** Called on OpenVINO's callback thread when an asynchronous inference has finished. */
    @FunctionalInterface
    public interface Completion {
        /**
         * Keep it short: on CPU one thread serves the completions of every request. Do not call
         * {@link #waitForCompletion()} or {@link #close()} on this request from here: OpenVINO's
         * wait returns only after this callback has returned.
         */
        void completed(InferRequest request);
    }

    private static final System.Logger LOG = System.getLogger(InferRequest.class.getName());
    /**
     * OpenVINO's {@code void callback(void* args)}. Each request has its own upcall stub, bound to it,
     * so a completion needs no lookup; {@code args} is unused and declared a long, for which no
     * segment is made on every call (a pointer and a long are passed alike).
     */
    private static final FunctionDescriptor COMPLETION = FunctionDescriptor.ofVoid(JAVA_LONG);
    private static final MethodHandle ON_COMPLETE = onCompleteHandle();

    private final CompiledModel compiledModel;
    private volatile Completion completion;
    private volatile Thread callbackThread;
    private final AtomicReference<Throwable> callbackFailure = new AtomicReference<>();

    InferRequest(MemorySegment handle, CompiledModel compiledModel) {
        super("InferRequest", handle, OvInference::inferRequestFree);
        this.compiledModel = compiledModel;
        // OpenVINO keeps a pointer to the ov_callback_t, so it and the stub live as long as the request.
        MemorySegment callback = lifetime().allocate(OvLibrary.CALLBACK);
        callback.set(ADDRESS, 0, Linker.nativeLinker().upcallStub(ON_COMPLETE.bindTo(this), COMPLETION, lifetime()));
        callback.set(ADDRESS, ADDRESS.byteSize(), MemorySegment.NULL);
        try {
            OvInference.inferRequestSetCallback(handle(), callback);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public CompiledModel compiledModel() {
        return compiledModel;
    }

    /** Sets the tensor of an input or output by name; the error lists the names, or the expected shape. */
    public void setTensor(String name, Tensor tensor) {
        PortInfo port = compiledModel.port(name);
        try (Arena arena = Arena.ofConfined()) {
            int status = OvInference.inferRequestSetTensor(handle(), arena.allocateFrom(name), tensor.handle());
            if (status != OvLibrary.OK) {
                throw shapeMismatch(port, tensor, OvLibrary.failure(status, "ov_infer_request_set_tensor"));
            }
        }
    }

    /** Sets the tensor of an input by index: no name to look up or pass, so it can run for every frame. */
    public void setInputTensor(int index, Tensor tensor) {
        PortInfo port = byIndex(compiledModel.inputs(), index, "input");
        int status = OvInference.inferRequestSetInputTensorByIndex(handle(), index, tensor.handle());
        if (status != OvLibrary.OK) {
            throw shapeMismatch(port, tensor, OvLibrary.failure(status, "ov_infer_request_set_input_tensor_by_index"));
        }
    }

    public void setOutputTensor(int index, Tensor tensor) {
        PortInfo port = byIndex(compiledModel.outputs(), index, "output");
        try {
            OvInference.inferRequestSetOutputTensorByIndex(handle(), index, tensor.handle());
        } catch (OpenVinoException e) {
            throw shapeMismatch(port, tensor, e);
        }
    }

    /** The tensor of an input or output by name. The caller owns the returned wrapper and closes it. */
    public Tensor tensor(String name) {
        compiledModel.port(name);
        return Tensor.own(OvInference.inferRequestGetTensor(handle(), name));
    }

    public Tensor inputTensor(int index) {
        byIndex(compiledModel.inputs(), index, "input");
        return Tensor.own(OvInference.inferRequestGetInputTensorByIndex(handle(), index));
    }

    public Tensor outputTensor(int index) {
        byIndex(compiledModel.outputs(), index, "output");
        return Tensor.own(OvInference.inferRequestGetOutputTensorByIndex(handle(), index));
    }

    /** Runs inference on the calling thread. The completion callback is not called. */
    public void infer() {
        rethrowCallbackFailure();
        OvLibrary.check(OvInference.inferRequestInfer(handle()), "ov_infer_request_infer");
    }

    /** Starts inference and returns at once; {@code onDone} runs on an OpenVINO thread when it ends. */
    public void startAsync(Completion onDone) {
        rethrowCallbackFailure();
        completion = onDone;
        OvLibrary.check(OvInference.inferRequestStartAsync(handle()), "ov_infer_request_start_async");
    }

    public void startAsync() {
        startAsync(null);
    }

    /**
     * Waits until the inference in flight, and its completion callback, have finished. Throws if
     * the inference failed or was cancelled, or if the completion callback threw.
     */
    public void waitForCompletion() {
        refuseInsideOwnCallback("waitForCompletion");
        OvLibrary.check(OvInference.inferRequestWait(handle()), "ov_infer_request_wait");
        rethrowCallbackFailure();
    }

    /** Like {@link #waitForCompletion()} but gives up after {@code timeout}; returns whether it finished. */
    public boolean waitFor(Duration timeout) {
        refuseInsideOwnCallback("waitFor");
        int status = OvInference.inferRequestWaitFor(handle(), timeout.toMillis());
        if (status == OvLibrary.RESULT_NOT_READY) {
            return false;
        }
        OvLibrary.check(status, "ov_infer_request_wait_for");
        rethrowCallbackFailure();
        return true;
    }

    /** Asks OpenVINO to stop the inference in flight; a later wait then reports INFER_CANCELLED. */
    public void cancel() {
        OvLibrary.check(OvInference.inferRequestCancel(handle()), "ov_infer_request_cancel");
    }

    /** An exception that a completion callback threw, if any, kept until a wait or start reports it. */
    public Throwable callbackFailure() {
        return callbackFailure.get();
    }

    @Override
    void beforeFree(MemorySegment handle) {
        refuseInsideOwnCallback("close");
        // Freeing a request that is still running would let OpenVINO call back into freed memory.
        OvInference.inferRequestCancel(handle);
        OvInference.inferRequestWait(handle);
    }

    private PortInfo byIndex(java.util.List<PortInfo> ports, int index, String what) {
        if (index < 0 || index >= ports.size()) {
            throw new OpenVinoException("OUT_OF_BOUNDS", "the model " + compiledModel.source() + " has "
                    + ports.size() + " " + what + "(s), so there is no " + what + " #" + index + "; they are: "
                    + Ports.describe(ports), null);
        }
        return ports.get(index);
    }

    private OpenVinoException shapeMismatch(PortInfo port, Tensor tensor, OpenVinoException cause) {
        return new OpenVinoException(cause.status(), "cannot use a " + tensor.elementType() + " "
                + Arrays.toString(tensor.shape()) + " tensor for '" + port.name() + "' of " + compiledModel.source()
                + ", which takes " + port.elementType() + " " + port.shape() + ": " + cause.getMessage(), cause);
    }

    private void refuseInsideOwnCallback(String what) {
        if (Thread.currentThread() == callbackThread) {
            throw new OpenVinoException(what + "() cannot be called from this request's own completion callback:"
                    + " OpenVINO waits for that callback to return, so it would deadlock");
        }
    }

    private void rethrowCallbackFailure() {
        Throwable failure = callbackFailure.getAndSet(null);
        if (failure != null) {
            throw new OpenVinoException(null, "the completion callback of an earlier inference failed"
                    + (failure.getMessage() == null ? "" : ": " + failure.getMessage()), failure);
        }
    }

    /** Runs on an OpenVINO thread; nothing may escape it, or the JVM (and the host process) aborts. */
    private void completed() {
        Completion onDone = completion;
        if (onDone == null) {
            return;
        }
        callbackThread = Thread.currentThread();
        try {
            onDone.completed(this);
        } catch (Throwable t) {
            callbackFailure.compareAndSet(null, t);
            LOG.log(Level.ERROR, "a completion callback threw; the next wait on the request reports it", t);
        } finally {
            callbackThread = null;
        }
    }

    @SuppressWarnings("unused") // called by this request's upcall stub
    private void onComplete(long unusedArgs) {
        try {
            completed();
        } catch (Throwable t) {
            try {
                LOG.log(Level.ERROR, "error in the OpenVINO completion upcall", t);
            } catch (Throwable ignored) {
                // Even logging may fail (e.g. out of memory); nothing may leave the upcall.
            }
        }
    }

    private static MethodHandle onCompleteHandle() {
        try {
            return MethodHandles.lookup().findVirtual(InferRequest.class, "onComplete",
                    MethodType.methodType(void.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
