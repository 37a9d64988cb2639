package org.ovgst.infer.kserve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ovgst.infer.InferenceException;
import org.ovgst.tensor.ElementType;

class DatatypesTest {
    /** The data types of the Open Inference Protocol's specification ("Tensor Data Types"), all of them. */
    @Test
    void everyProtocolDatatypeMapsBothWays() {
        Map<String, ElementType> spec = Map.ofEntries(Map.entry("BOOL", ElementType.BOOLEAN),
                Map.entry("UINT8", ElementType.U8), Map.entry("UINT16", ElementType.U16),
                Map.entry("UINT32", ElementType.U32), Map.entry("UINT64", ElementType.U64),
                Map.entry("INT8", ElementType.I8), Map.entry("INT16", ElementType.I16),
                Map.entry("INT32", ElementType.I32), Map.entry("INT64", ElementType.I64),
                Map.entry("FP16", ElementType.F16), Map.entry("FP32", ElementType.F32),
                Map.entry("FP64", ElementType.F64), Map.entry("BF16", ElementType.BF16),
                Map.entry("BYTES", ElementType.STRING));
        spec.forEach((datatype, type) -> {
            assertEquals(type, Datatypes.elementType(datatype, "test"));
            assertEquals(datatype, Datatypes.datatype(type));
        });
    }

    @Test
    void anUnknownDatatypeIsNamedWithWhereItCameFrom() {
        InferenceException e = assertThrows(InferenceException.class,
                () -> Datatypes.elementType("FLOAT32", "output 'y' of model 'm' at 10.0.0.5:8001"));
        assertTrue(e.getMessage().startsWith("output 'y' of model 'm' at 10.0.0.5:8001 has data type 'FLOAT32'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("BF16, BOOL, BYTES, FP16, FP32"), e.getMessage());
    }

    @Test
    void aTypeTheProtocolCannotCarryIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datatypes.datatype(ElementType.U4));
        assertEquals("element type u4 has no Open Inference Protocol data type", e.getMessage());
    }
}
