package org.ovgst.gst.meta;

/**
 * GStreamer's rule for the name of a {@code GstStructure}: a letter (a-z, A-Z) first, then only
 * letters, digits and any of {@code / - _ . : +} (gststructure.c, {@code gst_structure_validate_name},
 * the same from 1.0 to 1.24). GStreamer's own check is a static function, so it cannot be called; a
 * name that breaks the rule makes {@code gst_structure_new_empty} return NULL and
 * {@code gst_structure_set_name} keep the old name, each with a GStreamer-CRITICAL on the console.
 * StructureNamesTest holds this copy against GStreamer itself.
 */
public final class StructureNames {
    private static final String PUNCTUATION = "/-_.:+";

    private StructureNames() {}

    /** Why GStreamer cannot name a structure {@code name}, or null when it can. */
    public static String problem(String name) {
        if (name.isEmpty()) {
            return "GStreamer cannot name a structure with an empty name";
        }
        int position = 1;
        for (int i = 0; i < name.length(); i += Character.charCount(name.codePointAt(i)), position++) {
            int c = name.codePointAt(i);
            boolean letter = c < 128 && Character.isLetter(c);
            boolean allowed = letter || i > 0 && (c >= '0' && c <= '9' || PUNCTUATION.indexOf(c) >= 0);
            if (!allowed) {
                return "GStreamer cannot name a structure so: character " + position + ", '" + Character.toString(c)
                        + "', is not allowed " + (i == 0 ? "first" : "in it") + " (a name starts with a letter a-z or"
                        + " A-Z, then holds only letters, digits and / - _ . : +)";
            }
        }
        return null;
    }
}
