package org.ovgst.tensor;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** A tensor shape whose dimensions, or whose rank ({@code dimensions == null}), may be dynamic. */
public record PartialShape(List<Dimension> dimensions) {
    public static final PartialShape DYNAMIC_RANK = new PartialShape(null);

    public PartialShape {
        dimensions = dimensions == null ? null : List.copyOf(dimensions);
    }

    public static PartialShape of(long... dims) {
        return new PartialShape(Arrays.stream(dims).mapToObj(Dimension::of).toList());
    }

    public boolean isRankStatic() {
        return dimensions != null;
    }

    public boolean isStatic() {
        return dimensions != null && dimensions.stream().allMatch(Dimension::isStatic);
    }

    public int rank() {
        if (dimensions == null) {
            throw new IllegalStateException("the rank of this shape is dynamic");
        }
        return dimensions.size();
    }

    public Dimension get(int axis) {
        return dimensions.get(axis);
    }

    /** The sizes of a fully static shape. */
    public long[] toStatic() {
        if (!isStatic()) {
            throw new IllegalStateException("shape " + this + " is not static");
        }
        return dimensions.stream().mapToLong(Dimension::size).toArray();
    }

    /** A copy with one dimension replaced, e.g. to set the batch. */
    public PartialShape with(int axis, Dimension dimension) {
        List<Dimension> copy = new java.util.ArrayList<>(dimensions);
        copy.set(axis, dimension);
        return new PartialShape(copy);
    }

    /** OpenVINO's notation, e.g. {@code [1,3,?,?]}, or {@code [...]} for a dynamic rank. */
    @Override
    public String toString() {
        return dimensions == null ? "[...]"
                : dimensions.stream().map(Dimension::toString).collect(Collectors.joining(",", "[", "]"));
    }
}
