package org.ovgst.infer.image;

/**
 * One detected object. The box is in normalized coordinates: of the model input as converters give
 * it, of the frame once mapped back ({@link InputGeometry#toFrame}): {@code 0 <= xMin <= xMax <= 1},
 * and the same for y, with y growing downwards.
 *
 * @param labelId the model's class index
 * @param label the class name: the label map's, or {@code class N} when it has none for {@code labelId}
 * @param confidence the class probability, in [0, 1]
 */
public record Detection(int labelId, String label, float confidence, float xMin, float yMin, float xMax,
        float yMax) {

    /** A detection whose box is clamped to [0, 1]: decoded boxes may reach past the input's edges. */
    public static Detection clamped(int labelId, String label, float confidence, float xMin, float yMin, float xMax,
            float yMax) {
        return new Detection(labelId, label, confidence, clamp01(xMin), clamp01(yMin), clamp01(xMax), clamp01(yMax));
    }

    private static float clamp01(float value) {
        return Math.clamp(value, 0f, 1f);
    }

    public float width() {
        return xMax - xMin;
    }

    public float height() {
        return yMax - yMin;
    }
}
