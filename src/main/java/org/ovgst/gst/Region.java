package org.ovgst.gst;

/**
 * One region of interest on a frame, in pixels of the frame, as a {@code GstVideoRegionOfInterestMeta}
 * carries it: what {@code ovwatermark} draws and {@code ovmetapublish} publishes. The box may reach
 * outside the frame or be empty; drawing clips it.
 *
 * @param x the left edge, in pixels
 * @param y the top edge, in pixels, growing downwards
 * @param label the class name, or {@code null} for none
 * @param labelId the class index (it picks the drawing color), or -1 for none
 * @param confidence the class probability, or NaN for none
 * @param id the track id ({@code ovtrack}; DL Streamer's {@code object_id}), or 0 for none
 */
public record Region(int x, int y, int width, int height, String label, int labelId, double confidence, long id) {
    /** A region no tracker has seen. */
    public Region(int x, int y, int width, int height, String label, int labelId, double confidence) {
        this(x, y, width, height, label, labelId, confidence, 0);
    }
}
