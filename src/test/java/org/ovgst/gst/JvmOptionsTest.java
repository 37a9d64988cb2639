package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options of the JVM that the loader plugin starts inside a GStreamer process: its default
 * collector and heap, {@code OVGST_JVM_OPTIONS} split like a shell splits words, and defaults that
 * step aside for the user's own choice (two collectors, or an initial heap above the maximum, would
 * stop the JVM from starting). gst-inspect-1.0 loads the plugin in a fresh registry with the scan in
 * its own process, so each case starts exactly one JVM; the loader's debug log shows its options.
 */
class JvmOptionsTest {
    private static final Pattern OPTIONS_LOGGED = Pattern.compile("starting a JVM from \\S+ with: (.*)");

    @TempDir
    Path dir;

    /** gst-inspect-1.0 ovwatermark with these variables; returns the options the loader logged. */
    private String startJvm(Map<String, String> variables) throws Exception {
        GstTestSupport.Result result = inspect(variables);
        assertEquals(0, result.exitCode(), result::describe);
        Matcher logged = OPTIONS_LOGGED.matcher(result.output());
        assertTrue(logged.find(), () -> "no options logged; " + result.describe());
        return logged.group(1);
    }

    private GstTestSupport.Result inspect(Map<String, String> variables) throws Exception {
        Map<String, String> env = new HashMap<>(variables);
        env.put("GST_REGISTRY", dir.resolve("registry-" + variables.hashCode() + ".bin").toString());
        env.put("GST_REGISTRY_FORK", "no");
        env.put("GST_DEBUG", "ovgst-loader:4");
        env.put("GST_DEBUG_NO_COLOR", "1");
        GstTestSupport.Result result = GstTestSupport.run(List.of("gst-inspect-1.0", "ovwatermark"), dir, 60, env);
        GstTestSupport.assertNoCrash(result, dir);
        return result;
    }

    @Test
    @Timeout(120)
    void aNewJvmGetsTheSerialCollectorAndASmallHeapByDefault() throws Exception {
        String options = startJvm(Map.of());
        assertTrue(options.endsWith("-XX:+UseSerialGC -Xms16m -Xmx256m"), options);
    }

    @Test
    @Timeout(120)
    void optionsAreSplitLikeAShellSplitsWords() throws Exception {
        Path gcLog = dir.resolve("with space/gc log.txt");
        Files.createDirectories(gcLog.getParent());
        String options = startJvm(Map.of("OVGST_JVM_OPTIONS",
                "-Xmx200m  '-Xlog:gc:file=" + gcLog + "' \"-Dovgst.note=a b\" -Dovgst.quote=it\\'s"));
        // Each quoted option reached the JVM whole: it wrote its log where the path with spaces says.
        assertTrue(Files.exists(gcLog), () -> "no " + gcLog + "; options: " + options);
        assertTrue(options.endsWith("-XX:+UseSerialGC -Xmx200m '-Xlog:gc:file=" + gcLog
                + "' '-Dovgst.note=a b' '-Dovgst.quote=it'\\''s'"), options);
    }

    @Test
    @Timeout(120)
    void theUsersHeapSizeReplacesTheDefaultHeap() throws Exception {
        // A default -Xms16m above this -Xmx would stop the JVM from starting.
        String options = startJvm(Map.of("OVGST_JVM_OPTIONS", "-Xmx8m"));
        assertTrue(options.endsWith("-XX:+UseSerialGC -Xmx8m"), options);
    }

    @Test
    @Timeout(120)
    void theUsersCollectorReplacesTheDefaultCollector() throws Exception {
        String options = startJvm(Map.of("OVGST_JVM_OPTIONS", "-XX:+UseParallelGC"));
        assertTrue(options.endsWith("-Xms16m -Xmx256m -XX:+UseParallelGC"), options);
        assertFalse(options.contains("UseSerialGC"), options);
    }

    @Test
    @Timeout(120)
    void javaToolOptionsCountAsTheUsersChoiceToo() throws Exception {
        // The JVM reads JAVA_TOOL_OPTIONS itself, before the loader's options.
        String options = startJvm(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseG1GC -XX:MaxRAMPercentage=10"));
        assertFalse(options.contains("UseSerialGC"), options);
        assertFalse(options.contains("-Xms16m") || options.contains("-Xmx256m"), options);
    }

    @Test
    @Timeout(120)
    void anUnbalancedQuoteIsRefusedWithTheRule() throws Exception {
        GstTestSupport.Result result = inspect(Map.of("OVGST_JVM_OPTIONS", "-Xmx64m \"-Dovgst.note=a b"));
        assertNotEquals(0, result.exitCode(), result::describe);
        assertTrue(result.output().contains("OVGST_JVM_OPTIONS cannot be split into options"), result::describe);
        assertTrue(result.output().contains("quote an option that holds spaces"), result::describe);
    }
}
