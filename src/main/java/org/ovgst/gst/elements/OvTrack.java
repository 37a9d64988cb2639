package org.ovgst.gst.elements;

import static org.ovgst.gst.gobject.Property.Mutability.READY_ONLY;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.ovgst.gst.binding.VideoCaps;
import org.ovgst.gst.bridge.BridgeBin;
import org.ovgst.gst.bridge.BufferFrame;
import org.ovgst.gst.gobject.ElementSpec;
import org.ovgst.gst.gobject.Property;
import org.ovgst.gst.meta.Region;
import org.ovgst.gst.meta.RoiMeta;
import org.ovgst.infer.track.IouTracker;

/**
 * {@code ovtrack}: gives every region of interest a track id that stays the same from frame to frame
 * while it is the same object ({@link IouTracker}: by overlap, no image; GStreamer 1.28's
 * {@code ioutracker}, DL Streamer's {@code gvatrack tracking-type=zero-term-imageless}). The id goes
 * into DL Streamer's {@code object_id} structure on the region ({@code id}), which ovwatermark
 * draws and ovmetapublish writes. Frames pass through; a seek forgets the tracks, and ids are never
 * given twice until the element stops.
 */
public final class OvTrack extends BridgeBin {
    private static final Property.Real IOU_THRESHOLD = new Property.Real("iou-threshold",
            "Least overlap (intersection over union) of a region with a track's last box that continues the track",
            0.01, 1, 0.3, READY_ONLY);
    private static final Property.Int MAX_AGE = new Property.Int("max-age",
            "Frames a track survives unseen: an object back within them, where it was, keeps its id", 0, 100_000, 30,
            READY_ONLY);
    private static final Property.Int MIN_HITS = new Property.Int("min-hits",
            "Frames a track must be seen in before its regions get its id (before that they get none)", 1, 1000, 1,
            READY_ONLY);

    public static final ElementSpec SPEC = new ElementSpec("ovtrack", "GstOvTrack", "OpenVINO ROI tracker",
            "Filter/Analyzer/Video", "Gives each GstVideoRegionOfInterestMeta a track id (object_id) stable across"
                    + " frames, by overlap", List.of(IOU_THRESHOLD, MAX_AGE, MIN_HITS), VideoCaps.ANY_RAW_VIDEO,
            VideoCaps.ANY_RAW_VIDEO, OvTrack::new);

    /** From start() to stop(). */
    private IouTracker tracker;

    private OvTrack(MemorySegment self, ElementSpec spec) {
        super(self, spec);
    }

    /** Only the regions and the frame size are read: any raw video passes. */
    @Override
    protected boolean readsPixels() {
        return false;
    }

    @Override
    protected void start() {
        IouTracker.Settings settings = new IouTracker.Settings(get(IOU_THRESHOLD), get(MAX_AGE), get(MIN_HITS));
        tracker = new IouTracker(settings);
        logInfo(() -> "tracking by overlap: " + settings);
    }

    @Override
    protected void process(BufferFrame frame) throws Throwable {
        List<Region> regions = RoiMeta.read(frame.buffer());
        List<IouTracker.Box> boxes = new ArrayList<>(regions.size());
        for (Region region : regions) {
            boxes.add(new IouTracker.Box(region.x(), region.y(), region.width(), region.height(), region.label()));
        }
        long[] ids = tracker.update(boxes);
        if (frameLogging()) {
            logFrame("frame " + frame.index() + ": ids " + java.util.Arrays.toString(ids));
        }
        if (ids.length > 0) {
            try {
                frame.writableForMetadata();
                RoiMeta.setObjectIds(frame.buffer(), ids);
            } catch (Throwable t) {
                discard(frame);
                throw t;
            }
        }
        send(frame);
    }

    @Override
    protected void flushStopped() {
        if (tracker != null) {
            tracker.forgetTracks();
        }
    }

    @Override
    protected void stop() {
        tracker = null;
    }
}
