package org.ovgst.tensor;

import java.util.Locale;

/**
 * Tensor element types with their sizes, in the order of {@code ov_element_type_e} in OpenVINO
 * 2026.4's {@code ov_common.h} (the OpenVINO binding maps them by that order, and checks it against
 * the loaded runtime at start-up); other backends map them to their own names.
 */
public enum ElementType {
    DYNAMIC(0),
    BOOLEAN(8),
    BF16(16),
    F16(16),
    F32(32),
    F64(64),
    I4(4),
    I8(8),
    I16(16),
    I32(32),
    I64(64),
    U1(1),
    U2(2),
    U3(3),
    U4(4),
    U6(6),
    U8(8),
    U16(16),
    U32(32),
    U64(64),
    NF4(4),
    F8E4M3(8),
    F8E5M2(8),
    STRING(0),
    F4E2M1(4),
    F8E8M0(8);

    private final int bits;

    ElementType(int bits) {
        this.bits = bits;
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


    @Override
    public String toString() {
        return shortName();
    }
}
