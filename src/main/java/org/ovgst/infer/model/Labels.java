package org.ovgst.infer.model;

import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import org.ovgst.files.UserFiles;

/** Label maps: text files with one class name per line, line {@code i} (from 0) naming class {@code i}. */
public final class Labels {
    /**
     * The largest label file read. The largest label maps in use (ImageNet-21k's 21 843 classes, a
     * few dozen bytes a name) take well under 1 MiB; a larger file is no label map, and reading an
     * endless one whole would fill the heap. Bytes rather than lines bound the memory directly.
     */
    public static final int MAX_BYTES = 1 << 20;

    private Labels() {}

    /** The labels in a label file of ovgst's own ({@link #load(Path, String)}, as a "labels file"). */
    public static List<String> load(Path file) throws FileSystemException {
        return load(file, "labels file");
    }

    /**
     * The labels in {@code file}, with surrounding spaces (and Windows line ends) removed. Blank
     * lines are kept as empty labels so that the lines after them keep their class index.
     *
     * @param what what the file is, as messages name it: the property that named it ({@code labels-file})
     * @throws FileSystemException naming the file and why it is refused: not a regular file, unreadable,
     *     larger than {@link #MAX_BYTES}, not UTF-8 text, or without a single label
     */
    public static List<String> load(Path file, String what) throws FileSystemException {
        List<String> labels = UserFiles.readText(file, what, MAX_BYTES).lines().map(String::strip).toList();
        if (labels.stream().allMatch(String::isEmpty)) {
            throw new FileSystemException(file.toAbsolutePath().toString(), null,
                    what + " holds no labels: write one label per line, line i naming class i");
        }
        return labels;
    }
}
