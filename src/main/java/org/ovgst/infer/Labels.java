package org.ovgst.infer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Label maps: text files with one class name per line, line {@code i} (from 0) naming class {@code i}. */
public final class Labels {
    private Labels() {}

    /**
     * The labels in {@code file}, with surrounding spaces (and Windows line ends) removed. Blank
     * lines are kept as empty labels so that the lines after them keep their class index.
     */
    public static List<String> load(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the label file " + file.toAbsolutePath(), e);
        }
    }
}
