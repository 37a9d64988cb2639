package org.ovgst.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.TestAssets;

class LabelsTest {
    @Test
    void readsTheOpenImagesLabelMapWithTheBackgroundFirst() {
        List<String> labels = Labels.load(TestAssets.model("oidv4_labels.txt"));
        assertEquals(24, labels.size());
        assertEquals(List.of("???", "Bicycle", "Boot", "Laptop", "Person"), labels.subList(0, 5));
        assertEquals("Cat", labels.get(8));
        assertEquals("Dog", labels.get(20));
        assertEquals("Car", labels.get(23));
    }

    @Test
    void keepsBlankLinesSoLaterClassesKeepTheirIndex(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("labels.txt"), "background\r\n\r\n  person \r\n");
        assertEquals(List.of("background", "", "person"), Labels.load(file));
    }

    @Test
    void aMissingFileNamesItself(@TempDir Path dir) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Labels.load(dir.resolve("none.txt")));
        assertEquals("cannot read the label file " + dir.resolve("none.txt"), e.getMessage());
    }
}
