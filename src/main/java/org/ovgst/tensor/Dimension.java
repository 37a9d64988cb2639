package org.ovgst.tensor;

/**
 * One dimension of a {@link PartialShape}: static when {@code min == max}; {@code max == -1} means
 * no upper bound, so {@code [0, -1]} is the fully dynamic {@code ?}.
 */
public record Dimension(long min, long max) {
    public static final Dimension DYNAMIC = new Dimension(0, -1);

    public static Dimension of(long size) {
        return new Dimension(size, size);
    }

    public boolean isStatic() {
        return min == max && min >= 0;
    }

    /** The size of a static dimension. */
    public long size() {
        if (!isStatic()) {
            throw new IllegalStateException("dimension " + this + " is dynamic");
        }
        return min;
    }

    /** OpenVINO's notation: {@code 3}, {@code ?}, {@code 1..8}, {@code 2..}. */
    @Override
    public String toString() {
        if (isStatic()) {
            return Long.toString(min);
        }
        if (max < 0) {
            return min <= 0 ? "?" : min + "..";
        }
        return min + ".." + max;
    }
}
