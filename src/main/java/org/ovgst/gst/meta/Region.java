package org.ovgst.gst.meta;

import java.util.List;

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
 * @param attributes what classifiers said of it ({@code ovclassify}), in the order they said it
 * @param regionId the region's id on its frame (the ROI meta's {@code id}; DL Streamer's
 *     {@code region_id}), unique on the frame; 0 when whoever attached it set none
 */
public record Region(int x, int y, int width, int height, String label, int labelId, double confidence, long id,
        List<Attribute> attributes, int regionId) {
    /**
     * One classifier's result on a region: a parameter structure named after the attribute, with
     * DL Streamer's {@code label}, {@code label_id}, {@code confidence} and {@code model_name}.
     *
     * @param labelId the class index, or -1 for none
     * @param confidence the probability, or NaN for none
     * @param modelName the classifier's model (its file name without extension), or {@code null}
     */
    public record Attribute(String name, String label, int labelId, double confidence, String modelName) {
        /** A result that names no model. */
        public Attribute(String name, String label, int labelId, double confidence) {
            this(name, label, labelId, confidence, null);
        }
    }

    public Region {
        attributes = List.copyOf(attributes);
    }

    /** A region without a region id. */
    public Region(int x, int y, int width, int height, String label, int labelId, double confidence, long id,
            List<Attribute> attributes) {
        this(x, y, width, height, label, labelId, confidence, id, attributes, 0);
    }

    /** A region no tracker or classifier has seen. */
    public Region(int x, int y, int width, int height, String label, int labelId, double confidence) {
        this(x, y, width, height, label, labelId, confidence, 0, List.of());
    }

    /** A region with a track id and no attributes. */
    public Region(int x, int y, int width, int height, String label, int labelId, double confidence, long id) {
        this(x, y, width, height, label, labelId, confidence, id, List.of());
    }
}
