package org.ovgst.infer.image;

/** A box of a frame in whole pixels: its left and top edges and its size. */
public record Box(int x, int y, int width, int height) {
    /**
     * The middle square of a box, its side {@code fraction} of the box's short side rounded half up
     * (at least 1 pixel): ImageNet's "short side to 256, then the middle 224" is fraction 0.875.
     */
    public static Box centered(int x, int y, int width, int height, double fraction) {
        int side = Math.max(1, (int) Math.round(Math.min(width, height) * fraction));
        return new Box(x + (width - side) / 2, y + (height - side) / 2, side, side);
    }
}
