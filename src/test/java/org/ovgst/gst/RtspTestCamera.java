package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.ovgst.testing.TestAssets;

/**
 * A live RTSP camera on 127.0.0.1 that a test kills and starts again on the same port:
 * {@code pipelines/rtsp-test-camera.py} (gst-rtsp-server, H.264) run by Debian's python3.
 */
final class RtspTestCamera implements AutoCloseable {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = TestAssets.home().resolve("pipelines/rtsp-test-camera.py");
    /** Linux hands out client ports from 32768 up: the camera's port stays free while it is away. */
    private static final int FIRST_PORT = 20000;
    private static final int PORTS = 10000;

    private final List<String> command;
    private final Path log;
    private final int port;
    private Process process;

    private RtspTestCamera(List<String> command, Path log, int port) {
        this.command = command;
        this.log = log;
        this.port = port;
    }

    /** Fails, saying what to install, when python3-gi, the RTSP server library or an H.264 encoder is missing. */
    static void checkPrerequisites() throws Exception {
        assertTrue(Files.isExecutable(PYTHON), PYTHON + " is missing: ./ovgst setup installs python3-gi");
        GstTestSupport.Result probe = GstTestSupport.run(List.of(PYTHON.toString(), "-c",
                "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0');"
                        + " from gi.repository import Gst, GstRtspServer; Gst.init(None);"
                        + " assert Gst.ElementFactory.find('openh264enc') or Gst.ElementFactory.find('x264enc'),"
                        + " 'no H.264 encoder: apt-get install gstreamer1.0-plugins-bad'"),
                TestAssets.home(), 60, Map.of());
        assertTrue(probe.exitCode() == 0, "no RTSP server for the tests (./ovgst setup installs python3-gi and"
                + " gir1.2-gst-rtsp-server-1.0): " + probe.describe());
    }

    /** Starts a camera streaming {@code options} (the script's: --width, --height, --fps, --image) on a free port. */
    static RtspTestCamera start(Path dir, String name, String... options) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), "--port",
                Integer.toString(port)));
        command.addAll(List.of(options));
        RtspTestCamera camera = new RtspTestCamera(command, dir.resolve(name + ".log"), port);
        camera.startProcess();
        return camera;
    }

    String uri() {
        return "rtsp://127.0.0.1:" + port + "/cam";
    }

    /** Kills the server at once (SIGKILL), as a camera that loses power or network. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the camera on port " + port + " does not die");
    }

    /** Starts the server again on the same port; returns once it accepts clients. */
    void restart() throws IOException, InterruptedException {
        assertTrue(!process.isAlive(), "restart() after kill()");
        startProcess();
    }

    private void startProcess() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("PYTHONUNBUFFERED", "1");
        process = builder.start();
        process.getOutputStream().close();
        // The script prints its URL once it listens.
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = firstLine.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            line = null;
        }
        if (!uri().equals(line)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the RTSP test camera did not start (" + String.join(" ", command) + ") printed "
                    + line + "; its log:\n" + Files.readString(log));
        }
    }

    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = FIRST_PORT + ThreadLocalRandom.current().nextInt(PORTS);
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between " + FIRST_PORT + " and " + (FIRST_PORT + PORTS));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
