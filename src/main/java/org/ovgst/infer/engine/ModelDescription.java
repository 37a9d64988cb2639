package org.ovgst.infer.engine;

import java.util.List;
import org.ovgst.tensor.PortInfo;

/**
 * What a model file declares, as its backend reads it before any preparation: its inputs and
 * outputs (names, element types, shapes, dynamic dimensions included). What an element chooses its
 * image input, outputs and converter from.
 */
public record ModelDescription(List<PortInfo> inputs, List<PortInfo> outputs) {
    public ModelDescription {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
