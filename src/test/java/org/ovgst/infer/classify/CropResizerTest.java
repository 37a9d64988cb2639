package org.ovgst.infer.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.testing.VenvPython;

/**
 * Crops against NumPy's (src/test/python/crops.py, float64): boxes that shrink, grow, stretch, reach
 * outside the frame or are one pixel; BGR with a padded stride and BGRx; one resizer reused across
 * crops of different sizes. Every byte within 1 of the reference (float32 here), nearly all equal.
 */
class CropResizerTest {
    private static final String REFERENCE = """
            import sys, numpy as np
            sys.path.insert(0, 'src/test/python')
            from crops import resize_box
            frame, out = sys.argv[1:3]
            width, height, channels, stride = map(int, sys.argv[3:7])
            x, y, w, h, tw, th = map(int, sys.argv[7:13])
            rows = np.fromfile(frame, np.uint8).reshape(height, stride)[:, :width * channels]
            resize_box(rows.reshape(height, width, channels), x, y, w, h, tw, th).tofile(out)
            """;

    @TempDir
    Path dir;

    @Test
    void cropsAsNumPyDoes() throws IOException, InterruptedException {
        Random random = new Random(7);
        CropResizer resizer = new CropResizer();
        int[][] boxes = {{170, 140, 300, 200, 224, 224}, {10, 20, 40, 30, 224, 224}, {-30, 400, 200, 200, 96, 64},
                {600, 0, 1, 1, 8, 8}, {0, 0, 641, 481, 33, 17}, {100, 100, 224, 224, 224, 224}};
        for (PixelFormat format : new PixelFormat[] {PixelFormat.BGR, PixelFormat.BGRX}) {
            int channels = format.pixelStride();
            FrameLayout layout = new FrameLayout(format, 641, 481, new int[] {641 * channels + 13}, new long[] {0},
                    (641L * channels + 13) * 481);
            byte[] pixels = new byte[(int) layout.size()];
            random.nextBytes(pixels);
            Path frame = Files.write(dir.resolve("frame-" + format), pixels);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment source = arena.allocateFrom(ValueLayout.JAVA_BYTE, pixels);
                for (int[] box : boxes) {
                    MemorySegment target = arena.allocate((long) box[4] * box[5] * channels);
                    resizer.resize(source, layout, box[0], box[1], box[2], box[3], target, box[4], box[5]);
                    Path out = dir.resolve("crop");
                    VenvPython.run(REFERENCE, frame.toString(), out.toString(), "641", "481",
                            String.valueOf(channels), String.valueOf(layout.stride(0)), String.valueOf(box[0]),
                            String.valueOf(box[1]), String.valueOf(box[2]), String.valueOf(box[3]),
                            String.valueOf(box[4]), String.valueOf(box[5]));
                    byte[] expected = Files.readAllBytes(out);
                    byte[] got = target.toArray(ValueLayout.JAVA_BYTE);
                    assertEquals(expected.length, got.length);
                    int differ = 0;
                    for (int i = 0; i < got.length; i++) {
                        int difference = Math.abs((got[i] & 0xff) - (expected[i] & 0xff));
                        assertTrue(difference <= 1, format + " box " + java.util.Arrays.toString(box) + " byte " + i);
                        differ += difference;
                    }
                    assertTrue(differ <= got.length / 1000 + 1, format + " " + java.util.Arrays.toString(box) + ": "
                            + differ + " of " + got.length + " bytes off by 1");
                }
            }
        }
    }
}
