package org.ovgst.gst.meta;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ovgst.gst.GLogCatcher;
import org.ovgst.gst.binding.GstLib;

/**
 * ovgst's copy of GStreamer's rule for structure names against GStreamer itself: every ASCII
 * character first and later, and names beyond ASCII, go to {@code gst_structure_new_empty}, which
 * makes a structure exactly when the name is valid (and logs a CRITICAL when not, counted here).
 */
class StructureNamesTest {
    private static List<String> names() {
        List<String> names = new ArrayList<>(List.of("", "handedness", "ok/fine-1.2:x+y", "caf\u00e9",
                "\u00e9t\u00e9", "a\u0394", "\ud835\udc00", "x".repeat(5000), "a\"b\\c", "with space"));
        for (char c = 1; c < 128; c++) {
            names.add(Character.toString(c));
            names.add("a" + c);
            names.add("a" + c + "b");
        }
        return names;
    }

    @Test
    void theRuleIsGStreamers() throws Throwable {
        MethodHandle newEmpty = GstLib.LIBRARY.function("gst_structure_new_empty", FunctionDescriptor.of(ADDRESS, ADDRESS))
                .handle();
        MethodHandle free = GstLib.LIBRARY.function("gst_structure_free", FunctionDescriptor.ofVoid(ADDRESS)).handle();
        int refused = 0;
        try (GLogCatcher log = GLogCatcher.open(); Arena arena = Arena.ofConfined()) {
            for (String name : names()) {
                MemorySegment structure = (MemorySegment) newEmpty.invokeExact(arena.allocateFrom(name));
                boolean valid = !structure.equals(MemorySegment.NULL);
                if (valid) {
                    free.invokeExact(structure);
                } else {
                    refused++;
                }
                String problem = StructureNames.problem(name);
                assertEquals(valid, problem == null, "'" + name + "': GStreamer " + (valid ? "takes" : "refuses")
                        + " it, ovgst says " + problem);
            }
            assertEquals(refused, log.caught().stream().filter(m -> m.startsWith("GStreamer-CRITICAL:")).count(),
                    "one CRITICAL for each name GStreamer refused");
        }
    }

    @Test
    void aRefusalNamesTheCharacterAndTheRule() {
        assertEquals("GStreamer cannot name a structure so: character 2, '\"', is not allowed in it (a name starts"
                + " with a letter a-z or A-Z, then holds only letters, digits and / - _ . : +)",
                StructureNames.problem("a\"b\\c"));
        assertEquals("GStreamer cannot name a structure so: character 1, '1', is not allowed first (a name starts"
                + " with a letter a-z or A-Z, then holds only letters, digits and / - _ . : +)",
                StructureNames.problem("1st"));
        // Characters are counted as the user sees them, not as UTF-16 units.
        assertEquals("GStreamer cannot name a structure so: character 2, '\ud835\udc00', is not allowed in it (a"
                + " name starts with a letter a-z or A-Z, then holds only letters, digits and / - _ . : +)",
                StructureNames.problem("a\ud835\udc00"));
        assertNull(StructureNames.problem("hand-edness/left:1.0+x_y"));
    }
}
