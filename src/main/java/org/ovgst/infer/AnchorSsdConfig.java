package org.ovgst.infer;

import java.util.List;
import java.util.Set;

/**
 * Everything needed to run and decode one anchor-based SSD model the way MediaPipe does: its input,
 * its anchors ({@code SsdAnchorsCalculatorOptions}), how its two raw outputs encode boxes and scores
 * ({@code TensorsToDetectionsCalculatorOptions}), and the filtering after them
 * ({@code min_score_thresh}, then {@code NonMaxSuppressionCalculatorOptions}). The presets copy the
 * values of MediaPipe's own graphs for the models ovgst ships.
 *
 * @param input the model input and the normalization it expects
 * @param anchors how the anchors are generated for {@code input}'s size
 * @param boxes the box-regression output
 * @param scores the class-score output
 * @param batchLayout where each frame of a batch is in the outputs
 * @param minScore detections scoring below this are dropped before suppression
 * @param iouThreshold a detection is suppressed when its intersection-over-union with a better one of
 *     the same class is above this
 * @param suppression how overlapping detections of one class are merged
 * @param labelFile the model's label map, one label per line, beside the model file; {@code null} if none
 */
public record AnchorSsdConfig(Input input, SsdAnchors.Options anchors, BoxOutput boxes, ScoreOutput scores,
        BatchLayout batchLayout, float minScore, float iouThreshold, Suppression suppression, String labelFile) {

    /**
     * MediaPipe's short-range BlazeFace ({@code face_detection_short_range.tflite}): one class, faces
     * within about 2 m, 896 anchors. Values from mediapipe/modules/face_detection/face_detection.pbtxt
     * and face_detection_short_range.pbtxt; the 6 face keypoints after each box are not decoded.
     */
    public static final AnchorSsdConfig BLAZEFACE_SHORT_RANGE = new AnchorSsdConfig(
            new Input("input", 128, 128, 127.5f, 127.5f),
            new SsdAnchors.Options(0.1484375f, 0.75f, List.of(8, 16, 16, 16), List.of(1.0f), false, 1.0f, true),
            // Box and 6 keypoints (x, y each) per anchor; offsets and sizes in input pixels.
            new BoxOutput("regressors", 16, BoxFormat.XYWH, 128, 128, 128, 128, false),
            new ScoreOutput("classificators", 1, Set.of(), 100),
            BatchLayout.FEATURE_MAP_MAJOR, 0.5f, 0.3f, Suppression.WEIGHTED, null);

    /**
     * SSD MobileNetV2 trained on 24 Open Images V4 classes
     * ({@code object_detection_ssd_mobilenetv2_oidv4_fp16.tflite}, from MediaPipe's Objectron), 1917
     * anchors. Values from mediapipe/modules/objectron/object_detection_oid_v4_cpu.pbtxt, except
     * that this keeps every object instead of the single best one, and its score threshold is
     * lower than the graph's 0.6, which misses the person in skimage's astronaut photograph.
     */
    public static final AnchorSsdConfig OPEN_IMAGES_SSD_MOBILENET_V2 = new AnchorSsdConfig(
            new Input("normalized_input_image_tensor", 300, 300, 127.5f, 127.5f),
            new SsdAnchors.Options(0.2f, 0.95f, List.of(16, 32, 64, 128, 256, 512),
                    List.of(1.0f, 2.0f, 0.5f, 3.0f, 0.3333f), true, 1.0f, false),
            // TensorFlow's SSD box coder: (y, x, h, w) divided by 10, 10, 5, 5, sizes in log space.
            new BoxOutput("raw_outputs/box_encodings", 4, BoxFormat.YXHW, 10, 10, 5, 5, true),
            // Class 0 is the background.
            new ScoreOutput("raw_outputs/class_predictions", 24, Set.of(0), Float.POSITIVE_INFINITY),
            // Built like BlazeFace (one head per feature map, each reshaped to [1, -1, n], then
            // concatenated), but OpenVINO cannot reshape it to a batch above 1, where the layouts agree.
            BatchLayout.FEATURE_MAP_MAJOR, 0.5f, 0.4f, Suppression.HARD, "oidv4_labels.txt");

    /** The order of a box's four values in the box output. */
    public enum BoxFormat {
        /** y center, x center, height, width: TensorFlow's SSD models. */
        YXHW,
        /** x center, y center, width, height: MediaPipe's {@code reverse_output_order}, BlazeFace. */
        XYWH
    }

    /**
     * Where frame {@code i} of a batch of {@code N} is in the box and score outputs. At batch 1 both
     * layouts are the same. {@code A} is the number of anchors per frame.
     */
    public enum BatchLayout {
        /**
         * {@code [N, A, values]}: frame {@code i} owns anchors {@code [i * A, (i + 1) * A)}. A model
         * with a real batch axis, such as the IR conversion of BlazeFace ({@code face_detection.xml}).
         */
        FRAME_MAJOR,
        /**
         * {@code [1, N * A, values]}: the model reshapes each feature map's head to
         * {@code [1, -1, values]}, folding the batch into the anchor axis, and then concatenates the
         * heads. Feature map {@code f}, with {@code A_f} anchors of which {@code S_f} come before it,
         * holds frame {@code i} at anchors {@code [N * S_f + i * A_f, N * S_f + (i + 1) * A_f)}. MediaPipe's
         * TFLite models: BlazeFace at batch 3 puts the three frames' 512 stride-8 anchors first, then
         * their 384 stride-16 anchors.
         */
        FEATURE_MAP_MAJOR
    }

    /** What happens to detections that overlap a better one of the same class. */
    public enum Suppression {
        /** They are dropped (MediaPipe's DEFAULT algorithm). */
        HARD,
        /**
         * They are dropped, and the kept box becomes their score-weighted average with it (MediaPipe's
         * WEIGHTED algorithm: many neighbouring anchors fire on one face, and their mean is a better box).
         */
        WEIGHTED
    }

    /**
     * The model input: RGB pixels are fed as {@code (value - mean) / scale}.
     *
     * @param name the input tensor's name
     */
    public record Input(String name, int width, int height, float mean, float scale) {
        public Input {
            if (width <= 0 || height <= 0 || scale == 0) {
                throw new IllegalArgumentException("model input " + name + " needs a positive size and a non-zero"
                        + " scale, got " + width + "x" + height + " scale " + scale);
            }
        }
    }

    /**
     * The box-regression output: {@code valuesPerAnchor} values per anchor. Of those, the first four
     * values are the box in {@code format}; centers decode to {@code value / xScale * anchor width +
     * anchor center}, sizes to {@code value / wScale * anchor width}, or with
     * {@code exponentialSize} to {@code exp(value / wScale) * anchor width} (y and h alike).
     *
     * @param valuesPerAnchor 4, or more when keypoints follow the box
     */
    public record BoxOutput(String name, int valuesPerAnchor, BoxFormat format, float xScale, float yScale,
            float wScale, float hScale, boolean exponentialSize) {
        public BoxOutput {
            if (valuesPerAnchor < 4) {
                throw new IllegalArgumentException("a box output has at least 4 values per anchor, got "
                        + valuesPerAnchor);
            }
            if (!(xScale > 0 && yScale > 0 && wScale > 0 && hScale > 0)) {
                throw new IllegalArgumentException("box scales must be above 0, got " + xScale + ", " + yScale
                        + ", " + wScale + ", " + hScale);
            }
        }
    }

    /**
     * The class-score output: {@code classes} logits per anchor, turned into probabilities by a
     * sigmoid after clipping them to {@code [-clipping, clipping]}.
     *
     * @param ignoredClasses class indices never reported, e.g. a background class
     * @param clipping {@link Float#POSITIVE_INFINITY} for none
     */
    public record ScoreOutput(String name, int classes, Set<Integer> ignoredClasses, float clipping) {
        public ScoreOutput {
            ignoredClasses = Set.copyOf(ignoredClasses);
            if (classes <= 0 || !(clipping > 0)) {
                throw new IllegalArgumentException("a score output needs at least one class and a positive"
                        + " clipping, got " + classes + " classes and clipping " + clipping);
            }
            if (ignoredClasses.stream().anyMatch(c -> c < 0 || c >= classes)) {
                throw new IllegalArgumentException("ignored classes " + ignoredClasses + " must be within the "
                        + classes + " classes");
            }
            if (ignoredClasses.size() == classes) {
                throw new IllegalArgumentException("all " + classes + " classes are ignored");
            }
        }
    }

    public AnchorSsdConfig {
        checkFraction("minScore", minScore);
        checkFraction("iouThreshold", iouThreshold);
    }

    public AnchorSsdConfig withMinScore(float minScore) {
        return new AnchorSsdConfig(input, anchors, boxes, scores, batchLayout, minScore, iouThreshold, suppression,
                labelFile);
    }

    public AnchorSsdConfig withIouThreshold(float iouThreshold) {
        return new AnchorSsdConfig(input, anchors, boxes, scores, batchLayout, minScore, iouThreshold, suppression,
                labelFile);
    }

    /**
     * This configuration for a conversion of the same model whose tensors have other names, e.g. the
     * IR form of BlazeFace, which also keeps a real batch axis.
     */
    public AnchorSsdConfig withTensors(String inputName, String boxesName, String scoresName, BatchLayout layout) {
        return new AnchorSsdConfig(new Input(inputName, input.width(), input.height(), input.mean(), input.scale()),
                anchors, new BoxOutput(boxesName, boxes.valuesPerAnchor(), boxes.format(), boxes.xScale(),
                        boxes.yScale(), boxes.wScale(), boxes.hScale(), boxes.exponentialSize()),
                new ScoreOutput(scoresName, scores.classes(), scores.ignoredClasses(), scores.clipping()), layout,
                minScore, iouThreshold, suppression, labelFile);
    }

    private static void checkFraction(String name, float value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be within [0, 1], got " + value);
        }
    }
}
