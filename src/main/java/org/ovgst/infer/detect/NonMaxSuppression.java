package org.ovgst.infer.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.ovgst.infer.image.Detection;

/**
 * Classic (hard) non-maximum suppression, as Ultralytics, OpenCV's {@code NMSBoxes} and DL
 * Streamer's YOLO converters do: best first, a detection is dropped when its intersection over
 * union with an already kept one is above the threshold.
 */
public final class NonMaxSuppression {
    private static final Comparator<Detection> BEST_FIRST =
            Comparator.comparingDouble(Detection::confidence).reversed();

    private NonMaxSuppression() {}

    /**
     * The detections that survive, best first; equal scores keep their input order.
     *
     * @param perClass only detections of the same class suppress each other (Ultralytics' default);
     *     false suppresses across classes ({@code agnostic})
     */
    public static List<Detection> apply(List<Detection> candidates, float iouThreshold, boolean perClass) {
        List<Detection> sorted = new ArrayList<>(candidates);
        sorted.sort(BEST_FIRST);
        List<Detection> kept = new ArrayList<>();
        for (Detection candidate : sorted) {
            boolean suppressed = false;
            for (Detection better : kept) {
                if ((!perClass || better.labelId() == candidate.labelId()) && iou(better, candidate) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(candidate);
            }
        }
        return kept;
    }

    /** Intersection over union of two boxes; 0 when either has no area. */
    public static float iou(Detection a, Detection b) {
        float width = Math.min(a.xMax(), b.xMax()) - Math.max(a.xMin(), b.xMin());
        float height = Math.min(a.yMax(), b.yMax()) - Math.max(a.yMin(), b.yMin());
        if (width <= 0 || height <= 0) {
            return 0;
        }
        float intersection = width * height;
        float union = a.width() * a.height() + b.width() * b.height() - intersection;
        return union > 0 ? intersection / union : 0;
    }
}
