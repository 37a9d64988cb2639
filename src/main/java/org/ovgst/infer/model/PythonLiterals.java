package org.ovgst.infer.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import org.ovgst.infer.model.ModelMetadata.ImageSize;

/**
 * The Python literals that model exporters write as metadata values: Ultralytics stores {@code str()}
 * of its class-name dict ({@code {0: 'person', 1: "it's"}}; YOLOv5 wrote a list) and of its image size
 * ({@code [640, 640]}, height first). Python's own {@code repr} picks the quotes and escapes, so strings
 * are read with Python's rules. Errors are {@link IllegalArgumentException}s saying what and where.
 */
final class PythonLiterals {
    /** More classes than any detector has; bounds the list a sparse dict such as {@code {999999999: 'x'}} makes. */
    static final int MAX_CLASSES = 100_000;

    private PythonLiterals() {}

    /**
     * The class names of a dict {@code {index: 'name', ...}} (the name of class {@code i} at {@code i};
     * indexes not in the dict become empty labels) or of a list {@code ['name', ...]}.
     */
    static List<String> classNames(String text) {
        Cursor in = new Cursor(text);
        List<String> names;
        if (in.accept('{')) {
            TreeMap<Integer, String> byIndex = new TreeMap<>();
            for (boolean more = !in.accept('}'); more; more = in.nextItem('}')) {
                int index = in.classIndex();
                in.expect(':');
                if (byIndex.put(index, in.string()) != null) {
                    throw in.error("class " + index + " is named twice");
                }
            }
            int count = byIndex.isEmpty() ? 0 : byIndex.lastKey() + 1;
            names = new ArrayList<>(Collections.nCopies(count, ""));
            byIndex.forEach(names::set);
        } else if (in.accept('[')) {
            names = new ArrayList<>();
            for (boolean more = !in.accept(']'); more; more = in.nextItem(']')) {
                names.add(in.string());
            }
        } else {
            throw in.error("expected a dict '{' or a list '['");
        }
        in.expectEnd();
        return List.copyOf(names);
    }

    /** An image size: {@code [height, width]} or {@code (height, width)}, or one number for a square. */
    static ImageSize imageSize(String text) {
        Cursor in = new Cursor(text);
        List<Integer> sides = new ArrayList<>();
        char close = in.accept('[') ? ']' : in.accept('(') ? ')' : 0;
        if (close == 0) {
            sides.add(in.positive());
        } else {
            for (boolean more = !in.accept(close); more; more = in.nextItem(close)) {
                sides.add(in.positive());
            }
        }
        in.expectEnd();
        return switch (sides.size()) {
            case 1 -> new ImageSize(sides.getFirst(), sides.getFirst());
            case 2 -> new ImageSize(sides.get(1), sides.get(0));
            default -> throw new IllegalArgumentException("expected 1 or 2 sizes, got " + sides.size() + " in " + text);
        };
    }

    /** A position in the text being parsed. */
    private static final class Cursor {
        private final String text;
        private int at;

        Cursor(String text) {
            this.text = text;
        }

        /** Skips white space, then consumes {@code c} if it comes next. */
        boolean accept(char c) {
            skipSpace();
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!accept(c)) {
                throw error("expected '" + c + "'");
            }
        }

        /** After an item: true if another follows its comma; false at {@code close} (a trailing comma is allowed). */
        boolean nextItem(char close) {
            if (accept(',')) {
                return !accept(close);
            }
            expect(close);
            return false;
        }

        void expectEnd() {
            skipSpace();
            if (at < text.length()) {
                throw error("unexpected text after the value");
            }
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        int classIndex() {
            long index = integer();
            if (index >= MAX_CLASSES) {
                throw error("class index " + index + " is too large (at most " + (MAX_CLASSES - 1) + ")");
            }
            return (int) index;
        }

        int positive() {
            long size = integer();
            if (size == 0 || size > Integer.MAX_VALUE) {
                throw error("size " + size + " is out of range");
            }
            return (int) size;
        }

        /** A non-negative decimal integer. */
        private long integer() {
            skipSpace();
            int start = at;
            while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
                at++;
            }
            if (at == start) {
                throw error("expected a non-negative integer");
            }
            if (at - start > 12) {
                throw error("number " + text.substring(start, at) + " is too large");
            }
            return Long.parseLong(text, start, at, 10);
        }

        /** A quoted string with Python's escapes ({@code \\xhh}, {@code \\uhhhh}, octal, ...). */
        String string() {
            char quote = accept('\'') ? '\'' : accept('"') ? '"' : 0;
            if (quote == 0) {
                throw error("expected a quoted string");
            }
            StringBuilder value = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == quote) {
                    return value.toString();
                }
                if (c == '\n' || c == '\r') {
                    throw error("line break inside a string");
                }
                if (c != '\\') {
                    value.append(c);
                } else if (at >= text.length()) {
                    throw error("unterminated string");
                } else {
                    escape(text.charAt(at++), value);
                }
            }
        }

        private void escape(char c, StringBuilder value) {
            switch (c) {
                case '\n' -> { } // a continued line
                case '\\', '\'', '"' -> value.append(c);
                case 'a' -> value.append('\u0007');
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'v' -> value.append('\u000b');
                case 'x' -> value.appendCodePoint(hex(2));
                case 'u' -> value.appendCodePoint(hex(4));
                case 'U' -> value.appendCodePoint(hex(8));
                case 'N' -> throw error("\\N{...} escapes are not supported");
                default -> {
                    if (c >= '0' && c <= '7') {
                        int code = c - '0';
                        for (int digits = 1; digits < 3 && at < text.length()
                                && text.charAt(at) >= '0' && text.charAt(at) <= '7'; digits++) {
                            code = code * 8 + text.charAt(at++) - '0';
                        }
                        value.append((char) code);
                    } else {
                        value.append('\\').append(c); // Python keeps unknown escapes as they are
                    }
                }
            }
        }

        /** The code point of the {@code digits} hexadecimal digits that follow. */
        private int hex(int digits) {
            long code = 0;
            for (int i = 0; i < digits; i++, at++) {
                char c = at < text.length() ? text.charAt(at) : 0;
                int digit = c < 128 ? Character.digit(c, 16) : -1; // ASCII only, as Python
                if (digit < 0) {
                    throw error("expected " + digits + " hexadecimal digits in an escape");
                }
                code = code * 16 + digit;
            }
            if (code > Character.MAX_CODE_POINT) {
                throw error("escape beyond the last Unicode character");
            }
            return (int) code;
        }

        IllegalArgumentException error(String what) {
            String shown = text.length() <= 80 ? text : text.substring(0, 77) + "...";
            return new IllegalArgumentException(what + " at character " + (at + 1) + " of " + shown);
        }
    }
}
