package org.ovgst.gst.gobject;

import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The property values of one element instance. Any thread may read them at any time (streaming
 * threads read per frame); changes come from the application's threads through GObject. While the
 * element runs (from the start of READY→PAUSED until PAUSED→READY has completed) only
 * {@link Property.Mutability#WHILE_PLAYING} properties change, and only to allowed values.
 */
final class PropertyValues {
    /** One property's value and whether the user chose it (a default is not chosen). */
    private record Entry(Object value, boolean chosen) {}

    private final List<Property<?>> properties;
    private final AtomicReferenceArray<Entry> entries;
    /** Guarded by {@code this}: a change and the start of a run never interleave. */
    private boolean running;

    PropertyValues(List<Property<?>> properties) {
        this.properties = properties;
        this.entries = new AtomicReferenceArray<>(properties.size());
        for (int i = 0; i < properties.size(); i++) {
            entries.set(i, new Entry(properties.get(i).defaultValue(), false));
        }
    }

    /** The current value. */
    @SuppressWarnings("unchecked") // every entry holds a value of its own property's type
    <T> T get(Property<T> property) {
        return (T) entries.get(indexOf(property)).value();
    }

    /** Whether the user set the property (to any value, the default included). */
    boolean isSet(Property<?> property) {
        return entries.get(indexOf(property)).chosen();
    }

    /**
     * Stores a value the user set, unless the element runs and the property may not change now or
     * not to this value. Returns null when stored, else why not (naming the property, the value
     * refused and the value kept). Outside a run any value is stored: {@link #firstProblem} refuses
     * a wrong one when the element starts.
     */
    synchronized <T> String set(Property<T> property, T value) {
        if (running) {
            T kept = get(property);
            if (property.mutability() == Property.Mutability.READY_ONLY) {
                return "property '" + property.name() + "' cannot change to " + property.format(value)
                        + " while the element is PAUSED or PLAYING: it takes effect only in NULL or READY state;"
                        + " it stays " + property.format(kept);
            }
            String problem = property.check(value);
            if (problem != null) {
                return problem + "; refused while playing, it stays " + property.format(kept);
            }
        }
        entries.set(indexOf(property), new Entry(value, true));
        return null;
    }

    /** The element starts (true) or has stopped (false) using its values. */
    synchronized void setRunning(boolean running) {
        this.running = running;
    }

    /** The first property whose value is not allowed, as an error message; null when all are fine. */
    String firstProblem() {
        for (Property<?> property : properties) {
            String problem = check(property);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private <T> String check(Property<T> property) {
        return property.check(get(property));
    }

    private int indexOf(Property<?> property) {
        // By identity: a handful of properties, read per frame; two declarations may be equal records.
        for (int i = 0; i < properties.size(); i++) {
            if (properties.get(i) == property) {
                return i;
            }
        }
        throw new IllegalArgumentException("property '" + property.name() + "' is not one of this element's");
    }
}
