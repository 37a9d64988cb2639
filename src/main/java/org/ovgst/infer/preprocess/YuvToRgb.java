package org.ovgst.infer.preprocess;

/**
 * BT.601 limited range YUV to RGB as OpenVINO's CPU plugin converts u8 frames (its JIT color
 * converter): luma {@code (Y - 16) * 1.164}, then fused multiply-adds in f32 ({@code R = 1.596 V'},
 * {@code G = -0.391 U' - 0.813 V'}, {@code B = 2.018 U'}, chroma less 128), clamped to 0-255 and
 * rounded to the nearest (halves to even). R depends on (Y, V) and B on (Y, U) alone, so both come
 * from tables of every pair, exactly; G takes the luma term plus a chroma term from a table: adding
 * the chroma terms first can move a value by one ulp, a different rounding only where it lies on a
 * half (PreprocessorTest measures it). Tables made once, shared by every pre-processor.
 */
final class YuvToRgb {
    private static final byte[] RED = new byte[256 * 256];
    private static final byte[] BLUE = new byte[256 * 256];
    private static final float[] LUMA = new float[256];
    private static final float[] GREEN = new float[256 * 256];

    static {
        for (int y = 0; y < 256; y++) {
            LUMA[y] = (y - 16f) * 1.164f;
        }
        for (int first = 0; first < 256; first++) {
            for (int second = 0; second < 256; second++) {
                int pair = first << 8 | second;
                RED[pair] = (byte) level(Math.fma(1.596f, second - 128f, LUMA[first]));
                BLUE[pair] = (byte) level(Math.fma(2.018f, second - 128f, LUMA[first]));
                GREEN[pair] = Math.fma(-0.813f, second - 128f, -0.391f * (first - 128f));
            }
        }
    }

    private YuvToRgb() {}

    static int red(int y, int v) {
        return RED[y << 8 | v] & 0xff;
    }

    static int green(int y, int u, int v) {
        return level(LUMA[y] + GREEN[u << 8 | v]);
    }

    static int blue(int y, int u) {
        return BLUE[y << 8 | u] & 0xff;
    }

    private static int level(float value) {
        return (int) Math.rint(Math.clamp(value, 0f, 255f));
    }
}
