package org.ovgst.infer.detect;

import java.util.List;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.image.Detection;

/**
 * Turns one frame's share of a detection model's outputs into detections: DL Streamer's
 * {@code post_processor/converters/to_roi}, one implementation per model family.
 *
 * <p>A converter is made once per compiled model (it knows the model input's size and the label
 * map) and called on the delivery thread for every frame; it may keep scratch state, as calls
 * never overlap. Boxes come out in normalized coordinates of the <b>model input</b> (0..1 of its
 * width and height, clamped): mapping them to the frame (stretch or letterbox) is not its business.
 */
public interface DetectionConverter {
    /**
     * The detections of frame {@link InferenceResults#slot()} of the batch in {@code results}, best
     * first, after the confidence threshold and, for families that need it, non-maximum suppression.
     *
     * @throws IllegalArgumentException when an output's shape is not what this family decodes (the
     *     message names the output, its shape and what was expected)
     */
    List<Detection> convert(InferenceResults results, Thresholds thresholds);

    /** How many classes the outputs distinguish, or -1 when they do not say (e.g. DetectionOutput). */
    int classCount();
}
