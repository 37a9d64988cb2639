package org.ovgst.openvino;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import org.ovgst.tensor.PortInfo;

/** A model compiled for one device ({@code ov_compiled_model_t}); makes infer requests. */
public final class CompiledModel extends NativeResource {
    private final String source;
    private final String device;
    private final List<PortInfo> inputs;
    private final List<PortInfo> outputs;

    CompiledModel(MemorySegment handle, String source, String device) {
        super("CompiledModel", handle, OvInference::compiledModelFree);
        this.source = source;
        this.device = device;
        // Compiled shapes never change, so the ports are read once.
        this.inputs = Ports.read(handle, OvInference::compiledModelInputsSize, OvInference::compiledModelInputByIndex);
        this.outputs = Ports.read(handle, OvInference::compiledModelOutputsSize,
                OvInference::compiledModelOutputByIndex);
    }

    public String source() {
        return source;
    }

    public String device() {
        return device;
    }

    public List<PortInfo> inputs() {
        return inputs;
    }

    public List<PortInfo> outputs() {
        return outputs;
    }

    /** The input of that name; the error lists all input names. */
    public PortInfo input(String name) {
        return Ports.byName(inputs, name, "input", source);
    }

    /** The output of that name; the error lists all output names. */
    public PortInfo output(String name) {
        return Ports.byName(outputs, name, "output", source);
    }

    /** The input or output of that name; the error lists every name. */
    PortInfo port(String name) {
        for (List<PortInfo> ports : List.of(inputs, outputs)) {
            for (PortInfo port : ports) {
                if (port.name().equals(name)) {
                    return port;
                }
            }
        }
        throw new OpenVinoException("NOT_FOUND", "the model " + source + " has no tensor named '" + name
                + "'; its inputs are " + Ports.describe(inputs) + " and its outputs are " + Ports.describe(outputs),
                null);
    }

    /** A compiled-model property, e.g. {@code OPTIMAL_NUMBER_OF_INFER_REQUESTS} or {@code NUM_STREAMS}. */
    public String property(String key) {
        return OvInference.compiledModelGetProperty(handle(), key);
    }

    /** How many requests keep this device busy; the right default for a request pool. */
    public int optimalNumberOfInferRequests() {
        return Integer.parseInt(property("OPTIMAL_NUMBER_OF_INFER_REQUESTS").strip());
    }

    public InferRequest createInferRequest() {
        return new InferRequest(OvInference.compiledModelCreateInferRequest(handle()), this);
    }

    /**
     * Writes the compiled model, pre-processing included, as the device's blob: OpenVINO's
     * {@code benchmark_app -m file.blob} and {@code Core.import_model} run it as it is.
     */
    public void export(Path file) {
        try (Arena arena = Arena.ofConfined()) {
            OvInference.compiledModelExportModel(handle(), arena.allocateFrom(file.toString()));
        }
    }
}
