package org.ovgst.infer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ovgst.infer.engine.EngineSettings;
import org.ovgst.infer.engine.InferenceEngine;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.engine.ResultSink;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.openvino.Core;
import org.ovgst.openvino.Model;
import org.ovgst.tensor.PortInfo;
import org.ovgst.testing.DetectionAssertions;

/**
 * Converters made and run as ovdetect does: the family matches the ports read from the model file,
 * its factory makes the converter, and the converter decodes each frame's results in the engine's
 * {@link ResultSink#deliver}, on the real OpenVINO runtime.
 */
final class ConverterRun {
    private static final int FRAME_WIDTH = 64;
    private static final int FRAME_HEIGHT = 48;

    private ConverterRun() {}

    /** The family's converter for the model, at the input size the model declares ({@code [B,3,H,W]}). */
    static DetectionConverter converter(ConverterFamily family, Path model, LabelMap labels) {
        try (Core core = new Core(); Model read = core.readModel(model)) {
            PortInfo input = read.inputs().getFirst();
            Optional<ConverterFamily.Match> match = family.match(new ModelPorts(input, "NCHW", read.outputs()));
            assertTrue(match.isPresent(), family.name() + " does not recognize " + read.outputs());
            long[] shape = input.shape().toStatic();
            return match.get().factory().create((int) shape[3], (int) shape[2], labels);
        }
    }

    /**
     * What {@code converter} finds in each frame of one batch of {@code batch} frames, by slot.
     *
     * @throws RuntimeException the first exception the converter or the engine threw, after the engine closed
     */
    static List<List<Detection>> detections(Path model, int batch, DetectionConverter converter,
            Thresholds thresholds) {
        Map<Integer, List<Detection>> bySlot = new ConcurrentHashMap<>();
        List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        ResultSink<Integer> sink = new ResultSink<>() {
            @Override
            public void deliver(Integer frame, InferenceResults results) {
                try {
                    assertEquals(frame, results.slot(), "frame " + frame + " came in another slot");
                    bySlot.put(results.slot(), converter.convert(results, thresholds));
                } catch (RuntimeException e) {
                    failures.add(e);
                } catch (AssertionError e) {
                    failures.add(new IllegalStateException(e));
                }
            }

            @Override
            public void discard(Integer frame) {
                failures.add(new IllegalStateException("frame " + frame + " was discarded"));
            }

            @Override
            public void fail(Integer frame, RuntimeException error) {
                failures.add(error);
            }
        };
        try (Arena arena = Arena.ofConfined();
                var engine = InferenceEngine.open(EngineSettings.of(model).withBatchSize(batch),
                        FrameLayout.packed(PixelFormat.BGR, FRAME_WIDTH, FRAME_HEIGHT), sink)) {
            MemorySegment frame = arena.allocate((long) FRAME_WIDTH * FRAME_HEIGHT * 3);
            for (int i = 0; i < batch; i++) {
                engine.submit(i, frame);
            }
            engine.drain();
        }
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
        List<List<Detection>> found = new ArrayList<>();
        for (int slot = 0; slot < batch; slot++) {
            assertTrue(bySlot.containsKey(slot), "slot " + slot + " was not delivered");
            found.add(bySlot.get(slot));
        }
        return found;
    }

    /** The detections of a single frame (batch 1). */
    static List<Detection> detections(Path model, DetectionConverter converter, Thresholds thresholds) {
        return detections(model, 1, converter, thresholds).getFirst();
    }

    /** Detections equal to {@code expected} in order, every number within 1e-6. */
    static void assertDetections(List<Detection> found, Detection... expected) {
        DetectionAssertions.assertDetections(found, 1e-6f, expected);
    }
}
