package org.ovgst.infer.model;

/**
 * How the size of the model's image input is chosen for a frame size: what the file declares, a
 * default for dimensions it leaves dynamic, or a size that replaces what it declares.
 *
 * @param kind how the size is chosen
 * @param width the default or required width; for {@link Kind#FRAME_MULTIPLE} the stride
 * @param height the default or required height; for {@link Kind#FRAME_MULTIPLE} the stride
 */
public record InputSize(Kind kind, int width, int height) {
    /** The size the file declares; dynamic dimensions take the frame's size. */
    public static final InputSize DECLARED_OR_FRAME = new InputSize(Kind.DECLARED_OR_FRAME, 0, 0);

    public enum Kind {
        /** The size the file declares; dynamic dimensions take the frame's. */
        DECLARED_OR_FRAME,
        /** The size the file declares; dynamic dimensions take {@code width}/{@code height} (YOLO's 640). */
        DECLARED_OR_DEFAULT,
        /**
         * The frame's size rounded up to a multiple of the stride, whatever the file declares: fully
         * convolutional models exported with a placeholder size (CenterFace's 32x32).
         */
        FRAME_MULTIPLE,
        /** Exactly {@code width x height}, whatever the file declares (the user's reshape-width/height). */
        EXACT
    }

    public InputSize {
        if (kind != Kind.DECLARED_OR_FRAME && (width <= 0 || height <= 0)) {
            throw new IllegalArgumentException(kind + " needs a positive size, got " + width + "x" + height);
        }
    }

    /** Declared sizes stay; dynamic ones become {@code size x size}. */
    public static InputSize declaredOrSquare(int size) {
        return new InputSize(Kind.DECLARED_OR_DEFAULT, size, size);
    }

    /** The frame's own size, whatever the file declares ({@code input-resizable}). */
    public static InputSize frame() {
        return frameMultiple(1);
    }

    public static InputSize frameMultiple(int stride) {
        return new InputSize(Kind.FRAME_MULTIPLE, stride, stride);
    }

    public static InputSize exact(int width, int height) {
        return new InputSize(Kind.EXACT, width, height);
    }

    /**
     * The input's {width, height} for frames of {@code frameWidth x frameHeight}, given the sizes the
     * file declares ({@code -1} for dynamic).
     */
    public int[] resolve(long declaredWidth, long declaredHeight, int frameWidth, int frameHeight) {
        return switch (kind) {
            case DECLARED_OR_FRAME -> new int[] {pick(declaredWidth, frameWidth), pick(declaredHeight, frameHeight)};
            case DECLARED_OR_DEFAULT -> new int[] {pick(declaredWidth, width), pick(declaredHeight, height)};
            case FRAME_MULTIPLE -> new int[] {roundUp(frameWidth, width), roundUp(frameHeight, height)};
            case EXACT -> new int[] {width, height};
        };
    }

    private static int pick(long declared, int otherwise) {
        return declared > 0 ? Math.toIntExact(declared) : otherwise;
    }

    private static int roundUp(int value, int stride) {
        return (value + stride - 1) / stride * stride;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case DECLARED_OR_FRAME -> "as declared, else the frame's size";
            case DECLARED_OR_DEFAULT -> "as declared, else " + width + "x" + height;
            case FRAME_MULTIPLE -> width == 1 ? "the frame's size"
                    : "the frame's size rounded up to a multiple of " + width;
            case EXACT -> width + "x" + height;
        };
    }
}
