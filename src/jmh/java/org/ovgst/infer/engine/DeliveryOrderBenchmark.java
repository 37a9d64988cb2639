package org.ovgst.infer.engine;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Ordered release ({@link DeliveryOrder}, the engine's order ring): {@code inFlight} frames are
 * submitted, their inferences finish in a shuffled order, and after each completion every frame at
 * the head that is done is handed out, as the delivery thread does. One operation is one frame.
 * Only the ring is measured: completion is a flag here, where the engine reads its request's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class DeliveryOrderBenchmark {
    /** Frames in flight at once: nireq (times the batch size), from one request to a busy pool. */
    @Param({"1", "4", "16"})
    int inFlight;

    private static final int PATTERNS = 64;

    private DeliveryOrder order;
    /** Done flags by sequence number modulo their length. */
    private boolean[] done;
    /** Completion orders, a few different ones so the branches are not learnt by heart. */
    private int[][] completions;
    private int pattern;
    private Object[] tags;

    @Setup
    public void setUp() {
        order = new DeliveryOrder();
        done = new boolean[64];
        tags = new Object[inFlight];
        for (int i = 0; i < inFlight; i++) {
            tags[i] = "frame " + i;
        }
        Random random = new Random(42);
        completions = new int[PATTERNS][];
        for (int p = 0; p < PATTERNS; p++) {
            int[] permutation = new int[inFlight];
            for (int i = 0; i < inFlight; i++) {
                int j = random.nextInt(i + 1);
                permutation[i] = permutation[j];
                permutation[j] = i;
            }
            completions[p] = permutation;
        }
    }

    @Benchmark
    @OperationsPerInvocation(16)
    public void submitCompleteRelease(Blackhole blackhole) {
        // 16 frames per invocation whatever inFlight is, so the scores compare per frame.
        for (int round = 0; round < 16 / inFlight; round++) {
            long first = order.nextSeq();
            for (int i = 0; i < inFlight; i++) {
                order.add(tags[i], null, i);
            }
            int[] completion = completions[pattern++ & (PATTERNS - 1)];
            for (int i = 0; i < inFlight; i++) {
                done[(int) (first + completion[i]) & (done.length - 1)] = true;
                while (!order.isEmpty() && done[(int) order.headSeq() & (done.length - 1)]) {
                    done[(int) order.headSeq() & (done.length - 1)] = false;
                    blackhole.consume(order.headTag());
                    blackhole.consume(order.headIndex());
                    order.removeHead();
                }
            }
        }
    }
}
