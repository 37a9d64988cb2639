package org.ovgst.gst.publish;

import java.util.List;
import org.ovgst.gst.meta.Region;

/**
 * The {@code ovmetapublish} record of one frame: one JSON object, in the layout DL Streamer's
 * gvametaconvert writes and its consumers read, plus ovgst's own {@code frame} index:
 * <pre>{@code
 * {"resolution":{"width":640,"height":480},"timestamp":33366666,"source":"file:///v.mp4","frame":1,"pts":33366666,
 *  "objects":[{"x":10,"y":20,"w":30,"h":40,"region_id":1,"id":7,"roi_type":"face",
 *              "detection":{"bounding_box":{"x_min":0.0156,"y_min":0.0417,"x_max":0.0625,"y_max":0.125},
 *                           "confidence":0.92,"label":"face","label_id":0},
 *              "handedness":{"label":"Right","label_id":1,"confidence":0.97,"model":{"name":"hand_landmark_full"}}}]}
 * }</pre>
 * {@code timestamp} is the stream time in nanoseconds (left out when the frame has none), ovgst's
 * {@code pts} the buffer's presentation time (which, unlike the stream time, keeps growing when a
 * live source starts new segments),
 * {@code source} only when known; {@code objects} is always there, maybe empty. Per object:
 * {@code region_id} the region's id on the frame, {@code id} its track id (only when tracked),
 * {@code roi_type} and {@code detection} only when it has a label; {@code bounding_box} is the box
 * normalized by the frame size; each classification is an object keyed by its attribute name.
 * What a classifier said of the whole frame is, as in DL Streamer, an object covering the frame
 * ({@code x}, {@code y} 0, {@code w}, {@code h} the frame's) with the attributes and no detection.
 * Numbers are rounded to 4 decimals; a confidence that is NaN is left out (JSON has no NaN).
 * Strings are escaped per RFC 8259 and keep other characters as they are, so the record is UTF-8
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
        return appendRecord(out, frame).append('\n');
    }

    /** Appends a frame's record alone. */
    public static StringBuilder appendRecord(StringBuilder out, FrameMeta frame) {
        out.append("{\"resolution\":{\"width\":").append(frame.width()).append(",\"height\":")
                .append(frame.height()).append('}');
        if (frame.timestamp() >= 0) {
            out.append(",\"timestamp\":").append(frame.timestamp());
        }
        if (frame.source() != null) {
            out.append(",\"source\":");
            appendString(out, frame.source());
        }
        out.append(",\"frame\":").append(frame.frame());
        if (frame.pts() >= 0) {
            out.append(",\"pts\":").append(frame.pts());
        }
        out.append(",\"objects\":[");
        List<Region> objects = frame.objects();
        for (int i = 0; i < objects.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            appendObject(out, objects.get(i), frame.width(), frame.height());
        }
        if (!frame.tensors().isEmpty()) {
            out.append(objects.isEmpty() ? "" : ",").append("{\"x\":0,\"y\":0,\"w\":").append(frame.width())
                    .append(",\"h\":").append(frame.height());
            appendAttributes(out, frame.tensors());
            out.append('}');
        }
        return out.append("]}");
    }

    private static void appendObject(StringBuilder out, Region object, int width, int height) {
        out.append("{\"x\":").append(object.x()).append(",\"y\":").append(object.y());
        out.append(",\"w\":").append(object.width()).append(",\"h\":").append(object.height());
        out.append(",\"region_id\":").append(object.regionId());
        if (object.id() > 0) {
            out.append(",\"id\":").append(object.id());
        }
        if (object.label() != null) {
            out.append(",\"roi_type\":");
            appendString(out, object.label());
            out.append(",\"detection\":{\"bounding_box\":{\"x_min\":");
            appendRounded(out, object.x() / (double) width);
            out.append(",\"y_min\":");
            appendRounded(out, object.y() / (double) height);
            out.append(",\"x_max\":");
            appendRounded(out, (object.x() + (double) object.width()) / width);
            out.append(",\"y_max\":");
            appendRounded(out, (object.y() + (double) object.height()) / height);
            out.append('}');
            appendConfidence(out, object.confidence());
            out.append(",\"label\":");
            appendString(out, object.label());
            if (object.labelId() >= 0) {
                out.append(",\"label_id\":").append(object.labelId());
            }
            out.append('}');
        }
        appendAttributes(out, object.attributes());
        out.append('}');
    }

    /** Each classification as {@code ,"<name>":{"label":...,"label_id":...,"confidence":...,"model":{"name":...}}}. */
    private static void appendAttributes(StringBuilder out, List<Region.Attribute> attributes) {
        for (Region.Attribute attribute : attributes) {
            out.append(',');
            appendString(out, attribute.name());
            out.append(":{\"label\":");
            appendString(out, attribute.label());
            if (attribute.labelId() >= 0) {
                out.append(",\"label_id\":").append(attribute.labelId());
            }
            appendConfidence(out, attribute.confidence());
            if (attribute.modelName() != null) {
                out.append(",\"model\":{\"name\":");
                appendString(out, attribute.modelName());
                out.append('}');
            }
            out.append('}');
        }
    }

    private static void appendConfidence(StringBuilder out, double confidence) {
        if (Double.isFinite(confidence)) {
            out.append(",\"confidence\":");
            appendRounded(out, confidence);
        }
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
