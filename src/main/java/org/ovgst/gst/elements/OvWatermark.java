package org.ovgst.gst.elements;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.ovgst.gst.bridge.BridgeBin;
import org.ovgst.gst.bridge.BufferFrame;
import org.ovgst.gst.gobject.ElementSpec;
import org.ovgst.gst.gobject.Property;
import org.ovgst.gst.meta.Region;
import org.ovgst.gst.meta.RoiMeta;
import org.ovgst.gst.meta.TensorMeta;
import org.ovgst.gst.overlay.Watermark;
import org.ovgst.infer.image.FrameLayout;

/** {@code ovwatermark}: draws every region of interest (box, label, confidence) into the frame (DL Streamer's gvawatermark). */
public final class OvWatermark extends BridgeBin {
    private static final Property.Int THICKNESS = new Property.Int("thickness",
            "Width of the boxes' outlines in pixels; 0 chooses by the frame's size (2, 3 from 1080 pixels)", 0, 100,
            0, Property.Mutability.READY_ONLY);
    private static final Property.Int FONT_SCALE = new Property.Int("font-scale",
            "Size of the label text, frame pixels per pixel of the 5x7 font; 0 chooses by the frame's size (one"
                    + " step per 240 pixels of its short side: 2 at 640x480)", 0, 20, 0,
            Property.Mutability.READY_ONLY);
    private static final Property.Bool SHOW_CONFIDENCE = new Property.Bool("show-confidence",
            "Print the confidence after each label", true, Property.Mutability.READY_ONLY);

    public static final ElementSpec SPEC = new ElementSpec("ovwatermark", "GstOvWatermark", "OpenVINO ROI watermark",
            "Filter/Effect/Video", "Draws the GstVideoRegionOfInterestMeta of each frame: box, label and confidence",
            List.of(THICKNESS, FONT_SCALE, SHOW_CONFIDENCE), OvDetect.CAPS, OvDetect.CAPS, OvWatermark::new);

    private Watermark watermark;

    private OvWatermark(MemorySegment self, ElementSpec spec) {
        super(self, spec);
    }

    @Override
    protected void start() {}

    @Override
    protected void layoutChanged(FrameLayout layout) {
        watermark = new Watermark(layout, new Watermark.Style(get(THICKNESS), get(FONT_SCALE), get(SHOW_CONFIDENCE)));
    }

    @Override
    protected void process(BufferFrame frame) throws Throwable {
        List<Region> regions = RoiMeta.read(frame.buffer());
        List<Region.Attribute> frameResults = TensorMeta.read(frame.buffer());
        // A frame with nothing to draw passes as it came: no copy, and back to its pool.
        if (!regions.isEmpty() || !frameResults.isEmpty()) {
            MemorySegment pixels;
            try {
                pixels = frame.mapForWriting();
            } catch (Throwable t) {
                discard(frame);
                throw t;
            }
            watermark.draw(pixels, regions, frameResults);
            if (frameLogging()) {
                logFrame("frame " + frame.index() + ": drew " + regions.size() + " regions, " + frameResults.size()
                        + " frame classifications");
            }
        }
        send(frame);
    }

    @Override
    protected void stop() {
        watermark = null;
    }
}
