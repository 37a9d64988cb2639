package org.ovgst.infer.detect;

import java.util.Arrays;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.LabelMap;

/**
 * What the YOLO converters share: checking an output's actual shape against what they decode, and
 * turning a box in model-input pixels into a detection normalized to the input and clamped to [0, 1].
 * The input size is the one the model runs at, as given to the family's factory: for a model whose
 * size is dynamic, the size chosen for it (640x640 unless told otherwise), not the declared {@code ?}.
 */
final class YoloDecoding {
    private final float inputWidth;
    private final float inputHeight;
    private final LabelMap labels;
    /** Label by class id, made once so that decoding a frame builds no strings. */
    private final String[] names;

    /**
     * @param classCount the classes the model distinguishes, or -1 when its outputs do not say
     */
    YoloDecoding(int inputWidth, int inputHeight, LabelMap labels, int classCount) {
        if (inputWidth <= 0 || inputHeight <= 0) {
            throw new IllegalArgumentException("a YOLO converter needs the model input's size, got " + inputWidth
                    + "x" + inputHeight);
        }
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.labels = labels;
        this.names = new String[Math.max(classCount, labels.size())];
        Arrays.setAll(names, labels::label);
    }

    /** A detection from a box centered at ({@code xCenter}, {@code yCenter}), in input pixels. */
    Detection centered(int labelId, float confidence, float xCenter, float yCenter, float width, float height) {
        float halfWidth = width / 2;
        float halfHeight = height / 2;
        return corners(labelId, confidence, xCenter - halfWidth, yCenter - halfHeight, xCenter + halfWidth,
                yCenter + halfHeight);
    }

    /** A detection from a box's corners in input pixels. */
    Detection corners(int labelId, float confidence, float xMin, float yMin, float xMax, float yMax) {
        String label = labelId < names.length ? names[labelId] : labels.label(labelId);
        return Detection.clamped(labelId, label, confidence, xMin / inputWidth, yMin / inputHeight,
                xMax / inputWidth, yMax / inputHeight);
    }

    /**
     * The number of candidates N in an output of {@code [batch, values, N]} ({@code valuesAxis} 1) or
     * {@code [batch, N, values]} ({@code valuesAxis} 2), one frame after the other.
     *
     * @param valueNames what the values of a candidate are, for the message
     * @throws IllegalArgumentException when the shape is not that, with the output, its shape and
     *     the expected one
     */
    static int candidateCount(long[] shape, String output, int batchSize, int valuesAxis, int values, String family,
            String valueNames) {
        int candidateAxis = 3 - valuesAxis;
        boolean fits = shape.length == 3 && shape[0] == batchSize && shape[valuesAxis] == values
                && shape[candidateAxis] >= 0 && shape[candidateAxis] <= Integer.MAX_VALUE / values;
        if (!fits) {
            String expected = valuesAxis == 1 ? "[" + batchSize + ", " + values + ", N]"
                    : "[" + batchSize + ", N, " + values + "]";
            throw new IllegalArgumentException("output '" + output + "' has shape " + Arrays.toString(shape) + ", but "
                    + family + " decodes " + expected + " here: a batch of " + batchSize + ", N candidates of "
                    + valueNames + ". Use the model-type of the model's head, or batch-size 1 if the model does not"
                    + " batch along its first axis");
        }
        return (int) shape[candidateAxis];
    }

}
