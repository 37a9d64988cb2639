package org.ovgst.infer.preprocess;

/**
 * BT.601 limited range YUV to RGB as OpenVINO's CPU plugin converts u8 frames: luma
 * {@code Y' = (Y - 16) * 1.164}, then {@code R = Y' + 1.596 V'}, {@code G = Y' - 0.391 U' - 0.813 V'},
 * {@code B = Y' + 2.018 U'} (chroma less 128), each product and sum rounded to f32 in that order
 * (not fused: checked to the bit against OpenVINO 2026.4.1 on an AVX2 machine, where fused
 * multiply-adds differed in about 1 value in 15 000), clamped to 0-255 and rounded to the nearest,
 * halves to even. R depends on (Y, V) and B on (Y, U) alone, so both come from tables of every pair;
 * G from tables of its three terms. Made once, shared by every pre-processor.
 */
final class YuvToRgb {
    private static final byte[] RED = new byte[256 * 256];
    private static final byte[] BLUE = new byte[256 * 256];
    private static final float[] LUMA = new float[256];
    private static final float[] GREEN_U = new float[256];
    private static final float[] GREEN_V = new float[256];

    static {
        for (int value = 0; value < 256; value++) {
            LUMA[value] = (value - 16f) * 1.164f;
            GREEN_U[value] = 0.391f * (value - 128f);
            GREEN_V[value] = 0.813f * (value - 128f);
        }
        for (int y = 0; y < 256; y++) {
            for (int chroma = 0; chroma < 256; chroma++) {
                RED[y << 8 | chroma] = (byte) level(LUMA[y] + 1.596f * (chroma - 128f));
                BLUE[y << 8 | chroma] = (byte) level(LUMA[y] + 2.018f * (chroma - 128f));
            }
        }
    }

    private YuvToRgb() {}

    static int red(int y, int v) {
        return RED[y << 8 | v] & 0xff;
    }

    static int green(int y, int u, int v) {
        return level(LUMA[y] - GREEN_U[u] - GREEN_V[v]);
    }

    static int blue(int y, int u) {
        return BLUE[y << 8 | u] & 0xff;
    }

    private static int level(float value) {
        return (int) Math.rint(Math.clamp(value, 0f, 255f));
    }
}
