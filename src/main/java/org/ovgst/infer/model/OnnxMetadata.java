package org.ovgst.infer.model;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ovgst.infer.model.ModelMetadata.Found;

/**
 * Reads {@code ModelProto.metadata_props} (field 14: repeated {@code StringStringEntryProto {1: key,
 * 2: value}}) from an ONNX file with a minimal protobuf reader. The file is streamed; every other field,
 * above all the graph (field 7) with its weights, is skipped by its length, so a model of gigabytes costs
 * a few reads and seeks.
 */
final class OnnxMetadata {
    private static final int GRAPH = 7;
    private static final int METADATA_PROPS = 14;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    /** Metadata larger than this (all entries together) is not worth reading into memory. */
    private static final int MAX_METADATA_BYTES = 16 << 20;

    private OnnxMetadata() {}

    /** The metadata entries by key, in file order; the first of two entries with one key wins. */
    static Map<String, Found> read(Path file) throws IOException {
        Map<String, Found> entries = new LinkedHashMap<>();
        long size = Files.size(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ProtoReader model = new ProtoReader(in, size, file + ": not a valid ONNX model");
            boolean hasGraph = false;
            long metadataBytes = 0;
            while (model.hasMore()) {
                long at = model.position();
                int tag = model.tag();
                int field = tag >>> 3;
                int wireType = tag & 7;
                if ((field == GRAPH || field == METADATA_PROPS) && wireType != ProtoReader.LENGTH_DELIMITED) {
                    throw model.error("field " + field + " at byte " + at + " has wire type " + wireType
                            + ", not a length-delimited message");
                }
                if (field == METADATA_PROPS) {
                    long length = model.length(field, at);
                    metadataBytes += length;
                    if (metadataBytes > MAX_METADATA_BYTES) {
                        throw model.error("its metadata_props take more than " + MAX_METADATA_BYTES
                                + " bytes (at the entry at byte " + at + "), more than ovgst reads");
                    }
                    byte[] entry = model.bytes((int) length);
                    readEntry(entry, file + ": not a valid ONNX model: metadata_props entry at byte " + at, entries);
                } else {
                    hasGraph |= field == GRAPH;
                    model.skip(field, wireType, at);
                }
            }
            if (!hasGraph) {
                throw model.error("it has no graph (ModelProto field 7)");
            }
        }
        return entries;
    }

    private static void readEntry(byte[] bytes, String context, Map<String, Found> entries) throws IOException {
        ProtoReader entry = new ProtoReader(new ByteArrayInputStream(bytes), bytes.length, context);
        String key = null;
        String value = "";
        while (entry.hasMore()) {
            long at = entry.position();
            int tag = entry.tag();
            int field = tag >>> 3;
            int wireType = tag & 7;
            if ((field == ENTRY_KEY || field == ENTRY_VALUE) && wireType == ProtoReader.LENGTH_DELIMITED) {
                String text = new String(entry.bytes((int) entry.length(field, at)), StandardCharsets.UTF_8);
                if (field == ENTRY_KEY) {
                    key = text;
                } else {
                    value = text;
                }
            } else {
                entry.skip(field, wireType, at);
            }
        }
        if (key != null) {
            entries.putIfAbsent(key, new Found(value, "'" + key + "'"));
        }
    }

    /** Protobuf wire format over a stream of known length: varints, and fields read or skipped by length. */
    private static final class ProtoReader {
        static final int VARINT = 0;
        static final int FIXED64 = 1;
        static final int LENGTH_DELIMITED = 2;
        static final int FIXED32 = 5;

        private final InputStream in;
        private final long end;
        private final String context;
        private long position;

        ProtoReader(InputStream in, long end, String context) {
            this.in = in;
            this.end = end;
            this.context = context;
        }

        boolean hasMore() {
            return position < end;
        }

        long position() {
            return position;
        }

        /** A field's tag: its number times 8 plus its wire type. */
        int tag() throws IOException {
            long at = position;
            long tag = varint();
            if (tag >>> 3 == 0 || tag >>> 3 > 0x1FFF_FFFF) {
                throw error("field number " + (tag >>> 3) + " at byte " + at + " is out of range");
            }
            return (int) tag;
        }

        long varint() throws IOException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = in.read();
                if (b < 0) {
                    throw error("it ends inside a number at byte " + position + " (is the file truncated?)");
                }
                position++;
                value |= (long) (b & 0x7F) << shift;
                if (b < 0x80) {
                    return value;
                }
            }
            throw error("a number at byte " + position + " is longer than 10 bytes");
        }

        /** The length of a length-delimited field, checked against what remains. */
        long length(int field, long at) throws IOException {
            long length = varint();
            if (length < 0 || length > end - position) {
                throw error("field " + field + " at byte " + at + " declares " + Long.toUnsignedString(length)
                        + " bytes, but only " + (end - position) + " remain (is the file truncated?)");
            }
            return length;
        }

        byte[] bytes(int length) throws IOException {
            byte[] bytes = in.readNBytes(length);
            if (bytes.length != length) {
                throw error("it ends at byte " + (position + bytes.length) + ", inside a field");
            }
            position += length;
            return bytes;
        }

        void skip(int field, int wireType, long at) throws IOException {
            long length = switch (wireType) {
                case VARINT -> {
                    varint();
                    yield 0;
                }
                case FIXED64 -> 8;
                case FIXED32 -> 4;
                case LENGTH_DELIMITED -> length(field, at);
                default -> throw error("field " + field + " at byte " + at + " has wire type " + wireType
                        + ", which ONNX does not use");
            };
            if (length > end - position) {
                throw error("it ends inside field " + field + " at byte " + at + " (is the file truncated?)");
            }
            in.skipNBytes(length);
            position += length;
        }

        IOException error(String what) {
            return new IOException(context + ": " + what);
        }
    }
}
