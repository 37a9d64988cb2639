package org.ovgst.infer.image;

/**
 * Where a frame lies in the model's input: stretched over all of it, or letterboxed (scaled to keep
 * its aspect ratio and centered, the rest padded, as Ultralytics' {@code LetterBox} does). Maps boxes
 * the model gives in its input's coordinates back to the frame's.
 *
 * @param frameWidth the frame's width in pixels
 * @param frameHeight the frame's height in pixels
 * @param inputWidth the model input's width
 * @param inputHeight the model input's height
 * @param left the first input column the frame covers
 * @param top the first input row the frame covers
 * @param placedWidth input columns the frame covers
 * @param placedHeight input rows the frame covers
 */
public record InputGeometry(int frameWidth, int frameHeight, int inputWidth, int inputHeight, int left, int top,
        int placedWidth, int placedHeight) {

    public InputGeometry {
        if (frameWidth <= 0 || frameHeight <= 0 || inputWidth <= 0 || inputHeight <= 0 || placedWidth <= 0
                || placedHeight <= 0 || left < 0 || top < 0 || left + placedWidth > inputWidth
                || top + placedHeight > inputHeight) {
            throw new IllegalArgumentException("a " + frameWidth + "x" + frameHeight + " frame cannot lie at "
                    + left + "," + top + " size " + placedWidth + "x" + placedHeight + " in a " + inputWidth + "x"
                    + inputHeight + " input");
        }
    }

    /** The frame resized to the whole input. */
    public static InputGeometry stretch(int frameWidth, int frameHeight, int inputWidth, int inputHeight) {
        return new InputGeometry(frameWidth, frameHeight, inputWidth, inputHeight, 0, 0, inputWidth, inputHeight);
    }

    /**
     * The frame scaled by the largest factor that fits the input, rounded to whole pixels and centered
     * (an odd padding puts the extra pixel after the frame), as Ultralytics does.
     */
    public static InputGeometry letterbox(int frameWidth, int frameHeight, int inputWidth, int inputHeight) {
        double ratio = Math.min((double) inputWidth / frameWidth, (double) inputHeight / frameHeight);
        int width = Math.clamp(Math.round(frameWidth * ratio), 1, inputWidth);
        int height = Math.clamp(Math.round(frameHeight * ratio), 1, inputHeight);
        return new InputGeometry(frameWidth, frameHeight, inputWidth, inputHeight, (inputWidth - width) / 2,
                (inputHeight - height) / 2, width, height);
    }

    /**
     * Frames of this size in an input of this size whose border of {@code padding} pixels stays
     * empty: letterboxed or stretched over the rest; null when the border leaves no room.
     */
    public static InputGeometry place(int frameWidth, int frameHeight, int inputWidth, int inputHeight, int padding,
            boolean letterbox) {
        int width = inputWidth - 2 * padding;
        int height = inputHeight - 2 * padding;
        if (width <= 0 || height <= 0) {
            return null;
        }
        return (letterbox ? letterbox(frameWidth, frameHeight, width, height)
                : stretch(frameWidth, frameHeight, width, height)).padded(padding);
    }

    /** This geometry inside a border {@code padding} pixels wide: the input grows by twice that. */
    public InputGeometry padded(int padding) {
        return padding == 0 ? this : new InputGeometry(frameWidth, frameHeight, inputWidth + 2 * padding,
                inputHeight + 2 * padding, left + padding, top + padding, placedWidth, placedHeight);
    }

    /** Whether the frame covers the whole input, so the model's coordinates are the frame's. */
    public boolean isStretch() {
        return left == 0 && top == 0 && placedWidth == inputWidth && placedHeight == inputHeight;
    }

    /**
     * A detection in the model input's normalized coordinates, in the frame's normalized
     * coordinates, clamped to the frame (a box may reach into the padding).
     */
    public Detection toFrame(Detection detection) {
        if (isStretch()) {
            return detection;
        }
        return Detection.clamped(detection.labelId(), detection.label(), detection.confidence(),
                frameX(detection.xMin()), frameY(detection.yMin()), frameX(detection.xMax()),
                frameY(detection.yMax()));
    }

    private float frameX(float inputX) {
        return (inputX * inputWidth - left) / placedWidth;
    }

    private float frameY(float inputY) {
        return (inputY * inputHeight - top) / placedHeight;
    }


    @Override
    public String toString() {
        return isStretch() ? frameWidth + "x" + frameHeight + " stretched to " + inputWidth + "x" + inputHeight
                : frameWidth + "x" + frameHeight + " letterboxed into " + inputWidth + "x" + inputHeight + " at "
                        + left + "," + top + " as " + placedWidth + "x" + placedHeight;
    }
}
