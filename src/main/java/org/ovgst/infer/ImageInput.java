package org.ovgst.infer;

import java.util.List;
import java.util.Locale;
import org.ovgst.openvino.Dimension;
import org.ovgst.openvino.Model;
import org.ovgst.openvino.PartialShape;
import org.ovgst.openvino.PortInfo;

/**
 * The model input that takes the frames, and its layout.
 *
 * @param port the input as read from the file
 * @param layout {@code NCHW} or {@code NHWC}
 */
public record ImageInput(PortInfo port, String layout) {
    /**
     * The input named {@code inputName} ({@code input-name}), or the model's only one, with its
     * layout: {@code modelLayout} ({@code model-layout}) or, when null, the layout whose channel axis
     * has size 3.
     *
     * @throws InferenceException when there is no such input, it is not an image of 3 channels, or its
     *     layout cannot be told; the message lists the inputs and what to set
     */
    public static ImageInput find(Model model, String inputName, String modelLayout, String modelName) {
        PortInfo port = choose(model.inputs(), inputName, modelName);
        PartialShape shape = port.shape();
        String where = "input '" + port.name() + "' " + shape + " of model " + modelName;
        if (!shape.isRankStatic() || shape.rank() != 4) {
            throw new InferenceException(where + " is not an image input of rank 4 (N, C, H, W or N, H, W, C):"
                    + " set input-name to the model's image input");
        }
        String layout = modelLayout == null ? null : modelLayout.toUpperCase(Locale.ROOT);
        if (layout == null) {
            boolean channelsSecond = isSize(shape.get(1), 3);
            boolean channelsLast = isSize(shape.get(3), 3);
            if (channelsSecond == channelsLast) {
                throw new InferenceException("cannot tell whether " + where + " is NCHW or NHWC: set model-layout");
            }
            layout = channelsSecond ? "NCHW" : "NHWC";
        }
        Dimension channels = shape.get(layout.equals("NCHW") ? 1 : 3);
        if (channels.isStatic() && channels.size() != 3) {
            throw new InferenceException(where + " has " + channels + " channels in layout " + layout
                    + ", but frames give 3 color channels: check model-layout and input-name");
        }
        return new ImageInput(port, layout);
    }

    public String name() {
        return port.name();
    }

    private static PortInfo choose(List<PortInfo> inputs, String inputName, String modelName) {
        String names = PortInfo.describe(inputs);
        if (inputName == null) {
            if (inputs.size() != 1) {
                throw new InferenceException("model " + modelName + " has " + inputs.size() + " inputs (" + names
                        + "): set input-name to the one that takes the frames");
            }
            return inputs.getFirst();
        }
        for (PortInfo port : inputs) {
            if (port.name().equals(inputName)) {
                return port;
            }
        }
        throw new InferenceException("model " + modelName + " has no input named '" + inputName
                + "' (input-name); its inputs are: " + names + ". Set input-name to one of them"
                + (inputs.size() == 1 ? " or leave it unset" : ""));
    }

    private static boolean isSize(Dimension dimension, long size) {
        return dimension.isStatic() && dimension.size() == size;
    }
}
