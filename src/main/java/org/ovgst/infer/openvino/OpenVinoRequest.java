package org.ovgst.infer.openvino;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.engine.InPlaceFrames;
import org.ovgst.infer.engine.Request;
import org.ovgst.openvino.CompiledModel;
import org.ovgst.openvino.InferRequest;
import org.ovgst.openvino.OpenVinoException;
import org.ovgst.openvino.Tensor;
import org.ovgst.tensor.PortInfo;

/**
 * An OpenVINO infer request with its tensors: its own input tensor, the one set as its input now
 * (own or a frame wrapped in place), and its outputs. The completion upcall is bound once, so
 * starting allocates nothing. OpenVINO's callback is not told whether the inference failed, so
 * {@link #finish} waits on the already finished request to learn it.
 */
final class OpenVinoRequest implements Request {
    private final InferRequest request;
    private final int inputIndex;
    private final Tensor ownInput;
    private final MemorySegment ownInputData;
    /** The tensor set as the request's input now (own or wrapped); compared by identity only. */
    private Tensor currentInput;
    private final Tensor[] outputTensors;
    private final MemorySegment[] outputData;
    private final long[][] outputShapes;
    private final boolean[] dynamicOutput;
    private final InferRequest.Completion onDone;

    OpenVinoRequest(CompiledModel compiled, String inputName, int inputIndex, List<PortInfo> outputs,
            Request.Completion completion) {
        this.inputIndex = inputIndex;
        this.onDone = finished -> completion.completed();
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

    @Override
    public MemorySegment input() {
        return ownInputData;
    }

    @Override
    public void useOwnInput() {
        use(ownInput);
    }

    @Override
    public void useInPlace(InPlaceFrames.Frame frame) {
        use(((FrameTensors.Wrapped) frame).tensor());
    }

    /** Makes {@code tensor} the request's input unless it already is; one writer at a time (batch 1). */
    private synchronized void use(Tensor tensor) {
        if (currentInput != tensor) {
            request.setInputTensor(inputIndex, tensor);
            currentInput = tensor;
        }
    }

    @Override
    public void infer() {
        try {
            request.infer();
        } catch (OpenVinoException e) {
            throw failed(e);
        }
    }

    @Override
    public void start() {
        try {
            request.startAsync(onDone);
        } catch (OpenVinoException e) {
            throw failed(e);
        }
    }

    /** OpenVINO's failure as the engine's own, in OpenVINO's words: above the seam no one knows OpenVINO. */
    private static InferenceException failed(OpenVinoException e) {
        return new InferenceException(e.getMessage(), e);
    }

    /** Takes the outputs whose shape may change with every inference. */
    @Override
    public synchronized void finish(boolean started) {
        if (started) {
            try {
                request.waitForCompletion();
            } catch (OpenVinoException e) {
                throw failed(e);
            }
        }
        for (int i = 0; i < dynamicOutput.length; i++) {
            if (dynamicOutput[i]) {
                if (outputTensors[i] != null) {
                    outputTensors[i].close();
                }
                outputTensors[i] = request.outputTensor(i);
                outputData[i] = outputTensors[i].data().asReadOnly();
                outputShapes[i] = outputTensors[i].shape();
            }
        }
    }

    @Override
    public MemorySegment output(int i) {
        return outputData[i];
    }

    @Override
    public long[] outputShape(int i) {
        return outputShapes[i];
    }

    @Override
    public void close() {
        // The request first: closing it cancels and waits for an inference in flight.
        request.close();
        for (Tensor tensor : outputTensors) {
            if (tensor != null) {
                tensor.close();
            }
        }
        ownInput.close();
    }
}
