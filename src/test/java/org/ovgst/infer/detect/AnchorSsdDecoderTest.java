package org.ovgst.infer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.testing.DetectionAssertions;
import org.ovgst.testing.TestAssets;

/** Decoding synthetic raw outputs whose detections are known exactly. */
class AnchorSsdDecoderTest {
    private static final float TOLERANCE = 1e-5f;
    /** MediaPipe's {@code min_score_thresh} in every preset's graph. */
    private static final float MIN_SCORE = 0.5f;
    /** A logit far below every threshold: sigmoid(-20) is 2e-9. */
    private static final float NOTHING = -20;
    private static final int PERSON = 4;
    private static final int CAT = 8;

    /** BlazeFace anchor 728: the 6 anchors of the stride-16 cell (4, 4) start here, centered at 0.5625. */
    private static final int FACE_ANCHOR = 512 + (4 * 8 + 4) * 6;
    /** Palm anchor 1620: the 6 anchors of the 12x12 stride-16 map's cell (6, 6) start here, centered at 6.5 / 12. */
    private static final int PALM_ANCHOR = 1152 + (6 * 12 + 6) * 6;
    /** SSD anchor 1413: ratio 1 in the 10x10 layer's cell (5, 5), centered at 0.55, 0.35 wide. */
    private static final int SSD_ANCHOR = 1083 + (5 * 10 + 5) * 6;
    /** Its neighbour in the same cell: the interpolated anchor, sqrt(0.35 * 0.5) wide. */
    private static final int SSD_INTERPOLATED_ANCHOR = SSD_ANCHOR + 5;

    private final LabelMap openImagesLabels = TestAssets.openImagesLabels();

    /** Raw outputs of {@code frames} frames in which nothing is detected yet. */
    private record RawOutputs(AnchorSsdConfig config, int anchors, float[] boxes, float[] scores) {
        static RawOutputs empty(AnchorSsdDecoder decoder, int frames) {
            AnchorSsdConfig config = decoder.config();
            int anchors = frames * decoder.anchorCount();
            float[] scores = new float[anchors * config.scores().classes()];
            Arrays.fill(scores, NOTHING);
            return new RawOutputs(config, anchors, new float[anchors * config.boxes().valuesPerAnchor()], scores);
        }

        /** Sets the four box values of an anchor (counted over the whole batch) in the model's own order. */
        RawOutputs box(int anchor, float... values) {
            System.arraycopy(values, 0, boxes, anchor * config.boxes().valuesPerAnchor(), 4);
            return this;
        }

        RawOutputs logit(int anchor, int classId, float logit) {
            scores[anchor * config.scores().classes() + classId] = logit;
            return this;
        }

        List<Detection> decode(AnchorSsdDecoder decoder) {
            return decode(decoder, MIN_SCORE);
        }

        List<Detection> decode(AnchorSsdDecoder decoder, float minScore) {
            return decoder.decode(MemorySegment.ofArray(boxes), MemorySegment.ofArray(scores), minScore);
        }

        List<Detection> decode(AnchorSsdDecoder decoder, int batchSize, int frame) {
            return decoder.decode(MemorySegment.ofArray(boxes), MemorySegment.ofArray(scores), batchSize, frame,
                    MIN_SCORE);
        }
    }

    @Test
    void blazeFaceBoxesAreXywhInInputPixelsAroundTheAnchorCenter() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.BLAZEFACE_SHORT_RANGE, LabelMap.NONE);
        List<Detection> found = RawOutputs.empty(decoder, 1)
                .box(FACE_ANCHOR, 12.8f, -6.4f, 25.6f, 38.4f).logit(FACE_ANCHOR, 0, 3).decode(decoder);
        // Center (0.5625 + 0.1, 0.5625 - 0.05), size 0.2 x 0.3.
        assertDetections(found, new Detection(0, "class 0", sigmoid(3), 0.5625f, 0.3625f, 0.7625f, 0.6625f));
    }

    @Test
    void palmBoxesAreXywhInPixelsOfThe192PixelInput() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.PALM_DETECTION_FULL, LabelMap.of(List.of("palm")));
        List<Detection> found = RawOutputs.empty(decoder, 1)
                .box(PALM_ANCHOR, 19.2f, -9.6f, 38.4f, 57.6f).logit(PALM_ANCHOR, 0, 3).decode(decoder);
        // Center (6.5 / 12 + 0.1, 6.5 / 12 - 0.05), size 0.2 x 0.3.
        float center = 6.5f / 12;
        assertDetections(found,
                new Detection(0, "palm", sigmoid(3), center, center - 0.2f, center + 0.2f, center + 0.1f));
    }

    @Test
    void anSsdBoxWithZeroOffsetsIsItsAnchor() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2, openImagesLabels);
        List<Detection> found = RawOutputs.empty(decoder, 1).logit(SSD_ANCHOR, PERSON, 2).decode(decoder);
        assertDetections(found, new Detection(PERSON, "Person", sigmoid(2), 0.375f, 0.375f, 0.725f, 0.725f));
    }

    @Test
    void ssdBoxesAreYxhwWithExponentialSizes() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2, openImagesLabels);
        // y moves by 1/10 of the anchor height; the height doubles: exp(5 ln 2 / 5) = 2.
        List<Detection> found = RawOutputs.empty(decoder, 1)
                .box(SSD_ANCHOR, 1, 0, 5 * (float) Math.log(2), 0).logit(SSD_ANCHOR, CAT, 2).decode(decoder);
        assertDetections(found, new Detection(CAT, "Cat", sigmoid(2), 0.375f, 0.235f, 0.725f, 0.935f));
    }

    @Test
    void boxesAreClampedToTheFrame() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2, openImagesLabels);
        // The last anchor: centered, sqrt(0.95) wide; 8x wider and higher reaches far outside.
        float eightTimes = 5 * (float) Math.log(8);
        List<Detection> found = RawOutputs.empty(decoder, 1)
                .box(1916, 0, 0, eightTimes, eightTimes).logit(1916, PERSON, 2).decode(decoder);
        assertDetections(found, new Detection(PERSON, "Person", sigmoid(2), 0, 0, 1, 1));
    }

    @Test
    void scoresBelowTheThresholdGiveNothing() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2, openImagesLabels);
        RawOutputs outputs = RawOutputs.empty(decoder, 1).logit(SSD_ANCHOR, PERSON, -0.1f);
        // sigmoid(-0.1) = 0.475 < 0.5; the same decoder takes another threshold on the next call.
        assertEquals(List.of(), outputs.decode(decoder));
        assertEquals(1, outputs.decode(decoder, 0.4f).size());
        assertEquals(List.of(), outputs.decode(decoder, 0.48f));
    }

    @Test
    void theBackgroundClassIsNeverReportedAndTheBestOtherClassIs() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2, openImagesLabels);
        RawOutputs outputs = RawOutputs.empty(decoder, 1).logit(SSD_ANCHOR, 0, 10);
        assertEquals(List.of(), outputs.decode(decoder));
        outputs.logit(SSD_ANCHOR, PERSON, 1).logit(SSD_ANCHOR, CAT, 2);
        assertDetections(outputs.decode(decoder),
                new Detection(CAT, "Cat", sigmoid(2), 0.375f, 0.375f, 0.725f, 0.725f));
    }

    @Test
    void suppressionKeepsTheBetterOfTwoOverlappingBoxesOfOneClass() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2, openImagesLabels);
        // Concentric boxes 0.35 and 0.418 wide: IoU 0.35^2 / 0.418^2 = 0.7 > 0.5.
        RawOutputs outputs = RawOutputs.empty(decoder, 1)
                .logit(SSD_ANCHOR, PERSON, 1).logit(SSD_INTERPOLATED_ANCHOR, PERSON, 2);
        float half = (float) Math.sqrt(0.35 * 0.5) / 2;
        Detection better = new Detection(PERSON, "Person", sigmoid(2), 0.55f - half, 0.55f - half, 0.55f + half,
                0.55f + half);
        assertDetections(outputs.decode(decoder), better);

        var tolerant = new AnchorSsdDecoder(withIouThreshold(AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2, 0.8f),
                openImagesLabels);
        assertDetections(outputs.decode(tolerant), better,
                new Detection(PERSON, "Person", sigmoid(1), 0.375f, 0.375f, 0.725f, 0.725f));
    }

    @Test
    void suppressionWorksWithinEachClass() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2, openImagesLabels);
        List<Detection> found = RawOutputs.empty(decoder, 1)
                .logit(SSD_ANCHOR, PERSON, 1).logit(SSD_INTERPOLATED_ANCHOR, CAT, 2).decode(decoder);
        assertEquals(List.of("Cat", "Person"), found.stream().map(Detection::label).toList());
    }

    @Test
    void weightedSuppressionAveragesTheOverlappingBoxesByScore() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.BLAZEFACE_SHORT_RANGE, LabelMap.NONE);
        // Two 0.2 x 0.2 faces on the same anchor center, one moved right by 0.05: IoU 0.6 > 0.3.
        List<Detection> found = RawOutputs.empty(decoder, 1)
                .box(FACE_ANCHOR, 0, 0, 25.6f, 25.6f).logit(FACE_ANCHOR, 0, 2)
                .box(FACE_ANCHOR + 1, 6.4f, 0, 25.6f, 25.6f).logit(FACE_ANCHOR + 1, 0, 1)
                .decode(decoder);
        float shift = 0.05f * sigmoid(1) / (sigmoid(2) + sigmoid(1));
        assertDetections(found, new Detection(0, "class 0", sigmoid(2), 0.4625f + shift, 0.4625f, 0.6625f + shift,
                0.6625f));
    }

    @Test
    void boxesOfNegativeSizeAreDropped() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.BLAZEFACE_SHORT_RANGE, LabelMap.NONE);
        List<Detection> found = RawOutputs.empty(decoder, 1)
                .box(FACE_ANCHOR, 0, 0, -25.6f, 25.6f).logit(FACE_ANCHOR, 0, 3).decode(decoder);
        assertEquals(List.of(), found);
    }

    @Test
    void eachFrameOfAFeatureMapMajorBatchReadsOnlyItsOwnAnchors() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.BLAZEFACE_SHORT_RANGE, LabelMap.NONE);
        // Batch 3: the 3 x 512 stride-8 anchors, then the 3 x 384 stride-16 anchors.
        assertEachFrameReadsItsOwnAnchors(decoder, frame -> 3 * 512 + frame * 384 + (FACE_ANCHOR - 512));
    }

    @Test
    void eachFrameOfAFrameMajorBatchReadsOnlyItsOwnAnchors() {
        AnchorSsdConfig face = AnchorSsdConfig.BLAZEFACE_SHORT_RANGE;
        var frameMajor = face.withTensors(face.input().name(), face.boxes().name(), face.scores().name(),
                AnchorSsdConfig.BatchLayout.FRAME_MAJOR);
        var decoder = new AnchorSsdDecoder(frameMajor, LabelMap.NONE);
        assertEachFrameReadsItsOwnAnchors(decoder, frame -> frame * 896 + FACE_ANCHOR);
    }

    /** Frame f has one face at FACE_ANCHOR, found at {@code where(f)}, moved right by f * 0.1 and scoring sigmoid(f + 1). */
    private static void assertEachFrameReadsItsOwnAnchors(AnchorSsdDecoder decoder, IntUnaryOperator where) {
        RawOutputs outputs = RawOutputs.empty(decoder, 3);
        for (int frame = 0; frame < 3; frame++) {
            int anchor = where.applyAsInt(frame);
            outputs.box(anchor, frame * 12.8f, 0, 25.6f, 25.6f).logit(anchor, 0, frame + 1);
        }
        for (int frame = 0; frame < 3; frame++) {
            float shift = frame * 0.1f;
            assertDetections(outputs.decode(decoder, 3, frame),
                    new Detection(0, "class 0", sigmoid(frame + 1), 0.4625f + shift, 0.4625f, 0.6625f + shift, 0.6625f));
        }
        IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class,
                () -> outputs.decode(decoder, 3, 3));
        assertEquals("frame 3 is not in a batch of 3", beyond.getMessage());
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                () -> outputs.decode(decoder, 4, 3));
        assertEquals("the box output regressors holds 43008 floats, but a batch of 4 needs 57344"
                + " (896 anchors x 16 values per frame)", tooSmall.getMessage());
    }

    @Test
    void outputShapesAreCheckedAgainstTheBatchLayout() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.BLAZEFACE_SHORT_RANGE, LabelMap.NONE);
        decoder.checkOutputShapes(new long[] {1, 2688, 16}, new long[] {1, 2688, 1}, 3);
        decoder.checkOutputShapes(new long[] {1, 896, 16}, new long[] {1, 896, 1}, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> decoder.checkOutputShapes(new long[] {3, 896, 16}, new long[] {3, 896, 1}, 3));
        assertEquals("the output regressors has shape [3, 896, 16], but a FEATURE_MAP_MAJOR batch of 3 with 896"
                + " anchors per frame needs [1, 2688, 16]", e.getMessage());
    }

    @Test
    void classesOutsideTheLabelMapAreCalledByTheirNumber() {
        var decoder = new AnchorSsdDecoder(AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2,
                LabelMap.of(List.of("???", "Bicycle")));
        List<Detection> found = RawOutputs.empty(decoder, 1).logit(SSD_ANCHOR, PERSON, 2).decode(decoder);
        assertEquals("class 4", found.getFirst().label());
        assertEquals(PERSON, found.getFirst().labelId());
    }

    /** The preset with another suppression threshold. */
    private static AnchorSsdConfig withIouThreshold(AnchorSsdConfig preset, float iouThreshold) {
        return new AnchorSsdConfig(preset.name(), preset.input(), preset.preparation(), preset.anchors(),
                preset.boxes(), preset.scores(), preset.batchLayout(), iouThreshold, preset.suppression());
    }

    private static float sigmoid(double logit) {
        return (float) (1 / (1 + Math.exp(-logit)));
    }

    private static void assertDetections(List<Detection> actual, Detection... expected) {
        DetectionAssertions.assertDetections(actual, TOLERANCE, expected);
    }
}
