package org.ovgst.infer.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

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
    /** A decimal number as people write one: no hexadecimal, no Java suffixes such as 1f. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("(?i)[+-]?(nan|inf|infinity)");

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
     * Parses one value, or one per channel, separated by commas or spaces as OpenVINO's converter
     * takes them (brackets allowed: {@code [123.675,116.28,103.53]}).
     *
     * @param scale whether the values divide (scale values), so that 0 is refused
     * @throws IllegalArgumentException saying which item is empty, no number, not finite or a scale of 0
     */
    public static List<Float> parseValues(String text, boolean scale) {
        List<Float> values = new ArrayList<>();
        String problem = parse(text, scale, values);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return values;
    }

    /** Why {@link #parseValues} refuses {@code text}, or null when it takes it. */
    public static String valuesProblem(String text, boolean scale) {
        return parse(text, scale, new ArrayList<>());
    }

    /** Adds the values of {@code text} to {@code values}; returns why it cannot, or null. */
    private static String parse(String text, boolean scale, List<Float> values) {
        String list = text.strip();
        if (list.startsWith("[") && list.endsWith("]")) {
            list = list.substring(1, list.length() - 1).strip();
        }
        String[] items = list.split("\\s*,\\s*|\\s+", -1);
        for (int i = 0; i < items.length; i++) {
            String item = items[i];
            String problem = null;
            if (item.isEmpty()) {
                problem = "item " + (i + 1) + " is empty";
            } else if (NON_FINITE.matcher(item).matches()) {
                problem = "'" + item + "' is not a finite number";
            } else if (!NUMBER.matcher(item).matches()) {
                problem = "'" + item + "' is not a number";
            } else {
                float value = Float.parseFloat(item);
                if (Float.isInfinite(value)) {
                    problem = "'" + item + "' is beyond the largest 32-bit float, about 3.4e38";
                } else if (scale && value == 0) {
                    problem = "a scale of " + item + " would divide by zero (1 leaves the values as they are)";
                }
                values.add(value);
            }
            if (problem != null) {
                return problem + "; give one number, or one per channel, separated by commas (e.g. "
                        + (scale ? "58.395,57.12,57.375" : "123.675,116.28,103.53") + ")";
            }
        }
        return null;
    }

    /**
     * Whether {@code values} (one for every channel, or one per channel) fit an input of
     * {@code channels} channels.
     */
    public static boolean fits(List<Float> values, int channels) {
        return values.size() == 1 || values.size() == channels;
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
