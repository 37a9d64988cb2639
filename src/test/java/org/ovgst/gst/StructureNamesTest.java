package org.ovgst.gst;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * ovgst's copy of GStreamer's rule for structure names against GStreamer itself: every ASCII
 * character first and later, and names beyond ASCII, go to {@code gst_structure_new_empty}, which
 * makes a structure exactly when the name is valid (and logs a CRITICAL when not, counted here).
 */
class StructureNamesTest {
    private static final int G_LOG_LEVEL_CRITICAL = 1 << 3;
    private static final AtomicInteger criticals = new AtomicInteger();

    /** A GLogFunc: counts GStreamer's criticals instead of printing them. */
    private static void countCritical(MemorySegment domain, int level, MemorySegment message, MemorySegment data) {
        criticals.incrementAndGet();
    }

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
        GstLib.ensureInitialized();
        MethodHandle newEmpty = GstLib.downcall("gst_structure_new_empty", FunctionDescriptor.of(ADDRESS, ADDRESS));
        MethodHandle free = GstLib.downcall("gst_structure_free", FunctionDescriptor.ofVoid(ADDRESS));
        FunctionDescriptor logFunc = FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handler = Linker.nativeLinker().upcallStub(MethodHandles.lookup().findStatic(
                    StructureNamesTest.class, "countCritical", logFunc.toMethodType()), logFunc, arena);
            MemorySegment domain = arena.allocateFrom("GStreamer");
            int id = (int) GstLib.downcall("g_log_set_handler", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT,
                    ADDRESS, ADDRESS)).invokeExact(domain, G_LOG_LEVEL_CRITICAL, handler, MemorySegment.NULL);
            int refused = 0;
            try {
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
            } finally {
                GstLib.downcall("g_log_remove_handler", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT))
                        .invokeExact(domain, id);
            }
            assertEquals(refused, criticals.get(), "one CRITICAL for each name GStreamer refused");
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
