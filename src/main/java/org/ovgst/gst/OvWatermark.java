package org.ovgst.gst;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.ovgst.gst.overlay.Watermark;
import org.ovgst.infer.FrameLayout;

/** {@code ovwatermark}: draws every region of interest (box, label, confidence) into the frame (DL Streamer's gvawatermark). */
public final class OvWatermark extends BridgeBin {
    static final ElementSpec SPEC = new ElementSpec("ovwatermark", "GstOvWatermark", "OpenVINO ROI watermark",
            "Filter/Effect/Video", "Draws the GstVideoRegionOfInterestMeta of each frame: box, label and confidence",
            List.of(), OvDetect.CAPS, OvDetect.CAPS, OvWatermark::new);

    private Watermark watermark;

    private OvWatermark(MemorySegment self, ElementSpec spec) {
        super(self, spec);
    }

    @Override
    protected void start() {}

    @Override
    protected void layoutChanged(FrameLayout layout) {
        watermark = new Watermark(layout);
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
        }
        send(frame);
    }

    @Override
    protected void stop() {
        watermark = null;
    }
}
