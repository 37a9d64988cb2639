package org.ovgst.infer.model;

import java.util.List;
import java.util.Locale;
import org.ovgst.infer.InferenceException;
import org.ovgst.tensor.Dimension;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * The model input that takes the frames, and its layout.
 *
 * @param port the input as read from the file
 * @param layout {@code NCHW} or {@code NHWC}
 * @param channels 3 (colors) or 1 (grey, or a YUV frame's luma plane)
 */
public record ImageInput(PortInfo port, String layout, int channels) {
    /**
     * The input named {@code inputName} ({@code input-name}), or the model's only one, with its
     * layout: {@code modelLayout} ({@code model-layout}) or, when null, the layout whose channel axis
     * has size 3, else 1.
     *
     * @throws InferenceException when there is no such input, it is not an image of 3 or 1 channels,
     *     or its layout cannot be told; the message lists the inputs and what to set
     */
    public static ImageInput find(List<PortInfo> inputs, String inputName, String modelLayout, String modelName) {
        PortInfo port = choose(inputs, inputName, modelName);
        PartialShape shape = port.shape();
        String where = "input '" + port.name() + "' " + shape + " of model " + modelName;
        if (!shape.isRankStatic() || shape.rank() != 4) {
            throw new InferenceException(where + " is not an image input of rank 4 (N, C, H, W or N, H, W, C):"
                    + " set input-name to the model's image input");
        }
        String layout = modelLayout == null ? null : modelLayout.toUpperCase(Locale.ROOT);
        if (layout == null) {
            layout = channelAxis(shape, 3, where);
            if (layout == null) {
                layout = channelAxis(shape, 1, where);
            }
            if (layout == null) {
                throw new InferenceException("cannot tell whether " + where + " is NCHW or NHWC: set model-layout");
            }
        }
        Dimension channels = shape.get(layout.equals("NCHW") ? 1 : 3);
        if (channels.isStatic() && channels.size() != 3 && channels.size() != 1) {
            throw new InferenceException(where + " has " + channels + " channels in layout " + layout
                    + ", but frames give 3 color channels (or 1, grey): check model-layout and input-name");
        }
        return new ImageInput(port, layout, channels.isStatic() ? (int) channels.size() : 3);
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

    /** NCHW or NHWC when exactly one of the two channel axes has {@code size}; null when neither does. */
    private static String channelAxis(PartialShape shape, long size, String where) {
        boolean second = isSize(shape.get(1), size);
        boolean last = isSize(shape.get(3), size);
        if (second && last) {
            throw new InferenceException("cannot tell whether " + where + " is NCHW or NHWC: set model-layout");
        }
        return second ? "NCHW" : last ? "NHWC" : null;
    }

    private static boolean isSize(Dimension dimension, long size) {
        return dimension.isStatic() && dimension.size() == size;
    }
}
