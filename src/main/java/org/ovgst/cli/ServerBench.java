package org.ovgst.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ovgst.infer.kserve.KServeClient;
import org.ovgst.infer.kserve.ServedModel;
import org.ovgst.tensor.PortInfo;

/**
 * {@code ./ovgst bench --server}: on one Triton started here (set-up's, serving ovgst's face detector
 * through OpenVINO), the server's capacity as its own Python client measures it (raw contents, the
 * same number in flight), ovdetect over the server with and without shared memory, ovdetect in this
 * process, and the bytes a frame puts on the wire. ovgst is never to be the bottleneck: ovdetect over
 * the server against the Python client is the figure that says so.
 */
final class ServerBench {
    private static final Pattern FPS = Pattern.compile("\"fps\":\\s*([0-9.eE+-]+)");
    private static final String MODEL = "face";
    private static final int IN_FLIGHT = 4;
    private static final Duration READY = Duration.ofSeconds(90);

    private ServerBench() {}

    static int run(Path home, BenchRuns runs, int frames, Path outDir, PrintStream out)
            throws IOException, InterruptedException {
        Path python = home.resolve(".venv-triton/bin/python");
        if (!Files.isExecutable(python)) {
            throw new UsageException("bench --server needs set-up's Triton (" + python + "): run ./ovgst setup");
        }
        Path face = home.resolve("models/face_detection_short_range.tflite");
        Path repository = outDir.resolve("triton-models");
        BenchRuns.runProcess(List.of(python.toString(), home.resolve("scripts/triton/model_repository.py").toString(),
                repository.toString(), MODEL, face.toString()), Map.of());
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        Path log = outDir.resolve("triton.log");
        Process triton = new ProcessBuilder("bash", home.resolve("scripts/triton/serve.sh").toString(),
                repository.toString(), "--grpc-port=" + port).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        try {
            awaitReady(triton, log, address);
            out.printf(Locale.ROOT, "server: Triton at %s serving %s as '%s', %d requests in flight, 640x480 BGR frames%n",
                    address, face.getFileName(), MODEL, IN_FLIGHT);
            double python3 = parseFps(BenchRuns.runProcess(List.of(python.toString(),
                    home.resolve("bench/python/triton_capacity.py").toString(), address, MODEL,
                    String.valueOf(IN_FLIGHT), "5"), Map.of()));
            out.printf(Locale.ROOT, "  Python tritonclient, async, raw contents:  %8.1f inferences/s%n", python3);
            String served = "server=" + address + " nireq=" + IN_FLIGHT;
            double raw = runs.detect(MODEL, 640, 480, frames, served + " server-shared-memory=false", null).fps();
            out.printf(Locale.ROOT, "  ovdetect over the server, raw contents:    %8.1f fps (%.2f x the Python client)%n",
                    raw, raw / python3);
            double shared = runs.detect(MODEL, 640, 480, frames, served + " server-shared-memory=true", null).fps();
            out.printf(Locale.ROOT, "  ovdetect over the server, shared memory:   %8.1f fps (%.2f x the Python client)%n",
                    shared, shared / python3);
            double here = runs.detect(face.toString(), 640, 480, frames, "", null).fps();
            out.printf(Locale.ROOT, "  ovdetect in this process (OpenVINO):       %8.1f fps (over the server, shared"
                    + " memory: %.2f x)%n", here, shared / here);
            try (KServeClient client = new KServeClient(address)) {
                ServedModel model = client.modelMetadata(MODEL, "", Duration.ofSeconds(5));
                long in = bytes(model.ports().inputs());
                long outputs = bytes(model.ports().outputs());
                out.printf(Locale.ROOT, "  bytes per frame on the wire: raw %,d in + %,d out; shared memory %,d out%n",
                        in, outputs, outputs);
            }
        } finally {
            triton.destroy();
            triton.waitFor();
        }
        return 0;
    }

    /** Bytes of one inference's tensors (a variable batch axis counted once). */
    private static long bytes(List<PortInfo> ports) {
        long total = 0;
        for (PortInfo port : ports) {
            long elements = 1;
            for (int axis = 0; axis < port.shape().rank(); axis++) {
                elements *= port.shape().get(axis).isStatic() ? port.shape().get(axis).size() : 1;
            }
            total += elements * port.elementType().byteSize();
        }
        return total;
    }

    private static void awaitReady(Process triton, Path log, String address) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        String ready = "Started GRPCInferenceService at " + address;
        while (!Files.readString(log, StandardCharsets.UTF_8).contains(ready)) {
            if (!triton.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("Triton did not start (see " + log + ")");
            }
            Thread.sleep(100);
        }
    }

    private static double parseFps(String output) {
        Matcher matcher = FPS.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("bench/python/triton_capacity.py said: " + output);
        }
        return Double.parseDouble(matcher.group(1));
    }
}
