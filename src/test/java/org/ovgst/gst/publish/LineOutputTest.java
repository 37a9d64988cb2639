package org.ovgst.gst.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineOutputTest {
    @TempDir
    Path dir;

    @Test
    void eachLineIsInTheFileWhenWriteReturns() throws IOException {
        Path file = dir.resolve("out.jsonl");
        StringBuilder line = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        try (LineOutput output = LineOutput.open(file.toString())) {
            assertEquals(file.toAbsolutePath().toString(), output.name());
            // Short, non-ASCII, and longer than the buffers first made (they grow, then are reused).
            for (String text : new String[] {"{\"a\":1}", "{\"label\":\"caf\u00e9 \u732b \ud83d\udc31\"}",
                    "{\"long\":\"" + "x\u00e9".repeat(3000) + "\"}", "{\"b\":2}"}) {
                line.setLength(0);
                line.append(text).append('\n');
                output.write(line);
                expected.append(line);
                assertEquals(expected.toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aFailedWriteThrowsWithTheOsReason() throws IOException {
        try (LineOutput output = LineOutput.open("/dev/full")) {
            IOException e = assertThrows(IOException.class, () -> output.write("{}\n"));
            assertEquals("No space left on device", e.getMessage());
        }
    }

    @Test
    void closingStandardOutputLeavesItOpen() throws IOException {
        LineOutput output = LineOutput.open("-");
        assertEquals("standard output", output.name());
        output.close();
        assertTrue(Files.exists(Path.of("/proc/self/fd/1")), "descriptor 1 was closed");
    }
}
