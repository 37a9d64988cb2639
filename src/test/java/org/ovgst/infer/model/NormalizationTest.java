package org.ovgst.infer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** mean-values and scale-values as users write them: what is taken, and what is refused with which words. */
class NormalizationTest {
    private static final String MEAN_HINT = "; give one number, or one per channel, separated by commas (e.g."
            + " 123.675,116.28,103.53)";
    private static final String SCALE_HINT = "; give one number, or one per channel, separated by commas (e.g."
            + " 58.395,57.12,57.375)";

    @Test
    void takesCommasSpacesBracketsAndExponents() {
        assertEquals(List.of(123.675f, 116.28f, 103.53f), Normalization.parseValues("123.675,116.28,103.53", false));
        assertEquals(List.of(1f, 2f, 3f), Normalization.parseValues(" [1, 2 ,3] ", false));
        assertEquals(List.of(1f, 2f, 3f), Normalization.parseValues("1 2  3", false));
        assertEquals(List.of(-0.5f, 5f, 1e3f), Normalization.parseValues("-.5,+5.,1E3", true));
        assertEquals(List.of(0f), Normalization.parseValues("0", false));
    }

    @Test
    void refusesEmptyItemsAndWhatIsNoFiniteNumber() {
        assertEquals("item 2 is empty" + MEAN_HINT, Normalization.valuesProblem("1,,2", false));
        assertEquals("item 3 is empty" + MEAN_HINT, Normalization.valuesProblem("1,2,", false));
        assertEquals("item 1 is empty" + MEAN_HINT, Normalization.valuesProblem("[]", false));
        assertEquals("'abc' is not a number" + MEAN_HINT, Normalization.valuesProblem("1,abc", false));
        // Java's own spellings are no numbers to a user: hexadecimal, type suffixes.
        assertEquals("'0x10' is not a number" + MEAN_HINT, Normalization.valuesProblem("0x10", false));
        assertEquals("'1f' is not a number" + MEAN_HINT, Normalization.valuesProblem("1f", false));
        assertEquals("'1;2;3' is not a number" + MEAN_HINT, Normalization.valuesProblem("1;2;3", false));
        assertEquals("'nan' is not a finite number" + MEAN_HINT, Normalization.valuesProblem("nan", false));
        assertEquals("'-Infinity' is not a finite number" + SCALE_HINT, Normalization.valuesProblem("-Infinity", true));
        assertEquals("'1e39' is beyond the largest 32-bit float, about 3.4e38" + MEAN_HINT,
                Normalization.valuesProblem("1e39", false));
    }

    @Test
    void aScaleOfZeroIsRefusedAMeanOfZeroIsNot() {
        assertEquals("a scale of 0.0 would divide by zero (1 leaves the values as they are)" + SCALE_HINT,
                Normalization.valuesProblem("1,0.0,1", true));
        assertNull(Normalization.valuesProblem("0,0,0", false));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Normalization.parseValues("0", true));
        assertEquals(Normalization.valuesProblem("0", true), refused.getMessage());
    }

    @Test
    void oneValueFitsAnyInputOneListOnlyItsChannels() {
        assertTrue(Normalization.fits(List.of(1f), 3));
        assertTrue(Normalization.fits(List.of(1f), 1));
        assertTrue(Normalization.fits(List.of(1f, 2f, 3f), 3));
        assertFalse(Normalization.fits(List.of(1f, 2f), 3));
        assertFalse(Normalization.fits(List.of(1f, 2f, 3f), 1));
    }
}
