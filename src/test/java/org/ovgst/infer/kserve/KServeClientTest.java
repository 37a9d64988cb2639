package org.ovgst.infer.kserve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.cli.Npy;
import org.ovgst.infer.InferenceException;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PortInfo;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.IrModels;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.TritonServer;
import org.ovgst.testing.VenvPython;

/**
 * {@link KServeClient} against a real Triton (set-up's, started here on 127.0.0.1) serving the
 * project's models through OpenVINO: metadata and outputs checked against OpenVINO's Python API on the
 * same model files and tensors; the failures a user meets (no such model, no server, a slow server)
 * checked for messages that say what is wrong and where.
 */
class KServeClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static TritonServer triton;
    private static KServeClient client;
    private static Path identity;
    private static Path identity640;

    @BeforeAll
    static void startServer() throws IOException, InterruptedException {
        identity = IrModels.identity(Files.createDirectories(dir.resolve("ir")), ElementType.F32, 1, 2, 3, 4);
        identity640 = IrModels.identity(dir.resolve("ir"), ElementType.F32, 1, 3, 640, 640);
        triton = new TritonServer(dir.resolve("triton"), List.of(
                TritonServer.model("yolov8n", TestAssets.model("320n.onnx")),
                TritonServer.model("face", TestAssets.model("face_detection.xml")),
                TritonServer.model("face_short", TestAssets.model("face_detection_short_range.tflite")),
                TritonServer.model("slow", identity, "--delay-ms", "2000"),
                TritonServer.model("identity640", identity640, "--max-batch-size", "0")));
        client = new KServeClient(triton.address());
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        if (triton != null) {
            triton.close();
        }
    }

    @Test
    void serverIsLiveAndReadyAndSaysItIsTriton() {
        assertTrue(client.serverLive(TIMEOUT));
        assertTrue(client.serverReady(TIMEOUT));
        KServeClient.ServerInfo info = client.serverMetadata(TIMEOUT);
        assertEquals("triton", info.name());
        assertEquals("2.51.0", info.version());
        assertTrue(info.extensions().contains("system_shared_memory"), info.extensions()::toString);
        assertTrue(client.modelReady("yolov8n", "", TIMEOUT));
        assertTrue(client.modelReady("yolov8n", "1", TIMEOUT));
    }

    /** Ports as OpenVINO's Python API reads the file: the models whose batch axis is dynamic or absent. */
    @Test
    void metadataEqualsWhatOpenVinoReadsFromTheFile() throws Exception {
        for (var served : List.of(List.of("yolov8n", "320n.onnx"), List.of("face", "face_detection.xml"),
                List.of("face_short", "face_detection_short_range.tflite"))) {
            ServedModel model = client.modelMetadata(served.get(0), "", TIMEOUT);
            assertEquals(served.get(0), model.name());
            assertEquals(List.of("1"), model.versions());
            assertEquals("python", model.platform());
            List<String> lines = new ArrayList<>();
            model.ports().inputs().forEach(p -> lines.add("input " + p));
            model.ports().outputs().forEach(p -> lines.add("output " + p));
            String expected = VenvPython.runFile("openvino_run.py", "--ports",
                    TestAssets.model(served.get(1)).toString());
            assertEquals(expected.strip(), String.join("\n", lines), served.get(0));
        }
    }

    /** A batched model: Triton adds its batch axis, -1, to what the file says ([1,2,3,4] here). */
    @Test
    void aModelTritonBatchesHasADynamicBatchAxis() {
        PortInfo input = client.modelMetadata("slow", "", TIMEOUT).ports().inputs().getFirst();
        assertEquals("x f32 [?,2,3,4]", input.toString());
    }

    @Test
    void yoloOutputsEqualOpenVinosOnAPhotograph() throws Exception {
        // astronaut.png at 320x320, RGB planes in [0, 1]: NudeNet's YOLOv8n input.
        BgrImage photo = TestAssets.readBgr(TestAssets.image("astronaut.png")).scaled(320, 320);
        float[] planes = new float[3 * 320 * 320];
        for (int y = 0; y < 320; y++) {
            for (int x = 0; x < 320; x++) {
                int[] bgr = photo.bgrAt(x, y);
                for (int c = 0; c < 3; c++) {
                    planes[c * 320 * 320 + y * 320 + x] = bgr[2 - c] / 255f;
                }
            }
        }
        assertOutputsEqualOpenVinos("yolov8n", "320n.onnx", "images", new long[] {1, 3, 320, 320}, planes);
    }

    @Test
    void batchedAndUnbatchedFaceModelsEqualOpenVinos() throws Exception {
        Random random = new Random(25);
        float[] two = new float[2 * 3 * 128 * 128];
        for (int i = 0; i < two.length; i++) {
            two[i] = random.nextFloat() * 2 - 1;
        }
        assertOutputsEqualOpenVinos("face", "face_detection.xml", "input", new long[] {2, 3, 128, 128}, two);
        assertOutputsEqualOpenVinos("face_short", "face_detection_short_range.tflite", "input",
                new long[] {1, 128, 128, 3}, Arrays.copyOf(two, 128 * 128 * 3));
    }

    /**
     * Requests in flight together on one channel, which Triton's dynamic batcher may run as one batch
     * (openvino_model.py splits it back): each gets the outputs of its own input, as when sent alone.
     */
    @Test
    void concurrentRequestsEachGetTheirOwnOutputs() throws Exception {
        Random random = new Random(8);
        try (Arena arena = Arena.ofConfined()) {
            List<KServeTensor> inputs = new ArrayList<>();
            List<float[]> alone = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                float[] values = new float[3 * 128 * 128];
                for (int i = 0; i < values.length; i++) {
                    values[i] = random.nextFloat() * 2 - 1;
                }
                inputs.add(tensor("input", new long[] {1, 3, 128, 128}, values, arena));
                alone.add(floats(client.infer("face", "", List.of(inputs.getLast()), List.of("525"), TIMEOUT).get()
                        .outputs().getFirst().data()));
            }
            var together = inputs.stream().map(in -> client.infer("face", "", List.of(in), List.of("525"), TIMEOUT)).toList();
            for (int r = 0; r < 8; r++) {
                float[] scores = floats(together.get(r).get().outputs().getFirst().data());
                assertEquals(896, scores.length);
                for (int i = 0; i < scores.length; i++) {
                    // A batch may run other kernels than one image: equal to rounding, not bit for bit.
                    assertEquals(alone.get(r)[i], scores[i], 1e-3f, "request " + r + " score " + i);
                }
            }
        }
    }

    @Test
    void anUnknownModelIsNamedWithTheModelsServed() {
        InferenceException e = assertThrows(InferenceException.class,
                () -> client.requireModel("yolov9", "", TIMEOUT));
        assertMentions(e, triton.address(), "'yolov9'", "'yolov8n' version 1 READY", "'face' version 1 READY",
                "'face_short' version 1 READY", "'slow' version 1 READY", "property model");
        e = assertThrows(InferenceException.class, () -> client.modelMetadata("yolov9", "", TIMEOUT));
        assertMentions(e, triton.address(), "ModelMetadata for model 'yolov9'", "'yolov8n' version 1 READY");
        ExecutionException failed = assertThrows(ExecutionException.class, () -> client.infer("yolov9", "",
                List.of(tensor("x", new long[] {1, 2, 3, 4}, new float[24], Arena.ofAuto())), List.of(), TIMEOUT).get());
        assertMentions(assertInstanceOf(InferenceException.class, failed.getCause()), triton.address(),
                "ModelInfer for model 'yolov9'");
    }

    @Test
    void aVersionTheServerDoesNotHaveIsNamed() {
        assertFalse(client.modelReady("yolov8n", "7", TIMEOUT));
        InferenceException e = assertThrows(InferenceException.class, () -> client.requireModel("yolov8n", "7", TIMEOUT));
        assertMentions(e, "'yolov8n' version 7", "'yolov8n' version 1 READY", "model-version");
    }

    @Test
    void aWrongInputShapeIsRefusedWithTheServersWords() {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> client.infer("face_short", "",
                List.of(tensor("input", new long[] {1, 64, 64, 3}, new float[64 * 64 * 3], Arena.ofAuto())),
                List.of(), TIMEOUT).get());
        assertMentions(assertInstanceOf(InferenceException.class, failed.getCause()), triton.address(),
                "refused ModelInfer for model 'face_short'", "INVALID_ARGUMENT", "input");
    }

    @Test
    void noServerAtTheAddressIsSaidWithTheAddress() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (KServeClient nobody = new KServeClient("127.0.0.1:" + port)) {
            InferenceException e = assertThrows(InferenceException.class, () -> nobody.serverReady(TIMEOUT));
            assertMentions(e, "the inference server at 127.0.0.1:" + port + " is not reachable", "UNAVAILABLE",
                    "Connection refused", "property server");
            ExecutionException failed = assertThrows(ExecutionException.class, () -> nobody.infer("face", "",
                    List.of(tensor("x", new long[] {1}, new float[1], Arena.ofAuto())), List.of(), TIMEOUT).get());
            assertMentions(assertInstanceOf(InferenceException.class, failed.getCause()), "127.0.0.1:" + port,
                    "not reachable");
        }
    }

    @Test
    void anAddressThatIsNotHostAndPortIsRefused() {
        for (String bad : List.of("localhost", "127.0.0.1:", ":8001", "127.0.0.1:99999", "http://127.0.0.1:8001",
                "::1:8001")) {
            InferenceException e = assertThrows(InferenceException.class, () -> new KServeClient(bad).close(), bad);
            assertMentions(e, "'" + bad + "' is not HOST:PORT");
        }
        new KServeClient("[::1]:8001").close();
        new KServeClient("localhost:8001").close();
    }

    /** The model sleeps 2 s; a 300 ms deadline ends the call at 300 ms, not when the server answers. */
    @Test
    void aSlowServerFailsTheCallAtItsDeadline() {
        long start = System.nanoTime();
        var call = client.infer("slow", "", List.of(tensor("x", new long[] {1, 2, 3, 4}, new float[24], Arena.ofAuto())),
                List.of(), Duration.ofMillis(300));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertMentions(assertInstanceOf(InferenceException.class, failed.getCause()), triton.address(),
                "did not answer ModelInfer for model 'slow' within 300 ms", "server-timeout");
        assertTrue(millis >= 300 && millis < 1500, "failed after " + millis + " ms");
    }

    /** Calls in flight when their client is closed fail at once, saying so: one at the server, one just sent. */
    @Test
    void closingTheClientEndsTheCallsInFlight() throws InterruptedException {
        var closing = new KServeClient(triton.address());
        var input = List.of(tensor("x", new long[] {1, 2, 3, 4}, new float[24], Arena.ofAuto()));
        var atTheServer = closing.infer("slow", "", input, List.of(), TIMEOUT);
        Thread.sleep(500);
        var justSent = closing.infer("slow", "", input, List.of(), TIMEOUT);
        closing.close();
        for (var call : List.of(atTheServer, justSent)) {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(1, TimeUnit.SECONDS));
            assertMentions(assertInstanceOf(InferenceException.class, failed.getCause()),
                    "ModelInfer for model 'slow' to the inference server at " + triton.address()
                            + " was cancelled: the client was closed");
        }
    }

    /**
     * An outage, on a server of its own: killed, the client says so at once; started again on its port,
     * the client reaches it within 2 s of its being ready (it tries every second, not after gRPC's
     * growing backoff); the dead server's shared memory is gone from /dev/shm.
     */
    @Test
    void aServerKilledAndStartedAgainIsReachedAgainWithinTwoSeconds(@TempDir Path own) throws Exception {
        try (TritonServer server = new TritonServer(own, List.of(TritonServer.model("identity", identity)));
                KServeClient reconnecting = new KServeClient(server.address())) {
            assertTrue(reconnecting.serverReady(TIMEOUT));
            assertFalse(server.sharedMemoryRegions().isEmpty(), "the Python backend has regions of its own");
            server.kill();
            assertTrue(server.sharedMemoryRegions().isEmpty(), () -> "left behind: " + server.sharedMemoryRegions());
            assertMentions(assertThrows(InferenceException.class, () -> reconnecting.serverReady(TIMEOUT)),
                    "not reachable");
            // Long enough for gRPC's backoff to have grown past a few seconds.
            for (int i = 0; i < 8; i++) {
                assertThrows(InferenceException.class, () -> reconnecting.serverReady(TIMEOUT));
                Thread.sleep(500);
            }
            server.start();
            long ready = System.nanoTime();
            while (!reachable(reconnecting)) {
                assertTrue(System.nanoTime() - ready < 2_000_000_000L, "not reached 2 s after the restart");
                Thread.sleep(50);
            }
            float[] values = new float[24];
            for (int i = 0; i < values.length; i++) {
                values[i] = i * 0.5f;
            }
            try (Arena arena = Arena.ofConfined()) {
                var response = reconnecting.infer("identity", "", List.of(tensor("x", new long[] {1, 2, 3, 4}, values,
                        arena)), List.of("y"), TIMEOUT).get();
                assertArrayEquals(values, floats(response.outputs().getFirst().data()));
            }
        }
    }

    private static boolean reachable(KServeClient client) {
        try {
            return client.serverReady(TIMEOUT);
        } catch (InferenceException e) {
            return false;
        }
    }

    /**
     * Triton's shared-memory extension: an input written into /dev/shm (at an offset in the object)
     * and handed over by reference gives the outputs the same input gives in raw contents.
     */
    @Test
    void anInputInSharedMemoryGivesWhatItGivesInRawContents() throws Exception {
        String key = "/ovgst-kserve-test-" + ProcessHandle.current().pid();
        Path object = Path.of("/dev/shm" + key);
        long[] shape = {1, 128, 128, 3};
        float[] values = new float[128 * 128 * 3];
        Random random = new Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        long offset = 4096;
        try (FileChannel channel = FileChannel.open(object, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE); Arena arena = Arena.ofConfined()) {
            MemorySegment shared = channel.map(FileChannel.MapMode.READ_WRITE, 0, offset + values.length * 4L, arena);
            MemorySegment.copy(values, 0, shared, ValueLayout.JAVA_FLOAT, offset, values.length);
            client.registerSystemSharedMemory("frames", key, 0, shared.byteSize(), TIMEOUT);
            try {
                assertTrue(client.systemSharedMemoryRegions(TIMEOUT).contains("frames"));
                var byReference = client.inferShared("face_short", "", List.of(new SharedTensor("input", ElementType.F32,
                        shape, "frames", offset)), List.of(), TIMEOUT).get();
                var raw = client.infer("face_short", "", List.of(tensor("input", shape, values, arena)), List.of(),
                        TIMEOUT).get();
                assertEquals(2, byReference.outputs().size());
                for (int i = 0; i < 2; i++) {
                    assertArrayEquals(floats(raw.outputs().get(i).data()), floats(byReference.outputs().get(i).data()));
                }
            } finally {
                client.unregisterSystemSharedMemory("frames", TIMEOUT);
                Files.delete(object);
            }
            assertFalse(client.systemSharedMemoryRegions(TIMEOUT).contains("frames"));
        }
        InferenceException e = assertThrows(InferenceException.class, () -> client.registerSystemSharedMemory("nothing",
                "/ovgst-no-such-object", 0, 64, TIMEOUT));
        assertMentions(e, triton.address(), "refused SystemSharedMemoryRegister", "/ovgst-no-such-object");
    }

    /**
     * A 1x3x640x640 f32 tensor (4.9 MB, over gRPC's default limit of 4 MiB for a message received)
     * comes back whole; prints the round trips of it and of YOLOv8n at 640x640 (the figures of the report).
     */
    @Test
    void aTensorOfFiveMegabytesComesBackWholeAndRoundTripsAreMeasured() throws Exception {
        float[] values = new float[3 * 640 * 640];
        Random random = new Random(640);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        try (Arena arena = Arena.ofConfined()) {
            KServeTensor input = tensor("x", new long[] {1, 3, 640, 640}, values, arena);
            KServeClient.InferResponse response = client.infer("identity640", "", List.of(input), List.of(), TIMEOUT).get();
            assertArrayEquals(values, floats(response.outputs().getFirst().data()));
            System.out.println("ModelInfer round trip, Java client, Triton " + triton.address() + ": identity f32 "
                    + "[1,3,640,640] raw " + medianMillis(20, () -> client.infer("identity640", "", List.of(input),
                            List.of(), TIMEOUT).get()) + " ms median; YOLOv8n (320n.onnx) [1,3,640,640] "
                    + medianMillis(10, () -> client.infer("yolov8n", "", List.of(tensor("images",
                            new long[] {1, 3, 640, 640}, values, arena)), List.of(), TIMEOUT).get()) + " ms median");
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static String medianMillis(int runs, Call call) throws Exception {
        call.run();
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            call.run();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return String.format(java.util.Locale.ROOT, "%.1f", nanos[runs / 2] / 1e6);
    }

    /** Triton's answer to {@code inputName} = {@code values} equals OpenVINO's (Python) on the same file, bit for bit. */
    private static void assertOutputsEqualOpenVinos(String served, String file, String inputName, long[] shape,
            float[] values) throws Exception {
        Path work = Files.createTempDirectory(dir, served);
        try (Arena arena = Arena.ofConfined()) {
            KServeTensor input = tensor(inputName, shape, values, arena);
            Npy.write(work.resolve("in.npy"), ElementType.F32, shape, input.data());
            KServeClient.InferResponse response = client.infer(served, "", List.of(input), List.of(), TIMEOUT).get();
            assertEquals(served, response.model());
            assertEquals("1", response.version());
            String[] expected = VenvPython.runFile("openvino_run.py", TestAssets.model(file).toString(),
                    work.toString(), inputName + "=" + work.resolve("in.npy")).strip().split("\n");
            assertEquals(expected.length, response.outputs().size(), () -> served + ": " + response.outputs());
            for (int i = 0; i < expected.length; i++) {
                KServeTensor output = response.outputs().get(i);
                Npy.Array reference = Npy.read(work.resolve(i + ".npy"), arena);
                assertEquals(expected[i].substring(0, expected[i].indexOf(' ')), output.name());
                assertArrayEquals(reference.shape(), output.shape(), output::toString);
                assertEquals(ElementType.F32, output.type());
                assertArrayEquals(reference.data().toArray(ValueLayout.JAVA_FLOAT), floats(output.data()),
                        served + " " + output);
            }
        }
    }

    static KServeTensor tensor(String name, long[] shape, float[] values, Arena arena) {
        MemorySegment data = arena.allocate(ValueLayout.JAVA_FLOAT, values.length);
        MemorySegment.copy(values, 0, data, ValueLayout.JAVA_FLOAT, 0, values.length);
        return new KServeTensor(name, ElementType.F32, shape, data);
    }

    /** Raw contents are a byte array's segment: read unaligned. */
    static float[] floats(MemorySegment data) {
        float[] values = new float[(int) (data.byteSize() / 4)];
        MemorySegment.copy(data, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values, 0, values.length);
        return values;
    }

    private static void assertMentions(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + part + "' not in: " + e.getMessage()
                    + "\nTriton's log: " + triton.log());
        }
    }
}
