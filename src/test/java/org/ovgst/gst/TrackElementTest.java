package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.TestAssets;

/**
 * ovtrack behind the real face detector on made-up videos: the astronaut's face (a 150x150 crop of
 * astronaut.png) pasted on a black 320x240 canvas at known places, frame by frame.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TrackElementTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int SIDE = 150;

    @TempDir
    static Path dir;
    private static BgrImage face;

    @BeforeAll
    static void cropTheFace() {
        BgrImage photo = TestAssets.readBgr(TestAssets.image("astronaut.png"));
        byte[] pixels = new byte[180 * 180 * 3];
        for (int y = 0; y < 180; y++) {
            System.arraycopy(photo.pixels(), ((20 + y) * photo.width() + 140) * 3, pixels, y * 180 * 3, 180 * 3);
        }
        face = new BgrImage(180, 180, pixels).scaled(SIDE, SIDE);
    }

    /** One frame: a black canvas with the face at each of {@code places} ({x, y} pairs). */
    private static byte[] frame(int... places) {
        byte[] canvas = new byte[WIDTH * HEIGHT * 3];
        for (int p = 0; p < places.length; p += 2) {
            for (int y = 0; y < SIDE; y++) {
                int top = places[p + 1] + y;
                int from = Math.max(0, -places[p]);
                int to = Math.min(SIDE, WIDTH - places[p]);
                if (top >= 0 && top < HEIGHT && to > from) {
                    System.arraycopy(face.pixels(), (y * SIDE + from) * 3, canvas, (top * WIDTH + places[p] + from) * 3,
                            (to - from) * 3);
                }
            }
        }
        return canvas;
    }

    private static List<GstTestSupport.Frame> track(String name, List<byte[]> frames, String settings)
            throws IOException {
        return track(name, frames, settings, "");
    }

    /** Tracks and writes the frames in the format {@code format} leaves them (a caps filter and what makes it). */
    private static List<GstTestSupport.Frame> track(String name, List<byte[]> frames, String settings, String format)
            throws IOException {
        Path video = dir.resolve(name + ".bgr");
        try (OutputStream out = Files.newOutputStream(video)) {
            for (byte[] frame : frames) {
                out.write(frame);
            }
        }
        Path json = dir.resolve(name + ".jsonl");
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("filesrc location=" + video
                + " ! rawvideoparse format=bgr width=" + WIDTH + " height=" + HEIGHT + " framerate=30/1 ! ovdetect model="
                + FACE_MODEL + " ! " + format + "ovtrack " + settings + " ! ovmetapublish location=" + json
                + " ! fakesink",
                Duration.ofSeconds(60), p -> { });
        assertTrue(outcome.ok(), outcome.toString());
        List<GstTestSupport.Frame> tracked = GstTestSupport.readFrames(json);
        assertEquals(frames.size(), tracked.size());
        return tracked;
    }

    /** A face moving 4 px right and 2 px down a frame keeps id 1 in every frame. */
    @Test
    void aMovingFaceKeepsItsId() throws IOException {
        List<byte[]> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            frames.add(frame(4 * i, 2 * i));
        }
        for (GstTestSupport.Frame f : track("moving", frames, "")) {
            assertEquals(1, f.objects().size(), "faces in frame " + f.frame());
            assertEquals(1, f.objects().getFirst().id(), "id in frame " + f.frame());
        }
    }

    /**
     * A face that leaves for 4 frames and comes back where it was: the same id with max-age=5, a new
     * one with max-age=3; the face that stays all along keeps its own.
     */
    @Test
    void aFaceThatLeavesAndComesBackKeepsItsIdWithinMaxAge() throws IOException {
        List<byte[]> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            boolean away = i >= 6 && i < 10;
            frames.add(away ? frame(170, 90) : frame(0, 0, 170, 90));
        }
        for (String settings : List.of("max-age=5", "max-age=3")) {
            List<GstTestSupport.Frame> tracked = track("returning-" + settings.length(), frames, settings);
            long returning = settings.equals("max-age=5") ? 1 : 3;
            for (GstTestSupport.Frame f : tracked) {
                boolean away = f.frame() >= 6 && f.frame() < 10;
                List<Long> ids = f.objects().stream().sorted(java.util.Comparator.comparingInt(GstTestSupport.Box::x))
                        .map(GstTestSupport.Box::id).toList();
                assertEquals(away ? List.of(2L) : List.of(f.frame() < 6 ? 1L : returning, 2L), ids,
                        settings + ", frame " + f.frame() + ": " + f.objects());
            }
        }
    }

    /**
     * ovtrack and ovmetapublish read only metadata and the frame size: RGBA, I420, NV12 and GRAY8
     * frames (which ovdetect's BGR becomes through videoconvert) get the same records and ids as BGR.
     * Boxes, labels and ids are compared: GStreamer 1.22's videoconvert keeps a region's box but drops
     * its detection structure (confidence, label id) when it converts.
     */
    @Test
    void anyRawFormatGetsTheRecordsAndIdsOfBgr() throws IOException {
        List<byte[]> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            frames.add(frame(8 * i, 4 * i, 170, 90));
        }
        List<GstTestSupport.Frame> bgr = track("bgr", frames, "");
        assertEquals(List.of(1L, 2L), bgr.getLast().objects().stream().map(GstTestSupport.Box::id).sorted().toList());
        for (String format : List.of("RGBA", "I420", "NV12", "GRAY8")) {
            assertEquals(boxesAndIds(bgr), boxesAndIds(track(format, frames, "",
                    "videoconvert ! video/x-raw,format=" + format + " ! ")), format);
        }
    }

    /** Each record's frame, size and regions as box, label and id. */
    private static List<String> boxesAndIds(List<GstTestSupport.Frame> frames) {
        return frames.stream().map(f -> f.frame() + " " + f.width() + "x" + f.height() + " " + f.objects().stream()
                .map(b -> b.x() + "," + b.y() + "," + b.w() + "," + b.h() + " " + b.label() + " #" + b.id()).toList())
                .toList();
    }

    /** Two faces pass each other, one going right above, one going left below: each keeps its id. */
    @Test
    void twoFacesThatCrossKeepTheirIds() throws IOException {
        List<byte[]> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 24; i++) {
            frames.add(frame(-20 + 8 * i, 0, 190 - 8 * i, 90));
        }
        for (GstTestSupport.Frame f : track("crossing", frames, "")) {
            assertEquals(2, f.objects().size(), "faces in frame " + f.frame() + ": " + f.objects());
            for (GstTestSupport.Box box : f.objects()) {
                // The one above started first in the frame's top left.
                assertEquals(box.y() < 90 ? 1 : 2, box.id(), "frame " + f.frame() + ": " + box);
            }
        }
    }
}
