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
import org.ovgst.gst.elements.OvDetect;
import org.ovgst.openvino.OpenVino;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.IrModels;
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

    /**
     * A model no family knows (a classifier's one output; an Ultralytics -seg export's detect head with
     * mask coefficients beside its mask prototypes) is refused in gst-launch-1.0 with one short line
     * that says what it looks like and what fits, printed once; the analysis (each family and what it
     * expects) goes only to the log at GST_DEBUG=ovdetect:4, once.
     */
    @Test
    void aModelNoFamilyKnowsIsRefusedInOneShortLineWithItsAnalysisInTheLog() throws Exception {
        Path classifier = IrModels.constantOutputs(dir, "classifier", "images", new long[] {1, 3, 224, 224},
                List.of(zeros("output0", 1, 1000)));
        Path segmentation = IrModels.constantOutputs(dir, "yolov8n-seg", "images", new long[] {1, 3, 320, 320},
                List.of(zeros("output0", 1, 116, 2100), zeros("output1", 1, 32, 80, 80)));
        for (var model : java.util.Map.of(classifier, "it looks like a classifier (one output 'output0' [1,1000]): use"
                + " ovclassify", segmentation, "it looks like a segmentation export ('output0' [1,116,2100],"
                + " 'output1' [1,32,80,80], mask prototypes): use the detection export of the same model").entrySet()) {
            for (String debug : List.of("", "ovdetect:4")) {
                GstTestSupport.Result result = GstTestSupport.run(List.of("gst-launch-1.0", "videotestsrc",
                        "num-buffers=2", "!", "ovdetect", "model=" + model.getKey(), "!", "fakesink"), dir, 60,
                        debug.isEmpty() ? java.util.Map.of() : java.util.Map.of("GST_DEBUG", debug));
                String prefix = "ERROR: from element /GstPipeline:pipeline0/GstOvDetect:ovdetect0: model "
                        + model.getKey() + " is not a detector ovdetect knows: ";
                List<String> errors = result.output().lines().filter(line -> line.startsWith("ERROR: from")).toList();
                assertEquals(1, errors.size(), result::describe);
                String message = errors.getFirst();
                assertEquals(prefix + model.getValue(), message.substring(0, Math.min(message.length(),
                        prefix.length() + model.getValue().length())), result::describe);
                assertTrue(message.endsWith(" (the outputs each model-type decodes: GST_DEBUG=ovdetect:4)"), message);
                assertTrue(message.length() - prefix.length() < 260, message.length() + ": " + message);
                assertEquals(1, count(result.output(), "is not a detector"), result::describe);
                // The analysis: logged once at INFO, never on the bus.
                assertEquals(debug.isEmpty() ? 0 : 1, count(result.output(), "no model-type fits its outputs"),
                        result::describe);
                if (!debug.isEmpty()) {
                    assertTrue(result.output().contains("yolo-v8 (one output [batch, 4+C, N]"), result::describe);
                }
            }
        }
    }

    private static IrModels.Constant zeros(String name, long... shape) {
        int count = Math.toIntExact(java.util.stream.LongStream.of(shape).reduce(1, Math::multiplyExact));
        return new IrModels.Constant(name, org.ovgst.tensor.ElementType.F32, shape, new double[count]);
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
