package org.ovgst.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs Python scripts with the project venv's {@link TestAssets#python() Python}, for tests that
 * use its OpenVINO or NumPy as reference implementations.
 */
public final class VenvPython {
    private VenvPython() {
    }

    /** A process running {@code script} with {@code args} as {@code sys.argv[1:]}. */
    public static ProcessBuilder command(String script, String... args) {
        List<String> command = Stream.concat(Stream.of(TestAssets.python().toString(), "-c", script), Stream.of(args)).toList();
        return new ProcessBuilder(command);
    }

    /** Runs {@code script} to completion and returns what it printed; fails the test if it fails. */
    public static String run(String script, String... args) throws IOException, InterruptedException {
        return output(command(script, args));
    }

    /** Runs the script file {@code script} (under src/test/python) to completion, as {@link #run}. */
    public static String runFile(String script, String... args) throws IOException, InterruptedException {
        List<String> command = Stream.concat(Stream.of(TestAssets.python().toString(),
                TestAssets.home().resolve("src/test/python").resolve(script).toString()), Stream.of(args)).toList();
        return output(new ProcessBuilder(command));
    }

    private static String output(ProcessBuilder builder) throws IOException, InterruptedException {
        Process python = builder.redirectErrorStream(true).start();
        python.getOutputStream().close();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, python.waitFor(), () -> "Python failed:\n" + output);
        return output;
    }
}
