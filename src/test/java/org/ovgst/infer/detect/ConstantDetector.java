package org.ovgst.infer.detect;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.ovgst.infer.Detection;
import org.ovgst.infer.EngineSettings;
import org.ovgst.infer.FrameLayout;
import org.ovgst.infer.InferenceEngine;
import org.ovgst.infer.InferenceResults;
import org.ovgst.infer.PixelFormat;
import org.ovgst.infer.ResultSink;
import org.ovgst.openvino.Core;
import org.ovgst.openvino.ElementType;
import org.ovgst.openvino.Model;
import org.ovgst.testing.IrModels;

/**
 * A stand-in detector for the converter tests: an IR model whose image input {@code images}
 * {@code [batch, 3, 32, 64]} (NCHW: 64 wide, 32 high) is ignored and whose one output
 * {@code output0} always holds the values a test chose, run through the real engine and OpenVINO.
 */
final class ConstantDetector {
    static final String OUTPUT = "output0";
    static final int INPUT_WIDTH = 64;
    static final int INPUT_HEIGHT = 32;
    /** Frames of another size than the input, as a camera's would be; the model ignores their pixels. */
    private static final int FRAME_WIDTH = 80;
    private static final int FRAME_HEIGHT = 60;

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

    /** The converter that {@code family} makes for the model, recognized from its ports as read. */
    static DetectionConverter converter(ConverterFamily family, Path model, LabelMap labels) {
        ConverterFamily.Match match = family.match(portsAsRead(model))
                .orElseThrow(() -> new AssertionError(family.name() + " does not recognize " + model));
        return match.factory().create(INPUT_WIDTH, INPUT_HEIGHT, labels);
    }

    /**
     * Runs a full batch of frames through the engine and converts each frame's results: the
     * detections by slot. What the converter throws is rethrown once the engine has closed (the
     * engine itself would only log it).
     */
    static List<List<Detection>> detect(Path model, int batchSize, DetectionConverter converter,
            Thresholds thresholds) {
        AtomicReferenceArray<List<Detection>> bySlot = new AtomicReferenceArray<>(batchSize);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        ResultSink<Integer> sink = new ResultSink<>() {
            @Override
            public void deliver(Integer frame, InferenceResults results) {
                try {
                    if (results.slot() != frame) {
                        throw new AssertionError("frame " + frame + " came in slot " + results.slot());
                    }
                    bySlot.set(frame, converter.convert(results, thresholds));
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }

            @Override
            public void discard(Integer frame) {
                failure.compareAndSet(null, new IllegalStateException("frame " + frame + " was discarded"));
            }

            @Override
            public void fail(Integer frame, RuntimeException error) {
                failure.compareAndSet(null, error);
            }
        };
        try (Arena arena = Arena.ofConfined();
                var engine = InferenceEngine.open(EngineSettings.of(model).withBatchSize(batchSize),
                        FrameLayout.packed(PixelFormat.BGR, FRAME_WIDTH, FRAME_HEIGHT), sink)) {
            MemorySegment frame = arena.allocate((long) FRAME_WIDTH * FRAME_HEIGHT * 3);
            for (int i = 0; i < batchSize; i++) {
                engine.submit(i, frame);
            }
            engine.drain();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        List<List<Detection>> detections = new ArrayList<>();
        for (int slot = 0; slot < batchSize; slot++) {
            if (bySlot.get(slot) == null) {
                throw new AssertionError("frame " + slot + " was never delivered");
            }
            detections.add(bySlot.get(slot));
        }
        return detections;
    }

    /** The same detections, boxes within {@code 1e-6}; labels, classes and scores exactly. */
    static void assertDetections(List<Detection> actual, Detection... expected) {
        String both = "expected " + Arrays.toString(expected) + "\n  but got " + actual;
        if (actual.size() != expected.length) {
            throw new AssertionError(both);
        }
        for (int i = 0; i < expected.length; i++) {
            Detection e = expected[i];
            Detection a = actual.get(i);
            boolean same = a.labelId() == e.labelId() && Objects.equals(a.label(), e.label())
                    && a.confidence() == e.confidence() && close(a.xMin(), e.xMin()) && close(a.yMin(), e.yMin())
                    && close(a.xMax(), e.xMax()) && close(a.yMax(), e.yMax());
            if (!same) {
                throw new AssertionError("detection " + i + " differs: " + both);
            }
        }
    }

    private static boolean close(float actual, float expected) {
        return Math.abs(actual - expected) <= 1e-6f;
    }
}
