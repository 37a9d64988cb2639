package org.ovgst.gst.publish;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ovgst.files.UserFiles;

/**
 * Where {@code ovmetapublish}'s records go, a file or standard output ({@code -}). Each line is
 * written whole, with one write call, as soon as it is made: nothing waits in a buffer of ours, so a
 * reader following the file ({@code tail -f}) sees every frame's line at once and a failing write is
 * known at the frame it concerns. A write that fails half-way in a file of ours is cut back to the
 * last complete line. The line's characters, the encoder and the bytes are reused from line to line.
 */
public final class LineOutput implements AutoCloseable {
    /** Standard output: one channel for the process, never closed (that would close its descriptor 1). */
    private static final FileChannel STANDARD_OUTPUT = new FileOutputStream(FileDescriptor.out).getChannel();
    /** UTF-8 takes at most 3 bytes for a char (a surrogate pair: 4 bytes for 2). */
    private static final int MAX_BYTES_PER_CHAR = 3;

    private final FileChannel channel;
    private final String name;
    private final boolean regularFile;
    /** Bytes of the lines written whole: where a file of ours is cut back to when a write fails. */
    private long bytesOfWholeLines;
    private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
    private char[] chars = new char[512];
    private CharBuffer charView = CharBuffer.wrap(chars);
    private ByteBuffer bytes = ByteBuffer.allocateDirect(chars.length * MAX_BYTES_PER_CHAR);

    private LineOutput(FileChannel channel, String name, boolean regularFile) {
        this.channel = channel;
        this.name = name;
        this.regularFile = regularFile;
    }

    /**
     * Opens {@code location} ({@code -} for standard output) from its start.
     *
     * @throws FileSystemException naming the file and why it cannot be written (see {@link UserFiles})
     */
    public static LineOutput open(String location) throws FileSystemException {
        if (location.equals("-")) {
            return new LineOutput(STANDARD_OUTPUT, "standard output", false);
        }
        Path file = Path.of(location);
        return new LineOutput(UserFiles.openForWriting(file, "output file"), file.toAbsolutePath().toString(),
                Files.isRegularFile(file));
    }

    /** The file's absolute path, or {@code standard output}, for messages. */
    public String name() {
        return name;
    }

    /** Writes one line (its newline included) whole, before returning. */
    public void write(CharSequence line) throws IOException {
        encode(line);
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            bytesOfWholeLines += bytes.limit();
        } catch (IOException e) {
            if (regularFile) {
                try {
                    channel.truncate(bytesOfWholeLines);
                } catch (IOException cut) {
                    e.addSuppressed(cut);
                }
            }
            throw e;
        }
    }

    private void encode(CharSequence line) {
        int length = line.length();
        if (length > chars.length) {
            chars = new char[Math.max(length, 2 * chars.length)];
            charView = CharBuffer.wrap(chars);
            bytes = ByteBuffer.allocateDirect(chars.length * MAX_BYTES_PER_CHAR);
        }
        line.getChars(0, length, chars, 0);
        charView.clear().limit(length);
        bytes.clear();
        encoder.reset();
        CoderResult result = encoder.encode(charView, bytes, true);
        if (result.isError()) {
            // JsonLines escapes what has no UTF-8 form, so a line always encodes.
            throw new IllegalStateException("a record could not be encoded as UTF-8: " + result);
        }
        encoder.flush(bytes);
        bytes.flip();
    }

    /** Closes the file; standard output stays open for the rest of the process. */
    @Override
    public void close() throws IOException {
        if (channel != STANDARD_OUTPUT) {
            channel.close();
        }
    }
}
