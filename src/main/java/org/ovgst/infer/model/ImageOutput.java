package org.ovgst.infer.model;

import java.util.ArrayList;
import java.util.List;
import org.ovgst.infer.InferenceException;
import org.ovgst.tensor.Dimension;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * A model output that is an image, which frame processing turns into the new frame: rank 4, with
 * a channel axis of 1 or 3 either second ({@code [N, C, H, W]}) or last ({@code [N, H, W, C]}).
 *
 * @param name the output's tensor name
 * @param channelsFirst NCHW when true, NHWC when false
 * @param channels 1 (a mask, a grey image) or 3 (colors)
 */
public record ImageOutput(String name, boolean channelsFirst, int channels) {
    /**
     * The output named {@code outputName} ({@code output-name}), or the model's only image-shaped
     * one; its shape as read from the file (spatial sizes may still be dynamic).
     *
     * @throws InferenceException when there is no such output, it is not an image, or several are
     *     and none is named; the message lists the outputs and what to set
     */
    public static ImageOutput find(List<PortInfo> outputs, String outputName, String modelName) {
        String listed = PortInfo.describe(outputs);
        if (outputName != null) {
            for (PortInfo port : outputs) {
                if (port.name().equals(outputName)) {
                    ImageOutput image = of(port);
                    if (image == null) {
                        throw new InferenceException("output '" + outputName + "' " + port.shape() + " of model "
                                + modelName + " is not an image (rank 4 with 1 or 3 channels, NCHW or NHWC):"
                                + " set output-name to an image-shaped output; its outputs are " + listed);
                    }
                    return image;
                }
            }
            throw new InferenceException("model " + modelName + " has no output named '" + outputName
                    + "' (output-name); its outputs are " + listed);
        }
        List<ImageOutput> images = new ArrayList<>();
        for (PortInfo port : outputs) {
            ImageOutput image = of(port);
            if (image != null) {
                images.add(image);
            }
        }
        if (images.isEmpty()) {
            throw new InferenceException("model " + modelName + " has no image-shaped output (rank 4 with 1 or 3"
                    + " channels, NCHW or NHWC) to make frames of; its outputs are " + listed
                    + ". ovprocess takes image-to-image models (super-resolution, masks); use ovdetect for detectors");
        }
        if (images.size() > 1) {
            throw new InferenceException("model " + modelName + " has " + images.size() + " image-shaped outputs ("
                    + images.stream().map(ImageOutput::name).toList() + "): set output-name to the one that"
                    + " becomes the frame; its outputs are " + listed);
        }
        return images.getFirst();
    }

    /** The port as an image output, or null when its shape is not one. */
    static ImageOutput of(PortInfo port) {
        PartialShape shape = port.shape();
        if (!shape.isRankStatic() || shape.rank() != 4) {
            return null;
        }
        int second = channelCount(shape.get(1));
        int last = channelCount(shape.get(3));
        if (second > 0 && (last == 0 || second == 3)) {
            return new ImageOutput(port.name(), true, second);
        }
        if (last > 0) {
            return new ImageOutput(port.name(), false, last);
        }
        return null;
    }

    private static int channelCount(Dimension dimension) {
        return dimension.isStatic() && (dimension.size() == 1 || dimension.size() == 3) ? (int) dimension.size() : 0;
    }

    /** The image's width in an output of this (static, compiled) shape. */
    public int width(long[] shape) {
        return Math.toIntExact(shape[channelsFirst ? 3 : 2]);
    }

    /** The image's height in an output of this (static, compiled) shape. */
    public int height(long[] shape) {
        return Math.toIntExact(shape[channelsFirst ? 2 : 1]);
    }

    @Override
    public String toString() {
        return "'" + name + "' (" + channels + (channels == 1 ? " channel, " : " channels, ")
                + (channelsFirst ? "NCHW" : "NHWC") + ")";
    }
}
