package org.ovgst.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.TestAssets;

/** The variables of a ready pipeline: which NAME=value it takes, where it writes by default, what it writes. */
class PipelineFileTest {
    private static final Path ROOT = Path.of("/opt/ovgst");
    private static final Path CWD = Path.of("/home/user/clips");

    @TempDir
    Path dir;

    private PipelineFile file(String text) throws Exception {
        Path file = dir.resolve("test.pipeline");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return PipelineFile.read(file);
    }

    @Test
    void aMisspeltNameIsRefusedWithTheNamesTheFileTakes() throws Exception {
        PipelineFile file = PipelineFile.read(TestAssets.home().resolve("pipelines/file.pipeline"));
        UsageException refused = assertThrows(UsageException.class, () -> file.expand(
                Map.of("INPUT", "a.avi", "MODLE", "foo"), Map.of(), ROOT, CWD));
        assertTrue(refused.getMessage().contains("does not use MODLE; it takes INPUT, MODEL, OUTPUT"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("INPUT   the video file"), refused.getMessage());
    }

    /** Names used only inside a default or an optional text are the file's too; ROOT and CWD are ovgst's. */
    @Test
    void namesInsideDefaultsAreTakenAndBuiltInsAreNot() throws Exception {
        PipelineFile file = file("""
                # a test
                filesrc location="${INPUT}" ! fakesink name="${NAME:-${OTHER:-x}}" ${EXTRA:+sync=${SYNC}}
                """);
        assertEquals(List.of("EXTRA", "INPUT", "NAME", "OTHER", "SYNC"), List.copyOf(file.variables()));
        assertEquals("filesrc location=\"a\" ! fakesink name=\"y\" sync=true", file.expand(
                Map.of("INPUT", "a", "OTHER", "y", "EXTRA", "1", "SYNC", "true"), Map.of(), ROOT, CWD));
        for (String builtIn : List.of("ROOT", "CWD")) {
            UsageException refused = assertThrows(UsageException.class, () -> file.expand(
                    Map.of("INPUT", "a", builtIn, "/x"), Map.of(), ROOT, CWD));
            assertTrue(refused.getMessage().contains("does not use " + builtIn
                    + "; it takes EXTRA, INPUT, NAME, OTHER, SYNC"), refused.getMessage());
        }
    }

    /** The environment holds names for every program: an unused one there is no mistake. */
    @Test
    void theEnvironmentIsNotChecked() throws Exception {
        PipelineFile file = file("filesrc location=\"${INPUT}\" ! fakesink\n");
        assertEquals("filesrc location=\"b\" ! fakesink", file.expand(Map.of(), Map.of("INPUT", "b", "HOME", "/root",
                "MODLE", "x"), ROOT, CWD));
    }

    /** OUTPUT's default lies under the working directory, not under the checkout; models under the checkout. */
    @Test
    void theDefaultOutputIsUnderTheWorkingDirectory() throws Exception {
        String description = PipelineFile.read(TestAssets.home().resolve("pipelines/file.pipeline")).expand(
                Map.of("INPUT", "in.avi"), Map.of(), ROOT, CWD);
        assertEquals(List.of(CWD.resolve("out/file.jsonl"), CWD.resolve("out/file.mp4")),
                PipelineFile.outputs(description));
        assertTrue(description.contains("model=\"" + ROOT.resolve("models/face_detection_short_range.tflite")),
                description);
    }

    /** What launch names at the end: the files of filesink and ovmetapublish, not a source nor standard output. */
    @Test
    void outputsAreTheFilesWritten() {
        assertEquals(List.of(Path.of("/o/a b.jsonl"), Path.of("o/c.png"), Path.of("/o/d.jsonl")), PipelineFile.outputs(
                "filesrc location=/in.mp4 ! decodebin ! ovmetapublish file-format=json-lines location=\"/o/a b.jsonl\""
                        + " ! pngenc ! filesink sync=false location=o/c.png"
                        + " videotestsrc ! ovmetapublish location=- ! ovmetapublish location=/dev/stdout"
                        + " ! multifilesink location=f%d.png videotestsrc ! ovmetapublish location=/o/d.jsonl ! fakesink"));
    }
}
