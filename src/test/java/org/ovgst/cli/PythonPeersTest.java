package org.ovgst.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovgst.gst.GstTestSupport.Json;
import org.ovgst.gst.GstTestSupport.Result;
import org.ovgst.gst.GstTestSupport;
import org.ovgst.tensor.ElementType;
import org.ovgst.testing.IrModels;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.VenvPython;

/**
 * The Python peers that {@code ./ovgst bench} runs beside ovdetect (bench/python): each infers
 * every frame and ends with its JSON result line, and the fast pre-processing order (resize first,
 * on u8) gives nearly what OpenVINO's documented order gives.
 */
@Timeout(120)
class PythonPeersTest {
    /** Debian's python3, which has PyGObject; the venv's Python has NumPy and OpenVINO but no gi. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path FACE_MODEL = TestAssets.model("face_detection_short_range.tflite");

    /**
     * How far the fast order's first output (BlazeFace's box regressions, offsets and sizes in
     * pixels of its 128x128 input, up to about 170) may be from the documented order's. The two
     * inputs differ only by the rounding of the resized pixels to whole u8 levels (at most half a
     * level, 0.004 after the mapping to [-1, 1]), but the CPU device infers in bf16 where it can
     * (AVX-512 BF16 or AMX: its default precision), whose 8-bit mantissa has steps of 0.5 to 1 at
     * these magnitudes, so single values move by a few steps. Measured on astronaut.png with
     * OpenVINO 2026.4.1 in bf16: at most 3.0, 0.13 on average. The bounds leave room above that and
     * stay well below what swapping the colors does (at most 40, 3.0 on average; checked below).
     */
    private static final double MAX_DIFFERENCE = 8;
    private static final double MEAN_DIFFERENCE = 0.5;

    private static Map<String, String> environment;

    @TempDir
    Path dir;

    @BeforeAll
    static void venvPackagesForDebianPython() throws Exception {
        assertTrue(Files.isExecutable(PYTHON), PYTHON + " is missing: ./ovgst setup installs python3");
        String sitePackages = VenvPython.run("import sysconfig; print(sysconfig.get_path('purelib'))").strip();
        environment = Map.of("PYTHONPATH", sitePackages, "PYTHONUNBUFFERED", "1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"appsink_sync", "appsink_async", "appsink_async_fast"})
    void infersEveryFrameAndReportsTheFrameRate(String peer) throws Exception {
        Map<?, ?> line = resultLine(succeeds(peer, "--model", FACE_MODEL.toString(), "--width", "64", "--height", "48",
                "--frames", "30"));
        assertEquals(peer, line.get("peer"), line.toString());
        assertEquals(30.0, number(line, "frames"), line.toString());
        assertTrue(number(line, "fps") > 0, line.toString());
        assertTrue(number(line, "first_to_last_s") > 0, line.toString());
    }

    @Test
    void fastOrderGivesNearlyWhatTheDocumentedOrderGives() throws Exception {
        float[] documented = firstOutput("appsink_async", "RGB");
        float[] fast = firstOutput("appsink_async_fast", "RGB");
        float[] swapped = firstOutput("appsink_async", "BGR");
        assertEquals(documented.length, fast.length);
        double max = 0;
        double sum = 0;
        for (int i = 0; i < documented.length; i++) {
            double difference = Math.abs(documented[i] - fast[i]);
            max = Math.max(max, difference);
            sum += difference;
        }
        double mean = sum / documented.length;
        assertTrue(max <= MAX_DIFFERENCE && mean <= MEAN_DIFFERENCE,
                "fast vs documented order: max difference " + max + ", mean " + mean);
        // The bounds are tight enough to see a wrong color step.
        double swappedMean = 0;
        for (int i = 0; i < documented.length; i++) {
            swappedMean += Math.abs(documented[i] - swapped[i]) / documented.length;
        }
        assertTrue(swappedMean > 2 * MEAN_DIFFERENCE, "BGR vs RGB: mean difference only " + swappedMean);
    }

    @Test
    void failsWhenASourceEndsBeforeTheFrames() throws Exception {
        Result result = run("appsink_sync", "--model", FACE_MODEL.toString(), "--width", "64", "--height", "48",
                "--frames", "3", "--source", astronaut("stop-index=0"));
        assertEquals(1, result.exitCode(), result.describe());
        assertTrue(result.output().contains("error: 1 of 3 frames inferred"), result.describe());
    }

    @Test
    void failsOnAModelWithoutAnImageInput() throws Exception {
        Path model = IrModels.identity(dir, ElementType.F32, 1, 10);
        Result result = run("appsink_async", "--model", model.toString(), "--width", "64", "--height", "48",
                "--frames", "3");
        assertEquals(1, result.exitCode(), result.describe());
        assertTrue(result.output().contains("has no image input"), result.describe());
    }

    /** A peer's first output for astronaut.png (512x512, resized by OpenVINO to the model's 128x128). */
    private float[] firstOutput(String peer, String color) throws Exception {
        Path dump = dir.resolve(peer + "-" + color + ".npy");
        succeeds(peer, "--model", FACE_MODEL.toString(), "--width", "512", "--height", "512", "--frames", "1",
                "--source", astronaut(""), "--color", color, "--dump-first", dump.toString());
        try (Arena arena = Arena.ofConfined()) {
            Npy.Array array = Npy.read(dump, arena);
            assertEquals(ElementType.F32, array.type(), array.toString());
            assertEquals(List.of(1L, 896L, 16L), Arrays.stream(array.shape()).boxed().toList());
            return array.data().toArray(ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN));
        }
    }

    /** The test photograph (512x512) over and over, until num-buffers, which the peers give the first element. */
    private static String astronaut(String properties) {
        return "multifilesrc location=" + TestAssets.image("astronaut.png") + " caps=image/png " + properties
                + " ! pngdec ! videoconvert ! videoscale";
    }

    private Result succeeds(String peer, String... args) throws Exception {
        Result result = run(peer, args);
        assertEquals(0, result.exitCode(), () -> peer + " " + String.join(" ", args) + ": " + result.describe());
        return result;
    }

    private Result run(String peer, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(),
                TestAssets.home().resolve("bench/python").resolve(peer + ".py").toString()));
        command.addAll(List.of(args));
        Result result = GstTestSupport.run(command, dir, 60, environment);
        GstTestSupport.assertNoCrash(result, dir);
        return result;
    }

    /** The result line: the last line of what the peer printed, a JSON object. */
    private static Map<?, ?> resultLine(Result result) {
        List<String> lines = result.output().strip().lines().toList();
        Object parsed = new Json(lines.getLast()).parseComplete();
        assertTrue(parsed instanceof Map<?, ?>, "not a JSON object: " + lines.getLast());
        return (Map<?, ?>) parsed;
    }

    private static double number(Map<?, ?> map, String key) {
        assertTrue(map.get(key) instanceof Number, key + " is not a number in " + map);
        return ((Number) map.get(key)).doubleValue();
    }
}
