package org.ovgst.files;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Paths that users give (model files, label files, output files). A path that cannot serve is
 * refused before anything is read from it, with what it is: a directory, a FIFO or a device (which
 * could block or never end), a link to nothing, a missing directory, or the OS's own reason. Text is
 * read with a bound, so that a huge file is refused instead of filling the JVM's heap.
 *
 * <p>Every refusal is a {@link FileSystemException} (a {@link NoSuchFileException} when the file or
 * its directory does not exist) whose message reads {@code <path>: <what> <problem>}, e.g.
 * {@code /tmp/m: model file is a directory: give the model file in it}.
 */
public final class UserFiles {
    /** {@code st_mode} file-type bits (POSIX). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFSOCK = 0140000;

    private UserFiles() {}

    /**
     * Checks that {@code file} is a regular file this process can open for reading.
     *
     * @param what what the file is for, as messages name it: {@code model file}, {@code labels file}
     */
    public static void requireReadableFile(Path file, String what) throws FileSystemException {
        BasicFileAttributes attributes = attributes(file, what);
        if (attributes.isDirectory()) {
            throw refused(file, what + " is a directory: give the " + what + " in it");
        }
        if (!attributes.isRegularFile()) {
            throw refused(file, what + " is not a regular file (" + kind(file) + "): give a " + what);
        }
        // A regular file opens at once; opening is the permission check that holds for root too.
        try {
            FileChannel.open(file).close();
        } catch (IOException e) {
            throw refused(file, what + " cannot be read: " + reason(e));
        }
    }

    /**
     * The text of a regular file of at most {@code maxBytes} bytes, as strict UTF-8 without NUL
     * characters; anything else is refused, naming the limit or the first offending byte.
     */
    public static String readText(Path file, String what, int maxBytes) throws FileSystemException {
        requireReadableFile(file, what);
        ByteBuffer bytes = ByteBuffer.allocate(maxBytes + 1);
        try (FileChannel channel = FileChannel.open(file)) {
            while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                // reads until the end of the file or one byte past the limit
            }
        } catch (IOException e) {
            throw refused(file, what + " cannot be read: " + reason(e));
        }
        if (!bytes.hasRemaining()) {
            throw refused(file, what + " is larger than " + describeSize(maxBytes) + ", the most ovgst reads from a "
                    + what + ": is it the right file?");
        }
        bytes.flip();
        CharBuffer text = CharBuffer.allocate(bytes.remaining());
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        CoderResult result = decoder.decode(bytes, text, true);
        if (result.isError()) {
            throw refused(file, what + " is not UTF-8 text: byte " + bytes.position() + " is not valid UTF-8");
        }
        text.flip();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == 0) {
                throw refused(file, what + " is not a text file: it holds a NUL character (at character " + i + ")");
            }
        }
        return text.toString();
    }

    /**
     * Opens {@code file} for writing from its start, creating it if needed. A FIFO is opened only
     * when a process reads it (otherwise opening would wait for one forever).
     */
    public static FileChannel openForWriting(Path file, String what) throws FileSystemException {
        if (Files.isDirectory(file)) {
            throw refused(file, what + " is a directory: give a file name in it");
        }
        FifoReaderCheck readerCheck = FifoReaderCheck.of(file, what);
        try (readerCheck) {
            return FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (NoSuchFileException e) {
            throw missing(file, what, "cannot be created");
        } catch (IOException e) {
            throw refused(file, what + " cannot be opened for writing: " + reason(e));
        }
    }

    /**
     * The OS's words for why an I/O operation failed ({@code Permission denied}, {@code No space
     * left on device}); Java leaves them out of some of its exceptions.
     */
    public static String reason(IOException e) {
        return switch (e) {
            case AccessDeniedException denied -> "Permission denied";
            case NoSuchFileException missing -> "No such file or directory";
            case FileSystemException other when other.getReason() != null -> other.getReason();
            default -> String.valueOf(e.getMessage());
        };
    }

    private static BasicFileAttributes attributes(Path file, String what) throws FileSystemException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw missing(file, what, "does not exist");
        } catch (IOException e) {
            throw refused(file, what + " cannot be used: " + reason(e));
        }
    }

    /** A file that is not there: a link to nothing, or a path under a directory that does not exist. */
    private static NoSuchFileException missing(Path file, String what, String problem) {
        Path absolute = file.toAbsolutePath();
        if (Files.isSymbolicLink(absolute)) {
            try {
                Path target = Files.readSymbolicLink(absolute);
                Path resolved = absolute.resolveSibling(target);
                return new NoSuchFileException(absolute.toString(), null, what + " is a link to " + resolved
                        + ", which " + problem + missingDirectory(resolved));
            } catch (IOException e) {
                // the link went away meanwhile: report it as missing
            }
        }
        return new NoSuchFileException(absolute.toString(), null, what + " " + problem + missingDirectory(absolute));
    }

    /** Names the topmost directory on the way to {@code file} that does not exist, if one does not. */
    private static String missingDirectory(Path file) {
        Path missing = null;
        for (Path dir = file.getParent(); dir != null && !Files.exists(dir); dir = dir.getParent()) {
            missing = dir;
        }
        return missing == null ? "" : ": there is no directory " + missing;
    }

    private static FileSystemException refused(Path file, String problem) {
        return new FileSystemException(file.toAbsolutePath().toString(), null, problem);
    }

    /** What a file that is neither regular nor a directory is. */
    private static String kind(Path file) {
        return switch (fileType(file)) {
            case S_IFIFO -> "a FIFO";
            case S_IFCHR -> "a character device";
            case S_IFBLK -> "a block device";
            case S_IFSOCK -> "a socket";
            default -> "a special file";
        };
    }

    /** The {@code st_mode} type bits of what {@code file} leads to; 0 when unknown. */
    private static int fileType(Path file) {
        try {
            return (int) Files.getAttribute(file, "unix:mode") & S_IFMT;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 0;
        }
    }

    private static String describeSize(int bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    /**
     * Opening a FIFO for writing waits until a process opens it for reading. A non-blocking open
     * (Linux: fails with ENXIO when nobody reads) tells first; its descriptor is kept open until
     * the real open is done, so the reader it found is still there.
     */
    private record FifoReaderCheck(int fd) implements AutoCloseable {
        static FifoReaderCheck of(Path file, String what) throws FileSystemException {
            if (fileType(file) != S_IFIFO) {
                return new FifoReaderCheck(-1);
            }
            int fd = Libc.openNonBlockingForWriting(file);
            if (fd == -Libc.ENXIO) {
                throw refused(file, what + " is a FIFO that no process reads: start its reader first (e.g. cat "
                        + file + ")");
            }
            // Any other failure shows again, with its reason, when the file is opened for real.
            return new FifoReaderCheck(fd);
        }

        @Override
        public void close() {
            if (fd >= 0) {
                Libc.close(fd);
            }
        }
    }

    /** The two C calls Java has no way to make (Linux flag and errno values); bound only when a FIFO comes. */
    private static final class Libc {
        static final int ENXIO = 6;
        private static final int O_WRONLY = 1;
        private static final int O_NONBLOCK = 04000;
        private static final Linker LINKER = Linker.nativeLinker();
        private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private static final MethodHandle OPEN = LINKER.downcallHandle(
                LINKER.defaultLookup().find("open").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.captureCallState("errno"),
                Linker.Option.firstVariadicArg(2));
        private static final MethodHandle CLOSE = LINKER.downcallHandle(
                LINKER.defaultLookup().find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));

        /** A new descriptor, or minus errno. */
        static int openNonBlockingForWriting(Path file) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CALL_STATE);
                int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_WRONLY | O_NONBLOCK, 0);
                return fd >= 0 ? fd : -(int) ERRNO.get(state, 0L);
            } catch (Throwable t) {
                throw new IllegalStateException("open(2) could not be called", t);
            }
        }

        static void close(int fd) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                throw new IllegalStateException("close(2) could not be called", t);
            }
        }
    }
}
