package org.ovgst.gst.gobject;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One element property, declared once: the same declaration makes the {@code GParamSpec} that
 * gst-inspect-1.0 and the parser see (with its real range and default), holds the default, says
 * when the property may change, and checks a value. An element reads it typed with
 * {@link Element#get(Property)}.
 *
 * <p>Ranges are shown by GLib but enforced here: our int and double param specs let GLib pass any
 * value to the element (see {@link ParamSpecs}), because GLib would only print a warning and keep
 * the old value, and a refused property must stop the pipeline with an error that names it.
 *
 * @param <T> what the element reads: Integer, Double, Boolean or String (a {@link Choice}'s nick)
 */
public sealed interface Property<T> {
    /** When a property may change: GStreamer's {@code GST_PARAM_MUTABLE_*}, shown by gst-inspect-1.0. */
    enum Mutability {
        /**
         * Changeable only in NULL or READY state: the element reads it when it starts. A change while
         * PAUSED or PLAYING is refused with a bus WARNING and the old value stays.
         */
        READY_ONLY,
        /**
         * Changeable in any state: the element reads the current value as it goes (per frame). A
         * value out of range while PAUSED or PLAYING is refused with a bus WARNING.
         */
        WHILE_PLAYING
    }

    String name();

    String blurb();

    /** The value until the user sets one; only a {@link Text} may default to null. */
    T defaultValue();

    Mutability mutability();

    /** Checks a value set by the user; returns an error naming the property and the allowed values, or null. */
    default String check(T value) {
        return null;
    }

    /**
     * A value as messages show it: numbers without a trailing ".0" (very large or small ones, NaN and
     * infinities as Java writes them), strings quoted.
     */
    default String format(T value) {
        return switch (value) {
            case null -> "NULL";
            case Double d when d == 0 || Math.abs(d) >= 1e-6 && Math.abs(d) < 1e15 ->
                    BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
            case String s -> "'" + s + "'";
            default -> value.toString();
        };
    }

    record Int(String name, String blurb, int min, int max, Integer defaultValue, Mutability mutability)
            implements Property<Integer> {
        public Int {
            requireDefault(name, defaultValue, mutability);
            if (min > max || defaultValue < min || defaultValue > max) {
                throw new IllegalArgumentException(name + ": default " + defaultValue + " outside " + min + ".." + max);
            }
        }

        @Override
        public String check(Integer value) {
            return value < min || value > max ? outOfRange(this, value, min, max) : null;
        }
    }

    record Real(String name, String blurb, double min, double max, Double defaultValue, Mutability mutability)
            implements Property<Double> {
        public Real {
            requireDefault(name, defaultValue, mutability);
            if (!(min <= max && defaultValue >= min && defaultValue <= max)) {
                throw new IllegalArgumentException(name + ": default " + defaultValue + " outside " + min + ".." + max);
            }
        }

        @Override
        public String check(Double value) {
            return value >= min && value <= max ? null : outOfRange(this, value, min, max);
        }
    }

    record Bool(String name, String blurb, Boolean defaultValue, Mutability mutability) implements Property<Boolean> {
        public Bool {
            requireDefault(name, defaultValue, mutability);
        }
    }

    /**
     * A string; {@code null} is allowed and means "not set". A blank one (empty, spaces) is refused:
     * it names nothing, and taking it as "not set" would hide the mistake that wrote it. {@code rule}
     * says what else a value must be, checked when the element starts: it returns why a value breaks
     * it (e.g. {@code "'1' is not a letter"}), or null.
     */
    record Text(String name, String blurb, String defaultValue, Mutability mutability,
            Function<String, String> rule) implements Property<String> {
        public Text {
            Objects.requireNonNull(name);
            Objects.requireNonNull(mutability, () -> name + " needs a mutability");
            Objects.requireNonNull(rule, () -> name + " needs a rule");
        }

        /** Any text that is not blank. */
        public Text(String name, String blurb, String defaultValue, Mutability mutability) {
            this(name, blurb, defaultValue, mutability, value -> null);
        }

        @Override
        public String check(String value) {
            if (value == null) {
                return null;
            }
            if (value.isBlank()) {
                return "property '" + name + "' is " + format(value) + ", which is blank: leave it unset or give a"
                        + " value (" + blurb + ")";
            }
            String broken = rule.apply(value);
            return broken == null ? null : "property '" + name + "' is " + format(value) + ": " + broken;
        }
    }

    /**
     * A GStreamer enum: the element reads the nick of the chosen value. gst-inspect-1.0 lists each
     * value's nick with its {@code meaning}. Users may write a nick, an alias, the meaning (GLib's
     * value name) or the value's number, and case, {@code -} and {@code _} do not count in nicks and
     * aliases ({@code yolo_v8}, {@code YOLOv8}); {@link EnumValues} reads them so. Anything else is
     * kept as written and refused, naming the allowed values, when the element starts: GLib's own
     * parser would refuse it without a word of them. The values may be built by code (e.g. from a
     * list of decoders) before the element's spec is made; the enum type is registered from them
     * once, when GStreamer first needs the element's class.
     *
     * @param typeName the GType name of the enum, e.g. {@code GstOvDetectModelType}
     */
    record Choice(String name, String blurb, String typeName, List<Value> values, String defaultValue,
            Mutability mutability) implements Property<String> {
        /**
         * One value: {@code nick} is what the element reads and gst-inspect-1.0 lists first,
         * {@code meaning} what it prints beside it; {@code aliases} are other names users write for it.
         */
        public record Value(String nick, String meaning, List<String> aliases) {
            public Value {
                Objects.requireNonNull(nick);
                Objects.requireNonNull(meaning);
                aliases = List.copyOf(aliases);
            }

            public Value(String nick, String meaning, String... aliases) {
                this(nick, meaning, List.of(aliases));
            }
        }

        public Choice {
            values = List.copyOf(values);
            requireDefault(name, defaultValue, mutability);
            Set<String> spellings = new HashSet<>();
            for (Value value : values) {
                // Each spelling must lead to one value.
                for (String spelling : spellings(value)) {
                    if (!spellings.add(spelling)) {
                        throw new IllegalArgumentException(name + ": " + value + " repeats a spelling of " + values);
                    }
                }
            }
            if (values.stream().noneMatch(value -> value.nick().equals(defaultValue))) {
                throw new IllegalArgumentException(name + ": default " + defaultValue + " is not a nick of " + values);
            }
        }

        /** The position of the value with this nick (its number in the enum), or -1. */
        int indexOf(String nick) {
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i).nick().equals(nick)) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * The position of the value a user's text names (nick or alias in any case, with or without
         * {@code -}/{@code _}; the meaning as it is; the number), or -1.
         */
        int indexOfWritten(String written) {
            String spelling = spelling(written);
            for (int i = 0; i < values.size(); i++) {
                Value value = values.get(i);
                if (spellings(value).contains(spelling) || value.meaning().equals(written)) {
                    return i;
                }
            }
            try {
                int number = Integer.parseInt(written.strip());
                return number >= 0 && number < values.size() ? number : -1;
            } catch (NumberFormatException notANumber) {
                return -1;
            }
        }

        /** A value that is no nick: the user's text, kept to be refused with the allowed values. */
        @Override
        public String check(String value) {
            return indexOf(value) >= 0 ? null : "property '" + name + "' is " + format(value) + "; allowed: "
                    + describe() + " (gst-inspect-1.0 says what each means)";
        }

        /** The allowed nicks, for messages. */
        String describe() {
            return values.stream().map(Value::nick).collect(Collectors.joining(", "));
        }

        private static Set<String> spellings(Value value) {
            Set<String> spellings = new HashSet<>();
            spellings.add(spelling(value.nick()));
            value.aliases().forEach(alias -> spellings.add(spelling(alias)));
            return spellings;
        }

        private static String spelling(String written) {
            return written.strip().toLowerCase(java.util.Locale.ROOT).replace("-", "").replace("_", "");
        }
    }

    private static void requireDefault(String name, Object defaultValue, Mutability mutability) {
        Objects.requireNonNull(name);
        Objects.requireNonNull(defaultValue, () -> name + " needs a default value");
        Objects.requireNonNull(mutability, () -> name + " needs a mutability");
    }

    private static <T> String outOfRange(Property<T> property, T value, T min, T max) {
        return "property '" + property.name() + "' is " + property.format(value) + "; allowed: "
                + property.format(min) + " to " + property.format(max);
    }
}
