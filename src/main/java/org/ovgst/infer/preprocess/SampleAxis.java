package org.ovgst.infer.preprocess;

/**
 * Where each target pixel along one axis (the columns or the rows of the model's input) reads in
 * the source, computed as OpenVINO's CPU plugin computes it for its pre-processing resize
 * ({@code Interpolate}, half-pixel coordinates, in f32): target pixel {@code i} lies at source
 * position {@code (i + 0.5) / (target / source) - 0.5}, clamped to the source. Linear resizing reads
 * {@code first} and {@code second} with their weights; nearest reads {@code first} alone (halves
 * round down, as OpenVINO's {@code round_prefer_floor}). Refilled in place for each source span:
 * no allocation after construction.
 */
final class SampleAxis {
    final int[] first;
    final int[] second;
    final float[] firstWeight;
    final float[] secondWeight;

    SampleAxis(int target) {
        first = new int[target];
        second = new int[target];
        firstWeight = new float[target];
        secondWeight = new float[target];
    }

    int size() {
        return first.length;
    }

    /** The table for source pixels {@code start} to {@code start + source - 1}. */
    void fill(int start, int source, boolean linear) {
        int target = first.length;
        float scale = (float) target / source;
        float last = source - 1;
        for (int i = 0; i < target; i++) {
            float at = (i + 0.5f) / scale - 0.5f;
            if (!linear) {
                double floor = Math.floor(at);
                int nearest = (int) (at == floor + 0.5 ? floor : Math.round(at));
                first[i] = start + Math.clamp(nearest, 0, source - 1);
                second[i] = first[i];
                firstWeight[i] = 1;
                secondWeight[i] = 0;
                continue;
            }
            at = Math.clamp(at, 0f, last);
            int low = Math.min((int) at, source - 1);
            int high = Math.min(low + 1, source - 1);
            first[i] = start + low;
            second[i] = start + high;
            if (low == high) {
                firstWeight[i] = 0.5f;
                secondWeight[i] = 0.5f;
            } else {
                firstWeight[i] = Math.abs(at - high);
                secondWeight[i] = Math.abs(at - low);
            }
        }
    }
}
