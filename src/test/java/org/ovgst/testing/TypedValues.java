package org.ovgst.testing;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import org.ovgst.tensor.ElementType;

/** Reads and writes tensor memory of any numeric element type through doubles, for value assertions. */
public final class TypedValues {
    private TypedValues() {}

    public static void write(MemorySegment data, ElementType type, double... values) {
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            switch (type) {
                case F32 -> data.setAtIndex(JAVA_FLOAT, i, (float) v);
                case F64 -> data.setAtIndex(JAVA_DOUBLE, i, v);
                case F16 -> data.setAtIndex(JAVA_SHORT, i, Float.floatToFloat16((float) v));
                case I8, U8 -> data.setAtIndex(JAVA_BYTE, i, (byte) (long) v);
                case BOOLEAN -> data.setAtIndex(JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
                case I16, U16 -> data.setAtIndex(JAVA_SHORT, i, (short) (long) v);
                case I32, U32 -> data.setAtIndex(JAVA_INT, i, (int) (long) v);
                case I64, U64 -> data.setAtIndex(JAVA_LONG, i, (long) v);
                default -> throw new IllegalArgumentException("no test values for " + type);
            }
        }
    }

    public static double[] read(MemorySegment data, ElementType type) {
        int count = (int) (data.byteSize() / type.byteSize());
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = switch (type) {
                case F32 -> data.getAtIndex(JAVA_FLOAT, i);
                case F64 -> data.getAtIndex(JAVA_DOUBLE, i);
                case F16 -> Float.float16ToFloat(data.getAtIndex(JAVA_SHORT, i));
                case I8, BOOLEAN -> data.getAtIndex(JAVA_BYTE, i);
                case U8 -> Byte.toUnsignedInt(data.getAtIndex(JAVA_BYTE, i));
                case I16 -> data.getAtIndex(JAVA_SHORT, i);
                case U16 -> Short.toUnsignedInt(data.getAtIndex(JAVA_SHORT, i));
                case I32 -> data.getAtIndex(JAVA_INT, i);
                case U32 -> Integer.toUnsignedLong(data.getAtIndex(JAVA_INT, i));
                case I64, U64 -> data.getAtIndex(JAVA_LONG, i);
                default -> throw new IllegalArgumentException("no test values for " + type);
            };
        }
        return values;
    }
}
