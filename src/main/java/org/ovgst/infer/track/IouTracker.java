package org.ovgst.infer.track;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Gives the boxes of successive frames stable ids by their overlap: a box continues the track whose
 * last box it overlaps most (intersection over union at least {@code iouThreshold}, same label),
 * pairs taken greedily from the best overlap down, as GStreamer's {@code ioutracker} and DL
 * Streamer's {@code zero-term-imageless} tracker do. No motion model and no image: objects that
 * cross keep their ids while each moves less per frame than it overlaps itself; an object unseen
 * for up to {@code maxAge} frames keeps its id if it comes back overlapping where it was last seen.
 * A track's id is given when it has been seen {@code minHits} times (before that its boxes get 0),
 * counting from 1, and never given again by this tracker (one per stream). One thread.
 */
public final class IouTracker {
    /**
     * @param iouThreshold the least overlap that continues a track ({@code iou-threshold})
     * @param maxAge frames a track survives unseen ({@code max-age})
     * @param minHits frames a track must be seen in before its boxes get its id ({@code min-hits})
     */
    public record Settings(double iouThreshold, int maxAge, int minHits) {
        public Settings {
            if (!(iouThreshold > 0 && iouThreshold <= 1) || maxAge < 0 || minHits < 1) {
                throw new IllegalArgumentException("iou-threshold " + iouThreshold + ", max-age " + maxAge
                        + ", min-hits " + minHits + ": use an overlap in (0, 1], an age of 0 or more, 1 hit or more");
            }
        }
    }

    /** A box of one frame, in any unit shared by all boxes; {@code label} may be null. */
    public record Box(double x, double y, double width, double height, String label) {}

    private static final class Track {
        Box box;
        long id;
        int hits = 1;
        int unseen;

        Track(Box box) {
            this.box = box;
        }
    }

    private record Pair(Track track, int box, double iou) {}

    private static final Comparator<Pair> BEST_FIRST = Comparator.comparingDouble(Pair::iou).reversed();

    private final Settings settings;
    private final List<Track> tracks = new ArrayList<>();
    private long lastId;

    public IouTracker(Settings settings) {
        this.settings = Objects.requireNonNull(settings);
    }

    /**
     * The boxes of the next frame: returns each box's track id, in the boxes' order, 0 for a box
     * whose track is not yet confirmed ({@code minHits}).
     */
    public long[] update(List<Box> boxes) {
        List<Pair> pairs = new ArrayList<>();
        for (Track track : tracks) {
            for (int i = 0; i < boxes.size(); i++) {
                Box box = boxes.get(i);
                double iou = Objects.equals(track.box.label(), box.label()) ? iou(track.box, box) : 0;
                if (iou >= settings.iouThreshold()) {
                    pairs.add(new Pair(track, i, iou));
                }
            }
        }
        // Stable: equal overlaps go to the older track, then to the earlier box.
        pairs.sort(BEST_FIRST);
        Track[] owner = new Track[boxes.size()];
        List<Track> continued = new ArrayList<>();
        for (Pair pair : pairs) {
            if (owner[pair.box()] == null && !continued.contains(pair.track())) {
                owner[pair.box()] = pair.track();
                continued.add(pair.track());
            }
        }
        tracks.removeIf(track -> !continued.contains(track) && ++track.unseen > settings.maxAge());
        long[] ids = new long[boxes.size()];
        for (int i = 0; i < boxes.size(); i++) {
            Track track = owner[i];
            if (track == null) {
                track = new Track(boxes.get(i));
                tracks.add(track);
            } else {
                track.box = boxes.get(i);
                track.hits++;
                track.unseen = 0;
            }
            if (track.id == 0 && track.hits >= settings.minHits()) {
                track.id = ++lastId;
            }
            ids[i] = track.id;
        }
        return ids;
    }

    /** Forgets every track (a seek broke the stream's continuity); ids go on counting. */
    public void forgetTracks() {
        tracks.clear();
    }

    /** Intersection over union of two boxes; 0 when either is empty. */
    static double iou(Box a, Box b) {
        double width = Math.min(a.x() + a.width(), b.x() + b.width()) - Math.max(a.x(), b.x());
        double height = Math.min(a.y() + a.height(), b.y() + b.height()) - Math.max(a.y(), b.y());
        if (width <= 0 || height <= 0) {
            return 0;
        }
        double intersection = width * height;
        return intersection / (a.width() * a.height() + b.width() * b.height() - intersection);
    }
}
