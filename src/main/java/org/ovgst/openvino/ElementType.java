package org.ovgst.openvino;

import java.util.Locale;

/**
 * Tensor element types, numbered as {@code ov_element_type_e} in the 2026.4 {@code ov_common.h}.
 * The numbering has shifted between OpenVINO releases, so {@link OpenVino} checks it against the
 * loaded runtime at start-up.
 */
public enum ElementType {
    DYNAMIC(0, 0),
    BOOLEAN(1, 8),
    BF16(2, 16),
    F16(3, 16),
    F32(4, 32),
    F64(5, 64),
    I4(6, 4),
    I8(7, 8),
    I16(8, 16),
    I32(9, 32),
    I64(10, 64),
    U1(11, 1),
    U2(12, 2),
    U3(13, 3),
    U4(14, 4),
    U6(15, 6),
    U8(16, 8),
    U16(17, 16),
    U32(18, 32),
    U64(19, 64),
    NF4(20, 4),
    F8E4M3(21, 8),
    F8E5M2(22, 8),
    STRING(23, 0),
    F4E2M1(24, 4),
    F8E8M0(25, 8);

    private static final ElementType[] BY_CODE = values();

    private final int code;
    private final int bits;

    ElementType(int code, int bits) {
        this.code = code;
        this.bits = bits;
    }

    /** The {@code ov_element_type_e} value. */
    public int code() {
        return code;
    }

    /** Bits per element; 0 for {@link #DYNAMIC} and {@link #STRING}. */
    public int bits() {
        return bits;
    }

    /** Bytes per element for whole-byte types. */
    public int byteSize() {
        if (bits % 8 != 0 || bits == 0) {
            throw new UnsupportedOperationException(this + " has no whole-byte element size");
        }
        return bits / 8;
    }

    /** OpenVINO's own short name, e.g. {@code f32}, {@code u8}, {@code boolean}. */
    public String shortName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ElementType fromCode(int code) {
        if (code < 0 || code >= BY_CODE.length || BY_CODE[code].code != code) {
            throw new OpenVinoException("unknown ov_element_type_e value " + code
                    + "; this build of ovgst was written against the OpenVINO 2026.4 C headers");
        }
        return BY_CODE[code];
    }

    @Override
    public String toString() {
        return shortName();
    }
}
