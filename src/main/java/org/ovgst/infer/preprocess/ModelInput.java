package org.ovgst.infer.preprocess;

import org.ovgst.infer.model.ModelColor;
import org.ovgst.infer.model.Normalization;
import org.ovgst.tensor.ElementType;

/**
 * The image input of a model as the pre-processing fills it: one image of a batch.
 *
 * @param type the element type
 * @param channelsFirst NCHW when true, NHWC when false
 * @param width the input's width in pixels
 * @param height the input's height in pixels
 * @param channels 3 (colors) or 1 (grey)
 * @param color the order of the 3 channels
 * @param normalization {@code (value - mean) / scale} on the channel values, 0-255
 */
public record ModelInput(ElementType type, boolean channelsFirst, int width, int height, int channels,
        ModelColor color, Normalization normalization) {
    public ModelInput {
        if (type != ElementType.F32 && type != ElementType.F16 && type != ElementType.U8) {
            throw new IllegalArgumentException("a model input of " + type + " elements cannot take frames: the"
                    + " pre-processing gives f32, f16 or u8");
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("a model input of " + width + "x" + height + " pixels has no room for"
                    + " a frame: give a positive size");
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("a model input of " + channels + " channels cannot take frames: the"
                    + " pre-processing gives 3 channels (colors) or 1 (grey)");
        }
        if (!Normalization.fits(normalization.mean(), channels) || !Normalization.fits(normalization.scale(), channels)) {
            throw new IllegalArgumentException("the normalization (" + normalization + ") gives values for "
                    + normalization.channels() + " channels; the input has " + channels + ": give one value or "
                    + channels);
        }
    }

    /** Bytes of one image: what one batch index of the tensor takes. */
    public long imageBytes() {
        return (long) width * height * channels * type.byteSize();
    }
}
