package org.ovgst.openvino;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovgst.testing.TestAssets;

/** Many asynchronous inferences over a small pool: every completion once, results equal to sync inference. */
class AsyncInferenceTest {
    private static final int INFERENCES = 1000;
    private static final int POOL = 4;

    @Test
    @Timeout(120)
    void thousandAsyncInferencesOverFourRequestsMatchSyncInference() throws Exception {
        try (Core core = new Core();
                Model model = core.readModel(TestAssets.model("face_detection_short_range.tflite"));
                CompiledModel compiled = core.compile(model, "CPU", Map.of("PERFORMANCE_HINT", "THROUGHPUT"))) {
            List<InferRequest> pool = new ArrayList<>();
            BlockingQueue<Integer> idle = new ArrayBlockingQueue<>(POOL);
            for (int i = 0; i < POOL; i++) {
                pool.add(compiled.createInferRequest());
                idle.add(i);
            }
            AtomicIntegerArray callbacks = new AtomicIntegerArray(INFERENCES);
            byte[][] asyncScores = new byte[INFERENCES][];
            int[] runningFrame = new int[POOL];
            CountDownLatch done = new CountDownLatch(INFERENCES);
            try {
                for (int frame = 0; frame < INFERENCES; frame++) {
                    int slot = idle.take();
                    InferRequest request = pool.get(slot);
                    fillInput(request, frame);
                    runningFrame[slot] = frame;
                    request.startAsync(finished -> {
                        int finishedFrame = runningFrame[slot];
                        callbacks.incrementAndGet(finishedFrame);
                        asyncScores[finishedFrame] = output(finished);
                        idle.add(slot);
                        done.countDown();
                    });
                }
                assertTrue(done.await(60, TimeUnit.SECONDS), "callbacks still missing: " + done.getCount());
                for (InferRequest request : pool) {
                    request.waitForCompletion();
                }
                for (int frame = 0; frame < INFERENCES; frame++) {
                    assertEquals(1, callbacks.get(frame), "callbacks for inference " + frame);
                }
                InferRequest sync = pool.get(0);
                for (int frame = 0; frame < INFERENCES; frame++) {
                    fillInput(sync, frame);
                    sync.infer();
                    assertArrayEquals(output(sync), asyncScores[frame], "output of inference " + frame);
                }
            } finally {
                pool.forEach(InferRequest::close);
            }
        }
        assertEquals(Map.of(), OpenVino.liveHandles());
    }

    /** A different input per frame, so a result delivered to the wrong frame is caught. */
    private static void fillInput(InferRequest request, int frame) {
        try (Tensor input = request.inputTensor(0)) {
            MemorySegment data = input.data();
            long count = data.byteSize() / Float.BYTES;
            for (long i = 0; i < count; i++) {
                data.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) Math.sin(frame * 0.37 + i * 0.001));
            }
        }
    }

    private static byte[] output(InferRequest request) {
        try (Tensor scores = request.tensor("classificators"); Tensor boxes = request.tensor("regressors")) {
            byte[] both = new byte[(int) (scores.byteSize() + boxes.byteSize())];
            MemorySegment.copy(scores.data(), ValueLayout.JAVA_BYTE, 0, both, 0, (int) scores.byteSize());
            MemorySegment.copy(boxes.data(), ValueLayout.JAVA_BYTE, 0, both, (int) scores.byteSize(),
                    (int) boxes.byteSize());
            return both;
        }
    }
}
