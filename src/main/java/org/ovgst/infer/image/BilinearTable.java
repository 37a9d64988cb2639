package org.ovgst.infer.image;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;

/**
 * Where bilinear resampling reads for each target column (or row): pixel centers aligned, as
 * OpenCV's and OpenVINO's linear resize, so target pixel {@code i} lies at source position
 * {@code (i + 0.5) * source / target - 0.5}, clamped to the source.
 *
 * @param first for each target pixel, the first source pixel it reads
 * @param weight for each target pixel, the weight of the source pixel after {@code first}
 * @param last the last source pixel (the one after {@code first} is never beyond it)
 */
public record BilinearTable(int[] first, float[] weight, int last) {
    public static BilinearTable of(int source, int target) {
        int[] first = new int[target];
        float[] weight = new float[target];
        for (int i = 0; i < target; i++) {
            double at = sourcePosition(i, source, target);
            first[i] = (int) at;
            weight[i] = (float) (at - first[i]);
        }
        return new BilinearTable(first, weight, source - 1);
    }

    /** Where target pixel {@code i} lies in the source, pixel centers aligned, clamped to the source. */
    public static double sourcePosition(int i, int source, int target) {
        return Math.clamp((i + 0.5) * source / target - 0.5, 0, source - 1);
    }

    /** The source pixel after {@code first} for target pixel {@code i}, or {@code first} itself at the edge. */
    public int second(int i) {
        return Math.min(first[i] + 1, last);
    }

    public int size() {
        return first.length;
    }

    /** The byte at {@code a} moved {@code weight} of the way to the byte at {@code b}, both unsigned. */
    public static float lerp(MemorySegment bytes, long a, long b, float weight) {
        float first = bytes.get(JAVA_BYTE, a) & 0xff;
        return first + ((bytes.get(JAVA_BYTE, b) & 0xff) - first) * weight;
    }
}
