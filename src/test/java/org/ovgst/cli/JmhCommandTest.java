package org.ovgst.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ovgst bench --jmh}: what it hands to Maven and JMH, and that the default build (this one)
 * neither compiles the benchmarks nor needs JMH. Running them takes minutes and the first build
 * downloads JMH, so that is left to {@code ./ovgst bench --jmh} itself.
 */
class JmhCommandTest {
    @TempDir
    Path dir;

    @Test
    void jmhGetsTheAllocationProfilerAndJsonResultsUnlessGivenOthers() {
        assertEquals(List.of("-prof", "gc", "-foe", "true", "-rf", "json", "-rff", "target/jmh/results.json"),
                JmhCommand.jmhArguments(List.of()));
        assertEquals(List.of("-prof", "gc", "-foe", "true", "-rf", "json", "-rff", "target/jmh/results.json",
                "-f", "1", "-prof", "stack", "DeliveryOrder"),
                JmhCommand.jmhArguments(List.of("-f", "1", "-prof", "stack", "DeliveryOrder")));
        assertEquals(List.of("-prof", "gc", "-foe", "false", "-rf", "csv"),
                JmhCommand.jmhArguments(List.of("-prof", "gc", "-foe", "false", "-rf", "csv")));
    }

    @Test
    void mavenBuildsTheJmhProfileWithTheCompilerSetUpChose() {
        assertEquals(List.of("mvn", "-B", "-ntp", "-q", "-Pjmh", "test-compile"), JmhCommand.mavenCommand(""));
        assertEquals(List.of("mvn", "-B", "-ntp", "-q", "-Pjmh", "-Dmaven.compiler.fork=true",
                "-Dmaven.compiler.executable=/opt/a b/javac", "test-compile"),
                JmhCommand.mavenCommand("/opt/a b/javac"));
    }

    /** set-up writes its env file with bash's printf %q; the values read back as they were. */
    @Test
    void envFileValuesReadBackAsSetUpWroteThem() throws IOException, InterruptedException {
        Path env = dir.resolve("ovgst.env");
        Process bash = new ProcessBuilder("bash", "-c",
                "printf '# written by scripts/setup.sh\\nOVGST_JAVAC=%q\\nOVGST_TRUSTSTORE=%q\\nOTHER=%q\\n' "
                        + "\"$1\" \"$2\" \"$3\" > \"$4\"", "bash", "/opt/my java/bin/javac", "", "x", env.toString())
                .inheritIO().start();
        assertEquals(0, bash.waitFor());
        assertEquals("/opt/my java/bin/javac", JmhCommand.envFileValue(env, "OVGST_JAVAC"),
                Files.readString(env, StandardCharsets.UTF_8));
        assertEquals("", JmhCommand.envFileValue(env, "OVGST_TRUSTSTORE"));
        assertNull(JmhCommand.envFileValue(env, "OVGST_JAVA_HOME"));
        assertNull(JmhCommand.envFileValue(dir.resolve("missing.env"), "OVGST_JAVAC"));
    }

    @Test
    void theDefaultBuildHasNeitherTheBenchmarksNorJmh() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.ovgst.infer.engine.DeliveryOrderBenchmark"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.openjdk.jmh.Main"));
    }

    /** The benchmarks compile against today's code (a changed signature once left them broken unseen). */
    @Test
    void theBenchmarksBuild() throws Exception {
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        int status = JmhCommand.build(org.ovgst.testing.TestAssets.home(),
                new java.io.PrintStream(said, true, StandardCharsets.UTF_8));
        assertEquals(0, status, said.toString(StandardCharsets.UTF_8));
    }
}
