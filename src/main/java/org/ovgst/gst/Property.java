package org.ovgst.gst;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One element property, declared once: the same declaration makes the {@code GParamSpec} that
 * gst-inspect-1.0 and the parser see, holds the default, and checks a value when the element starts.
 * Integer ranges are enforced here, not by GLib: GLib would only print a warning and keep the old
 * value, and a refused property must stop the pipeline with an error that names it.
 */
public sealed interface Property {
    String name();

    String blurb();

    Object defaultValue();

    /** Checks a value set by the user; returns an error naming the property and the allowed values, or null. */
    default String check(Object value) {
        return null;
    }

    record Int(String name, String blurb, int min, int max, Integer defaultValue) implements Property {
        @Override
        public String check(Object value) {
            int v = (Integer) value;
            return v < min || v > max ? "property '" + name + "' is " + v + "; allowed: " + min + " to " + max : null;
        }
    }

    record Bool(String name, String blurb, Boolean defaultValue) implements Property {}

    record Real(String name, String blurb, double min, double max, Double defaultValue) implements Property {
        @Override
        public String check(Object value) {
            double v = (Double) value;
            return v < min || v > max || Double.isNaN(v)
                    ? "property '" + name + "' is " + v + "; allowed: " + min + " to " + max : null;
        }
    }

    /** A string; {@code null} is allowed and means "not set". */
    record Text(String name, String blurb, String defaultValue) implements Property {}

    /**
     * A GStreamer enum. {@code values} are the nicks users write ({@code auto}, {@code anchor-ssd});
     * the stored value is the nick.
     */
    record Choice(String name, String blurb, String typeName, List<String> values, String defaultValue)
            implements Property {
        public Choice {
            values = List.copyOf(values);
            if (!values.contains(defaultValue)) {
                throw new IllegalArgumentException(defaultValue + " is not one of " + values);
            }
        }

        @Override
        public String check(Object value) {
            return values.contains(value) ? null
                    : "property '" + name + "' is '" + value + "'; allowed: " + String.join(", ", values);
        }

        String describe() {
            return values.stream().collect(Collectors.joining(", "));
        }
    }
}
