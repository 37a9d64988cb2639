package org.ovgst.infer.kserve;

import java.util.Map;
import org.ovgst.infer.InferenceException;
import org.ovgst.tensor.ElementType;

/**
 * The protocol's tensor data types ({@code FP32}, {@code UINT8}, ...: the strings of the Open Inference
 * Protocol) and the project's {@link ElementType}s. {@code BYTES} (variable-length strings) is
 * {@link ElementType#STRING}, which has no element size: no image model takes it.
 */
public final class Datatypes {
    private static final Map<String, ElementType> BY_NAME = Map.ofEntries(
            Map.entry("BOOL", ElementType.BOOLEAN),
            Map.entry("UINT8", ElementType.U8), Map.entry("UINT16", ElementType.U16),
            Map.entry("UINT32", ElementType.U32), Map.entry("UINT64", ElementType.U64),
            Map.entry("INT8", ElementType.I8), Map.entry("INT16", ElementType.I16),
            Map.entry("INT32", ElementType.I32), Map.entry("INT64", ElementType.I64),
            Map.entry("FP16", ElementType.F16), Map.entry("FP32", ElementType.F32),
            Map.entry("FP64", ElementType.F64), Map.entry("BF16", ElementType.BF16),
            Map.entry("BYTES", ElementType.STRING));

    private Datatypes() {}

    /**
     * The element type of a protocol data type.
     *
     * @throws InferenceException for a data type the protocol does not define; {@code where} (e.g.
     *     "output 'y' of model 'yolo' at 10.0.0.5:8001") says whose it is
     */
    public static ElementType elementType(String datatype, String where) {
        ElementType type = BY_NAME.get(datatype);
        if (type == null) {
            throw new InferenceException(where + " has data type '" + datatype
                    + "', which is not one of the Open Inference Protocol's: " + String.join(", ",
                            BY_NAME.keySet().stream().sorted().toList()));
        }
        return type;
    }

    /**
     * The protocol data type of an element type.
     *
     * @throws IllegalArgumentException for a type the protocol cannot carry (u4, nf4, f8...)
     */
    public static String datatype(ElementType type) {
        return BY_NAME.entrySet().stream().filter(e -> e.getValue() == type).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("element type " + type
                        + " has no Open Inference Protocol data type"));
    }
}
