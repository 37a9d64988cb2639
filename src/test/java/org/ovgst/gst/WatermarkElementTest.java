package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.TestAssets;

/** ovwatermark draws exactly where ovdetect found something, and ovmetapublish describes the same box. */
class WatermarkElementTest {
    private static final int W = 512;
    private static final int H = 512;
    /** The label band above a box: generous, the label is two text rows at most on a 512-pixel frame. */
    private static final int LABEL_BAND = 48;

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void drawsTheBoxAndLabelAndNothingElse(@TempDir Path dir) throws Exception {
        String source = "filesrc location=" + TestAssets.image("astronaut.png") + " ! pngdec ! imagefreeze num-buffers=2"
                + " ! videoconvert ! video/x-raw,format=BGR ! ovdetect model=" + FACE_MODEL;
        Path plain = dir.resolve("plain.raw");
        Path marked = dir.resolve("marked.raw");
        Path json = dir.resolve("meta.jsonl");
        Path jsonPlain = dir.resolve("meta-plain.jsonl");
        GstTestSupport.assertRunsInProcess(source + " ! ovmetapublish location=" + jsonPlain + " ! filesink location="
                + plain);
        GstTestSupport.assertRunsInProcess(source + " ! ovwatermark ! ovmetapublish location=" + json
                + " ! filesink location=" + marked);

        List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(json);
        assertEquals(2, frames.size());
        assertEquals(GstTestSupport.readFrames(jsonPlain), frames, "ovwatermark must not change the metadata");
        for (int i = 0; i < 2; i++) {
            GstTestSupport.Frame f = frames.get(i);
            assertEquals(i, f.frame());
            assertEquals(i * 40_000_000L, f.timestamp(), "imagefreeze's default 25/1");
            assertEquals(W, f.width());
            assertEquals(H, f.height());
            assertEquals(1, f.objects().size(), f.toString());
            GstTestSupport.Box b = f.objects().get(0);
            assertEquals("face", b.label());
            assertEquals(0, b.labelId());
            assertTrue(b.confidence() > 0.5 && b.confidence() <= 1, b.toString());
            assertTrue(b.w() > 40 && b.h() > 40 && b.x() >= 0 && b.y() >= LABEL_BAND && b.x() + b.w() <= W
                    && b.y() + b.h() <= H, b.toString());
        }

        byte[] before = Files.readAllBytes(plain);
        byte[] after = Files.readAllBytes(marked);
        int frameBytes = W * H * 3;
        assertEquals(2L * frameBytes, before.length);
        assertEquals(before.length, after.length);
        // The same still image twice: the frames without the watermark are identical.
        assertArrayEquals(java.util.Arrays.copyOfRange(before, 0, frameBytes),
                java.util.Arrays.copyOfRange(before, frameBytes, 2 * frameBytes));

        for (int i = 0; i < 2; i++) {
            GstTestSupport.Box b = frames.get(i).objects().get(0);
            int changedInBand = 0;
            int changedTopEdge = 0;
            int changedLeftEdge = 0;
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int at = i * frameBytes + (y * W + x) * 3;
                    boolean changed = before[at] != after[at] || before[at + 1] != after[at + 1]
                            || before[at + 2] != after[at + 2];
                    if (!changed) {
                        continue;
                    }
                    boolean inBox = x >= b.x() && x < b.x() + b.w() && y >= b.y() && y < b.y() + b.h();
                    boolean inBand = x >= b.x() && y >= b.y() - LABEL_BAND && y < b.y();
                    assertTrue(inBox || inBand, "frame " + i + ": pixel (" + x + "," + y + ") changed outside " + b);
                    boolean deepInside = x >= b.x() + 8 && x < b.x() + b.w() - 8 && y >= b.y() + 8
                            && y < b.y() + b.h() - 8;
                    assertTrue(!deepInside, "frame " + i + ": pixel (" + x + "," + y + ") inside the box changed " + b);
                    if (inBand) {
                        changedInBand++;
                    }
                    if (y == b.y() + b.h() - 1) {
                        changedTopEdge++; // bottom edge row, counted with the top one below
                    }
                    if (y == b.y() + 1) {
                        changedTopEdge++;
                    }
                    if (x == b.x() + 1 && y >= b.y() && y < b.y() + b.h()) {
                        changedLeftEdge++;
                    }
                }
            }
            assertTrue(changedTopEdge >= 2 * b.w() * 9 / 10, "top/bottom outline: " + changedTopEdge + " for " + b);
            assertTrue(changedLeftEdge >= b.h() * 9 / 10, "left outline: " + changedLeftEdge + " for " + b);
            assertTrue(changedInBand > 100, "the label above the box: " + changedInBand + " pixels");
        }
    }
}
