package org.ovgst.openvino;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.tensor.ElementType;
import org.ovgst.testing.TestAssets;

/** Every wrong input ends in a specific exception with a useful message: no crash, no hang. */
@Timeout(30)
class BadInputTest {
    private static Core core;
    private static Path faceModel;

    @BeforeAll
    static void openCore() {
        core = new Core();
        faceModel = TestAssets.model("face_detection_short_range.tflite");
    }

    @AfterAll
    static void closeCore() {
        core.close();
    }

    private static void assertMessage(Throwable error, String... parts) {
        for (String part : parts) {
            assertTrue(error.getMessage().contains(part), "'" + part + "' missing from: " + error.getMessage());
        }
    }

    @Test
    void missingModelFileNamesThePath(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-model.xml");
        OpenVinoException e = assertThrows(OpenVinoException.class, () -> core.readModel(missing));
        assertMessage(e, missing + ": model file does not exist");
        assertEquals("NOT_FOUND", e.status());
    }

    @Test
    void aDeviceIsNeverGivenToOpenVino() {
        OpenVinoException e = assertThrows(OpenVinoException.class, () -> core.readModel(Path.of("/dev/zero")));
        assertEquals("/dev/zero: model file is not a regular file (a character device): give a model file",
                e.getMessage());
    }

    /** OpenVINO opens an IR's .bin itself: a FIFO there would make it wait forever. */
    @Test
    @Timeout(30)
    void weightsBesideAnIrThatAreNoRegularFileAreRefused(@TempDir Path dir) throws Exception {
        Path xml = Files.copy(TestAssets.model("face_detection.xml"), dir.resolve("face.xml"));
        Path bin = dir.resolve("face.bin");
        TestAssets.fifo(bin);
        OpenVinoException e = assertThrows(OpenVinoException.class, () -> core.readModel(xml));
        assertEquals(bin + ": weights file is not a regular file (a FIFO): give a weights file", e.getMessage());
    }

    @Test
    void garbageModelFileIsRefusedWithOpenVinosReason(@TempDir Path dir) throws IOException {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Path garbage = Files.write(dir.resolve("garbage.onnx"), noise);
        OpenVinoException e = assertThrows(OpenVinoException.class, () -> core.readModel(garbage));
        assertMessage(e, "cannot read model", garbage.toString(), "ov_core_read_model failed with GENERAL_ERROR:"
                + " Unable to read the model: \"" + garbage + "\"");
        assertTrue(e.status() != null, "status of " + e.getMessage());
        // The lines that locate OpenVINO's own source are left to the cause, for developers.
        assertFalse(e.getMessage().contains("Exception from src/"), e.getMessage());
        assertTrue(e.getCause().getCause().getMessage().startsWith("OpenVINO's message: Exception from src/"),
                e.getCause().getCause().getMessage());
    }

    @Test
    void truncatedModelFileIsRefused(@TempDir Path dir) throws IOException {
        byte[] head = Arrays.copyOf(Files.readAllBytes(faceModel), 2000);
        Path truncated = Files.write(dir.resolve("truncated.tflite"), head);
        OpenVinoException e = assertThrows(OpenVinoException.class, () -> core.readModel(truncated));
        assertMessage(e, "cannot read model", truncated.toString());
    }

    @Test
    void wrongInputNameListsTheModelsNames() {
        try (Model model = core.readModel(faceModel)) {
            OpenVinoException e = assertThrows(OpenVinoException.class, () -> model.input("image"));
            assertMessage(e, "no input named 'image'", "'input'");
            OpenVinoException output = assertThrows(OpenVinoException.class, () -> model.output("scores"));
            assertMessage(output, "no output named 'scores'", "'regressors', 'classificators'");
            try (PrePostProcessor ppp = new PrePostProcessor(model)) {
                assertMessage(assertThrows(OpenVinoException.class, () -> ppp.input("image")), "'input'");
            }
            try (CompiledModel compiled = core.compile(model, "CPU"); InferRequest request = compiled.createInferRequest()) {
                OpenVinoException tensor = assertThrows(OpenVinoException.class, () -> request.tensor("image"));
                assertMessage(tensor, "no tensor named 'image'", "inputs are 'input'", "'classificators'");
            }
        }
    }

    @Test
    void unknownDeviceListsTheAvailableDevices() {
        try (Model model = core.readModel(faceModel)) {
            OpenVinoException e = assertThrows(OpenVinoException.class, () -> core.compile(model, "NPU7"));
            assertMessage(e, "unknown device 'NPU7'", "available devices: CPU");
        }
    }

    @Test
    void wrongTensorShapeNamesTheExpectedShape() {
        try (Model model = core.readModel(faceModel);
                CompiledModel compiled = core.compile(model, "CPU");
                InferRequest request = compiled.createInferRequest();
                Tensor wrong = Tensor.allocate(ElementType.F32, 1, 64, 64, 3)) {
            OpenVinoException e = assertThrows(OpenVinoException.class, () -> request.setTensor("input", wrong));
            assertMessage(e, "f32 [1, 64, 64, 3]", "takes f32 [1,128,128,3]");
        }
    }

    @Test
    void tooSmallMemoryCannotBeWrapped() {
        MemorySegment small = java.lang.foreign.Arena.ofAuto().allocate(10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.wrap(ElementType.F32, new long[] {1, 3}, small));
        assertMessage(e, "needs 12 bytes", "holds 10");
    }

    @Test
    void closedHandlesThrowAndCloseTwiceIsHarmless() {
        Model model = core.readModel(faceModel);
        model.close();
        model.close();
        assertMessage(assertThrows(OpenVinoException.class, model::inputs), "Model is closed");

        Tensor tensor = Tensor.allocate(ElementType.U8, 4);
        MemorySegment data = tensor.data();
        tensor.close();
        assertMessage(assertThrows(OpenVinoException.class, tensor::shape), "Tensor is closed");
        assertThrows(IllegalStateException.class, () -> data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void exceptionInCompletionCallbackReachesTheCaller() {
        try (Model model = core.readModel(faceModel);
                CompiledModel compiled = core.compile(model, "CPU");
                InferRequest request = compiled.createInferRequest()) {
            request.startAsync(r -> {
                throw new IllegalStateException("boom in callback");
            });
            OpenVinoException e = assertThrows(OpenVinoException.class, request::waitForCompletion);
            assertMessage(e, "completion callback", "boom in callback");
            assertTrue(e.getCause() instanceof IllegalStateException);

            // Reported once; the request is still usable afterwards.
            request.startAsync();
            request.waitForCompletion();
        }
    }

    @Test
    void waitingInsideOwnCallbackIsRefusedInsteadOfDeadlocking() {
        try (Model model = core.readModel(faceModel);
                CompiledModel compiled = core.compile(model, "CPU");
                InferRequest request = compiled.createInferRequest()) {
            request.startAsync(InferRequest::waitForCompletion);
            OpenVinoException e = assertThrows(OpenVinoException.class, request::waitForCompletion);
            assertMessage(e, "own completion callback", "deadlock");
        }
    }

    @Test
    void compilePropertiesAreCheckedByOpenVino() {
        try (Model model = core.readModel(faceModel)) {
            OpenVinoException e = assertThrows(OpenVinoException.class,
                    () -> core.compile(model, "CPU", Map.of("PERFORMANCE_HINT", "FASTEST")));
            assertMessage(e, "cannot compile model", "PERFORMANCE_HINT");
        }
    }
}
