package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.gst.elements.OvClassify;
import org.ovgst.gst.meta.RawTensors;
import org.ovgst.gst.meta.RoiMeta;
import org.ovgst.gst.meta.TensorMeta;
import org.ovgst.tensor.ElementType;
import org.ovgst.testing.IrModels;

/**
 * ovclassify on models whose outputs are known exactly: a "detector" of constant outputs gives three
 * fixed boxes (labels a, b, a) on frames where each box lies inside a rectangle of one color, and a
 * classifier takes each crop's channel means as its scores (labels red, green, blue): each region's
 * label is its rectangle's color, and its confidence the softmax of the exact means.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClassifyElementTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    /** The boxes, in pixels {x, y, w, h}, best score first (so ovdetect lists them in this order). */
    private static final int[][] BOXES = {{32, 24, 64, 48}, {128, 96, 64, 48}, {224, 168, 64, 48}};
    /** BGR of red, green and blue, a bit dimmer than full. */
    private static final int[][] COLORS = {{0, 0, 200}, {0, 200, 0}, {200, 0, 0}};
    private static final List<String> COLOR_NAMES = List.of("red", "green", "blue");

    @TempDir
    static Path dir;
    private static Path detector;
    private static Path detectorLabels;
    private static Path classifierLabels;

    @BeforeAll
    static void writeModels() throws IOException {
        List<Double> rows = new ArrayList<>();
        int[] labels = {1, 2, 1};
        for (int i = 0; i < BOXES.length; i++) {
            int[] box = BOXES[i];
            rows.addAll(List.of(0.0, (double) labels[i], 0.9 - 0.1 * i, box[0] / (double) WIDTH,
                    box[1] / (double) HEIGHT, (box[0] + box[2]) / (double) WIDTH, (box[1] + box[3]) / (double) HEIGHT));
        }
        rows.addAll(List.of(-1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0));
        detector = IrModels.constantOutputs(dir, "three-boxes", "image", new long[] {1, 3, 32, 32},
                List.of(new IrModels.Constant("detection_out", ElementType.F32, new long[] {1, 1, 4, 7},
                        rows.stream().mapToDouble(Double::doubleValue).toArray())));
        detectorLabels = Files.writeString(dir.resolve("boxes.txt"), "background\na\nb\n");
        classifierLabels = Files.writeString(dir.resolve("colors.txt"), "red\ngreen\nblue\n");
    }

    /**
     * Frames of a grey background with a rectangle 8 px wider than each box on every side, box i of
     * frame f in color {@code (i + f * shift) % 3}.
     */
    private static Path video(String name, int frames, int shift) throws IOException {
        byte[] bytes = new byte[frames * WIDTH * HEIGHT * 3];
        java.util.Arrays.fill(bytes, (byte) 128);
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < BOXES.length; i++) {
                int[] box = BOXES[i];
                int[] color = COLORS[(i + f * shift) % 3];
                for (int y = box[1] - 8; y < box[1] + box[3] + 8; y++) {
                    for (int x = box[0] - 8; x < box[0] + box[2] + 8; x++) {
                        int at = ((f * HEIGHT + y) * WIDTH + x) * 3;
                        for (int c = 0; c < 3; c++) {
                            bytes[at + c] = (byte) color[c];
                        }
                    }
                }
            }
        }
        return Files.write(dir.resolve(name + ".bgr"), bytes);
    }

    /** Runs detect → [track →] classify → publish; returns each frame's objects as parsed JSON, and the classifier. */
    private static List<List<Map<?, ?>>> classify(Path video, String between, String settings,
            AtomicReference<OvClassify> classifier) throws IOException {
        Path json = dir.resolve(video.getFileName() + "-" + (between + settings).hashCode() + ".jsonl");
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("filesrc location=" + video
                + " ! rawvideoparse format=bgr width=" + WIDTH + " height=" + HEIGHT + " framerate=30/1 ! ovdetect"
                + " model=" + detector + " model-type=detection-output labels-file=" + detectorLabels + between
                + " ! ovclassify name=classify model=" + IrModels.channelMeans(dir, 1, 32, 32) + " labels-file="
                + classifierLabels + " " + settings + " ! ovmetapublish location=" + json + " ! fakesink",
                Duration.ofSeconds(60), p -> classifier.set(p.element("classify", OvClassify.class)));
        assertTrue(outcome.ok(), outcome.toString());
        List<List<Map<?, ?>>> frames = new ArrayList<>();
        for (String line : Files.readAllLines(json, StandardCharsets.UTF_8)) {
            Map<?, ?> frame = (Map<?, ?>) new GstTestSupport.Json(line).parseComplete();
            frames.add(((List<?>) frame.get("objects")).stream().<Map<?, ?>>map(o -> (Map<?, ?>) o).toList());
        }
        return frames;
    }

    /** The softmax of a crop of one color's exact channel means (RGB, / 255), at the color's own channel. */
    private static double expectedConfidence(int color) {
        int[] bgr = COLORS[color];
        double[] rgb = {bgr[2] / 255.0, bgr[1] / 255.0, bgr[0] / 255.0};
        double sum = 0;
        for (double v : rgb) {
            sum += Math.exp(v);
        }
        return Math.exp(rgb[color]) / sum;
    }

    private static void assertColor(Map<?, ?> object, int color, String where) {
        Map<?, ?> means = (Map<?, ?>) object.get("means");
        assertEquals(COLOR_NAMES.get(color), means.get("label"), where);
        assertEquals(color, ((Number) means.get("label_id")).intValue(), where);
        assertEquals(expectedConfidence(color), ((Number) means.get("confidence")).doubleValue(), 1e-4, where);
    }

    /**
     * Every region gets its rectangle's color, frame by frame, whatever the requests and batches, and
     * with ovtrack between detect and classify.
     */
    @Test
    void eachRegionGetsItsColorInOrderWithBatchesAndRequests() throws IOException {
        Path video = video("rotating", 23, 1);
        record Case(String between, String settings) {}
        for (Case run : List.of(new Case("", ""), new Case("", "batch-size=3 nireq=2"), new Case("", "nireq=4"),
                new Case(" ! ovtrack", "batch-size=2 nireq=3"))) {
            String settings = run.settings();
            AtomicReference<OvClassify> classifier = new AtomicReference<>();
            List<List<Map<?, ?>>> frames = classify(video, run.between(), settings, classifier);
            assertEquals(23, frames.size(), settings);
            for (int f = 0; f < frames.size(); f++) {
                assertEquals(3, frames.get(f).size(), settings + " frame " + f);
                for (int i = 0; i < 3; i++) {
                    assertColor(frames.get(f).get(i), (i + f) % 3, settings + " frame " + f + " region " + i);
                }
            }
            assertEquals(69, classifier.get().inferences(), settings);
        }
    }

    @Test
    void objectClassClassifiesOnlyThoseRegions() throws IOException {
        AtomicReference<OvClassify> classifier = new AtomicReference<>();
        List<List<Map<?, ?>>> frames = classify(video("still", 5, 0), "", "object-class=a", classifier);
        for (List<Map<?, ?>> objects : frames) {
            assertColor(objects.get(0), 0, "region 0 (a)");
            assertNull(objects.get(1).get("means"), "region 1 (b) is not classified");
            assertColor(objects.get(2), 2, "region 2 (a)");
        }
        assertEquals(10, classifier.get().inferences());
    }

    /** With track ids, reclassify-interval=5 runs the model on 1 frame in 5 per track; every frame has a result. */
    @Test
    void reclassifyIntervalCarriesEachTracksResult() throws IOException {
        AtomicReference<OvClassify> classifier = new AtomicReference<>();
        List<List<Map<?, ?>>> frames = classify(video("tracked", 20, 0), " ! ovtrack", "reclassify-interval=5",
                classifier);
        assertEquals(20, frames.size());
        for (int f = 0; f < 20; f++) {
            for (int i = 0; i < 3; i++) {
                assertColor(frames.get(f).get(i), i, "frame " + f + " region " + i);
                assertEquals(i + 1, ((Number) frames.get(f).get(i).get("id")).intValue());
            }
        }
        assertEquals(3 * 4, classifier.get().inferences(), "3 tracks, classified on frames 0, 5, 10 and 15");
    }

    /**
     * mean-values and scale-values act per channel, in the model's order (RGB): lifting green by 250
     * and dividing blue by 100 turns the red rectangle green and keeps blue blue, by exact softmax.
     */
    @Test
    void meanAndScaleValuesActOnEachChannel() throws IOException {
        List<List<Map<?, ?>>> frames = classify(video("per-channel", 2, 0), "",
                "mean-values=0,-250,0 scale-values=255,255,100", new AtomicReference<>());
        double[][] expected = new double[3][];
        for (int color = 0; color < 3; color++) {
            int[] bgr = COLORS[color];
            expected[color] = new double[] {bgr[2] / 255.0, (bgr[1] + 250) / 255.0, bgr[0] / 100.0};
        }
        for (List<Map<?, ?>> objects : frames) {
            for (int i = 0; i < 3; i++) {
                double[] means = expected[i];
                int best = means[2] > means[1] ? 2 : 1;
                double sum = Math.exp(means[0]) + Math.exp(means[1]) + Math.exp(means[2]);
                Map<?, ?> result = (Map<?, ?>) objects.get(i).get("means");
                assertEquals(COLOR_NAMES.get(best), result.get("label"), "region " + i);
                assertEquals(Math.exp(means[best]) / sum, ((Number) result.get("confidence")).doubleValue(), 1e-4);
            }
        }
        assertEquals(List.of("green", "green", "blue"), frames.getFirst().stream()
                .map(o -> ((Map<?, ?>) o.get("means")).get("label")).toList());
    }

    /**
     * converter=raw attaches the output's values as they are (DL Streamer's raw_data_copy): each
     * region's are its rectangle's exact channel means, RGB / 255, shape [1,3]; and the frame's own
     * with inference-region=full-frame.
     */
    @Test
    void rawTensorsCarryTheOutputAsItIs() throws IOException {
        PassthroughElement.register();
        List<List<RawTensors.RawTensor>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<List<RawTensors.RawTensor>> frameWide = new java.util.concurrent.CopyOnWriteArrayList<>();
        PassthroughElement.observer = frame -> {
            List<RawTensors.RawTensor> all = new ArrayList<>();
            for (int i = 0; i < RoiMeta.read(frame.buffer()).size(); i++) {
                all.addAll(RoiMeta.rawTensors(frame.buffer(), i));
            }
            seen.add(all);
            frameWide.add(TensorMeta.rawTensors(frame.buffer()));
        };
        try {
            Path video = video("raw", 3, 1);
            Pipeline.Outcome outcome = GstTestSupport.runInProcess("filesrc location=" + video
                    + " ! rawvideoparse format=bgr width=" + WIDTH + " height=" + HEIGHT + " framerate=30/1 ! ovdetect"
                    + " model=" + detector + " model-type=detection-output labels-file=" + detectorLabels
                    + " ! ovclassify model=" + IrModels.channelMeans(dir, 1, 32, 32) + " converter=raw batch-size=2"
                    + " ! ovclassify model=" + IrModels.channelMeans(dir, 1, 32, 32) + " converter=raw"
                    + " inference-region=full-frame attribute-name=whole ! ovtestpass ! fakesink");
            assertTrue(outcome.ok(), outcome.toString());
        } finally {
            PassthroughElement.observer = null;
        }
        assertEquals(3, seen.size());
        for (int f = 0; f < 3; f++) {
            assertEquals(3, seen.get(f).size(), "frame " + f);
            for (int i = 0; i < 3; i++) {
                RawTensors.RawTensor tensor = seen.get(f).get(i);
                int[] bgr = COLORS[(i + f) % 3];
                assertEquals("means", tensor.name());
                assertEquals("means", tensor.layerName());
                assertEquals(List.of(1, 3), java.util.Arrays.stream(tensor.dims()).boxed().toList());
                float[] expected = {bgr[2] / 255f, bgr[1] / 255f, bgr[0] / 255f};
                for (int c = 0; c < 3; c++) {
                    assertEquals(expected[c], tensor.data()[c], 1e-5, "frame " + f + " region " + i);
                }
            }
            assertEquals(1, frameWide.get(f).size());
            assertEquals("whole", frameWide.get(f).getFirst().name());
            assertEquals(3, frameWide.get(f).getFirst().data().length);
        }
    }

    @Test
    void normalizationGivenTwoWaysOrBadlyIsRefusedWithWhatToDo() {
        Path model = IrModels.channelMeans(dir, 1, 32, 32);
        for (String[] settings : new String[][] {
                {"input-scale=0.5 mean-values=1,2,3", "set one pair"},
                {"mean-values=1,x,3", "property 'mean-values' is '1,x,3': 'x' is not a number"},
                {"mean-values=1,,3", "property 'mean-values' is '1,,3': item 2 is empty"},
                {"scale-values=1,0,1", "property 'scale-values' is '1,0,1': a scale of 0 would divide by zero"},
                {"mean-values=1,2 scale-values=1,2,3", "property 'mean-values' has 2 values (1,2); the model's input"
                        + " 'x' has 3 channels: give one value or 3"}}) {
            Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc num-buffers=2"
                    + " ! video/x-raw,format=BGR ! ovclassify inference-region=full-frame model=" + model + " labels-file="
                    + classifierLabels + " " + settings[0] + " ! fakesink");
            assertFalse(outcome.ok(), settings[0]);
            assertTrue(outcome.errorMessage().contains(settings[1]), settings[0] + ": " + outcome);
        }
    }

    @Test
    void anOutputNameGStreamerCannotUseForTheResultNeedsAnAttributeName() {
        // ONNX exports often number their outputs; a structure name must start with a letter.
        Path numbered = IrModels.constantOutputs(dir, "numbered-output", "x", new long[] {1, 3, 16, 16},
                List.of(new IrModels.Constant("391", ElementType.F32, new long[] {1, 2}, new double[] {0.3, 0.7})));
        String pipeline = "videotestsrc num-buffers=2 ! video/x-raw,format=BGR ! ovclassify"
                + " inference-region=full-frame model=" + numbered;
        Pipeline.Outcome outcome = GstTestSupport.runInProcess(pipeline + " ! fakesink");
        assertEquals("the result is named after output '391' of " + numbered + " unless attribute-name is set, and"
                + " GStreamer cannot name a structure so: character 1, '3', is not allowed first (a name starts with"
                + " a letter a-z or A-Z, then holds only letters, digits and / - _ . : +): set attribute-name",
                outcome.errorMessage(), outcome.toString());
        GstTestSupport.assertRunsInProcess(pipeline + " attribute-name=score ! fakesink");
    }

    @Test
    void aBinaryAttributeWithoutTwoLabelsIsRefusedWithWhatToDo() {
        Path scalar = IrModels.constantOutputs(dir, "one-value", "x", new long[] {1, 3, 16, 16},
                List.of(new IrModels.Constant("score", ElementType.F32, new long[] {1, 1}, new double[] {0.7})));
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc num-buffers=2 ! video/x-raw,format=BGR"
                + " ! ovclassify model=" + scalar + " ! fakesink");
        assertFalse(outcome.ok());
        assertTrue(outcome.errorMessage().contains("read as a binary attribute, which takes two labels")
                && outcome.errorMessage().contains("labels-file"), outcome.toString());
    }
}
