package org.ovgst.infer.model;

import java.util.List;

/** Class names by class index; a class without a name is called {@code class N}. */
public final class LabelMap {
    public static final LabelMap NONE = new LabelMap(List.of());

    private final List<String> labels;

    private LabelMap(List<String> labels) {
        this.labels = List.copyOf(labels);
    }

    public static LabelMap of(List<String> labels) {
        return labels.isEmpty() ? NONE : new LabelMap(labels);
    }

    /** The name of class {@code id}: its line of the label map, or {@code class N} when there is none. */
    public String label(int id) {
        String label = id >= 0 && id < labels.size() ? labels.get(id) : null;
        return label == null || label.isEmpty() ? "class " + id : label;
    }

    /** Classes named; 0 when there is no label map. */
    public int size() {
        return labels.size();
    }

    public List<String> labels() {
        return labels;
    }

    @Override
    public String toString() {
        return labels.isEmpty() ? "no labels" : labels.size() + " labels";
    }
}
