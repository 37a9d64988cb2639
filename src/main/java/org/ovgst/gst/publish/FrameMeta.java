package org.ovgst.gst.publish;

import java.util.List;
import org.ovgst.gst.meta.Region;

/**
 * What {@code ovmetapublish} publishes about one frame.
 *
 * @param frame the frame's index in the stream, from 0
 * @param timestamp the stream time in nanoseconds, or {@link #TIME_NONE} (any negative value) when
 *     the buffer has none
 * @param width the frame width in pixels
 * @param height the frame height in pixels
 * @param source where the frames come from (a URI), or {@code null} when unknown
 * @param objects the regions of interest on the frame, maybe none
 * @param tensors what classifiers said of the whole frame (ovclassify {@code inference-region=full-frame}),
 *     maybe nothing
 * @param pts the buffer's presentation time in nanoseconds, or {@link #TIME_NONE}: unlike the stream
 *     time, it grows across the segments of a live source that changes them
 */
public record FrameMeta(long frame, long timestamp, int width, int height, String source, List<Region> objects,
        List<Region.Attribute> tensors, long pts) {
    /**
     * GStreamer's {@code GST_CLOCK_TIME_NONE}, all ones as an unsigned 64-bit value, read into a Java
     * long. Every negative value counts as unknown: times past 2^63 ns (292 years) are not real.
     */
    public static final long TIME_NONE = -1;

    public FrameMeta {
        objects = List.copyOf(objects);
        tensors = List.copyOf(tensors);
    }

    /** A frame of unknown source that nothing classified as a whole, its stream time its pts. */
    public FrameMeta(long frame, long timestamp, int width, int height, List<Region> objects) {
        this(frame, timestamp, width, height, null, objects, List.of(), timestamp);
    }
}
