package org.ovgst.infer.detect;

import java.util.List;
import java.util.Optional;
import org.ovgst.tensor.PortInfo;

/**
 * A model as the converter families see it when they decide whether it is theirs: the image input
 * the frames go to and the outputs, with names, element types and shapes as read from the file
 * (dimensions may still be dynamic; the batch axis is not reshaped yet).
 *
 * @param input the image input
 * @param layout the image input's layout, {@code NCHW} or {@code NHWC}
 * @param outputs every output the converter may read (all of the model's, or those named by the user)
 */
public record ModelPorts(PortInfo input, String layout, List<PortInfo> outputs) {
    public ModelPorts {
        outputs = List.copyOf(outputs);
    }

    /** The output with this tensor name. */
    public Optional<PortInfo> output(String name) {
        return outputs.stream().filter(port -> port.name().equals(name)).findFirst();
    }
}
