package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;
import static org.ovgst.gst.GstTestSupport.OI_MODEL;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovgst.gst.gobject.TypeRegistry;
import org.ovgst.infer.model.Labels;
import org.ovgst.testing.TestAssets;

/**
 * Every wrong setting ends the pipeline with a bus ERROR from the element that names the problem,
 * in gst-launch-1.0, in ./ovgst launch and in-process: no crash, no hang, no GStreamer-CRITICAL, no
 * run with a default instead.
 */
class ElementBadInputTest {
    @TempDir
    static Path shared;
    /** What {@code @NAME@} in a case stands for: files made once for all cases. */
    private static final Map<String, String> FIXTURES = new LinkedHashMap<>();
    private static List<Path> crashLogsBefore;

    @BeforeAll
    static void writeFixtures() throws Exception {
        byte[] bytes = new byte[4096];
        new Random(42).nextBytes(bytes);
        FIXTURES.put("@GARBAGE@", Files.write(shared.resolve("garbage.tflite"), bytes).toString());
        FIXTURES.put("@DIR@", Files.createDirectory(shared.resolve("models")).toString());
        Path fifo = shared.resolve("fifo");
        TestAssets.fifo(fifo);
        FIXTURES.put("@FIFO@", fifo.toString());
        FIXTURES.put("@DANGLING@", Files.createSymbolicLink(shared.resolve("dangling"),
                shared.resolve("gone/model.tflite")).toString());
        FIXTURES.put("@HUGE_LABELS@", Files.writeString(shared.resolve("huge.txt"),
                "label\n".repeat(Labels.MAX_BYTES / 6 + 1)).toString());
        FIXTURES.put("@EMPTY_LABELS@", Files.writeString(shared.resolve("empty.txt"), "\n \n").toString());
        FIXTURES.put("@LATIN1_LABELS@", Files.write(shared.resolve("latin1.txt"),
                "face\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)).toString());
        crashLogsBefore = GstTestSupport.crashLogs(TestAssets.home());
    }

    @AfterAll
    static void noCrashReportsInTheTestJvmsDirectory() throws Exception {
        assertEquals(crashLogsBefore, GstTestSupport.crashLogs(TestAssets.home()));
    }

    /** Case name, the element with its properties, texts the error message must contain. */
    static Stream<Arguments> cases() {
        String face = "ovdetect model=" + FACE_MODEL;
        String publish = "ovmetapublish";
        String hand = "ovclassify model=" + TestAssets.model("hand_landmark_full.tflite") + " output-name=Identity_2";
        Path waifu2x = TestAssets.model("scale2.0x_model.onnx");
        return Stream.of(
                Arguments.of("missing model", "ovdetect model=/nonexistent/model.tflite",
                        List.of("/nonexistent/model.tflite: model file does not exist: there is no directory"
                                + " /nonexistent")),
                // OpenVINO's own words without the lines that locate its source ("Exception from src/...").
                Arguments.of("garbage model", "ovdetect model=@GARBAGE@", List.of("cannot read model @GARBAGE@ (is it a"
                        + " complete IR .xml/.bin pair, ONNX, TFLite or PaddlePaddle file?): ov_core_read_model failed"
                        + " with GENERAL_ERROR: Unable to read the model: \"@GARBAGE@\" Please check that model format:"
                        + " \".tflite\" is supported and the model is correct.")),
                Arguments.of("empty model", "ovdetect model=\"\"",
                        List.of("property 'model' is '', which is blank", "Model file")),
                Arguments.of("a device as model", "ovdetect model=/dev/zero",
                        List.of("/dev/zero: model file is not a regular file (a character device)")),
                Arguments.of("a directory as model", "ovdetect model=@DIR@",
                        List.of("@DIR@: model file is a directory: give the model file in it")),
                Arguments.of("a FIFO as model", "ovdetect model=@FIFO@",
                        List.of("@FIFO@: model file is not a regular file (a FIFO)")),
                Arguments.of("a link to nothing as model", "ovdetect model=@DANGLING@",
                        List.of("@DANGLING@: model file is a link to " + shared.resolve("gone/model.tflite")
                                + ", which does not exist: there is no directory " + shared.resolve("gone"))),
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
                Arguments.of("threshold nan", face + " threshold=nan",
                        List.of("property 'threshold' is NaN; allowed: 0 to 1")),
                Arguments.of("threshold inf", face + " threshold=inf",
                        List.of("property 'threshold' is Infinity; allowed: 0 to 1")),
                Arguments.of("threshold -inf", face + " threshold=-inf",
                        List.of("property 'threshold' is -Infinity; allowed: 0 to 1")),
                Arguments.of("a huge threshold", face + " threshold=1e308",
                        List.of("property 'threshold' is 1.0E308; allowed: 0 to 1")),
                Arguments.of("iou-threshold nan", face + " iou-threshold=nan",
                        List.of("property 'iou-threshold' is NaN; allowed: 0 to 1")),
                Arguments.of("unreadable labels", face + " labels-file=/nonexistent/labels.txt",
                        List.of("/nonexistent/labels.txt: labels-file does not exist")),
                Arguments.of("endless labels", face + " labels-file=/dev/zero",
                        List.of("/dev/zero: labels-file is not a regular file (a character device)")),
                Arguments.of("labels from a FIFO", face + " labels-file=@FIFO@",
                        List.of("@FIFO@: labels-file is not a regular file (a FIFO)")),
                Arguments.of("labels from a directory", face + " labels-file=@DIR@",
                        List.of("@DIR@: labels-file is a directory")),
                Arguments.of("labels above the limit", face + " labels-file=@HUGE_LABELS@",
                        List.of("@HUGE_LABELS@: labels-file is larger than 1 MiB, the most ovgst reads")),
                Arguments.of("labels without a label", face + " labels-file=@EMPTY_LABELS@",
                        List.of("@EMPTY_LABELS@: labels-file holds no labels")),
                Arguments.of("labels not in UTF-8", face + " labels-file=@LATIN1_LABELS@",
                        List.of("@LATIN1_LABELS@: labels-file is not UTF-8 text: byte 8 is not valid UTF-8")),
                Arguments.of("empty labels-file", face + " labels-file=\"\"",
                        List.of("property 'labels-file' is ''")),
                Arguments.of("labels nobody may read", hand + " labels-file=/sys/bus/pci/rescan",
                        List.of("/sys/bus/pci/rescan: labels-file cannot be read: Permission denied")),
                Arguments.of("an attribute name GStreamer cannot use", hand + " attribute-name=\"a\\\"b\\\\c\"",
                        List.of("property 'attribute-name' is 'a\"b\\c': GStreamer cannot name a structure so:"
                                + " character 2, '\"', is not allowed in it (a name starts with a letter a-z or A-Z,"
                                + " then holds only letters, digits and / - _ . : +)")),
                Arguments.of("mean values for 2 channels of 3", hand + " mean-values=127,127",
                        List.of("property 'mean-values' has 2 values (127,127); the model's input 'input_1' has 3"
                                + " channels: give one value or 3")),
                Arguments.of("a scale value that is no number", "ovprocess model=" + waifu2x + " scale-values=255,,255",
                        List.of("property 'scale-values' is '255,,255': item 2 is empty; give one number, or one per"
                                + " channel, separated by commas (e.g. 58.395,57.12,57.375)")),
                Arguments.of("batch on a fixed-size model", "ovdetect model=" + OI_MODEL + " batch-size=3",
                        List.of(OI_MODEL.toString(), "batch-size 3", "batch-size=1")),
                // Not a detector: in one line what it looks like and which element fits it.
                Arguments.of("a landmark model", "ovdetect model=" + TestAssets.model("hand_landmark_full.tflite"),
                        List.of("is not a detector ovdetect knows: it looks like a classifier or landmark model (one"
                                + " vector per image: 'Identity' [1,63], 'Identity_1' [1,1], 'Identity_2' [1,1],"
                                + " 'Identity_3' [1,63]): use ovclassify, with output-name for the output to read (the"
                                + " outputs each model-type decodes: GST_DEBUG=ovdetect:4)")),
                Arguments.of("a model whose output is an image",
                        "ovdetect model=" + TestAssets.model("pose_landmark_full.tflite"),
                        List.of("it looks like a frame-processing model (an image or map output: ",
                                "'Identity_2' [1,256,256,1]", "): use ovprocess")),
                Arguments.of("the wrong family named", face + " model-type=yolo-v8",
                        List.of("is not a yolo-v8 model", "'regressors' f32 [1,896,16]", "yolo-v8 expects",
                                "model-type at auto")),
                // Ultralytics' and DL Streamer's names reach the family: here the wrong one, refused by it.
                Arguments.of("the wrong family named as Ultralytics does", face + " model-type=YOLO11",
                        List.of("is not a yolo-v8 model")),
                Arguments.of("the wrong family named as DL Streamer does", face + " model-type=yolo_v10",
                        List.of("is not a yolo-v10 model")),
                // Every enum property: a value that is none of its values, named with the allowed ones.
                Arguments.of("an unknown model-type", face + " model-type=yolov9x", List.of("property 'model-type' is"
                        + " 'yolov9x'; allowed: auto, anchor-ssd, detection-output, boxes-labels, centerface, yolo-v10,"
                        + " yolo-v5, yolo-v8 (gst-inspect-1.0 says what each means)")),
                Arguments.of("a model-type number that is no value", face + " model-type=42",
                        List.of("property 'model-type' is '42'; allowed: auto, anchor-ssd")),
                Arguments.of("an unknown converter", hand + " converter=softmax",
                        List.of("property 'converter' is 'softmax'; allowed: auto, label, binary, raw")),
                Arguments.of("an unknown inference-region", hand + " inference-region=frame",
                        List.of("property 'inference-region' is 'frame'; allowed: roi-list, full-frame")),
                Arguments.of("an unknown model-color", hand + " model-color=rgba",
                        List.of("property 'model-color' is 'rgba'; allowed: rgb, bgr")),
                Arguments.of("an unknown mode", "ovprocess model=" + waifu2x + " mode=mask",
                        List.of("property 'mode' is 'mask'; allowed: replace, alpha")),
                Arguments.of("an unknown output-activation", "ovprocess model=" + waifu2x + " output-activation=relu",
                        List.of("property 'output-activation' is 'relu'; allowed: auto, none, sigmoid")),
                Arguments.of("an unknown file-format", publish + " file-format=csv",
                        List.of("property 'file-format' is 'csv'; allowed: json-lines, json")),
                Arguments.of("an unknown method", publish + " method=amqp",
                        List.of("property 'method' is 'amqp'; allowed: file, mqtt, kafka")),
                Arguments.of("an output the model does not have", face + " output-name=boxes",
                        List.of("'output-name'", "'boxes'", "'regressors'", "'classificators'")),
                Arguments.of("an empty output name", face + " output-name=,",
                        List.of("property 'output-name' names ''", "'regressors'")),
                Arguments.of("reshape-width without reshape-height", face + " reshape-width=320",
                        List.of("'reshape-width'", "'reshape-height'", "set both")),
                Arguments.of("a size the anchors do not fit", face + " reshape-width=320 reshape-height=320",
                        List.of("BlazeFace short range decodes a 128x128 input", "320x320", "reshape-height unset")),
                Arguments.of("a size the model cannot take", "ovdetect model=" + OI_MODEL
                                + " reshape-width=320 reshape-height=320",
                        List.of("cannot reshape input", "320x320", "reshape-width and reshape-height")),
                // The first record that cannot be written stops the stream: frame 0 here.
                Arguments.of("a full device as output", publish + " location=/dev/full",
                        List.of("could not write the record of frame 0 to /dev/full: No space left on device")),
                Arguments.of("output in a missing directory", publish + " location=/nonexistent/dir/meta.jsonl",
                        List.of("/nonexistent/dir/meta.jsonl: output file cannot be created: there is no directory"
                                + " /nonexistent")),
                Arguments.of("a directory as output", publish + " location=@DIR@",
                        List.of("@DIR@: output file is a directory: give a file name in it")),
                Arguments.of("output without permission", publish + " location=/sys/kernel/notes",
                        List.of("/sys/kernel/notes: output file cannot be opened for writing: Permission denied")),
                Arguments.of("a FIFO nobody reads as output", publish + " location=@FIFO@",
                        List.of("@FIFO@: output file is a FIFO that no process reads: start its reader first")),
                Arguments.of("empty location", publish + " location=\"\"",
                        List.of("property 'location' is '', which is blank", "for standard output")),
                // Nobody listens on port 1: the file is refused before anything connects.
                Arguments.of("a missing mqtt-config", publish + " method=mqtt address=127.0.0.1:1"
                                + " mqtt-config=/nonexistent/mqtt.properties",
                        List.of("/nonexistent/mqtt.properties: mqtt-config does not exist: there is no directory"
                                + " /nonexistent")),
                // Read whole, it once filled the heap, and the element failed to start without a word.
                Arguments.of("an endless mqtt-config", publish + " method=mqtt address=127.0.0.1:1 mqtt-config=/dev/zero",
                        List.of("/dev/zero: mqtt-config is not a regular file (a character device)")));
    }

    /** The element named {@code bad} between a test source and a sink. */
    private static String description(String element) {
        int space = element.indexOf(' ');
        return "videotestsrc num-buffers=10 ! videoconvert ! " + element.substring(0, space) + " name=bad"
                + withFixtures(element.substring(space)) + " ! fakesink";
    }

    private static String withFixtures(String text) {
        for (Map.Entry<String, String> fixture : FIXTURES.entrySet()) {
            text = text.replace(fixture.getKey(), fixture.getValue());
        }
        return text;
    }

    private static List<String> expected(List<String> texts) {
        return texts.stream().map(ElementBadInputTest::withFixtures).toList();
    }

    /** The element's object path as messages give it, e.g. /GstPipeline:pipeline0/GstOvDetect:bad. */
    private static String errorSource(String element, String pipeline) {
        String factory = element.substring(0, element.indexOf(' '));
        String type = Plugin.elements().stream().filter(spec -> spec.factoryName().equals(factory)).findFirst()
                .orElseThrow().typeName();
        return "/GstPipeline:" + pipeline + "/" + type + ":bad";
    }

    /** The first ERROR line of the output: it has to be the element's, the others follow from it. */
    private static String firstError(GstTestSupport.Result result, String prefix) {
        return result.output().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " line; " + result.describe()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void gstLaunchFails(String name, String element, List<String> texts, @TempDir Path dir) throws Exception {
        GstTestSupport.Result result = GstTestSupport.gstLaunch(description(element), dir, 30);
        GstTestSupport.assertNoCrash(result, dir);
        assertNotEquals(0, result.exitCode(), result::describe);
        assertFalse(result.output().contains("CRITICAL"), result::describe);
        assertFalse(GstTestSupport.JAVA_INSIDES.matcher(result.output()).find(), result::describe);
        String error = firstError(result, "ERROR: from element ");
        assertTrue(error.startsWith("ERROR: from element " + errorSource(element, "pipeline0") + ": "), error);
        for (String text : expected(texts)) {
            assertTrue(error.contains(text), "'" + text + "' missing from: " + error);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void ovgstLaunchFails(String name, String element, List<String> texts, @TempDir Path dir) throws Exception {
        GstTestSupport.Result result = GstTestSupport.ovgstLaunch(description(element), dir, 30);
        GstTestSupport.assertNoCrash(result, dir);
        assertEquals(1, result.exitCode(), result::describe);
        assertFalse(GstTestSupport.JAVA_INSIDES.matcher(result.output()).find(), result::describe);
        String error = firstError(result, "ERROR from ");
        assertTrue(error.startsWith("ERROR from " + errorSource(element, "pipeline0") + ": "), error);
        for (String text : expected(texts)) {
            assertTrue(error.contains(text), "'" + text + "' missing from: " + error);
        }
        assertFalse(result.output().contains("Got EOS"), result::describe);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void inProcessOutcomeNamesTheProblem(String name, String element, List<String> texts) {
        Pipeline.Outcome outcome = GstTestSupport.runInProcess(description(element));
        assertFalse(outcome.ok(), outcome.toString());
        assertFalse(outcome.endOfStream(), outcome.toString());
        assertEquals(errorSource(element, pipelineName(outcome)), outcome.errorSource(), outcome.toString());
        for (String text : expected(texts)) {
            assertTrue(outcome.errorMessage().contains(text), "'" + text + "' missing from: " + outcome);
        }
        assertEquals(0, TypeRegistry.liveInstances());
        assertEquals(java.util.Map.of(), org.ovgst.openvino.OpenVino.liveHandles());
    }

    /** Two elements of one model-instance-id that ask for other batches: the second is refused by name. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void elementsOfOneModelInstanceWithOtherBatchSizesAreRefusedByName() {
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc num-buffers=3"
                + " ! video/x-raw,format=BGR,width=64,height=48 ! tee name=t"
                + " t. ! queue ! ovdetect model=" + FACE_MODEL + " model-instance-id=shared ! fakesink"
                + " t. ! queue ! ovdetect model=" + FACE_MODEL + " model-instance-id=shared batch-size=2 ! fakesink");
        assertFalse(outcome.ok(), outcome.toString());
        assertTrue(outcome.errorMessage().startsWith("model-instance-id 'shared' already runs " + FACE_MODEL
                + " with batch-size "), outcome.toString());
        assertTrue(outcome.errorMessage().contains("so give them the same batch-size, or another model-instance-id"),
                outcome.toString());
        assertEquals(0, TypeRegistry.liveInstances());
    }

    /** In this JVM pipelines are numbered on: pipeline0, pipeline1, ... */
    private static String pipelineName(Pipeline.Outcome outcome) {
        String source = String.valueOf(outcome.errorSource());
        return source.startsWith("/GstPipeline:") ? source.substring(13, source.indexOf('/', 1)) : "pipeline0";
    }
}
