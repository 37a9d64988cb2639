package org.ovgst.infer.detect;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.ovgst.openvino.Core;
import org.ovgst.openvino.Model;
import org.ovgst.tensor.ElementType;
import org.ovgst.testing.IrModels;

/**
 * A stand-in detector for the YOLO converter tests: an IR model whose image input {@code images}
 * {@code [batch, 3, 32, 64]} (NCHW: 64 wide, 32 high) is ignored and whose one output
 * {@code output0} always holds the values a test chose; {@link ConverterRun} runs it through the
 * real engine and OpenVINO.
 */
final class ConstantDetector {
    static final String OUTPUT = "output0";
    static final int INPUT_WIDTH = 64;
    static final int INPUT_HEIGHT = 32;

    private ConstantDetector() {}

    /**
     * The values of {@code output0}, 0 until set: {@code [batch, N, values]} with each candidate's
     * values together ({@link #rows}), or {@code [batch, values, N]} with one row per value
     * ({@link #columns}).
     */
    static final class Output {
        private final long[] shape;
        private final boolean candidateRows;
        private final double[] values;

        private Output(long[] shape, boolean candidateRows) {
            this.shape = shape;
            this.candidateRows = candidateRows;
            this.values = new double[Math.toIntExact(shape[0] * shape[1] * shape[2])];
        }

        static Output rows(int batch, int candidates, int valuesPerCandidate) {
            return new Output(new long[] {batch, candidates, valuesPerCandidate}, true);
        }

        static Output columns(int batch, int valuesPerCandidate, int candidates) {
            return new Output(new long[] {batch, valuesPerCandidate, candidates}, false);
        }

        /** Sets the values of one candidate of one frame, in the model's order. */
        Output candidate(int frame, int candidate, double... candidateValues) {
            int perCandidate = (int) (candidateRows ? shape[2] : shape[1]);
            int candidates = (int) (candidateRows ? shape[1] : shape[2]);
            if (candidateValues.length != perCandidate) {
                throw new IllegalArgumentException("a candidate has " + perCandidate + " values, got "
                        + Arrays.toString(candidateValues));
            }
            int frameStart = frame * perCandidate * candidates;
            for (int v = 0; v < perCandidate; v++) {
                int index = candidateRows ? candidate * perCandidate + v : v * candidates + candidate;
                values[frameStart + index] = candidateValues[v];
            }
            return this;
        }

        int batch() {
            return (int) shape[0];
        }

        /** Writes the model as {@code <dir>/<name>.xml}. */
        Path write(Path dir, String name) {
            return IrModels.constantOutputs(dir, name, "images", new long[] {batch(), 3, INPUT_HEIGHT, INPUT_WIDTH},
                    List.of(new IrModels.Constant(OUTPUT, ElementType.F32, shape, values)));
        }
    }

    /** The model's ports as OpenVINO reads them from the file. */
    static ModelPorts portsAsRead(Path model) {
        try (Core core = new Core(); Model read = core.readModel(model)) {
            return new ModelPorts(read.inputs().getFirst(), "NCHW", read.outputs());
        }
    }
}
