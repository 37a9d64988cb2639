package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;
import static org.ovgst.gst.GstTestSupport.OI_MODEL;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovgst.testing.TestAssets;

/**
 * Every wrong setting ends the pipeline with a bus ERROR from ovdetect that names the problem,
 * in gst-launch-1.0, in ./ovgst launch and in-process: no crash, no hang.
 */
class ElementBadInputTest {
    @TempDir
    static Path shared;
    private static Path garbage;
    private static List<Path> crashLogsBefore;

    @BeforeAll
    static void writeGarbageModel() throws Exception {
        byte[] bytes = new byte[4096];
        new Random(42).nextBytes(bytes);
        garbage = shared.resolve("garbage.tflite");
        Files.write(garbage, bytes);
        crashLogsBefore = GstTestSupport.crashLogs(TestAssets.home());
    }

    @AfterAll
    static void noCrashReportsInTheTestJvmsDirectory() throws Exception {
        assertEquals(crashLogsBefore, GstTestSupport.crashLogs(TestAssets.home()));
    }

    /** Case name, ovdetect's properties, texts the error message must contain. */
    static Stream<Arguments> cases() {
        String face = "model=" + FACE_MODEL;
        return Stream.of(
                Arguments.of("missing model", "model=/nonexistent/model.tflite",
                        List.of("/nonexistent/model.tflite", "model file not found", "'model'")),
                Arguments.of("garbage model", "model=" + "@GARBAGE@", List.of("@GARBAGE@", "read")),
                Arguments.of("unknown device", face + " device=NPU7",
                        List.of("'NPU7'", "available devices: CPU")),
                Arguments.of("wrong input name", face + " input-name=nope", List.of("'nope'", "inputs are: 'input'")),
                Arguments.of("negative nireq", face + " nireq=-1", List.of("property 'nireq' is -1; allowed: 0 to 64")),
                Arguments.of("nireq above its range", face + " nireq=100",
                        List.of("property 'nireq' is 100; allowed: 0 to 64")),
                Arguments.of("batch-size 0", face + " batch-size=0",
                        List.of("property 'batch-size' is 0; allowed: 1 to 64")),
                Arguments.of("threshold above its range", face + " threshold=1.5",
                        List.of("property 'threshold' is 1.5; allowed: 0 to 1")),
                Arguments.of("negative threshold", face + " threshold=-0.25",
                        List.of("property 'threshold' is -0.25; allowed: 0 to 1")),
                Arguments.of("unreadable labels", face + " labels-file=/nonexistent/labels.txt",
                        List.of("/nonexistent/labels.txt", "labels file cannot be read", "labels-file")),
                Arguments.of("batch on a fixed-size model", "model=" + OI_MODEL + " batch-size=3",
                        List.of(OI_MODEL.toString(), "batch-size 3", "batch-size=1")),
                // Not a detector: the outputs, every family and what it expects, and where such a model belongs.
                Arguments.of("a landmark model", "model=" + TestAssets.model("hand_landmark_full.tflite"),
                        List.of("is not a detector any converter knows", "'Identity' f32 [1,63]", "'Identity_2' f32 [1,1]",
                                "anchor-ssd (", "detection-output (", "yolo-v8 (", "centerface (",
                                "a classification model, not a detector")),
                Arguments.of("a model whose output is an image", "model=" + TestAssets.model("pose_landmark_full.tflite"),
                        List.of("is not a detector any converter knows", "'Identity_2' f32 [1,256,256,1]",
                                "a frame-processing model, not a detector")),
                Arguments.of("the wrong family named", face + " model-type=yolo-v8",
                        List.of("is not a yolo-v8 model", "'regressors' f32 [1,896,16]", "yolo-v8 expects",
                                "model-type at auto")),
                Arguments.of("an output the model does not have", face + " output-name=boxes",
                        List.of("'output-name'", "'boxes'", "'regressors'", "'classificators'")),
                Arguments.of("reshape-width without reshape-height", face + " reshape-width=320",
                        List.of("'reshape-width'", "'reshape-height'", "set both")),
                Arguments.of("a size the anchors do not fit", face + " reshape-width=320 reshape-height=320",
                        List.of("BlazeFace short range decodes a 128x128 input", "320x320", "reshape-height unset")),
                Arguments.of("a size the model cannot take", "model=" + OI_MODEL + " reshape-width=320 reshape-height=320",
                        List.of("cannot reshape input", "320x320", "reshape-width and reshape-height")));
    }

    private static String description(String properties) {
        return "videotestsrc num-buffers=10 ! videoconvert ! ovdetect name=det "
                + properties.replace("@GARBAGE@", garbage.toString()) + " ! fakesink";
    }

    private static List<String> expected(List<String> texts) {
        return texts.stream().map(t -> t.replace("@GARBAGE@", garbage.toString())).toList();
    }

    /** The first ERROR line of the output: it has to be ovdetect's, the others follow from it. */
    private static String firstError(GstTestSupport.Result result, String prefix) {
        return result.output().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " line; " + result.describe()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void gstLaunchFails(String name, String properties, List<String> texts, @TempDir Path dir) throws Exception {
        GstTestSupport.Result result = GstTestSupport.gstLaunch(description(properties), dir, 30);
        GstTestSupport.assertNoCrash(result, dir);
        assertNotEquals(0, result.exitCode(), result::describe);
        String error = firstError(result, "ERROR: from element ");
        assertTrue(error.startsWith("ERROR: from element /GstPipeline:pipeline0/GstOvDetect:det: "), error);
        for (String text : expected(texts)) {
            assertTrue(error.contains(text), "'" + text + "' missing from: " + error);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void ovgstLaunchFails(String name, String properties, List<String> texts, @TempDir Path dir) throws Exception {
        GstTestSupport.Result result = GstTestSupport.ovgstLaunch(description(properties), dir, 30);
        GstTestSupport.assertNoCrash(result, dir);
        assertEquals(1, result.exitCode(), result::describe);
        String error = firstError(result, "ERROR from ");
        assertTrue(error.startsWith("ERROR from /GstPipeline:pipeline0/GstOvDetect:det: "), error);
        for (String text : expected(texts)) {
            assertTrue(error.contains(text), "'" + text + "' missing from: " + error);
        }
        assertFalse(result.output().contains("Got EOS"), result::describe);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void inProcessOutcomeNamesTheProblem(String name, String properties, List<String> texts) {
        Pipeline.Outcome outcome = GstTestSupport.runInProcess(description(properties));
        assertFalse(outcome.ok(), outcome.toString());
        assertFalse(outcome.endOfStream(), outcome.toString());
        assertEquals("/GstPipeline:pipeline0/GstOvDetect:det".replace("pipeline0", pipelineName(outcome)),
                outcome.errorSource(), outcome.toString());
        for (String text : expected(texts)) {
            assertTrue(outcome.errorMessage().contains(text), "'" + text + "' missing from: " + outcome);
        }
        assertEquals(0, TypeRegistry.liveInstances());
        assertEquals(java.util.Map.of(), org.ovgst.openvino.OpenVino.liveHandles());
    }

    /** In this JVM pipelines are numbered on: pipeline0, pipeline1, ... */
    private static String pipelineName(Pipeline.Outcome outcome) {
        String source = String.valueOf(outcome.errorSource());
        return source.startsWith("/GstPipeline:") ? source.substring(13, source.indexOf('/', 1)) : "pipeline0";
    }
}
