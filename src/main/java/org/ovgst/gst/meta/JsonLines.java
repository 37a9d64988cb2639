package org.ovgst.gst.meta;

import java.util.List;
import org.ovgst.gst.Region;

/**
 * The {@code ovmetapublish} record format: one JSON object per frame on one line (JSON Lines), as
 * <pre>{@code
 * {"frame":0,"pts":0,"width":640,"height":480,"objects":[{"x":10,"y":20,"w":30,"h":40,"label":"face","label_id":0,"confidence":0.92}]}
 * }</pre>
 * Boxes are whole pixels, {@code pts} nanoseconds, confidence rounded to 4 decimals. Unknown values
 * are {@code null} rather than left out, so every record has the same keys: {@code pts} without a
 * timestamp, {@code label} without a class name, {@code confidence} when NaN (JSON has no NaN).
 * A tracked object ({@code ovtrack}) also has its track {@code id}, and a classified one
 * ({@code ovclassify}) an object per attribute, {@code "handedness":{"label":"Right","label_id":1,
 * "confidence":0.97}}, as in DL Streamer's records. A frame classified as a whole has DL Streamer's
 * frame-level {@code "tensors":[{"name":"orientation","label":"90","label_id":1,"confidence":0.92}]}
 * after its objects (only then).
 * Strings are escaped per RFC 8259 and keep other characters as they are, so the line is UTF-8
 * once encoded.
 *
 * <p>Written by hand, appending to a builder the caller reuses from frame to frame, so publishing
 * makes no garbage beyond the final string.
 */
public final class JsonLines {
    private static final int DECIMALS = 10_000;
    /** From here on, fixed-point notation would be long and meaningless; Java's own is valid JSON. */
    private static final double LARGEST_FIXED = 1e15;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonLines() {}

    /** Appends a frame's record and the newline that ends it. */
    public static StringBuilder append(StringBuilder out, FrameMeta frame) {
        out.append("{\"frame\":").append(frame.frame()).append(",\"pts\":");
        if (frame.pts() < 0) {
            out.append("null");
        } else {
            out.append(frame.pts());
        }
        out.append(",\"width\":").append(frame.width()).append(",\"height\":").append(frame.height());
        out.append(",\"objects\":[");
        List<Region> objects = frame.objects();
        for (int i = 0; i < objects.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            appendObject(out, objects.get(i));
        }
        out.append(']');
        List<Region.Attribute> tensors = frame.tensors();
        if (!tensors.isEmpty()) {
            out.append(",\"tensors\":[");
            for (int i = 0; i < tensors.size(); i++) {
                out.append(i > 0 ? ",{\"name\":" : "{\"name\":");
                appendString(out, tensors.get(i).name());
                out.append(',');
                appendAttributeFields(out, tensors.get(i));
                out.append('}');
            }
            out.append(']');
        }
        return out.append("}\n");
    }

    private static void appendObject(StringBuilder out, Region object) {
        out.append("{\"x\":").append(object.x()).append(",\"y\":").append(object.y());
        out.append(",\"w\":").append(object.width()).append(",\"h\":").append(object.height());
        out.append(",\"label\":");
        appendString(out, object.label());
        out.append(",\"label_id\":").append(object.labelId()).append(",\"confidence\":");
        appendRounded(out, object.confidence());
        if (object.id() > 0) {
            out.append(",\"id\":").append(object.id());
        }
        for (Region.Attribute attribute : object.attributes()) {
            out.append(',');
            appendString(out, attribute.name());
            out.append(":{");
            appendAttributeFields(out, attribute);
            out.append('}');
        }
        out.append('}');
    }

    /** {@code "label":...,"label_id":...,"confidence":...} of a classification. */
    private static void appendAttributeFields(StringBuilder out, Region.Attribute attribute) {
        out.append("\"label\":");
        appendString(out, attribute.label());
        out.append(",\"label_id\":").append(attribute.labelId()).append(",\"confidence\":");
        appendRounded(out, attribute.confidence());
    }

    /** A JSON string, or {@code null}. */
    private static void appendString(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        out.append(c).append(value.charAt(++i));
                    } else if (c < 0x20 || Character.isSurrogate(c)) {
                        // Control characters must be escaped; a lone surrogate has no UTF-8 form, but
                        // JSON can still carry it as an escape.
                        appendUnicodeEscape(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void appendUnicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[c >>> 12]).append(HEX[c >>> 8 & 0xf]).append(HEX[c >>> 4 & 0xf]).append(HEX[c & 0xf]);
    }

    /**
     * A number rounded to 4 decimals without trailing zeros but with at least one decimal
     * ({@code 0.92}, {@code 1.0}, {@code 0.0012}), so it reads back as a float; {@code null} when not
     * finite.
     */
    private static void appendRounded(StringBuilder out, double value) {
        if (!Double.isFinite(value)) {
            out.append("null");
            return;
        }
        if (Math.abs(value) >= LARGEST_FIXED) {
            out.append(value);
            return;
        }
        long units = Math.round(Math.abs(value) * DECIMALS);
        if (value < 0 && units != 0) {
            out.append('-');
        }
        out.append(units / DECIMALS).append('.');
        int fraction = (int) (units % DECIMALS);
        int place = DECIMALS / 10;
        do {
            out.append((char) ('0' + fraction / place));
            fraction %= place;
            place /= 10;
        } while (fraction != 0);
    }
}
