package org.ovgst.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.tensor.ElementType;
import org.ovgst.testing.IrModels;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.TypedValues;

/** {@code ovgst infer} end to end: real models, .npy in and out, and its errors. */
@Timeout(60)
class InferCommandTest {
    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {}

    private static Result infer(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] command = new String[args.length + 1];
        command[0] = "infer";
        System.arraycopy(args, 0, command, 1, args.length);
        int status = Main.run(command, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path npy(String name, ElementType type, long[] shape, double... values) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(values.length * (long) type.byteSize());
            TypedValues.write(data, type, values);
            Path file = dir.resolve(name);
            Npy.write(file, type, shape, data);
            return file;
        }
    }

    private static double[] readNpy(Path file, ElementType type, long... shape) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Npy.Array array = Npy.read(file, arena);
            assertEquals(type, array.type());
            assertArrayEquals(shape, array.shape());
            return TypedValues.read(array.data(), type);
        }
    }

    @Test
    void listPrintsEveryInputAndOutputOfTheFaceModel() {
        Result result = infer("--model", TestAssets.model("face_detection_short_range.tflite").toString(), "--list");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("input   input  f32  [1,128,128,3]"), result.out());
        assertTrue(result.out().contains("output  regressors  f32  [1,896,16]"), result.out());
        assertTrue(result.out().contains("output  classificators  f32  [1,896,1]"), result.out());
        assertTrue(result.out().contains("device  CPU (optimal infer requests: "), result.out());
    }

    @Test
    void writesEachOutputAsNpyWithTheComputedValues() throws IOException {
        Path model = IrModels.twoInTwoOut(dir, 2, 2);
        Path a = npy("a.npy", ElementType.F32, new long[] {2, 2}, 1, 2, 3, 4);
        Path b = npy("b.npy", ElementType.F32, new long[] {2, 2}, 0.5, -1, 10, 0);
        Path out = dir.resolve("out");
        Result result = infer("--model", model.toString(), "--input", "a=" + a, "--input", "b=" + b,
                "--output-dir", out.toString(), "--config", "PERFORMANCE_HINT=LATENCY");
        assertEquals(0, result.status(), result.err());
        assertArrayEquals(new double[] {1.5, 1, 13, 4}, readNpy(out.resolve("sum.npy"), ElementType.F32, 2, 2));
        assertArrayEquals(new double[] {0.5, -2, 30, 0}, readNpy(out.resolve("product.npy"), ElementType.F32, 2, 2));
    }

    @Test
    void integerTypesRoundTripThroughNpy() throws IOException {
        for (ElementType type : List.of(ElementType.I64, ElementType.U16, ElementType.F16, ElementType.BOOLEAN)) {
            Path model = IrModels.increment(dir, type, 3);
            Path x = npy("x-" + type + ".npy", type, new long[] {3}, 1, 0, 1);
            Path out = dir.resolve("out-" + type);
            Result result = infer("--model", model.toString(), "--input", "x=" + x, "--output-dir", out.toString());
            assertEquals(0, result.status(), result.err());
            double[] expected = type == ElementType.BOOLEAN ? new double[] {0, 1, 0} : new double[] {2, 1, 2};
            assertArrayEquals(expected, readNpy(out.resolve("y.npy"), type, 3), type.toString());
        }
    }

    @Test
    void outputNamesBecomeSafeFileNames() throws IOException {
        Path model = TestAssets.model("object_detection_ssd_mobilenetv2_oidv4_fp16.tflite");
        Path image = npy("image.npy", ElementType.F32, new long[] {1, 300, 300, 3}, new double[300 * 300 * 3]);
        Path out = dir.resolve("out");
        Result result = infer("--model", model.toString(), "--input", "normalized_input_image_tensor=" + image,
                "--output-dir", out.toString());
        assertEquals(0, result.status(), result.err());
        assertTrue(Files.exists(out.resolve("raw_outputs_box_encodings.npy")), result.out());
        assertEquals(1917 * 24, readNpy(out.resolve("raw_outputs_class_predictions.npy"), ElementType.F32,
                1, 1917, 24).length);
    }

    @Test
    void badInputGivesOneParagraphAndNonZeroStatus() throws IOException {
        Path model = IrModels.scaleOffset(dir, 1, 0, 3);
        Path f64 = npy("x64.npy", ElementType.F64, new long[] {3}, 1, 2, 3);
        Path wrongShape = npy("x5.npy", ElementType.F32, new long[] {5}, 1, 2, 3, 4, 5);
        String out = dir.resolve("out").toString();

        assertError(infer("--model", dir.resolve("missing.xml").toString(), "--list"), 1,
                dir.resolve("missing.xml") + ": model file does not exist");
        assertError(infer("--model", model.toString(), "--device", "TPU", "--list"), 1,
                "unknown device 'TPU'; available devices: CPU");
        assertError(infer("--model", model.toString(), "--input", "z=" + f64, "--output-dir", out), 1,
                "no input named 'z'; its inputs are: 'x'");
        Path twoInputs = IrModels.twoInTwoOut(dir, 3);
        Path a = npy("a.npy", ElementType.F32, new long[] {3}, 1, 2, 3);
        assertError(infer("--model", twoInputs.toString(), "--input", "a=" + a, "--output-dir", out), 2,
                "no --input given for: b  f32  [3]");
        assertError(infer("--model", model.toString(), "--input", "x=" + f64, "--output-dir", out), 1,
                "holds f64 but input 'x' takes f32 [3]");
        assertError(infer("--model", model.toString(), "--input", "x=" + wrongShape, "--output-dir", out), 1,
                "takes f32 [3]");
        assertError(infer("--model", model.toString(), "--input", "x=" + dir.resolve("none.npy"), "--output-dir", out),
                1, "none.npy");
        assertError(infer("--model", model.toString()), 2, "give --list, or --input");
        assertError(infer("--model", model.toString(), "--bogus"), 2, "unknown option '--bogus'");
        assertError(infer("--model", model.toString(), "--config", "NOEQUALS", "--list"), 2, "takes KEY=VALUE");
    }

    private static void assertError(Result result, int status, String message) {
        assertEquals(status, result.status(), "status; stderr: " + result.err());
        assertTrue(result.err().contains(message), "'" + message + "' missing from stderr: " + result.err());
        assertTrue(result.err().startsWith("ovgst infer: "), result.err());
        assertEquals("", result.out());
    }

    /** In a fresh JVM whose only OpenVINO is a wrong explicit path, the error says where it looked. */
    @Test
    void missingRuntimeSaysWhereItLookedAndHowToInstall() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "-Dovgst.openvino.lib=/nonexistent/openvino",
                Main.class.getName(), "infer", "--model", TestAssets.model("face_detection_short_range.tflite")
                        .toString(), "--list"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, process.exitValue(), output);
        assertTrue(output.contains("libopenvino_c.so) was not found"), output);
        assertTrue(output.contains("/nonexistent/openvino (from -Dovgst.openvino.lib / OPENVINO_LIB)"), output);
        assertTrue(output.contains("./ovgst setup"), output);
    }
}
