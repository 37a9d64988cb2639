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
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;
import org.ovgst.testing.IrModels;

/** DetectionOutput rows from a model of constant outputs, decoded through the real runtime. */
class DetectionOutputConverterTest {
    private static final LabelMap LABELS = LabelMap.of(List.of("background", "person", "car", "cat"));
    private static final Thresholds HALF = new Thresholds(0.5f, 0.5f);
    /** A row after the last detection: image_id -1 ends the list. */
    private static final double[] END = {-1, 0, 0, 0, 0, 0, 0};

    @TempDir
    Path dir;

    @Test
    void theFramesRowsComeBestFirstUpToTheEndRowAndOverlappingBoxesStay() {
        List<Detection> found = decode(1, HALF,
                row(0, 15, 0.6, 0.1, 0.2, 0.3, 0.4),
                row(0, 3, 0.9, 0.5, 0.5, 0.7, 0.9),
                // Overlaps the one before (IoU 0.6): the model has suppressed what it wanted to.
                row(0, 3, 0.8, 0.55, 0.5, 0.75, 0.9),
                END,
                row(0, 1, 0.99, 0.1, 0.1, 0.2, 0.2)).getFirst();
        assertDetections(found,
                new Detection(3, "cat", 0.9f, 0.5f, 0.5f, 0.7f, 0.9f),
                new Detection(3, "cat", 0.8f, 0.55f, 0.5f, 0.75f, 0.9f),
                new Detection(15, "class 15", 0.6f, 0.1f, 0.2f, 0.3f, 0.4f));
    }

    @Test
    void boxesAtAndBeyondTheInputsEdgeAreClamped() {
        List<Detection> found = decode(1, HALF,
                row(0, 1, 0.8, -0.1, 0.95, 1.2, 1.05),
                row(0, 2, 0.7, 0, 0, 1, 1),
                row(0, 2, 0.6, 1.1, 1.1, 1.3, 1.2),
                END).getFirst();
        assertDetections(found,
                new Detection(1, "person", 0.8f, 0, 0.95f, 1, 1),
                new Detection(2, "car", 0.7f, 0, 0, 1, 1),
                new Detection(2, "car", 0.6f, 1, 1, 1, 1));
    }

    @Test
    void aScoreEqualToTheThresholdIsKeptAndOneJustBelowIsDropped() {
        List<Detection> found = decode(1, HALF,
                row(0, 1, Math.nextDown(0.5f), 0.1, 0.1, 0.2, 0.2),
                row(0, 2, 0.5, 0.3, 0.3, 0.4, 0.4),
                END).getFirst();
        assertDetections(found, new Detection(2, "car", 0.5f, 0.3f, 0.3f, 0.4f, 0.4f));
    }

    @Test
    void anEndRowFirstMeansNothingWasFound() {
        assertEquals(List.of(List.of()), decode(1, HALF, END, row(0, 1, 0.9, 0.1, 0.1, 0.2, 0.2)));
    }

    @Test
    void eachFrameOfABatchReadsTheRowsOfItsImageId() {
        List<List<Detection>> found = decode(2, HALF,
                row(1, 2, 0.8, 0.5, 0.5, 0.6, 0.6),
                row(0, 1, 0.7, 0.1, 0.1, 0.2, 0.2),
                row(1, 3, 0.9, 0.7, 0.1, 0.9, 0.3),
                END,
                row(0, 3, 0.95, 0.3, 0.3, 0.4, 0.4));
        assertDetections(found.get(0), new Detection(1, "person", 0.7f, 0.1f, 0.1f, 0.2f, 0.2f));
        assertDetections(found.get(1),
                new Detection(3, "cat", 0.9f, 0.7f, 0.1f, 0.9f, 0.3f),
                new Detection(2, "car", 0.8f, 0.5f, 0.5f, 0.6f, 0.6f));
    }

    @Test
    void anOutputThatIsNotOneBlockOfRowsIsRefusedByName() {
        DetectionConverter converter = ConverterRun.converter(DetectionOutputConverter.FAMILY, model(1, END), LABELS);
        Path sixValues = IrModels.constantOutputs(dir, "six-values", "image", new long[] {1, 3, 32, 32},
                List.of(new IrModels.Constant("detection_out", ElementType.F32, new long[] {1, 1, 2, 6},
                        new double[12])));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ConverterRun.detections(sixValues, converter, HALF));
        assertEquals("detection-output: output 'detection_out' has shape [1,1,2,6], but it reads [1,1,N,7], the"
                + " rows of the whole batch in one output. The output took this shape when the model was reshaped"
                + " for batch-size 1 and the frame size: use batch-size=1, or the model-type of the model's family",
                refused.getMessage());
    }

    @Test
    void recognizesOneOutputOfSevenValueRowsWithStaticOrDynamicDimensions() {
        for (ModelPorts ports : List.of(SamplePorts.SSD,
                ports(output(0, "out", ElementType.F32, 1, 1, DYNAMIC, 7)),
                ports(output(0, "out", ElementType.F16, DYNAMIC, DYNAMIC, DYNAMIC, 7)))) {
            Optional<ConverterFamily.Match> match = DetectionOutputConverter.FAMILY.match(ports);
            assertTrue(match.isPresent(), () -> "refused " + ports.outputs());
            InputPreparation input = match.get().input();
            assertEquals(new InputPreparation(ModelColor.BGR, 0, 1, false, 0,
                    InputSize.DECLARED_OR_FRAME), input);
            assertEquals(-1, match.get().factory().create(300, 300, LABELS).classCount());
        }
        assertEquals(DetectionOutputConverter.FAMILY,
                DetectionConverters.select(DetectionConverters.AUTO, SamplePorts.SSD, "ssd.xml").family());
    }

    @Test
    void refusesOtherShapesMoreOutputsAndOtherFamilies() {
        for (ModelPorts ports : List.of(
                ports(output(0, "out", ElementType.F32, 1, 1, 200, 6)),
                ports(output(0, "out", ElementType.F32, 2, 1, 200, 7)),
                ports(output(0, "out", ElementType.F32, 1, 200, 7)),
                ports(output(0, "out", ElementType.F32, 1, 1, 200, DYNAMIC)),
                ports(output(0, "out", ElementType.I32, 1, 1, 200, 7)),
                ports(new PortInfo(0, "out", ElementType.F32, PartialShape.DYNAMIC_RANK)),
                ports(output(0, "out", ElementType.F32, 1, 1, 200, 7), output(1, "extra", ElementType.F32, 1, 10)))) {
            assertEquals(Optional.empty(), DetectionOutputConverter.FAMILY.match(ports), ports.outputs().toString());
        }
        SamplePorts.assertRefusesAllBut(DetectionOutputConverter.FAMILY, SamplePorts.SSD);
    }

    /** What the converter finds in each frame of a batch whose one output holds these rows. */
    private List<List<Detection>> decode(int batch, Thresholds thresholds, double[]... rows) {
        Path model = model(batch, rows);
        return ConverterRun.detections(model, batch,
                ConverterRun.converter(DetectionOutputConverter.FAMILY, model, LABELS), thresholds);
    }

    /** A model at this batch whose output {@code detection_out [1,1,rows,7]} holds these rows. */
    private Path model(int batch, double[]... rows) {
        double[] values = Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray();
        return IrModels.constantOutputs(dir, "ssd", "image", new long[] {batch, 3, 32, 32},
                List.of(new IrModels.Constant("detection_out", ElementType.F32, new long[] {1, 1, rows.length, 7},
                        values)));
    }

    private static double[] row(double imageId, double label, double confidence, double xMin, double yMin,
            double xMax, double yMax) {
        return new double[] {imageId, label, confidence, xMin, yMin, xMax, yMax};
    }
}
