package org.ovgst.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.TestAssets;

/** Each kind of path a user may give, refused (or taken) with what it is; nothing blocks. */
@Timeout(20)
class UserFilesTest {
    @TempDir
    Path dir;

    private Path fifo() {
        return TestAssets.fifo(dir.resolve("fifo"));
    }

    private static String refusal(Class<? extends FileSystemException> type, ThrowingCall call) {
        return assertThrows(type, call::run).getMessage();
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void aReadableRegularFileIsTaken() throws IOException {
        UserFiles.requireReadableFile(Files.writeString(dir.resolve("model.onnx"), "x"), "model file");
    }

    @Test
    void whatCannotBeReadIsNamedForWhatItIs() throws Exception {
        Path missingDir = dir.resolve("a/b/model.onnx");
        assertEquals(missingDir + ": model file does not exist: there is no directory " + dir.resolve("a"),
                refusal(NoSuchFileException.class, () -> UserFiles.requireReadableFile(missingDir, "model file")));
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("gone.onnx"));
        assertEquals(link + ": model file is a link to " + dir.resolve("gone.onnx") + ", which does not exist",
                refusal(NoSuchFileException.class, () -> UserFiles.requireReadableFile(link, "model file")));
        assertEquals(dir + ": model file is a directory: give the model file in it",
                refusal(FileSystemException.class, () -> UserFiles.requireReadableFile(dir, "model file")));
        assertEquals("/dev/null: model file is not a regular file (a character device): give a model file",
                refusal(FileSystemException.class, () -> UserFiles.requireReadableFile(Path.of("/dev/null"),
                        "model file")));
        Path fifo = fifo();
        assertEquals(fifo + ": model file is not a regular file (a FIFO): give a model file",
                refusal(FileSystemException.class, () -> UserFiles.requireReadableFile(fifo, "model file")));
        Path longName = dir.resolve("m".repeat(300));
        assertEquals(longName + ": model file cannot be used: File name too long",
                refusal(FileSystemException.class, () -> UserFiles.requireReadableFile(longName, "model file")));
    }

    @Test
    void writingCreatesOrEmptiesTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("out.jsonl"), "old content\n");
        try (FileChannel channel = UserFiles.openForWriting(file, "output file")) {
            channel.write(ByteBuffer.wrap("new\n".getBytes(StandardCharsets.UTF_8)));
        }
        assertEquals("new\n", Files.readString(file));
        try (FileChannel channel = UserFiles.openForWriting(dir.resolve("created.jsonl"), "output file")) {
            assertEquals(0, channel.size());
        }
    }

    @Test
    void whereNothingCanBeWrittenIsNamedWithTheReason() throws Exception {
        Path missingDir = dir.resolve("a/b/out.jsonl");
        assertEquals(missingDir + ": output file cannot be created: there is no directory " + dir.resolve("a"),
                refusal(NoSuchFileException.class, () -> UserFiles.openForWriting(missingDir, "output file")));
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("gone/out.jsonl"));
        assertEquals(link + ": output file is a link to " + dir.resolve("gone/out.jsonl") + ", which cannot be"
                + " created: there is no directory " + dir.resolve("gone"),
                refusal(NoSuchFileException.class, () -> UserFiles.openForWriting(link, "output file")));
        assertEquals(dir + ": output file is a directory: give a file name in it",
                refusal(FileSystemException.class, () -> UserFiles.openForWriting(dir, "output file")));
        // Refused to root as well: sysfs has no write for it.
        assertEquals("/sys/kernel/notes: output file cannot be opened for writing: Permission denied",
                refusal(FileSystemException.class, () -> UserFiles.openForWriting(Path.of("/sys/kernel/notes"),
                        "output file")));
    }

    @Test
    void aFifoIsWrittenOnlyWhenSomeoneReadsIt() throws Exception {
        Path fifo = fifo();
        assertEquals(fifo + ": output file is a FIFO that no process reads: start its reader first (e.g. cat " + fifo
                + ")", refusal(FileSystemException.class, () -> UserFiles.openForWriting(fifo, "output file")));

        CompletableFuture<String> reader = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                reader.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                reader.completeExceptionally(e);
            }
        });
        try (FileChannel channel = openOnceReaderIsThere(fifo)) {
            channel.write(ByteBuffer.wrap("line\n".getBytes(StandardCharsets.UTF_8)));
        }
        assertEquals("line\n", reader.get(10, TimeUnit.SECONDS));
    }

    /** The reader thread may not have opened its end yet: try again for a while. */
    private static FileChannel openOnceReaderIsThere(Path fifo) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return UserFiles.openForWriting(fifo, "output file");
            } catch (FileSystemException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void reasonsAreTheOsWords() {
        assertEquals("Permission denied", UserFiles.reason(new AccessDeniedException("/x")));
        assertEquals("No such file or directory", UserFiles.reason(new NoSuchFileException("/x")));
        assertEquals("Is a directory", UserFiles.reason(new FileSystemException("/x", null, "Is a directory")));
        assertEquals("No space left on device", UserFiles.reason(new IOException("No space left on device")));
    }
}
