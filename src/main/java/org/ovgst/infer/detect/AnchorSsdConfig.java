package org.ovgst.infer.detect;

import java.util.List;
import java.util.Set;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.ModelColor;

/**
 * Everything needed to run and decode one anchor-based SSD model the way MediaPipe does: its input
 * and how frames are prepared for it ({@code ImageToTensorCalculatorOptions}), its anchors
 * ({@code SsdAnchorsCalculatorOptions}), how its two raw outputs encode boxes and scores
 * ({@code TensorsToDetectionsCalculatorOptions}), and the suppression after them
 * ({@code NonMaxSuppressionCalculatorOptions}). The presets copy the values of MediaPipe's own graphs
 * for the models ovgst ships (google/mediapipe at 9d8807788567c01dbd998c0a3d0f730b9686912d).
 *
 * <p>The score threshold is not part of a configuration: it is the user's {@code threshold}, given
 * to each {@link AnchorSsdDecoder#decode} call. Every preset's graph uses 0.5
 * ({@code min_score_thresh}), the element's default.
 *
 * @param name what the model is, for messages
 * @param input the model input the anchors and box scales are made for
 * @param preparation how frames become that input
 * @param anchors how the anchors are generated for {@code input}'s size
 * @param boxes the box-regression output
 * @param scores the class-score output
 * @param batchLayout where each frame of a batch is in the outputs
 * @param iouThreshold a detection is suppressed when its intersection-over-union with a better one of
 *     the same class is above this
 * @param suppression how overlapping detections of one class are merged
 */
public record AnchorSsdConfig(String name, Input input, InputPreparation preparation, SsdAnchors.Options anchors,
        BoxOutput boxes, ScoreOutput scores, BatchLayout batchLayout, float iouThreshold, Suppression suppression) {

    /**
     * MediaPipe's short-range BlazeFace ({@code face_detection_short_range.tflite}): one class, faces
     * within about 2 m, 896 anchors. Values from mediapipe/modules/face_detection/face_detection.pbtxt
     * (letterboxed to [-1, 1], lines 41-60; anchors 93-112; decoding 117-141; suppression 144-155)
     * with the sizes, strides and scales of face_detection_short_range.pbtxt (lines 37-53); the 6 face
     * keypoints after each box are not decoded.
     */
    public static final AnchorSsdConfig BLAZEFACE_SHORT_RANGE = new AnchorSsdConfig("BlazeFace short range",
            new Input("input", 128, 128), minusOneToOne(true),
            new SsdAnchors.Options(0.1484375f, 0.75f, List.of(8, 16, 16, 16), List.of(1.0f), false, 1.0f, true),
            // Box and 6 keypoints (x, y each) per anchor; offsets and sizes in input pixels.
            new BoxOutput("regressors", 16, BoxFormat.XYWH, 128, 128, 128, 128, false),
            new ScoreOutput("classificators", 1, Set.of(), 100),
            BatchLayout.FEATURE_MAP_MAJOR, 0.3f, Suppression.WEIGHTED);

    /**
     * MediaPipe's full palm detector ({@code palm_detection_full.tflite}, MediaPipe Hands' first
     * stage): one class, palms, 2016 anchors. Values from
     * mediapipe/modules/palm_detection/palm_detection_cpu.pbtxt, unchanged since the full model came
     * (d4bb35fe5, 2021-11-03): letterboxed to <b>[0, 1]</b>, not [-1, 1] (lines 22-39); anchors as
     * BlazeFace's for a 192x192 input (lines 72-92); decoding (lines 97-122); weighted suppression at
     * 0.3 (lines 125-136). The 7 palm keypoints after each box are not decoded.
     */
    public static final AnchorSsdConfig PALM_DETECTION_FULL = new AnchorSsdConfig("MediaPipe palm detection full",
            new Input("input_1", 192, 192),
            new InputPreparation(ModelColor.RGB, 0, 255, true, 0, InputSize.DECLARED_OR_FRAME),
            new SsdAnchors.Options(0.1484375f, 0.75f, List.of(8, 16, 16, 16), List.of(1.0f), false, 1.0f, true),
            // Box and 7 keypoints (x, y each) per anchor; offsets and sizes in input pixels.
            new BoxOutput("Identity", 18, BoxFormat.XYWH, 192, 192, 192, 192, false),
            new ScoreOutput("Identity_1", 1, Set.of(), 100),
            // Checked with OpenVINO 2026.4.1: at batch 2 its outputs are [1, 4032, 18], feature map by feature map.
            BatchLayout.FEATURE_MAP_MAJOR, 0.3f, Suppression.WEIGHTED);

    /**
     * SSD MobileNetV2 trained on 24 Open Images V4 classes
     * ({@code object_detection_ssd_mobilenetv2_oidv4_fp16.tflite}, from MediaPipe's Objectron), 1917
     * anchors. Values from mediapipe/modules/objectron/object_detection_oid_v4_cpu.pbtxt: stretched,
     * not letterboxed, to [-1, 1] (lines 11-27); anchors (lines 46-72); decoding (lines 77-97);
     * suppression at 0.5 (lines 122-134), except that this keeps every detection instead of the best
     * 100 ({@code max_num_detections}).
     */
    public static final AnchorSsdConfig OPEN_IMAGES_SSD_MOBILENET_V2 = new AnchorSsdConfig(
            "SSD MobileNetV2 Open Images", new Input("normalized_input_image_tensor", 300, 300), minusOneToOne(false),
            new SsdAnchors.Options(0.2f, 0.95f, List.of(16, 32, 64, 128, 256, 512),
                    List.of(1.0f, 2.0f, 0.5f, 3.0f, 0.3333f), true, 1.0f, false),
            // TensorFlow's SSD box coder: (y, x, h, w) divided by 10, 10, 5, 5, sizes in log space.
            new BoxOutput("raw_outputs/box_encodings", 4, BoxFormat.YXHW, 10, 10, 5, 5, true),
            // Class 0 is the background.
            new ScoreOutput("raw_outputs/class_predictions", 24, Set.of(0), Float.POSITIVE_INFINITY),
            // Built like BlazeFace (one head per feature map, each reshaped to [1, -1, n], then
            // concatenated), but OpenVINO cannot reshape it to a batch above 1, where the layouts agree.
            BatchLayout.FEATURE_MAP_MAJOR, 0.5f, Suppression.HARD);

    /**
     * Frames as MediaPipe's {@code ImageToTensorCalculator} makes them for these models: RGB, the
     * whole frame scaled into the input and mapped to [-1, 1]. {@code letterbox} is its
     * {@code keep_aspect_ratio}; its {@code BORDER_ZERO} pads with black before the mapping.
     */
    private static InputPreparation minusOneToOne(boolean letterbox) {
        return new InputPreparation(ModelColor.RGB, 127.5f, 127.5f, letterbox, 0, InputSize.DECLARED_OR_FRAME);
    }

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
     * The model input the anchors and box scales are made for.
     *
     * @param name the input tensor's name in the preset's model file
     */
    public record Input(String name, int width, int height) {
        public Input {
            if (width <= 0 || height <= 0) {
                throw new IllegalArgumentException("model input " + name + " needs a positive size, got " + width
                        + "x" + height);
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
        if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException("iouThreshold must be within [0, 1], got " + iouThreshold);
        }
    }

    /**
     * This configuration for a conversion of the same model whose tensors have other names, e.g. the
     * IR form of BlazeFace, which also keeps a real batch axis.
     */
    public AnchorSsdConfig withTensors(String inputName, String boxesName, String scoresName, BatchLayout layout) {
        return new AnchorSsdConfig(name, new Input(inputName, input.width(), input.height()), preparation, anchors,
                new BoxOutput(boxesName, boxes.valuesPerAnchor(), boxes.format(), boxes.xScale(), boxes.yScale(),
                        boxes.wScale(), boxes.hScale(), boxes.exponentialSize()),
                new ScoreOutput(scoresName, scores.classes(), scores.ignoredClasses(), scores.clipping()), layout,
                iouThreshold, suppression);
    }

    /** Anchors per frame: the size of the model's anchor axis at batch 1. */
    public int anchorCount() {
        return SsdAnchors.generate(anchors, input.width(), input.height()).count();
    }
}
