package org.ovgst.infer.detect;

import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.ModelColor;


/**
 * How a family's models take frames: color order, normalization, how the frame fits the input and
 * what size the input has. The engine builds this into OpenVINO's pre-processing; boxes are mapped
 * back to the frame with the same geometry.
 *
 * @param color the color order the model takes
 * @param mean subtracted from every channel value (0-255) before {@code scale}
 * @param scale channel values are divided by it: mean 0 and scale 255 give [0, 1]
 * @param letterbox keep the frame's aspect ratio and pad the rest of the input, centered
 *     (Ultralytics' {@code LetterBox}); false stretches the frame over the whole input
 * @param padValue the color of the padding, 0-255 in every channel, before normalization
 * @param size the input's size when the model file does not fix it (or must be overridden)
 */
public record InputPreparation(ModelColor color, float mean, float scale, boolean letterbox, float padValue,
        InputSize size) {
    public InputPreparation {
        if (!Float.isFinite(mean) || !Float.isFinite(scale) || scale == 0) {
            throw new IllegalArgumentException("normalization needs a finite mean and a finite, non-zero scale, got "
                    + mean + " and " + scale);
        }
    }
}
