package org.ovgst.testing;

import java.nio.file.Path;
import org.ovgst.infer.detect.ModelPorts;
import org.ovgst.openvino.Core;
import org.ovgst.openvino.Model;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/** A model file as the converter families see it, read the way ovdetect reads it. */
public final class TestModelPorts {
    private TestModelPorts() {}

    /** The model's only input, its layout (NCHW when axis 1 has the 3 channels) and all its outputs. */
    public static ModelPorts read(Path model) {
        try (Core core = new Core(); Model read = core.readModel(model)) {
            PortInfo input = read.inputs().getFirst();
            PartialShape shape = input.shape();
            boolean nchw = shape.get(1).isStatic() && shape.get(1).size() == 3;
            return new ModelPorts(input, nchw ? "NCHW" : "NHWC", read.outputs());
        }
    }
}
