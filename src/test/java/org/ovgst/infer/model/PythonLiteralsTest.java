package org.ovgst.infer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.ovgst.infer.model.ModelMetadata.ImageSize;
import org.ovgst.testing.VenvPython;

class PythonLiteralsTest {
    /**
     * For each argument, one line: the class names Python's ast.literal_eval reads from it, each as its
     * code points in hexadecimal, names separated by '|'; or REFUSED if Python refuses it.
     */
    private static final String PYTHON_READS = ModelMetadataTest.PYTHON_LABELS_OF + """
            import ast, sys, warnings
            warnings.simplefilter('ignore')  # invalid escape sequences still evaluate
            for literal in sys.argv[1:]:
                try:
                    labels = labels_of(ast.literal_eval(literal))
                except (ValueError, SyntaxError):
                    print('REFUSED')
                    continue
                print('|'.join(' '.join('%x' % ord(c) for c in label) for label in labels))
            """;

    private static String codePoints(List<String> labels) {
        return labels.stream()
                .map(label -> label.codePoints().mapToObj(Integer::toHexString).collect(Collectors.joining(" ")))
                .collect(Collectors.joining("|"));
    }

    @Test
    void readsClassNamesAsPythonDoes() throws IOException, InterruptedException {
        List<String> literals = List.of(
                "{0: 'a', 1: \"b's\", 3: 'c'}",
                "{0: 'it\\'s', 1: \"say \\\"hi\\\"\"}",
                "{0: '\\x07\\t\\n\\\\', 1: 'caf\\xe9 \\u4e2d \\U0001F600', 2: '\\101\\0\\777'}",
                "{0: 'unknown \\q escape', 1: 'a continued\\\nline'}",
                "[ 'x' , \"y, z\" , ]",
                "{ 2 : 'only class 2' ,}",
                "{}",
                "[]");
        List<String> python = VenvPython.run(PYTHON_READS, literals.toArray(String[]::new)).lines().toList();
        assertEquals(literals.size(), python.size());
        for (int i = 0; i < literals.size(); i++) {
            assertEquals(python.get(i), codePoints(PythonLiterals.classNames(literals.get(i))), literals.get(i));
        }
        assertEquals(List.of("", "", "only class 2"), PythonLiterals.classNames(literals.get(5)));
    }

    @Test
    void refusesWhatPythonRefuses() throws IOException, InterruptedException {
        List<String> literals = List.of(
                "person, car",
                "{0: 'a'",
                "{0 'a'}",
                "{0: 'a'} more",
                "{0: 'unterminated}",
                "{0: 'short \\x4'}",
                "{0: 'line\nbreak'}");
        List<String> python = VenvPython.run(PYTHON_READS, literals.toArray(String[]::new)).lines().toList();
        assertEquals(literals.stream().map(literal -> "REFUSED").toList(), python);
        for (String literal : literals) {
            assertThrows(IllegalArgumentException.class, () -> PythonLiterals.classNames(literal), literal);
        }
    }

    @Test
    void refusesDictsThatAreNoClassNames() {
        assertEquals("expected a non-negative integer at character 2 of {-1: 'a'}",
                assertThrows(IllegalArgumentException.class, () -> PythonLiterals.classNames("{-1: 'a'}")).getMessage());
        assertEquals("expected a quoted string at character 5 of {0: None}",
                assertThrows(IllegalArgumentException.class, () -> PythonLiterals.classNames("{0: None}")).getMessage());
        assertEquals("class 0 is named twice at character 16 of {0: 'a', 0: 'b'}",
                assertThrows(IllegalArgumentException.class,
                        () -> PythonLiterals.classNames("{0: 'a', 0: 'b'}")).getMessage());
        assertEquals("class index 100000 is too large (at most 99999) at character 8 of {100000: 'a'}",
                assertThrows(IllegalArgumentException.class,
                        () -> PythonLiterals.classNames("{100000: 'a'}")).getMessage());
    }

    @Test
    void readsImageSizesHeightFirst() {
        assertEquals(new ImageSize(640, 480), PythonLiterals.imageSize("[480, 640]"));
        assertEquals(new ImageSize(320, 320), PythonLiterals.imageSize("(320, 320)"));
        assertEquals(new ImageSize(640, 640), PythonLiterals.imageSize("640"));
        assertEquals(new ImageSize(640, 640), PythonLiterals.imageSize("[640]"));
        for (String bad : List.of("[0, 640]", "[1, 2, 3]", "640x640", "[]", "[-1, 2]")) {
            assertThrows(IllegalArgumentException.class, () -> PythonLiterals.imageSize(bad), bad);
        }
    }
}
