package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real gst-inspect-1.0 loads the elements through the C loader plugin in its own JVM. */
class ElementInspectTest {
    @TempDir
    Path dir;

    private String inspect(String what) throws Exception {
        GstTestSupport.Result result = GstTestSupport.run(List.of("gst-inspect-1.0", what), dir, 60, Map.of());
        GstTestSupport.assertNoCrash(result, dir);
        assertEquals(0, result.exitCode(), result::describe);
        return result.output();
    }

    /** The block of one property: its line "  name   : blurb" and the indented lines under it. */
    private static String property(String output, String name) {
        Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(name) + " +: .*\\n((?: {20,}.*\\n)*)").matcher(output);
        assertTrue(m.find(), "property " + name + " not listed:\n" + output);
        return m.group();
    }

    @Test
    @Timeout(90)
    void ovdetectListsEveryPropertyWithItsRangeDefaultAndMutability() throws Exception {
        String out = inspect("ovdetect");
        assertTrue(out.contains("Factory Details:"), out);
        assertTrue(out.contains("GstOvDetect"), out);
        assertTrue(out.contains("Filter/Analyzer/Video"), out);
        assertTrue(out.contains("SINK template: 'sink'") && out.contains("SRC template: 'src'"), out);
        assertTrue(out.contains("format: { (string)BGR, (string)RGB, (string)BGRx, (string)RGBx, (string)I420, (string)NV12 }"),
                out);

        assertTrue(property(out, "model").contains("String. Default: null"), property(out, "model"));
        assertTrue(property(out, "device").contains("String. Default: \"CPU\""), property(out, "device"));
        assertTrue(property(out, "async").contains("Boolean. Default: true"), property(out, "async"));
        assertTrue(property(out, "config").contains("String. Default: null"), property(out, "config"));
        assertTrue(property(out, "input-name").contains("String. Default: null"), property(out, "input-name"));
        assertTrue(property(out, "output-name").contains("String. Default: null"), property(out, "output-name"));
        assertTrue(property(out, "labels-file").contains("String. Default: null"), property(out, "labels-file"));
        assertTrue(property(out, "model-instance-id").contains("String. Default: null"),
                property(out, "model-instance-id"));
        assertTrue(property(out, "inference-interval").contains("Integer. Range: 1 - 2147483647 Default: 1 "),
                property(out, "inference-interval"));
        assertTrue(property(out, "reshape-width").contains("Integer. Range: 0 - 16384 Default: 0 "),
                property(out, "reshape-width"));
        assertTrue(property(out, "iou-threshold").matches("(?s).*Double\\. Range: +0 - +1 Default: +0\\.5 .*"),
                property(out, "iou-threshold"));
        // GLib's own ranges, as gst-inspect-1.0 reads them from the param specs.
        assertTrue(property(out, "nireq").contains("Integer. Range: 0 - 64 Default: 0 "), property(out, "nireq"));
        assertTrue(property(out, "batch-size").contains("Integer. Range: 1 - 64 Default: 1 "),
                property(out, "batch-size"));
        assertTrue(property(out, "threshold").matches("(?s).*Double\\. Range: +0 - +1 Default: +0\\.5 .*"),
                property(out, "threshold"));
        String modelType = property(out, "model-type");
        assertTrue(modelType.contains("Enum \"GstOvDetectModelType\" Default: 0, \"auto\""), modelType);
        // Each value with what it means, as GStreamer's own enums print (the GEnumValue's name).
        assertTrue(modelType.contains("(0): auto             - the family found from the model's outputs\n"),
                modelType);
        assertTrue(modelType.contains("(7): yolo-v8          - Ultralytics YOLOv8, v9, YOLO11, YOLO12, YOLOv5u:"
                + " 1x(4+C)xN (box, C classes)\n"), modelType);
        assertTrue(modelType.contains("(6): yolo-v5          - YOLOv5, YOLOv7: 1xNx(5+C)"), modelType);
        assertTrue(modelType.contains("(2): detection-output - 1x1xNx7 rows"), modelType);
        assertTrue(modelType.contains("yolov8, yolo11, yolo_v8"), modelType);
        for (String name : List.of("model", "device", "nireq", "batch-size", "async", "config", "input-name",
                "output-name", "labels-file", "model-type", "model-instance-id", "reshape-width", "reshape-height")) {
            assertTrue(property(out, name).contains("flags: readable, writable, changeable only in NULL or READY state\n"),
                    property(out, name));
        }
        for (String name : List.of("threshold", "iou-threshold", "inference-interval")) {
            assertTrue(property(out, name).contains(
                    "flags: readable, writable, changeable in NULL, READY, PAUSED or PLAYING state\n"),
                    property(out, name));
        }
    }

    @Test
    @Timeout(90)
    void thePluginListsAllSixElements() throws Exception {
        String out = inspect("ovgst");
        assertTrue(out.contains("Filename") && out.contains("libgstovgst.so"), out);
        for (String element : List.of("ovdetect", "ovclassify", "ovprocess", "ovtrack", "ovwatermark", "ovmetapublish")) {
            assertTrue(Pattern.compile("(?m)^  " + element + ": ").matcher(out).find(), element + " missing:\n" + out);
        }
        assertTrue(out.contains("6 features"), out);
        String publish = inspect("ovmetapublish");
        assertTrue(property(publish, "location").contains("String. Default: \"-\""), publish);
        String watermark = inspect("ovwatermark");
        assertTrue(watermark.contains("GstOvWatermark"), watermark);
        String process = inspect("ovprocess");
        assertTrue(property(process, "input-padding").contains("Range: -1 - 4096 Default: -1"), process);
        assertTrue(property(process, "output-scale").matches("(?s).*Default: +255 .*"), process);
        assertTrue(process.contains("format: { (string)RGB, (string)BGR, (string)RGBx, (string)BGRx, (string)GRAY8,"
                + " (string)RGBA, (string)BGRA, (string)I420, (string)NV12 }"), process);
        assertTrue(property(process, "mode").contains("(1): alpha"), process);
        String classify = inspect("ovclassify");
        assertTrue(property(classify, "reclassify-interval").contains("Range: 1 - 2147483647 Default: 1"), classify);
        assertTrue(property(classify, "converter").contains("(2): binary"), classify);
        // Every enum value of every element says what it means, not its nick again.
        Pattern value = Pattern.compile("\\(\\d+\\): (\\S+) +- (.*)");
        int values = 0;
        for (String element : List.of(publish, process, classify, inspect("ovtrack"), watermark)) {
            Matcher m = value.matcher(element);
            while (m.find()) {
                values++;
                assertTrue(m.group(2).length() > m.group(1).length() + 8
                        && !m.group(2).toLowerCase(java.util.Locale.ROOT).replace('_', '-').equals(m.group(1)),
                        m.group());
            }
        }
        assertEquals(5 + 7 + 8, values, "enum values of ovmetapublish, ovprocess and ovclassify");
        assertTrue(property(process, "mode").matches("(?s).*\\(1\\): alpha +- a one-channel output \\(a mask\\) is"
                + " the frame's alpha: RGBA/BGRA\n.*"), process);
    }
}
