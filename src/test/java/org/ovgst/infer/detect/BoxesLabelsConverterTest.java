package org.ovgst.infer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.infer.detect.ConverterRun.assertDetections;
import static org.ovgst.infer.detect.SamplePorts.DYNAMIC;
import static org.ovgst.infer.detect.SamplePorts.output;
import static org.ovgst.infer.detect.SamplePorts.ports;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.tensor.ElementType;
import org.ovgst.testing.IrModels;

/**
 * Boxes and labels from a model of constant outputs, decoded through the real runtime. The model's
 * input is 64 wide and 48 high, so box x values are divided by 64 and y values by 48.
 */
class BoxesLabelsConverterTest {
    private static final LabelMap LABELS = LabelMap.of(List.of("person", "car", "bike"));
    private static final Thresholds HALF = new Thresholds(0.5f, 0.5f);
    /** An unused row: the model pads its boxes with zeros. */
    private static final double[] PADDING = {0, 0, 0, 0, 0};

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(names = {"I64", "I32", "F32"})
    void boxesInInputPixelsComeNormalizedAndBestFirstWithTheirLabels(ElementType labelType) {
        Path model = model(1, labelType, new long[] {3, 5}, new long[] {3},
                new double[][] {box(16, 12, 48, 36, 0.7), box(8, 6, 40, 30, 0.9), PADDING},
                new double[] {1, 7, 0});
        // The two boxes overlap (IoU 0.39): the model has suppressed what it wanted to.
        assertDetections(decode(model, HALF),
                new Detection(7, "class 7", 0.9f, 0.125f, 0.125f, 0.625f, 0.625f),
                new Detection(1, "car", 0.7f, 0.25f, 0.25f, 0.75f, 0.75f));
    }

    @Test
    void boxesAtAndBeyondTheInputsEdgeAreClamped() {
        Path model = model(1, ElementType.I64, new long[] {3, 5}, new long[] {3},
                new double[][] {box(-8, 0, 64, 60, 0.8), box(32, 24, 64, 48, 0.7), box(64, 48, 80, 60, 0.6)},
                new double[] {0, 1, 2});
        assertDetections(decode(model, HALF),
                new Detection(0, "person", 0.8f, 0, 0, 1, 1),
                new Detection(1, "car", 0.7f, 0.5f, 0.5f, 1, 1),
                new Detection(2, "bike", 0.6f, 1, 1, 1, 1));
    }

    @Test
    void aScoreEqualToTheThresholdIsKeptAndOneJustBelowIsDropped() {
        Path model = model(1, ElementType.I32, new long[] {2, 5}, new long[] {2},
                new double[][] {box(16, 12, 48, 36, Math.nextDown(0.5f)), box(32, 24, 48, 36, 0.5)},
                new double[] {1, 2});
        assertDetections(decode(model, HALF), new Detection(2, "bike", 0.5f, 0.5f, 0.5f, 0.75f, 0.75f));
    }

    @Test
    void onlyPaddingMeansNothingWasFound() {
        Path model = model(1, ElementType.I64, new long[] {2, 5}, new long[] {2},
                new double[][] {PADDING, PADDING}, new double[] {0, 0});
        assertEquals(List.of(), decode(model, HALF));
    }

    @Test
    void eachFrameOfABatchReadsItsOwnRows() {
        Path model = model(2, ElementType.I64, new long[] {2, 3, 5}, new long[] {2, 3},
                new double[][] {box(16, 12, 48, 36, 0.7), PADDING, PADDING,
                        PADDING, box(0, 24, 32, 48, 0.6), box(8, 6, 40, 30, 0.9)},
                new double[] {1, 0, 0, 0, 0, 2});
        List<List<Detection>> found = ConverterRun.detections(model, 2,
                ConverterRun.converter(BoxesLabelsConverter.FAMILY, model, LABELS), HALF);
        assertDetections(found.get(0), new Detection(1, "car", 0.7f, 0.25f, 0.25f, 0.75f, 0.75f));
        assertDetections(found.get(1),
                new Detection(2, "bike", 0.9f, 0.125f, 0.125f, 0.625f, 0.625f),
                new Detection(0, "person", 0.6f, 0, 0.5f, 0.5f, 1));
    }

    @Test
    void outputsWithOtherNamesAreFoundByTheirShapesInEitherOrder() {
        Path model = IrModels.constantOutputs(dir, "unnamed", "image", new long[] {1, 3, 48, 64}, List.of(
                new IrModels.Constant("Identity", ElementType.I32, new long[] {2}, new double[] {2, 1}),
                new IrModels.Constant("Identity_1", ElementType.F32, new long[] {2, 5},
                        concat(box(16, 12, 48, 36, 0.7), box(32, 24, 64, 48, 0.8)))));
        assertDetections(decode(model, HALF),
                new Detection(1, "car", 0.8f, 0.5f, 0.5f, 1, 1),
                new Detection(2, "bike", 0.7f, 0.25f, 0.25f, 0.75f, 0.75f));
    }

    @Test
    void outputsWithoutABatchAxisAreRefusedAboveBatchSizeOne() {
        Path model = model(2, ElementType.I64, new long[] {1, 5}, new long[] {1},
                new double[][] {box(16, 12, 48, 36, 0.7)}, new double[] {1});
        DetectionConverter converter = ConverterRun.converter(BoxesLabelsConverter.FAMILY, model, LABELS);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ConverterRun.detections(model, 2, converter, HALF));
        assertEquals("boxes-labels: output 'boxes' has shape [1,5], but at batch-size 2 it reads [2,N,5]: an output"
                + " without a batch axis holds one frame, so use batch-size=1", refused.getMessage());
    }

    @Test
    void recognizesBoxesAndLabelsWithStaticOrDynamicDimensions() {
        for (ModelPorts ports : List.of(SamplePorts.BOXES_LABELS,
                ports(output(0, "boxes", ElementType.F16, DYNAMIC, 5), output(1, "labels", ElementType.I32, DYNAMIC)),
                ports(output(0, "labels", ElementType.F32, DYNAMIC, 100), output(1, "boxes", ElementType.F32, 1,
                        DYNAMIC, 5)),
                // Names decide when present: the third output is ignored.
                ports(output(0, "boxes", ElementType.F32, 100, 5), output(1, "labels", ElementType.I64, 100),
                        output(2, "masks", ElementType.F32, 100, 28, 28)),
                ports(output(0, "Identity", ElementType.I64, DYNAMIC), output(1, "Identity_1", ElementType.F32,
                        DYNAMIC, 5)))) {
            Optional<ConverterFamily.Match> match = BoxesLabelsConverter.FAMILY.match(ports);
            assertTrue(match.isPresent(), () -> "refused " + ports.outputs());
            assertEquals(new InputPreparation(ModelColor.BGR, 0, 1, false, 0,
                    InputSize.DECLARED_OR_FRAME), match.get().input());
            assertEquals(-1, match.get().factory().create(64, 48, LABELS).classCount());
        }
        assertEquals(BoxesLabelsConverter.FAMILY, DetectionConverters.select(DetectionConverters.AUTO,
                SamplePorts.BOXES_LABELS, "person-detection-0200.xml").family());
    }

    @Test
    void refusesPairsThatDoNotFitAndOtherFamilies() {
        for (ModelPorts ports : List.of(
                // A boxes output without labels: the names say this is another family's model.
                ports(output(0, "boxes", ElementType.F32, 100, 5), output(1, "scores", ElementType.F32, 100)),
                ports(output(0, "boxes", ElementType.F32, 100, 4), output(1, "labels", ElementType.I64, 100)),
                ports(output(0, "boxes", ElementType.F32, 100, 5), output(1, "labels", ElementType.I64, 50)),
                ports(output(0, "boxes", ElementType.F32, 2, 100, 5), output(1, "labels", ElementType.I64, 1, 100)),
                ports(output(0, "boxes", ElementType.F32, 100, 5), output(1, "labels", ElementType.U8, 100)),
                ports(output(0, "boxes", ElementType.I32, 100, 5), output(1, "labels", ElementType.I64, 100)),
                ports(output(0, "boxes", ElementType.F32, 1, 1, 100, 5), output(1, "labels", ElementType.I64, 1, 1,
                        100)),
                ports(output(0, "out", ElementType.F32, 100, DYNAMIC), output(1, "ids", ElementType.I64, 100)),
                ports(output(0, "a", ElementType.F32, 100, 5), output(1, "b", ElementType.I64, 100),
                        output(2, "c", ElementType.I64, 100)))) {
            assertEquals(Optional.empty(), BoxesLabelsConverter.FAMILY.match(ports), ports.outputs().toString());
        }
        SamplePorts.assertRefusesAllBut(BoxesLabelsConverter.FAMILY, SamplePorts.BOXES_LABELS);
    }

    private static List<Detection> decode(Path model, Thresholds thresholds) {
        return ConverterRun.detections(model, ConverterRun.converter(BoxesLabelsConverter.FAMILY, model, LABELS),
                thresholds);
    }

    /** A model with a 64x48 input at this batch whose outputs {@code boxes} and {@code labels} hold these values. */
    private Path model(int batch, ElementType labelType, long[] boxesShape, long[] labelsShape, double[][] boxes,
            double[] labels) {
        return IrModels.constantOutputs(dir, "boxes-labels", "image", new long[] {batch, 3, 48, 64}, List.of(
                new IrModels.Constant("boxes", ElementType.F32, boxesShape, concat(boxes)),
                new IrModels.Constant("labels", labelType, labelsShape, labels)));
    }

    private static double[] box(double xMin, double yMin, double xMax, double yMax, double confidence) {
        return new double[] {xMin, yMin, xMax, yMax, confidence};
    }

    private static double[] concat(double[]... rows) {
        return Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray();
    }
}
