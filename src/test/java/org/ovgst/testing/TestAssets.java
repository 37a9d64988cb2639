package org.ovgst.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.infer.model.Labels;

/** The project's real models and photographs, installed by {@code ./ovgst setup} under models/. */
public final class TestAssets {
    private TestAssets() {}

    public static Path home() {
        String home = System.getProperty("ovgst.home");
        return home == null ? Path.of("").toAbsolutePath() : Path.of(home);
    }

    /** A model file under models/; fails the test with the set-up command when it is missing. */
    /** Makes a named pipe at {@code path} (mkfifo) and returns it: a user file that never ends. */
    public static Path fifo(Path path) {
        try {
            assertTrue(new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor() == 0,
                    "mkfifo " + path + " failed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return path;
    }

    public static Path model(String file) {
        return installed(home().resolve("models").resolve(file));
    }

    public static Path image(String file) {
        return installed(home().resolve("models").resolve("images").resolve(file));
    }

    /** A video clip set-up extracted into models/clips/ (models/README.md lists them). */
    public static Path clip(String file) {
        return installed(home().resolve("models").resolve("clips").resolve(file));
    }

    /** The project venv's Python, which has OpenVINO and NumPy. */
    public static Path python() {
        return installed(home().resolve(".venv").resolve("bin").resolve("python"));
    }

    private static Path installed(Path path) {
        assertTrue(Files.exists(path), path + " is missing: run ./ovgst setup");
        return path;
    }

    /** The 24 labels of the Open Images SSD, as set-up fetches them beside the model. */
    public static LabelMap openImagesLabels() {
        try {
            return LabelMap.of(Labels.load(model("oidv4_labels.txt")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A photograph under models/images, decoded to packed BGR rows. */
    public static BgrImage readBgr(Path file) {
        try {
            return BgrImage.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
