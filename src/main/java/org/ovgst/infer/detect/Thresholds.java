package org.ovgst.infer.detect;

/**
 * The filters after decoding, as the user set them ({@code threshold}, {@code iou-threshold}).
 *
 * @param confidence detections scoring below this are dropped
 * @param iou a detection is suppressed when its intersection over union with a better one of the
 *     same class is above this (only for families that need non-maximum suppression)
 */
public record Thresholds(float confidence, float iou) {
    public Thresholds {
        if (!(confidence >= 0 && confidence <= 1) || !(iou >= 0 && iou <= 1)) {
            throw new IllegalArgumentException("thresholds must be within [0, 1], got confidence " + confidence
                    + " and iou " + iou);
        }
    }
}
