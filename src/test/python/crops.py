"""What ovclassify cuts out of a frame, written independently in NumPy for the oracle tests.

A box (clipped to the frame, at least one pixel) resized bilinearly with pixel centers aligned,
rounded to whole values, as u8 HxWx3; and the middle square of a box (center-crop)."""
import numpy as np


def _axis(source, target):
    s = np.clip((np.arange(target) + 0.5) * source / target - 0.5, 0, source - 1)
    first = np.floor(s).astype(int)
    return first, np.minimum(first + 1, source - 1), s - first


def resize_box(image, x, y, w, h, width, height):
    rows, cols = image.shape[:2]
    image = image.astype(np.float64)
    left, top = min(max(x, 0), cols - 1), min(max(y, 0), rows - 1)
    right, bottom = min(max(x + w, left + 1), cols), min(max(y + h, top + 1), rows)
    crop = image[top:bottom, left:right]
    r0, r1, dy = _axis(crop.shape[0], height)
    c0, c1, dx = _axis(crop.shape[1], width)
    upper = crop[r0][:, c0] + (crop[r0][:, c1] - crop[r0][:, c0]) * dx[None, :, None]
    lower = crop[r1][:, c0] + (crop[r1][:, c1] - crop[r1][:, c0]) * dx[None, :, None]
    return np.floor(upper + (lower - upper) * dy[:, None, None] + 0.5).astype(np.uint8)


def center_square(x, y, w, h, fraction):
    """The middle square whose side is `fraction` of the box's short side, rounded half up."""
    side = max(1, int(np.floor(min(w, h) * fraction + 0.5)))
    return x + (w - side) // 2, y + (h - side) // 2, side, side
