package org.ovgst.infer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.TestAssets;

class LabelsTest {
    @TempDir
    Path dir;

    @Test
    void readsTheOpenImagesLabelMapWithTheBackgroundFirst() throws IOException {
        List<String> labels = Labels.load(TestAssets.model("oidv4_labels.txt"));
        assertEquals(24, labels.size());
        assertEquals(List.of("???", "Bicycle", "Boot", "Laptop", "Person"), labels.subList(0, 5));
        assertEquals("Cat", labels.get(8));
        assertEquals("Dog", labels.get(20));
        assertEquals("Car", labels.get(23));
    }

    @Test
    void keepsBlankLinesSoLaterClassesKeepTheirIndex() throws IOException {
        Path file = Files.writeString(dir.resolve("labels.txt"), "background\r\n\r\n  person \r\n");
        assertEquals(List.of("background", "", "person"), Labels.load(file));
    }

    @Test
    void aMissingFileNamesItself() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Labels.load(dir.resolve("none.txt")));
        assertEquals(dir.resolve("none.txt") + ": labels file does not exist", e.getMessage());
    }

    @Test
    void readsUpToTheLimitAndRefusesOneByteMore() throws IOException {
        // 1 MiB exactly: 149 796 lines of 7 bytes and one of 4.
        String text = "label7\n".repeat(149_796) + "abc\n";
        assertEquals(Labels.MAX_BYTES, text.length());
        Path atLimit = Files.writeString(dir.resolve("at-limit.txt"), text);
        assertEquals(149_797, Labels.load(atLimit).size());

        Path above = Files.writeString(dir.resolve("above.txt"), text + "x");
        FileSystemException e = assertThrows(FileSystemException.class, () -> Labels.load(above));
        assertEquals(above + ": labels file is larger than 1 MiB, the most ovgst reads from a labels file: is it the"
                + " right file?", e.getMessage());
    }

    @Test
    @Timeout(10)
    void devicesAndFifosAreRefusedByKindWithoutReadingThem() throws Exception {
        FileSystemException zero = assertThrows(FileSystemException.class, () -> Labels.load(Path.of("/dev/zero")));
        assertEquals("/dev/zero: labels file is not a regular file (a character device): give a labels file",
                zero.getMessage());
        Path fifo = dir.resolve("fifo");
        TestAssets.fifo(fifo);
        // Opening a FIFO nobody writes to would wait forever: the @Timeout catches a regression.
        FileSystemException e = assertThrows(FileSystemException.class, () -> Labels.load(fifo));
        assertEquals(fifo + ": labels file is not a regular file (a FIFO): give a labels file", e.getMessage());
    }

    @Test
    void textThatIsNoLabelMapIsRefused() throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.txt"), "face\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(latin1 + ": labels file is not UTF-8 text: byte 8 is not valid UTF-8",
                assertThrows(FileSystemException.class, () -> Labels.load(latin1)).getMessage());

        Path binary = Files.write(dir.resolve("zeros.txt"), new byte[64]);
        assertEquals(binary + ": labels file is not a text file: it holds a NUL character (at character 0)",
                assertThrows(FileSystemException.class, () -> Labels.load(binary)).getMessage());

        Path blank = Files.writeString(dir.resolve("blank.txt"), "\n  \n\t\n");
        assertEquals(blank + ": labels file holds no labels: write one label per line, line i naming class i",
                assertThrows(FileSystemException.class, () -> Labels.load(blank)).getMessage());
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        assertThrows(FileSystemException.class, () -> Labels.load(empty));
    }
}
