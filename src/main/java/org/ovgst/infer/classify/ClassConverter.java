package org.ovgst.infer.classify;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Turns a classifier's output (f32, one row of {@code classes} values per frame of the batch) into a
 * {@link Classification}.
 * <ul>
 * <li>{@link Kind#LABEL}: class scores; taken as probabilities when they are all in [0, 1] and sum
 *     to 1 (within 0.001), else as logits through a softmax; the best class wins.</li>
 * <li>{@link Kind#BINARY}: one value, the probability of the second label (a logit outside [0, 1]
 *     goes through a sigmoid): the first label below 0.5, the second from 0.5 (MediaPipe's
 *     handedness: P(Right), labels Left, Right).</li>
 * </ul>
 *
 * @param labels class names, class {@code i} at {@code i}; empty for {@code class N}
 */
public record ClassConverter(Kind kind, int classes, List<String> labels) {
    public enum Kind {
        LABEL,
        BINARY
    }

    public ClassConverter {
        labels = List.copyOf(labels);
        if (kind == Kind.BINARY && classes != 1) {
            throw new IllegalArgumentException("a binary attribute reads one value, the output has " + classes);
        }
    }

    /** Frame {@code slot}'s classification in {@code output}. */
    public Classification convert(MemorySegment output, int slot) {
        long base = (long) slot * classes * Float.BYTES;
        if (kind == Kind.BINARY) {
            float value = output.get(JAVA_FLOAT, base);
            double p = value >= 0 && value <= 1 ? value : 1 / (1 + Math.exp(-value));
            return p >= 0.5 ? named(1, p) : named(0, 1 - p);
        }
        int best = 0;
        double sum = 0;
        boolean probabilities = true;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < classes; i++) {
            float value = output.get(JAVA_FLOAT, base + (long) i * Float.BYTES);
            probabilities &= value >= 0 && value <= 1;
            sum += value;
            if (value > max) {
                max = value;
                best = i;
            }
        }
        if (probabilities && Math.abs(sum - 1) <= 1e-3) {
            return named(best, max);
        }
        double exponentials = 0;
        for (int i = 0; i < classes; i++) {
            exponentials += Math.exp(output.get(JAVA_FLOAT, base + (long) i * Float.BYTES) - max);
        }
        return named(best, 1 / exponentials);
    }

    private Classification named(int id, double confidence) {
        return new Classification(id < labels.size() ? labels.get(id) : "class " + id, id, confidence);
    }
}
