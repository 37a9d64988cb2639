package org.ovgst.infer.detect;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.LabelMap;

/**
 * Turns the two raw outputs of an anchor-based SSD model into detections, as MediaPipe's
 * {@code TensorsToDetectionsCalculator} followed by its {@code NonMaxSuppressionCalculator} do:
 * per anchor the best allowed class, its sigmoid score, a score threshold, the box decoded against
 * the anchor, then non-maximum suppression within each class. Boxes come out in normalized
 * coordinates of the model input, clamped to [0, 1].
 *
 * <p><b>Batches.</b> The outputs are read as {@code f32} in native byte order. Pass the whole output
 * of a batch with its size and the frame's index: where that frame's anchors are depends on the
 * model ({@link AnchorSsdConfig.BatchLayout}). A {@code [N, A, values]} and a {@code [1, N * A, values]}
 * output have the same size, so only their shapes tell the layouts apart: check them once with
 * {@link #checkOutputShapes} before decoding, or a wrong layout decodes garbage without failing.
 *
 * <p>Anchors are computed once, in the constructor; decoding reuses scratch arrays and allocates
 * only the returned list and its detections. Decoding is synchronized because of that scratch: it
 * takes microseconds, so a decoder may be shared, or use one per thread for no contention at all.
 */
public final class AnchorSsdDecoder {
    private static final long FLOAT_BYTES = JAVA_FLOAT.byteSize();

    private final AnchorSsdConfig config;
    private final LabelMap labels;
    private final SsdAnchors anchors;
    private final boolean[] ignored;

    // Scratch for one frame, indexed by candidate: the anchors whose best score passed the threshold.
    private final float[] candidateScores;
    private final int[] candidateClasses;
    /** Per candidate: x min, y min, x max, y max, not yet clamped (MediaPipe suppresses unclamped boxes). */
    private final float[] candidateBoxes;
    /** Candidates sorted by {@link #sortKey}, best last. */
    private final long[] order;
    private final boolean[] consumed;

    /**
     * @param labels names the classes; {@link LabelMap#NONE} calls them {@code class N}
     */
    public AnchorSsdDecoder(AnchorSsdConfig config, LabelMap labels) {
        this.config = config;
        this.labels = labels;
        this.anchors = SsdAnchors.generate(config.anchors(), config.input().width(), config.input().height());
        this.ignored = new boolean[config.scores().classes()];
        config.scores().ignoredClasses().forEach(c -> ignored[c] = true);
        int count = anchors.count();
        this.candidateScores = new float[count];
        this.candidateClasses = new int[count];
        this.candidateBoxes = new float[count * 4];
        this.order = new long[count];
        this.consumed = new boolean[count];
    }

    public AnchorSsdConfig config() {
        return config;
    }

    /** Anchors per frame: the size of the model's anchor axis at batch 1. */
    public int anchorCount() {
        return anchors.count();
    }

    /**
     * Checks that the model's output shapes are the ones this configuration decodes for a batch of
     * {@code batchSize}, with a message that says what differs.
     *
     * @throws IllegalArgumentException when they are not
     */
    public void checkOutputShapes(long[] boxesShape, long[] scoresShape, int batchSize) {
        checkShape(config.boxes().name(), boxesShape, config.boxes().valuesPerAnchor(), batchSize);
        checkShape(config.scores().name(), scoresShape, config.scores().classes(), batchSize);
    }

    private void checkShape(String output, long[] actual, int valuesPerAnchor, int batchSize) {
        long[] expected = switch (config.batchLayout()) {
            case FRAME_MAJOR -> new long[] {batchSize, anchorCount(), valuesPerAnchor};
            case FEATURE_MAP_MAJOR -> new long[] {1, (long) batchSize * anchorCount(), valuesPerAnchor};
        };
        if (!Arrays.equals(expected, actual)) {
            throw new IllegalArgumentException("the output " + output + " has shape " + Arrays.toString(actual)
                    + ", but a " + config.batchLayout() + " batch of " + batchSize + " with " + anchorCount()
                    + " anchors per frame needs " + Arrays.toString(expected));
        }
    }

    /** The detections of a single frame (batch 1) that score at least {@code minScore}, best first. */
    public List<Detection> decode(MemorySegment boxes, MemorySegment scores, float minScore) {
        return decode(boxes, scores, 1, 0, minScore);
    }

    /**
     * The detections of frame {@code frame} of a batch, best first.
     *
     * @param boxes the whole box output ({@link AnchorSsdConfig#boxes()})
     * @param scores the whole score output ({@link AnchorSsdConfig#scores()})
     * @param batchSize how many frames the outputs hold
     * @param frame the frame's index in the batch
     * @param minScore detections scoring below this are dropped before suppression
     * @throws IllegalArgumentException when the frame is not in the batch or an output is too small
     */
    public synchronized List<Detection> decode(MemorySegment boxes, MemorySegment scores, int batchSize,
            int frame, float minScore) {
        if (frame < 0 || frame >= batchSize) {
            throw new IllegalArgumentException("frame " + frame + " is not in a batch of " + batchSize);
        }
        int boxValues = config.boxes().valuesPerAnchor();
        int classes = config.scores().classes();
        checkHolds(boxes, "box output", config.boxes().name(), boxValues, batchSize);
        checkHolds(scores, "score output", config.scores().name(), classes, batchSize);

        int candidates = 0;
        int anchor = 0;
        for (int mapAnchors : anchors.anchorsPerFeatureMap()) {
            // Where this frame's anchors of this feature map start in the batch's anchor axis.
            long first = switch (config.batchLayout()) {
                case FRAME_MAJOR -> (long) frame * anchorCount() + anchor;
                case FEATURE_MAP_MAJOR -> (long) batchSize * anchor + (long) frame * mapAnchors;
            };
            for (long inBatch = first; inBatch < first + mapAnchors; inBatch++, anchor++) {
                int bestClass = -1;
                float bestLogit = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    float logit = clip(scores.getAtIndex(JAVA_FLOAT, inBatch * classes + c));
                    // The sigmoid is monotonic, so the best logit is the best score.
                    if (!ignored[c] && logit > bestLogit) {
                        bestLogit = logit;
                        bestClass = c;
                    }
                }
                float score = sigmoid(bestLogit);
                if (bestClass >= 0 && score >= minScore
                        && decodeBox(boxes, inBatch * boxValues, anchor, candidates * 4)) {
                    candidateScores[candidates] = score;
                    candidateClasses[candidates] = bestClass;
                    order[candidates] = sortKey(score, candidates);
                    candidates++;
                }
            }
        }
        return suppress(candidates);
    }

    /**
     * Decodes one anchor's box into the candidate slot at {@code slot}; false for a box of negative
     * or undefined size, which MediaPipe drops too.
     */
    private boolean decodeBox(MemorySegment boxes, long index, int anchor, int slot) {
        AnchorSsdConfig.BoxOutput coding = config.boxes();
        float first = boxes.getAtIndex(JAVA_FLOAT, index);
        float second = boxes.getAtIndex(JAVA_FLOAT, index + 1);
        float third = boxes.getAtIndex(JAVA_FLOAT, index + 2);
        float fourth = boxes.getAtIndex(JAVA_FLOAT, index + 3);
        boolean xFirst = coding.format() == AnchorSsdConfig.BoxFormat.XYWH;
        float x = xFirst ? first : second;
        float y = xFirst ? second : first;
        float w = xFirst ? third : fourth;
        float h = xFirst ? fourth : third;

        float anchorWidth = anchors.width(anchor);
        float anchorHeight = anchors.height(anchor);
        float xCenter = x / coding.xScale() * anchorWidth + anchors.xCenter(anchor);
        float yCenter = y / coding.yScale() * anchorHeight + anchors.yCenter(anchor);
        float width;
        float height;
        if (coding.exponentialSize()) {
            width = (float) Math.exp(w / coding.wScale()) * anchorWidth;
            height = (float) Math.exp(h / coding.hScale()) * anchorHeight;
        } else {
            width = w / coding.wScale() * anchorWidth;
            height = h / coding.hScale() * anchorHeight;
        }
        if (!(width >= 0 && height >= 0)) {
            return false;
        }
        candidateBoxes[slot] = xCenter - width / 2;
        candidateBoxes[slot + 1] = yCenter - height / 2;
        candidateBoxes[slot + 2] = xCenter + width / 2;
        candidateBoxes[slot + 3] = yCenter + height / 2;
        return true;
    }

    /**
     * Non-maximum suppression within each class, best first. Taking the best remaining candidate and
     * consuming every candidate of its class that overlaps it is the same as classic NMS (a box is
     * dropped when it overlaps a kept one); it also gives the cluster that WEIGHTED averages.
     */
    private List<Detection> suppress(int candidates) {
        Arrays.sort(order, 0, candidates);
        Arrays.fill(consumed, 0, candidates, false);
        List<Detection> detections = new ArrayList<>();
        for (int rank = candidates - 1; rank >= 0; rank--) {
            int top = candidateOf(order[rank]);
            if (consumed[top]) {
                continue;
            }
            float weight = 0;
            float xMin = 0;
            float yMin = 0;
            float xMax = 0;
            float yMax = 0;
            for (int next = rank; next >= 0; next--) {
                int other = candidateOf(order[next]);
                boolean overlapsTop = other == top || !consumed[other]
                        && candidateClasses[other] == candidateClasses[top] && iou(top, other) > config.iouThreshold();
                if (!overlapsTop) {
                    continue;
                }
                consumed[other] = true;
                float w = candidateScores[other];
                weight += w;
                xMin += w * candidateBoxes[other * 4];
                yMin += w * candidateBoxes[other * 4 + 1];
                xMax += w * candidateBoxes[other * 4 + 2];
                yMax += w * candidateBoxes[other * 4 + 3];
            }
            // weight is 0 only when every score underflowed to 0; then there is nothing to average.
            boolean average = config.suppression() == AnchorSsdConfig.Suppression.WEIGHTED && weight > 0;
            detections.add(average
                    ? detection(top, xMin / weight, yMin / weight, xMax / weight, yMax / weight)
                    : detection(top, candidateBoxes[top * 4], candidateBoxes[top * 4 + 1],
                            candidateBoxes[top * 4 + 2], candidateBoxes[top * 4 + 3]));
        }
        return detections;
    }

    private Detection detection(int candidate, float xMin, float yMin, float xMax, float yMax) {
        int labelId = candidateClasses[candidate];
        return Detection.clamped(labelId, labels.label(labelId), candidateScores[candidate], xMin, yMin, xMax, yMax);
    }

    /** Intersection over union of two candidates' boxes; 0 when either has no area. */
    private float iou(int a, int b) {
        float[] box = candidateBoxes;
        float width = Math.min(box[a * 4 + 2], box[b * 4 + 2]) - Math.max(box[a * 4], box[b * 4]);
        float height = Math.min(box[a * 4 + 3], box[b * 4 + 3]) - Math.max(box[a * 4 + 1], box[b * 4 + 1]);
        if (width <= 0 || height <= 0) {
            return 0;
        }
        float intersection = width * height;
        float union = area(a) + area(b) - intersection;
        return union > 0 ? intersection / union : 0;
    }

    private float area(int candidate) {
        int i = candidate * 4;
        return (candidateBoxes[i + 2] - candidateBoxes[i]) * (candidateBoxes[i + 3] - candidateBoxes[i + 1]);
    }

    /**
     * Orders by score, then by lower candidate (= anchor) index first among equal scores. Scores are
     * positive floats, whose bit patterns sort like their values.
     */
    private static long sortKey(float score, int candidate) {
        return ((long) Float.floatToIntBits(score) << 32) | (Integer.MAX_VALUE - candidate);
    }

    private static int candidateOf(long sortKey) {
        return Integer.MAX_VALUE - (int) sortKey;
    }

    private float clip(float logit) {
        float limit = config.scores().clipping();
        return Math.max(-limit, Math.min(limit, logit));
    }

    private static float sigmoid(float logit) {
        return (float) (1 / (1 + Math.exp(-logit)));
    }


    private void checkHolds(MemorySegment output, String kind, String name, int valuesPerAnchor, int batchSize) {
        long needed = (long) batchSize * anchorCount() * valuesPerAnchor * FLOAT_BYTES;
        if (output.byteSize() < needed) {
            throw new IllegalArgumentException("the " + kind + " " + name + " holds " + output.byteSize() / FLOAT_BYTES
                    + " floats, but a batch of " + batchSize + " needs " + needed / FLOAT_BYTES + " (" + anchorCount()
                    + " anchors x " + valuesPerAnchor + " values per frame)");
        }
    }
}
