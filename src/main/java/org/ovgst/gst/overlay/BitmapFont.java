package org.ovgst.gst.overlay;

/**
 * A 5x7 pixel font for printable ASCII (32 to 126), the classic character-LCD design: small enough
 * to keep as data, and drawable without AWT or any allocation. Other characters print as {@code ?}.
 */
final class BitmapFont {
    static final int WIDTH = 5;
    static final int HEIGHT = 7;

    private static final int FIRST = ' ';
    private static final int LAST = '~';

    /**
     * One glyph per character from {@code ' '}: five column bytes, leftmost in the highest byte; bit
     * {@code r} of a column is row {@code r}, counted from the top.
     */
    private static final long[] COLUMNS = {
        0x00_00_00_00_00L, 0x00_00_5F_00_00L, 0x00_07_00_07_00L, 0x14_7F_14_7F_14L, 0x24_2A_7F_2A_12L, //  !"#$
        0x23_13_08_64_62L, 0x36_49_55_22_50L, 0x00_05_03_00_00L, 0x00_1C_22_41_00L, 0x00_41_22_1C_00L, // %&'()
        0x08_2A_1C_2A_08L, 0x08_08_3E_08_08L, 0x00_50_30_00_00L, 0x08_08_08_08_08L, 0x00_60_60_00_00L, // *+,-.
        0x20_10_08_04_02L, 0x3E_51_49_45_3EL, 0x00_42_7F_40_00L, 0x42_61_51_49_46L, 0x21_41_45_4B_31L, // /0123
        0x18_14_12_7F_10L, 0x27_45_45_45_39L, 0x3C_4A_49_49_30L, 0x01_71_09_05_03L, 0x36_49_49_49_36L, // 45678
        0x06_49_49_29_1EL, 0x00_36_36_00_00L, 0x00_56_36_00_00L, 0x08_14_22_41_00L, 0x14_14_14_14_14L, // 9:;<=
        0x00_41_22_14_08L, 0x02_01_51_09_06L, 0x32_49_79_41_3EL, 0x7E_11_11_11_7EL, 0x7F_49_49_49_36L, // >?@AB
        0x3E_41_41_41_22L, 0x7F_41_41_22_1CL, 0x7F_49_49_49_41L, 0x7F_09_09_09_01L, 0x3E_41_49_49_7AL, // CDEFG
        0x7F_08_08_08_7FL, 0x00_41_7F_41_00L, 0x20_40_41_3F_01L, 0x7F_08_14_22_41L, 0x7F_40_40_40_40L, // HIJKL
        0x7F_02_0C_02_7FL, 0x7F_04_08_10_7FL, 0x3E_41_41_41_3EL, 0x7F_09_09_09_06L, 0x3E_41_51_21_5EL, // MNOPQ
        0x7F_09_19_29_46L, 0x46_49_49_49_31L, 0x01_01_7F_01_01L, 0x3F_40_40_40_3FL, 0x1F_20_40_20_1FL, // RSTUV
        0x3F_40_38_40_3FL, 0x63_14_08_14_63L, 0x07_08_70_08_07L, 0x61_51_49_45_43L, 0x00_7F_41_41_00L, // WXYZ[
        0x02_04_08_10_20L, 0x00_41_41_7F_00L, 0x04_02_01_02_04L, 0x40_40_40_40_40L, 0x00_01_02_04_00L, // \]^_`
        0x20_54_54_54_78L, 0x7F_48_44_44_38L, 0x38_44_44_44_20L, 0x38_44_44_48_7FL, 0x38_54_54_54_18L, // abcde
        0x08_7E_09_01_02L, 0x0C_52_52_52_3EL, 0x7F_08_04_04_78L, 0x00_44_7D_40_00L, 0x20_40_44_3D_00L, // fghij
        0x7F_10_28_44_00L, 0x00_41_7F_40_00L, 0x7C_04_18_04_78L, 0x7C_08_04_04_78L, 0x38_44_44_44_38L, // klmno
        0x7C_14_14_14_08L, 0x08_14_14_18_7CL, 0x7C_08_04_04_08L, 0x48_54_54_54_20L, 0x04_3F_44_40_20L, // pqrst
        0x3C_40_40_20_7CL, 0x1C_20_40_20_1CL, 0x3C_40_30_40_3CL, 0x44_28_10_28_44L, 0x0C_50_50_50_3CL, // uvwxy
        0x44_64_54_4C_44L, 0x00_08_36_41_00L, 0x00_00_7F_00_00L, 0x00_41_36_08_00L, 0x08_04_08_10_08L, // z{|}~
    };

    /** The same glyphs turned into rows, which is how drawing walks them: bit 0 is the leftmost pixel. */
    private static final byte[] ROWS = rows();

    private BitmapFont() {}

    /** The pixels of one row of a character's glyph, bit {@code c} for column {@code c}. */
    static int row(int codePoint, int row) {
        int glyph = codePoint >= FIRST && codePoint <= LAST ? codePoint - FIRST : '?' - FIRST;
        return ROWS[glyph * HEIGHT + row];
    }

    private static byte[] rows() {
        byte[] rows = new byte[COLUMNS.length * HEIGHT];
        for (int glyph = 0; glyph < COLUMNS.length; glyph++) {
            for (int column = 0; column < WIDTH; column++) {
                long bits = COLUMNS[glyph] >>> (8 * (WIDTH - 1 - column));
                for (int row = 0; row < HEIGHT; row++) {
                    if ((bits >>> row & 1) != 0) {
                        rows[glyph * HEIGHT + row] |= (byte) (1 << column);
                    }
                }
            }
        }
        return rows;
    }
}
