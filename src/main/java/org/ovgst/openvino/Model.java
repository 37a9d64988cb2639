package org.ovgst.openvino;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/** A model read from a file or memory, before compilation ({@code ov_model_t}). */
public final class Model extends NativeResource {
    private final String source;

    Model(MemorySegment handle, String source) {
        super("Model", handle, OvLibrary::modelFree);
        this.source = source;
    }

    /** Where the model came from (its file, or "memory"), for messages. */
    public String source() {
        return source;
    }

    public List<PortInfo> inputs() {
        return Ports.read(handle(), OvLibrary::modelInputsSize, OvLibrary::modelConstInputByIndex);
    }

    public List<PortInfo> outputs() {
        return Ports.read(handle(), OvLibrary::modelOutputsSize, OvLibrary::modelConstOutputByIndex);
    }

    /** The input of that name; the error lists all input names. */
    public PortInfo input(String name) {
        return Ports.byName(inputs(), name, "input", source);
    }

    /** The output of that name; the error lists all output names. */
    public PortInfo output(String name) {
        return Ports.byName(outputs(), name, "output", source);
    }

    public boolean isDynamic() {
        return OvLibrary.modelIsDynamic(handle());
    }

    public String friendlyName() {
        return OvLibrary.modelGetFriendlyName(handle());
    }

    /** Changes the shape of one input (e.g. its batch) and propagates it through the model. */
    public void reshape(String inputName, PartialShape shape) {
        input(inputName);
        try (Arena arena = Arena.ofConfined()) {
            try {
                OvLibrary.modelReshapeInputByName(handle(), arena.allocateFrom(inputName), Ports.toNative(arena, shape));
            } catch (OpenVinoException e) {
                throw new OpenVinoException(e.status(), "the model " + source + " cannot take input '" + inputName
                        + "' with shape " + shape + ": " + e.getMessage(), e);
            }
        }
    }
}
