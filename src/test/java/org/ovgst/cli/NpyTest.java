package org.ovgst.cli;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovgst.tensor.ElementType;
import org.ovgst.testing.VenvPython;

/** Checks {@link Npy} against real NumPy from the project venv, in both directions. */
class NpyTest {
    /** Every supported NumPy dtype, as np.save spells it, with the element type it holds. */
    private record Dtype(String numpy, ElementType type) {
    }

    private static final List<Dtype> DTYPES = List.of(
            new Dtype("<f2", ElementType.F16), new Dtype("<f4", ElementType.F32), new Dtype("<f8", ElementType.F64),
            new Dtype("|i1", ElementType.I8), new Dtype("<i2", ElementType.I16),
            new Dtype("<i4", ElementType.I32), new Dtype("<i8", ElementType.I64),
            new Dtype("|u1", ElementType.U8), new Dtype("<u2", ElementType.U16),
            new Dtype("<u4", ElementType.U32), new Dtype("<u8", ElementType.U64),
            new Dtype("|b1", ElementType.BOOLEAN));

    /**
     * Saves arrays with NumPy: {@code name.npy}, plus {@code name.raw} holding the little-endian
     * C-order bytes Npy.read must produce. The per-array save(..) calls are appended.
     */
    private static final String NUMPY_SAVES = """
            import sys, pathlib, numpy as np
            out = pathlib.Path(sys.argv[1])

            def sample(dtype):
                # extremes and small values of the dtype, shape (2, 3)
                dtype = np.dtype(dtype)
                if dtype.kind == 'b':
                    values = [True, False, True, True, False, False]
                elif dtype.kind == 'f':
                    values = [-1.5, 0.0, 1e-3, 3.25, np.finfo(dtype).max, -np.finfo(dtype).tiny]
                else:
                    info = np.iinfo(dtype)
                    values = [info.min, info.max, 0, 1, 2, info.max - 1]
                return np.array(values, dtype).reshape(2, 3)

            def save(name, array, version=None):
                with open(out / f'{name}.npy', 'wb') as file:
                    np.lib.format.write_array(file, array, version=version)
                little_endian = np.ascontiguousarray(array, array.dtype.newbyteorder('<'))
                (out / f'{name}.raw').write_bytes(little_endian.tobytes())

            np.save(out / 'fortran.npy', np.asfortranarray(sample('<f4')))
            np.save(out / 'complex.npy', np.ones(3, np.complex64))
            np.save(out / 'object.npy', np.array([1, 'one'], dtype=object), allow_pickle=True)
            np.savez(out / 'archive.npz', a=sample('<f4'))
            """;

    /**
     * Loads each file that Java wrote, given as the arguments file, dtype, shape (comma-separated): dtype, shape and the byte
     * pattern must match, and np.save must produce the very same file. Prints the failures or "ok".
     */
    private static final String NUMPY_LOADS = """
            import io, sys, pathlib, numpy as np
            failures = []
            arguments = sys.argv[1:]
            for file, dtype, shape in zip(arguments[0::3], arguments[1::3], arguments[2::3]):
                shape = tuple(int(size) for size in shape.split(',') if size)
                array = np.load(file)
                pattern = bytes(j % 2 if dtype == '|b1' else (j * 37 + 11) % 256 for j in range(array.nbytes))
                resaved = io.BytesIO()
                np.save(resaved, array)
                checks = {'dtype ' + array.dtype.str: array.dtype.str == dtype,
                          'shape ' + str(array.shape): array.shape == shape,
                          'values': array.tobytes() == pattern,
                          'file bytes as np.save writes them': resaved.getvalue() == pathlib.Path(file).read_bytes()}
                failures += [f'{file}: wrong {what}' for what, ok in checks.items() if not ok]
            print('\\n'.join(failures) or 'ok')
            """;

    private static Dtype dtypeOf(ElementType type) {
        return DTYPES.stream().filter(dtype -> dtype.type() == type).findFirst().orElseThrow();
    }

    @TempDir
    static Path numpyFiles;
    @TempDir
    Path dir;

    /** An array that NumPy saves as {@code <name>.npy}, and what reading it must give. */
    record Saved(String name, String saveArguments, ElementType type, long... shape) {
        @Override
        public String toString() {
            return name + " = " + saveArguments;
        }
    }

    static List<Saved> savedByNumPy() {
        List<Saved> saved = new ArrayList<>();
        for (Dtype dtype : DTYPES) {
            String code = dtype.numpy().substring(1);
            saved.add(new Saved(code, "sample('" + dtype.numpy() + "')", dtype.type(), 2, 3));
            if (dtype.type().byteSize() > 1) {
                saved.add(new Saved("big-endian-" + code, "sample('>" + code + "')", dtype.type(), 2, 3));
            }
        }
        saved.add(new Saved("scalar", "np.array(2.5, '<f4')", ElementType.F32));
        saved.add(new Saved("three-d", "np.arange(24, dtype='<i2').reshape(2, 3, 4)", ElementType.I16, 2, 3, 4));
        saved.add(new Saved("empty", "np.zeros((0, 3), '<f8')", ElementType.F64, 0, 3));
        saved.add(new Saved("version2", "sample('<u2'), version=(2, 0)", ElementType.U16, 2, 3));
        saved.add(new Saved("version3", "sample('<i8'), version=(3, 0)", ElementType.I64, 2, 3));
        return saved;
    }

    @BeforeAll
    static void saveWithNumPy() throws IOException, InterruptedException {
        String saves = savedByNumPy().stream()
                .map(array -> "save('" + array.name() + "', " + array.saveArguments() + ")")
                .collect(Collectors.joining("\n", NUMPY_SAVES, "\n"));
        VenvPython.run(saves, numpyFiles.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("savedByNumPy")
    void readsWhatNumPySaved(Saved saved) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Npy.Array array = Npy.read(numpyFiles.resolve(saved.name() + ".npy"), arena);
            assertEquals(saved.type(), array.type());
            assertArrayEquals(saved.shape(), array.shape());
            assertArrayEquals(Files.readAllBytes(numpyFiles.resolve(saved.name() + ".raw")), array.data().toArray(JAVA_BYTE));
        }
    }

    @Test
    void readsExactValuesInEitherByteOrder() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bigEndianInts = Npy.read(numpyFiles.resolve("big-endian-i4.npy"), arena).data();
            assertArrayEquals(new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, 1, 2, Integer.MAX_VALUE - 1},
                    bigEndianInts.toArray(JAVA_INT));
            MemorySegment unsignedLongs = Npy.read(numpyFiles.resolve("u8.npy"), arena).data();
            assertEquals("18446744073709551615", Long.toUnsignedString(unsignedLongs.getAtIndex(JAVA_LONG, 1)));
            MemorySegment halfFloats = Npy.read(numpyFiles.resolve("big-endian-f2.npy"), arena).data();
            assertEquals(-1.5f, Float.float16ToFloat(halfFloats.getAtIndex(JAVA_SHORT, 0)));
            assertEquals(65504f, Float.float16ToFloat(halfFloats.getAtIndex(JAVA_SHORT, 4)));
            assertArrayEquals(new byte[] {1, 0, 1, 1, 0, 0},
                    Npy.read(numpyFiles.resolve("b1.npy"), arena).data().toArray(JAVA_BYTE));
        }
    }

    /** NumPy writes '|' for single-byte dtypes, but other byte-order marks, or none, mean the same. */
    @ParameterizedTest
    @ValueSource(strings = {"<b1", "=b1", ">b1", "b1", "<i1", "=i1", "i1", "<u1", ">u1", "u1"})
    void acceptsAnyByteOrderMarkOnSingleByteDtypes(String dtype) throws IOException {
        String code = dtype.substring(dtype.length() - 2);
        String original = Files.readString(numpyFiles.resolve(code + ".npy"), StandardCharsets.ISO_8859_1);
        String respelled = original.replace("'|" + code + "'", "%-5s".formatted("'" + dtype + "'"));
        assertNotEquals(original, respelled);
        Path file = Files.writeString(dir.resolve("respelled.npy"), respelled, StandardCharsets.ISO_8859_1);
        try (Arena arena = Arena.ofConfined()) {
            assertArrayEquals(Files.readAllBytes(numpyFiles.resolve(code + ".raw")),
                    Npy.read(file, arena).data().toArray(JAVA_BYTE));
        }
    }

    @Test
    void writesWhatNumPyLoads() throws IOException, InterruptedException {
        List<String> written = new ArrayList<>();
        for (Dtype dtype : DTYPES) {
            written.addAll(writePattern(dtype, 2, 3));
        }
        Dtype f32 = dtypeOf(ElementType.F32);
        written.addAll(writePattern(f32));
        written.addAll(writePattern(f32, 5));
        written.addAll(writePattern(f32, 2, 3, 4));
        written.addAll(writePattern(f32, 0, 3));
        written.addAll(writePattern(dtypeOf(ElementType.U8), 100_000));
        assertEquals("ok", VenvPython.run(NUMPY_LOADS, written.toArray(String[]::new)).strip());
    }

    /** Writes a file of the byte pattern NUMPY_LOADS expects; returns its arguments for NUMPY_LOADS. */
    private List<String> writePattern(Dtype dtype, long... shape) throws IOException {
        String dims = LongStream.of(shape).mapToObj(Long::toString).collect(Collectors.joining(","));
        Path file = dir.resolve(dtype.type() + "-" + dims + ".npy");
        Npy.write(file, dtype.type(), shape, pattern(dtype.type(), shape));
        return List.of(file.toString(), dtype.numpy(), dims);
    }

    private static MemorySegment pattern(ElementType type, long... shape) {
        byte[] bytes = new byte[Math.toIntExact(LongStream.of(shape).reduce(type.byteSize(), Math::multiplyExact))];
        for (int j = 0; j < bytes.length; j++) {
            bytes[j] = (byte) (type == ElementType.BOOLEAN ? j % 2 : j * 37 + 11);
        }
        return MemorySegment.ofArray(bytes);
    }

    @Test
    void roundTripsEveryType() throws IOException {
        for (Dtype dtype : DTYPES) {
            Path file = dir.resolve(dtype.type() + ".npy");
            MemorySegment data = pattern(dtype.type(), 3, 1, 2);
            Npy.write(file, dtype.type(), new long[] {3, 1, 2}, data);
            try (Arena arena = Arena.ofConfined()) {
                Npy.Array array = Npy.read(file, arena);
                assertAll(dtype.numpy(),
                        () -> assertEquals(dtype.type(), array.type()),
                        () -> assertArrayEquals(new long[] {3, 1, 2}, array.shape()),
                        () -> assertEquals(-1, array.data().mismatch(data)));
            }
        }
    }

    @Test
    void writesFormatVersion2WhenTheHeaderOutgrowsVersion1() throws IOException {
        long[] manyDimensions = new long[30_000]; // "1, " each: more than 65535 header bytes
        Arrays.fill(manyDimensions, 1);
        Path file = dir.resolve("long-header.npy");
        Npy.write(file, ElementType.I32, manyDimensions, pattern(ElementType.I32));
        assertEquals(2, Files.readAllBytes(file)[6], "major version");
        try (Arena arena = Arena.ofConfined()) {
            assertArrayEquals(manyDimensions, Npy.read(file, arena).shape());
        }
    }

    @Test
    void rejectsFilesThatAreNotNpy() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.npy"), "just some text");
        assertRejected(file, "not a NumPy .npy file");
    }

    @Test
    void rejectsNpzArchives() {
        assertRejected(numpyFiles.resolve("archive.npz"), ".npz archive", "np.save");
    }

    @Test
    void rejectsUnknownFormatVersions() throws IOException {
        byte[] bytes = Files.readAllBytes(numpyFiles.resolve("f4.npy"));
        bytes[6] = 4;
        assertRejected(Files.write(dir.resolve("future.npy"), bytes), "version 4.0", "1.0, 2.0, 3.0");
    }

    @Test
    void rejectsTruncatedHeaders() throws IOException {
        byte[] bytes = Files.readAllBytes(numpyFiles.resolve("f4.npy"));
        Path file = Files.write(dir.resolve("cut-header.npy"), Arrays.copyOf(bytes, 20));
        assertRejected(file, "truncated header", "declares 118 bytes, found 10");
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        Path file = Files.copy(numpyFiles.resolve("f4.npy"), dir.resolve("cut-data.npy"));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 4);
        }
        assertRejected(file, "truncated data", "shape (2, 3) of <f4 needs 24 bytes after the header, found 20");
    }

    @Test
    void rejectsFortranOrder() {
        assertRejected(numpyFiles.resolve("fortran.npy"), "fortran_order is True", "np.ascontiguousarray");
    }

    @Test
    void rejectsUnsupportedDtypesListingTheSupportedOnes() {
        assertRejected(numpyFiles.resolve("complex.npy"), "unsupported dtype '<c8'",
                "supported: <f2 <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1");
    }

    @Test
    void rejectsObjectArrays() {
        assertRejected(numpyFiles.resolve("object.npy"), "object arrays (dtype '|O') are not supported");
    }

    @Test
    void writeRejectsDataOfTheWrongSize() {
        Path file = dir.resolve("short.npy");
        var error = assertThrows(IllegalArgumentException.class,
                () -> Npy.write(file, ElementType.F32, new long[] {2, 3}, pattern(ElementType.F32, 5)));
        assertMessage(error, file, "shape (2, 3) of <f4 needs 24 bytes of data, got 20");
    }

    @Test
    void writeRejectsTypesNumPyLacks() {
        Path file = dir.resolve("bf16.npy");
        var error = assertThrows(IllegalArgumentException.class,
                () -> Npy.write(file, ElementType.BF16, new long[] {1}, pattern(ElementType.BF16, 1)));
        assertMessage(error, file, "NumPy has no dtype for bf16", "<f4");
    }

    private static void assertRejected(Path file, String... problem) {
        var error = assertThrows(IllegalArgumentException.class, () -> {
            try (Arena arena = Arena.ofConfined()) {
                Npy.read(file, arena);
            }
        });
        assertMessage(error, file, problem);
    }

    private static void assertMessage(Exception error, Path file, String... fragments) {
        String message = error.getMessage();
        assertTrue(message.contains(file.getFileName().toString()), () -> "no file name in: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "no '" + fragment + "' in: " + message);
        }
    }
}
