package org.ovgst.gst.gobject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.gobject.Property.Mutability.READY_ONLY;
import static org.ovgst.gst.gobject.Property.Mutability.WHILE_PLAYING;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Property declarations and one element's values, without GStreamer: typed reads, defaults, when a change is taken. */
class PropertyValuesTest {
    private static final Property.Int REQUESTS = new Property.Int("requests", "", 0, 64, 0, READY_ONLY);
    private static final Property.Real LEVEL = new Property.Real("level", "", 0, 1, 0.5, WHILE_PLAYING);
    private static final Property.Text FILE = new Property.Text("file", "", null, READY_ONLY);
    private static final Property.Bool FAST = new Property.Bool("fast", "", true, READY_ONLY);
    private static final Property.Choice KIND = new Property.Choice("kind", "", "GstOvTestKind",
            List.of(new Property.Choice.Value("auto", "found from the model"),
                    new Property.Choice.Value("yolo-v8", "Ultralytics YOLOv8 and YOLO11", "yolo11")),
            "auto", READY_ONLY);

    private final PropertyValues values = new PropertyValues(List.of(REQUESTS, LEVEL, FILE, FAST, KIND));

    @Test
    void readsTheDeclaredDefaultsTyped() {
        int requests = values.get(REQUESTS);
        double level = values.get(LEVEL);
        boolean fast = values.get(FAST);
        assertEquals(0, requests);
        assertEquals(0.5, level);
        assertTrue(fast);
        assertNull(values.get(FILE));
        assertEquals("auto", values.get(KIND));
        assertFalse(values.isSet(REQUESTS) || values.isSet(LEVEL) || values.isSet(FILE) || values.isSet(KIND));
        assertNull(values.firstProblem());
    }

    @Test
    void aValueSetToTheDefaultCountsAsSet() {
        assertNull(values.set(REQUESTS, 0));
        assertTrue(values.isSet(REQUESTS));
        assertFalse(values.isSet(LEVEL));
    }

    @Test
    void beforeARunAnyValueIsStoredAndTheFirstWrongOneIsTheProblem() {
        assertNull(values.set(LEVEL, 1.5));
        assertNull(values.set(REQUESTS, 100));
        assertEquals(100, values.get(REQUESTS));
        assertEquals("property 'requests' is 100; allowed: 0 to 64", values.firstProblem());
        assertNull(values.set(REQUESTS, 4));
        assertEquals("property 'level' is 1.5; allowed: 0 to 1", values.firstProblem());
        assertNull(values.set(LEVEL, Double.NaN));
        assertEquals("property 'level' is NaN; allowed: 0 to 1", values.firstProblem());
        // Far from the range, a number is written short rather than with hundreds of digits.
        assertNull(values.set(LEVEL, 1e308));
        assertEquals("property 'level' is 1.0E308; allowed: 0 to 1", values.firstProblem());
        assertNull(values.set(LEVEL, -1e-300));
        assertEquals("property 'level' is -1.0E-300; allowed: 0 to 1", values.firstProblem());
    }

    @Test
    void whileRunningOnlyAllowedValuesOfPlayingMutablePropertiesChange() {
        values.setRunning(true);
        assertEquals("property 'requests' cannot change to 4 while the element is PAUSED or PLAYING: it takes effect"
                + " only in NULL or READY state; it stays 0", values.set(REQUESTS, 4));
        assertEquals("property 'file' cannot change to 'x.txt' while the element is PAUSED or PLAYING: it takes"
                + " effect only in NULL or READY state; it stays NULL", values.set(FILE, "x.txt"));
        assertEquals(0, values.get(REQUESTS));
        assertFalse(values.isSet(REQUESTS));

        assertEquals("property 'level' is -0.25; allowed: 0 to 1; refused while playing, it stays 0.5",
                values.set(LEVEL, -0.25));
        assertFalse(values.isSet(LEVEL));
        assertNull(values.set(LEVEL, 0.75));
        assertEquals(0.75, values.get(LEVEL));
        assertTrue(values.isSet(LEVEL));

        values.setRunning(false);
        assertNull(values.set(REQUESTS, 4));
        assertEquals(4, values.get(REQUESTS));
    }

    @Test
    void aTextsRuleRefusesWhenTheElementStartsNamingPropertyValueAndRule() {
        Property.Text name = new Property.Text("name", "", null, READY_ONLY,
                value -> Character.isLetter(value.charAt(0)) ? null : "'" + value.charAt(0) + "' is not a letter");
        PropertyValues named = new PropertyValues(List.of(name));
        assertNull(named.set(name, "1st"));
        assertEquals("property 'name' is '1st': '1' is not a letter", named.firstProblem());
        // Blank comes first: the rule sees only values that say something.
        assertNull(named.set(name, " "));
        assertEquals("property 'name' is ' ', which is blank: leave it unset or give a value ()", named.firstProblem());
        assertNull(named.set(name, "first"));
        assertNull(named.firstProblem());
    }

    @Test
    void anUndeclaredPropertyIsNamed() {
        Property.Int other = new Property.Int("requests", "", 0, 64, 0, READY_ONLY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> values.get(other));
        assertEquals("property 'requests' is not one of this element's", e.getMessage());
    }

    @Test
    void declarationsRefuseDefaultsOutsideTheirRangeAndAmbiguousChoices() {
        assertThrows(IllegalArgumentException.class, () -> new Property.Int("n", "", 1, 64, 0, READY_ONLY));
        assertThrows(IllegalArgumentException.class, () -> new Property.Real("r", "", 0, 1, 2.0, READY_ONLY));
        assertThrows(NullPointerException.class, () -> new Property.Bool("b", "", null, READY_ONLY));
        assertThrows(IllegalArgumentException.class, () -> new Property.Choice("c", "", "GstOvTestC",
                List.of(new Property.Choice.Value("a", "a")), "b", READY_ONLY));
        // An alias that is another value's nick, or the same nick but for case, - and _, would make one
        // spelling mean two values.
        assertThrows(IllegalArgumentException.class, () -> new Property.Choice("c", "", "GstOvTestC",
                List.of(new Property.Choice.Value("a", "x"), new Property.Choice.Value("b", "y", "A")), "a",
                READY_ONLY));
        assertThrows(IllegalArgumentException.class, () -> new Property.Choice("c", "", "GstOvTestC",
                List.of(new Property.Choice.Value("yolo-v8", "x"), new Property.Choice.Value("YOLO_v8", "y")),
                "yolo-v8", READY_ONLY));
    }

    /** What users write for a value: nick or alias in any case, with or without - and _; the meaning; the number. */
    @Test
    void aChoiceReadsTheSpellingsUsersWrite() {
        for (String written : List.of("yolo-v8", "yolo_v8", "yolov8", "YOLOv8", "yolo11", "YOLO11", "yolo_11", "1",
                "Ultralytics YOLOv8 and YOLO11")) {
            assertEquals(1, KIND.indexOfWritten(written), written);
        }
        assertEquals(0, KIND.indexOfWritten("AUTO"));
        for (String written : List.of("yolov9", "2", "-1", "", "yolo v8", "ultralytics yolov8 and yolo11")) {
            assertEquals(-1, KIND.indexOfWritten(written), written);
        }
    }

    /** Another text is kept as written and refused, naming the allowed values, when the element starts. */
    @Test
    void aChoiceRefusesAnyOtherTextWithTheAllowedValues() {
        assertNull(values.set(KIND, "yolov9x"));
        assertEquals("property 'kind' is 'yolov9x'; allowed: auto, yolo-v8 (gst-inspect-1.0 says what each means)",
                values.firstProblem());
        values.setRunning(true);
        assertEquals("property 'kind' cannot change to 'yolo-v8' while the element is PAUSED or PLAYING: it takes"
                + " effect only in NULL or READY state; it stays 'yolov9x'", values.set(KIND, "yolo-v8"));
    }
}
