package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.openvino.OpenVino;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.TestAssets;

/** ovdetect's inference-interval, model-instance-id and label checks, in this process. */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DetectElementTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int FRAMES = 30;

    @TempDir
    static Path dir;
    /** Raw BGR frames: the astronaut photograph panned and zoomed, so every frame's face box differs. */
    private static Path video;

    @BeforeAll
    static void writeVideo() throws IOException {
        BgrImage photo = TestAssets.readBgr(TestAssets.image("astronaut.png"));
        video = dir.resolve("pan.bgr");
        try (OutputStream out = Files.newOutputStream(video)) {
            for (int i = 0; i < FRAMES; i++) {
                int side = 512 - 8 * i;
                out.write(crop(photo, 4 * i, 2 * i, side, side * HEIGHT / WIDTH).scaled(WIDTH, HEIGHT).pixels());
            }
        }
    }

    private static BgrImage crop(BgrImage image, int left, int top, int width, int height) {
        byte[] pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            System.arraycopy(image.pixels(), ((top + y) * image.width() + left) * 3, pixels, y * width * 3, width * 3);
        }
        return new BgrImage(width, height, pixels);
    }

    private static String source() {
        return "filesrc location=" + video + " ! rawvideoparse format=bgr width=" + WIDTH + " height=" + HEIGHT
                + " framerate=30/1";
    }

    @Test
    void inferenceIntervalInfersEveryThirdFrameAndPassesTheOthersThroughInOrder() throws Exception {
        Path json = dir.resolve("interval.jsonl");
        Pipeline.Outcome outcome = GstTestSupport.runInProcess(source() + " ! ovdetect model=" + FACE_MODEL
                + " inference-interval=3 batch-size=2 ! ovmetapublish location=" + json + " ! fakesink",
                Duration.ofSeconds(60), p -> { });
        assertTrue(outcome.ok(), outcome.toString());
        List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(json);
        assertEquals(FRAMES, frames.size());
        for (int i = 0; i < FRAMES; i++) {
            assertEquals(i, frames.get(i).frame());
            assertEquals(i % 3 == 0 ? 1 : 0, frames.get(i).objects().size(), "faces on frame " + i);
        }
    }

    /**
     * Four branches on one model-instance-id: one compiled model, every branch's frames complete and
     * in order, the same boxes as four elements with models of their own (batches mix the branches).
     */
    @Test
    void fourBranchesShareOneModelAndGetWhatSeparateElementsGet() throws Exception {
        List<List<GstTestSupport.Frame>> shared = fourBranches("model-instance-id=cams", "shared");
        List<List<GstTestSupport.Frame>> separate = fourBranches("", "separate");
        for (int branch = 0; branch < 4; branch++) {
            List<GstTestSupport.Frame> frames = shared.get(branch);
            assertEquals(FRAMES, frames.size(), "branch " + branch);
            for (int i = 0; i < FRAMES; i++) {
                assertEquals(i, frames.get(i).frame(), "branch " + branch + " in order");
                assertEquals(1, frames.get(i).objects().size(), "branch " + branch + " frame " + i);
                assertEquals(separate.get(branch).get(i).objects(), frames.get(i).objects(),
                        "branch " + branch + " frame " + i + " shared vs separate");
            }
        }
        // The faces move: the frames really differ.
        assertTrue(shared.get(0).get(0).objects().get(0).x() != shared.get(0).get(FRAMES - 1).objects().get(0).x());
    }

    private List<List<GstTestSupport.Frame>> fourBranches(String instance, String name) throws IOException {
        StringBuilder description = new StringBuilder(source() + " ! tee name=t");
        for (int branch = 0; branch < 4; branch++) {
            description.append(" t. ! queue ! ovdetect name=d").append(branch).append(" model=").append(FACE_MODEL)
                    .append(" batch-size=4 nireq=2 ").append(instance).append(" ! ovmetapublish location=")
                    .append(dir.resolve(name + branch + ".jsonl")).append(" ! fakesink");
        }
        AtomicLong compiled = new AtomicLong(-1);
        Pipeline.Outcome outcome = GstTestSupport.runInProcess(description.toString(), Duration.ofSeconds(90),
                pipeline -> pipeline.element("d0", OvDetect.class).addListener((frame, pts, width, height, detections) -> {
                    if (frame == FRAMES - 1) {
                        compiled.set(OpenVino.liveHandles().getOrDefault("CompiledModel", 0L));
                    }
                }));
        assertTrue(outcome.ok(), outcome.toString());
        if (!instance.isEmpty()) {
            assertEquals(1, compiled.get(), "compiled models while the four branches run");
        } else {
            assertTrue(compiled.get() >= 2, "separate elements compile their own: " + compiled.get());
        }
        List<List<GstTestSupport.Frame>> branches = new ArrayList<>();
        for (int branch = 0; branch < 4; branch++) {
            branches.add(GstTestSupport.readFrames(dir.resolve(name + branch + ".jsonl")));
        }
        return branches;
    }

    @Test
    void aLabelFileThatDoesNotFitTheModelIsAWarningNamingBothCounts() throws Exception {
        Path labels = Files.writeString(dir.resolve("three.txt"), "face\nhand\nfoot\n");
        List<String> warnings = new ArrayList<>();
        Path json = dir.resolve("labels.jsonl");
        Pipeline.Outcome outcome = GstTestSupport.runInProcess(source() + " ! ovdetect model="
                + FACE_MODEL + " labels-file=" + labels + " ! ovmetapublish location=" + json + " ! fakesink",
                Duration.ofSeconds(60), p -> { }, warnings::add);
        assertTrue(outcome.ok(), outcome.toString());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("name 3 classes") && warnings.get(0).contains("have 1"), warnings.get(0));
        assertEquals("face", GstTestSupport.readFrames(json).get(0).objects().get(0).label());
    }
}
