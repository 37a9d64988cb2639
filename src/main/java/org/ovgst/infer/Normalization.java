package org.ovgst.infer;

import java.util.List;

/**
 * {@code (value - mean) / scale} on the model's channel values (0-255, after the color conversion,
 * in the model's channel order): one mean and one scale for every channel, or one per channel, as
 * OpenVINO's model converter takes them ({@code --mean_values}, {@code --scale_values}) — ImageNet's
 * classifiers, for instance, take mean 123.675,116.28,103.53 and scale 58.395,57.12,57.375.
 *
 * @param mean one value, or one per channel
 * @param scale one value, or one per channel; none is 0
 */
public record Normalization(List<Float> mean, List<Float> scale) {
    /** The values as they are. */
    public static final Normalization NONE = uniform(0, 1);

    public Normalization {
        mean = List.copyOf(mean);
        scale = List.copyOf(scale);
        if (mean.isEmpty() || scale.isEmpty()) {
            throw new IllegalArgumentException("normalization needs at least one mean and one scale value");
        }
        if (mean.size() > 1 && scale.size() > 1 && mean.size() != scale.size()) {
            throw new IllegalArgumentException("mean " + mean + " and scale " + scale + " give different numbers of"
                    + " channels: give one value for all channels, or one per channel in both");
        }
        for (float value : mean) {
            if (!Float.isFinite(value)) {
                throw new IllegalArgumentException("mean " + value + " is not valid: use a finite number (0 leaves the"
                        + " pixel values as they are)");
            }
        }
        for (float value : scale) {
            if (!Float.isFinite(value) || value == 0) {
                throw new IllegalArgumentException("scale " + value + " is not valid: use a finite number other than 0"
                        + " (1 leaves the pixel values as they are)");
            }
        }
    }

    /** The same mean and scale for every channel. */
    public static Normalization uniform(float mean, float scale) {
        return new Normalization(List.of(mean), List.of(scale));
    }

    /**
     * Parses comma- or space-separated numbers, as OpenVINO's converter writes them (brackets
     * allowed: {@code [123.675,116.28,103.53]}); {@code null} or blank gives {@code otherwise}.
     */
    public static List<Float> parseValues(String text, String what, List<Float> otherwise) {
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        String[] parts = text.strip().replaceAll("^\\[|\\]$", "").strip().split("[,\\s]+");
        Float[] values = new Float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Float.parseFloat(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " '" + text + "': '" + parts[i] + "' is not a number; give"
                        + " one value, or one per channel, separated by commas (e.g. 123.675,116.28,103.53)", e);
            }
        }
        return List.of(values);
    }

    /** Whether some channel has a mean or scale of its own. */
    public boolean perChannel() {
        return mean.size() > 1 || scale.size() > 1;
    }

    /** How many channels it gives values for: 1 when the same values go to every channel. */
    public int channels() {
        return Math.max(mean.size(), scale.size());
    }

    public boolean changesValues() {
        return !equals(NONE);
    }

    /** What a channel value becomes, where every channel is normalized alike ({@link #perChannel} false). */
    public float apply(float value) {
        if (perChannel()) {
            throw new IllegalStateException("per-channel normalization has no single result");
        }
        return (value - mean.getFirst()) / scale.getFirst();
    }

    /** The mean values as OpenVINO takes them: one, or one per channel. */
    public float[] meanValues() {
        return toArray(mean);
    }

    /** The scale values as OpenVINO takes them: one, or one per channel. */
    public float[] scaleValues() {
        return toArray(scale);
    }

    private static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }

    @Override
    public String toString() {
        return "mean " + mean + ", scale " + scale;
    }
}
