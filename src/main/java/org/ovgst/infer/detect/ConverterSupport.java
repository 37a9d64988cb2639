package org.ovgst.infer.detect;

import java.util.List;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.tensor.Dimension;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/** What several converter families share: shape tests for matchers, shape errors, making and ordering detections. */
final class ConverterSupport {
    /** Open Model Zoo's IR models: BGR, values 0-255 as they are, the frame stretched over the declared input. */
    static final InputPreparation OPEN_MODEL_ZOO_INPUT = new InputPreparation(ModelColor.BGR, 0, 1, false, 0,
            InputSize.DECLARED_OR_FRAME);

    private ConverterSupport() {}

    /** A port of known rank {@code rank}. */
    static boolean hasRank(PortInfo port, int rank) {
        return port.shape().isRankStatic() && port.shape().rank() == rank;
    }

    /** A static dimension of exactly {@code size}. */
    static boolean isSize(Dimension dimension, long size) {
        return dimension.isStatic() && dimension.size() == size;
    }

    /** {@code size}, or dynamic: not known until the model is reshaped or run. */
    static boolean isSizeOrDynamic(Dimension dimension, long size) {
        return !dimension.isStatic() || dimension.size() == size;
    }

    /** Two dimensions that can be equal: the same size, or either dynamic. */
    static boolean canBeEqual(Dimension a, Dimension b) {
        return !a.isStatic() || !b.isStatic() || a.size() == b.size();
    }

    /** Element types the engine delivers as f32. */
    static boolean isFloatingPoint(ElementType type) {
        return type == ElementType.F32 || type == ElementType.F16 || type == ElementType.BF16
                || type == ElementType.F64;
    }

    /** Whether a detection scores at least the confidence threshold; a NaN score never does. */
    static boolean passes(float confidence, Thresholds thresholds) {
        return confidence >= thresholds.confidence();
    }

    /**
     * The error for an output whose shape at inference is not what the family decodes.
     *
     * @param expected the shape wanted, with what to do about it
     */
    static IllegalArgumentException wrongShape(String family, String output, long[] shape, String expected) {
        return new IllegalArgumentException(family + ": output '" + output + "' has shape " + PartialShape.of(shape)
                + ", but " + expected);
    }

    /** A detection whose box, given normalized to the model input, is clamped to it. */
    static Detection detection(LabelMap labels, int labelId, float confidence, float xMin, float yMin, float xMax,
            float yMax) {
        return Detection.clamped(labelId, labels.label(labelId), confidence, xMin, yMin, xMax, yMax);
    }

    /**
     * Inserts a detection into a list kept best first, after those scoring the same (so equal scores
     * keep the model's order). Models that order their own output make this a single comparison.
     */
    static void addBestFirst(List<Detection> detections, Detection detection) {
        int at = detections.size();
        while (at > 0 && detections.get(at - 1).confidence() < detection.confidence()) {
            at--;
        }
        detections.add(at, detection);
    }
}
