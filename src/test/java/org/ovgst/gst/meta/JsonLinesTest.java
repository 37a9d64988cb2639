package org.ovgst.gst.meta;

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
import org.ovgst.gst.Region;
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
        FrameMeta frame = new FrameMeta(0, 0, 640, 480, List.of(new Region(10, 20, 30, 40, "face", 0, 0.92f)));
        assertEquals("{\"frame\":0,\"pts\":0,\"width\":640,\"height\":480,\"objects\":[{\"x\":10,\"y\":20,\"w\":30,"
                + "\"h\":40,\"label\":\"face\",\"label_id\":0,\"confidence\":0.92}]}\n",
                JsonLines.append(new StringBuilder(), frame).toString());
    }

    @Test
    void writesWhatWasSaidOfTheWholeFrameAsTensors() {
        FrameMeta frame = new FrameMeta(0, 0, 384, 191, List.of(),
                List.of(new Region.Attribute("orientation", "90", 1, 0.9239)));
        assertEquals("{\"frame\":0,\"pts\":0,\"width\":384,\"height\":191,\"objects\":[],\"tensors\":[{\"name\":"
                + "\"orientation\",\"label\":\"90\",\"label_id\":1,\"confidence\":0.9239}]}\n",
                JsonLines.append(new StringBuilder(), frame).toString());
    }

    @Test
    void appendsToTheBuilderItIsGiven() {
        StringBuilder out = new StringBuilder("earlier\n");
        FrameMeta frame = new FrameMeta(3, 40, 2, 2, List.of());
        assertSame(out, JsonLines.append(out, frame));
        assertEquals("earlier\n{\"frame\":3,\"pts\":40,\"width\":2,\"height\":2,\"objects\":[]}\n", out.toString());
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
                "{\"frame\": 0, \"height\": 480, \"objects\": ["
                        + "{\"confidence\": 0.92, \"h\": 40, \"label\": \"face\", \"label_id\": 0, \"w\": 30, \"x\": 10, \"y\": 20}, "
                        + "{\"confidence\": 0.5, \"h\": 50, \"label\": \"person\", \"label_id\": 12, \"w\": 100, \"x\": -5, \"y\": 470}"
                        + "], \"pts\": 0, \"width\": 640}",
                "{\"frame\": 1, \"height\": 480, \"objects\": [], \"pts\": 33366666, \"width\": 640}",
                "{\"frame\": 9223372036854775807, \"height\": 1, \"objects\": [], \"pts\": 9223372036854775807, \"width\": 1}"),
                canonical(out));
    }

    @Test
    void anUnknownTimestampIsNull() throws Exception {
        StringBuilder out = new StringBuilder();
        JsonLines.append(out, new FrameMeta(7, FrameMeta.PTS_NONE, 320, 240, List.of()));
        JsonLines.append(out, new FrameMeta(8, Long.MIN_VALUE, 320, 240, List.of()));
        assertEquals(List.of(
                "{\"frame\": 7, \"height\": 240, \"objects\": [], \"pts\": null, \"width\": 320}",
                "{\"frame\": 8, \"height\": 240, \"objects\": [], \"pts\": null, \"width\": 320}"),
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
            assertTrue(records.get(i).contains("\"label\": " + expected.get(i) + ","), records.get(i));
        }
    }

    @Test
    void writesNullForAMissingLabelOrConfidence() throws Exception {
        StringBuilder out = new StringBuilder();
        JsonLines.append(out, new FrameMeta(0, 0, 1, 1, List.of(object(null, Double.NaN),
                object("inf", Double.POSITIVE_INFINITY), object("-inf", Double.NEGATIVE_INFINITY))));
        String objects = canonical(out).getFirst();
        assertTrue(objects.contains("{\"confidence\": null, \"h\": 4, \"label\": null,"), objects);
        assertTrue(objects.contains("{\"confidence\": null, \"h\": 4, \"label\": \"inf\","), objects);
        assertTrue(objects.contains("{\"confidence\": null, \"h\": 4, \"label\": \"-inf\","), objects);
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
        assertTrue(out.toString().contains("\"confidence\":0.1235}"), out.toString());
        List<String> records = canonical(out);
        for (int i = 0; i < confidences.length; i++) {
            assertTrue(records.get(i).contains("{\"confidence\": " + expected.get(i) + ","),
                    confidences[i] + " -> " + records.get(i));
        }
    }
}
