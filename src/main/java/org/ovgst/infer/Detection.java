package org.ovgst.infer;

/**
 * One detected object. The box is in normalized coordinates of the model input, so of the whole
 * frame when the frame was stretched to the model's size: {@code 0 <= xMin <= xMax <= 1}, and the
 * same for y, with y growing downwards.
 *
 * @param labelId the model's class index
 * @param label the class name from the label map, or {@code null} when there is no label map or it
 *     has no line for {@code labelId}
 * @param confidence the class probability, in [0, 1]
 */
public record Detection(int labelId, String label, float confidence, float xMin, float yMin, float xMax,
        float yMax) {

    public float width() {
        return xMax - xMin;
    }

    public float height() {
        return yMax - yMin;
    }
}
