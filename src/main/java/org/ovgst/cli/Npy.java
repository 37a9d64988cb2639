package org.ovgst.cli;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.ovgst.tensor.ElementType;

/**
 * NumPy {@code .npy} files of plain numeric and boolean arrays.
 *
 * <p>Reads format versions 1.0, 2.0 and 3.0 and writes what {@code np.save} would write, byte for
 * byte: version 1.0 (2.0 when the header outgrows it) with the header padded to 64 bytes.
 * Malformed or unsupported files are rejected with an {@link IllegalArgumentException} that names
 * the file and what is wrong.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Magic, major and minor version. */
    private static final int PREAMBLE_SIZE = MAGIC.length + 2;
    /** NumPy's ARRAY_ALIGN: the data starts at a multiple of this, so it can be memory-mapped. */
    private static final int ALIGNMENT = 64;
    /** NumPy pads the header so the first dimension can grow in place to this many digits. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** Far above any real header (NumPy refuses more than 10000 bytes by default); guards allocation. */
    private static final int MAX_HEADER_SIZE = 1 << 20;

    private static final List<ElementType> SUPPORTED = List.of(
            ElementType.F16, ElementType.F32, ElementType.F64,
            ElementType.I8, ElementType.I16, ElementType.I32, ElementType.I64,
            ElementType.U8, ElementType.U16, ElementType.U32, ElementType.U64,
            ElementType.BOOLEAN);
    private static final String SUPPORTED_DTYPES = SUPPORTED.stream().map(Npy::dtype)
            .collect(Collectors.joining(" ", "", " (and the big-endian '>' forms)"));

    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*(?:['\"]([^'\"]*)['\"]|(\\[.*\\]))");
    private static final Pattern FORTRAN_ORDER = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * An array read from or written to an {@code .npy} file.
     *
     * @param data exactly {@code elementCount() * type.byteSize()} bytes: the elements in C order,
     *             little-endian
     */
    public record Array(ElementType type, long[] shape, MemorySegment data) {
        public Array {
            shape = shape.clone();
            long expected = byteSize(type, shape);
            if (data.byteSize() != expected) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + type
                        + " needs " + expected + " bytes of data, not " + data.byteSize());
            }
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long elementCount() {
            return Npy.elementCount(shape);
        }

        @Override
        public String toString() {
            return type + Arrays.toString(shape);
        }
    }

    /** Reads {@code file} into memory allocated from {@code arena}. */
    public static Array read(Path file, Arena arena) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] preamble = new byte[PREAMBLE_SIZE];
            long preambleRead = readAt(channel, MemorySegment.ofArray(preamble), 0);
            if (preambleRead < PREAMBLE_SIZE || !Arrays.equals(preamble, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw invalid(file, preamble[0] == 'P' && preamble[1] == 'K'
                        ? "a .npz archive (np.savez), not a single .npy array; save each array with np.save"
                        : "not a NumPy .npy file (it does not start with \\x93NUMPY)");
            }
            int major = preamble[6];
            int minor = preamble[7];
            if (minor != 0 || major < 1 || major > 3) {
                throw invalid(file, "unsupported .npy format version " + major + "." + minor
                        + "; supported: 1.0, 2.0, 3.0");
            }

            // Version 1.0 has a 2-byte header length, later versions 4 bytes.
            ByteBuffer lengthField = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
            long headerStart = PREAMBLE_SIZE + lengthField.capacity();
            if (readAt(channel, MemorySegment.ofBuffer(lengthField), PREAMBLE_SIZE) < lengthField.capacity()) {
                throw invalid(file, "truncated header: the file ends after " + channel.size() + " bytes");
            }
            long headerSize = major == 1 ? Short.toUnsignedLong(lengthField.getShort(0))
                    : Integer.toUnsignedLong(lengthField.getInt(0));
            if (headerSize > MAX_HEADER_SIZE) {
                throw invalid(file, "header of " + headerSize + " bytes is implausibly large");
            }
            byte[] headerBytes = new byte[(int) headerSize];
            long headerRead = readAt(channel, MemorySegment.ofArray(headerBytes), headerStart);
            if (headerRead < headerSize) {
                throw invalid(file, "truncated header: it declares " + headerSize + " bytes, found " + headerRead);
            }
            Charset charset = major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
            Header header = Header.parse(file, new String(headerBytes, charset).strip());

            long dataStart = headerStart + headerSize;
            long expected = byteSize(header.type(), header.shape());
            long found = channel.size() - dataStart;
            if (found != expected) {
                throw invalid(file, (found < expected ? "truncated data" : "unexpected bytes after the data")
                        + ": shape " + pythonTuple(header.shape()) + " of " + dtype(header.type())
                        + " needs " + expected + " bytes after the header, found " + found);
            }
            MemorySegment data = arena.allocate(expected, ALIGNMENT);
            readAt(channel, data, dataStart);
            if (header.byteOrder() == ByteOrder.BIG_ENDIAN) {
                reverseBytesOfEachElement(data, header.type().byteSize());
            }
            return new Array(header.type(), header.shape(), data);
        }
    }

    /**
     * Writes {@code data}, little-endian elements of {@code type} in C order, as an array of
     * {@code shape} to {@code file}, replacing it if it exists.
     */
    public static void write(Path file, ElementType type, long[] shape, MemorySegment data) throws IOException {
        if (!SUPPORTED.contains(type)) {
            throw invalid(file, "NumPy has no dtype for " + type + "; supported: " + SUPPORTED_DTYPES);
        }
        long expected = byteSize(type, shape);
        if (data.byteSize() != expected) {
            throw invalid(file, "shape " + pythonTuple(shape) + " of " + dtype(type) + " needs "
                    + expected + " bytes of data, got " + data.byteSize());
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeAll(channel, MemorySegment.ofArray(header(type, shape)));
            writeAll(channel, data);
        }
    }

    /** What an {@code .npy} header says about the data after it. */
    private record Header(ElementType type, ByteOrder byteOrder, long[] shape) {
        /** Parses the header, a Python dict literal such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. */
        static Header parse(Path file, String dict) {
            Matcher descr = find(file, DESCR, dict, "descr");
            if (descr.group(2) != null) {
                throw invalid(file, "unsupported structured dtype " + descr.group(2) + "; supported: " + SUPPORTED_DTYPES);
            }
            String dtype = descr.group(1);
            if (find(file, FORTRAN_ORDER, dict, "fortran_order").group(1).equals("True")) {
                throw invalid(file, "fortran_order is True (column-major data), which is not supported;"
                        + " save the array in C order with np.save(path, np.ascontiguousarray(array))");
            }
            // A byte-order mark is optional; '|' (not applicable) and '=' mean the machine's own order.
            char order = dtype.isEmpty() ? '=' : dtype.charAt(0);
            String code = "<>|=".indexOf(order) >= 0 ? dtype.substring(1) : dtype;
            ElementType type = SUPPORTED.stream().filter(t -> dtype(t).substring(1).equals(code)).findFirst()
                    .orElseThrow(() -> invalid(file, code.startsWith("O")
                            ? "object arrays (dtype '" + dtype + "') are not supported: they hold pickled Python"
                              + " objects, not numbers; supported dtypes: " + SUPPORTED_DTYPES
                            : "unsupported dtype '" + dtype + "'; supported: " + SUPPORTED_DTYPES));
            ByteOrder byteOrder = switch (order) {
                case '>' -> ByteOrder.BIG_ENDIAN;
                case '<' -> ByteOrder.LITTLE_ENDIAN;
                default -> ByteOrder.nativeOrder();
            };
            return new Header(type, byteOrder, parseShape(file, find(file, SHAPE, dict, "shape").group(1)));
        }

        private static Matcher find(Path file, Pattern entry, String dict, String key) {
            Matcher matcher = entry.matcher(dict);
            if (!matcher.find()) {
                throw invalid(file, "malformed header, no valid '" + key + "' entry: " + dict);
            }
            return matcher;
        }

        private static long[] parseShape(Path file, String tuple) {
            try {
                long[] shape = Arrays.stream(tuple.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                        .mapToLong(Long::parseLong).toArray();
                if (LongStream.of(shape).allMatch(size -> size >= 0)) {
                    byteSize(ElementType.F64, shape); // throws if data of this shape could not be addressed
                    return shape;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // reported below, like negative sizes
            }
            throw invalid(file, "malformed or oversized shape (" + tuple + ")");
        }
    }

    /** The header np.save writes, preamble and padding included. */
    private static byte[] header(ElementType type, long[] shape) {
        String dict = "{'descr': '" + dtype(type) + "', 'fortran_order': False, 'shape': " + pythonTuple(shape) + ", }";
        if (shape.length > 0) {
            dict += " ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length());
        }
        int major = paddedHeaderSize(dict, 2) <= 0xFFFF ? 1 : 2;
        int lengthFieldSize = major == 1 ? 2 : 4;
        int paddedSize = paddedHeaderSize(dict, lengthFieldSize);
        ByteBuffer header = ByteBuffer.allocate(PREAMBLE_SIZE + lengthFieldSize + paddedSize).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            header.putShort((short) paddedSize);
        } else {
            header.putInt(paddedSize);
        }
        header.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        while (header.remaining() > 1) {
            header.put((byte) ' ');
        }
        return header.put((byte) '\n').array();
    }

    /** Header size after padding with spaces and a newline so that the data starts aligned. */
    private static int paddedHeaderSize(String dict, int lengthFieldSize) {
        int unpadded = dict.length() + 1;
        // Like NumPy, pads a whole ALIGNMENT even when already aligned.
        return unpadded + ALIGNMENT - (PREAMBLE_SIZE + lengthFieldSize + unpadded) % ALIGNMENT;
    }

    /** The dtype string NumPy writes: byte order ({@code |} for single bytes), kind and size. */
    private static String dtype(ElementType type) {
        String kind = switch (type) {
            case F16, F32, F64 -> "f";
            case I8, I16, I32, I64 -> "i";
            case U8, U16, U32, U64 -> "u";
            case BOOLEAN -> "b";
            default -> throw new IllegalArgumentException("no NumPy dtype for " + type);
        };
        return (type.byteSize() == 1 ? "|" : "<") + kind + type.byteSize();
    }

    /** {@code ()}, {@code (5,)} or {@code (2, 3)}, as Python writes tuples. */
    private static String pythonTuple(long[] shape) {
        String items = LongStream.of(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        return "(" + items + (shape.length == 1 ? ",)" : ")");
    }

    private static long elementCount(long[] shape) {
        return LongStream.of(shape).reduce(1, Math::multiplyExact);
    }

    private static long byteSize(ElementType type, long[] shape) {
        return Math.multiplyExact(elementCount(shape), type.byteSize());
    }

    /** Big-endian input is rare, so a plain loop is good enough here. */
    private static void reverseBytesOfEachElement(MemorySegment data, int elementSize) {
        for (long element = 0; element < data.byteSize(); element += elementSize) {
            for (long low = element, high = element + elementSize - 1; low < high; low++, high--) {
                byte swapped = data.get(JAVA_BYTE, low);
                data.set(JAVA_BYTE, low, data.get(JAVA_BYTE, high));
                data.set(JAVA_BYTE, high, swapped);
            }
        }
    }

    /** Reads from {@code position} until {@code target} is full or the file ends; returns the bytes read. */
    private static long readAt(FileChannel channel, MemorySegment target, long position) throws IOException {
        long done = 0;
        while (done < target.byteSize()) {
            int read = channel.read(window(target, done), position + done);
            if (read < 0) {
                break;
            }
            done += read;
        }
        return done;
    }

    private static void writeAll(FileChannel channel, MemorySegment source) throws IOException {
        for (long done = 0; done < source.byteSize(); ) {
            done += channel.write(window(source, done));
        }
    }

    /** The part of {@code segment} from {@code offset} that fits in one ByteBuffer. */
    private static ByteBuffer window(MemorySegment segment, long offset) {
        return segment.asSlice(offset, Math.min(segment.byteSize() - offset, Integer.MAX_VALUE)).asByteBuffer();
    }

    private static IllegalArgumentException invalid(Path file, String problem) {
        return new IllegalArgumentException(file + ": " + problem);
    }
}
