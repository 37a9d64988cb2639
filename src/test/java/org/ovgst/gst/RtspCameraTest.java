package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.gst.elements.OvDetect;
import org.ovgst.infer.image.Detection;
import org.ovgst.testing.TestAssets;

/**
 * Cameras that go away and come back: fallbacksrc (gst-plugins-rs, built by set-up) in front of
 * ovdetect, with real RTSP servers on 127.0.0.1 ({@link RtspTestCamera}) killed and started again on
 * the same port. The pipelines run in this JVM, so ovdetect's listener gives each frame's arrival time.
 * The cameras stream astronaut.png (one face) at 352x288; fallbacksrc's own fallback frames are black
 * 320x240 (videotestsrc's default size: its dummy-video-caps are ANY), or a picture of our choice.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RtspCameraTest {
    private static final int WIDTH = 352;
    private static final int HEIGHT = 288;
    private static final String[] CAMERA = {"--width", "352", "--height", "288", "--fps", "15"};
    /** Hand-labelled face in astronaut.png (512x512): left, top, right, bottom. */
    private static final double[] FACE = {175 / 512.0, 75 / 512.0, 275 / 512.0, 180 / 512.0};
    /** The same face in the picture flipped left to right. */
    private static final double[] FLIPPED_FACE = {1 - FACE[2], FACE[1], 1 - FACE[0], FACE[3]};
    private static final double BOX_TOLERANCE = 0.1;
    private static final long SECOND = 1_000_000_000L;

    @BeforeAll
    static void needsRtspServerAndFallbackSrc() throws Exception {
        RtspTestCamera.checkPrerequisites();
        GstTestSupport.fallbackSwitchPluginDir();
    }

    @Test
    void aCameraAwayFor10sIsDetectedAgainWithin10sOfItsReturn(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("camera.jsonl");
        try (RtspTestCamera camera = RtspTestCamera.start(dir, "camera", CAMERA)) {
            Arrivals seen = new Arrivals();
            Scenario run = new Scenario();
            Pipeline.Outcome outcome = run.play("fallbacksrc uri=" + camera.uri() + " ! videoconvert ! ovdetect name=d"
                    + " model=" + FACE_MODEL + " ! ovmetapublish location=" + json + " ! fakesink", Duration.ofSeconds(70),
                    pipeline -> seen.listen(pipeline, "d"), (pipeline, now) -> {
                        if (run.killedAt == 0) {
                            if (seen.count(Seen::showsCamera) >= 15) {
                                camera.kill();
                                run.killedAt = System.nanoTime();
                            }
                        } else if (run.backAt == 0) {
                            if (now - run.killedAt >= 10 * SECOND) {
                                camera.restart();
                                run.backAt = System.nanoTime();
                            }
                        } else {
                            Seen again = seen.first(s -> s.nanos > run.backAt && s.showsCamera());
                            if (again != null && now - again.nanos >= 2 * SECOND || now - run.backAt > 15 * SECOND) {
                                run.endOfStream(pipeline);
                            }
                        }
                    });
            run.assertRanUntilAsked(outcome);

            Seen again = seen.first(s -> s.nanos > run.backAt && s.showsCamera());
            assertTrue(again != null, "ovdetect never saw the camera again after it came back; " + run);
            double recovery = (again.nanos - run.backAt) / 1e9;
            Seen firstFallback = seen.first(s -> s.nanos > run.killedAt && s.detections.isEmpty());
            Seen lastBefore = seen.last(s -> s.frame < firstFallback.frame && s.showsCamera());
            System.err.printf(Locale.ROOT, "RtspCameraTest: camera back -> ovdetect sees it in %.2f s; after the kill,"
                    + " its last frame came at %+.2f s, the first black one at %+.2f s%n", recovery,
                    (lastBefore.nanos - run.killedAt) / 1e9, (firstFallback.nanos - run.killedAt) / 1e9);
            assertTrue(recovery <= 10, "ovdetect saw the camera again " + recovery + " s after it came back");

            List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(json);
            assertNumberedInOrder(frames, seen);
            // Before the kill and after the return: the camera's frames with its face; in between,
            // fallbacksrc's black 320x240 frames and never a face.
            assertTrue(seen.count(s -> s.nanos < run.killedAt && s.showsCamera()) >= 15, seen::toString);
            assertTrue(seen.count(s -> s.nanos > run.backAt && s.showsCamera()) >= 15, seen::toString);
            List<Seen> fallback = seen.all(s -> s.frame >= firstFallback.frame && s.frame < again.frame);
            assertTrue(fallback.size() >= 30, "fallback frames: " + fallback.size());
            for (Seen s : fallback) {
                assertEquals(List.of(), s.detections, "frame " + s.frame + " while the camera was away");
                assertEquals(List.of(320, 240), size(frames.get((int) s.frame)), "size of fallback frame " + s.frame);
            }
            for (Seen s : seen.all(Seen::showsCamera)) {
                assertEquals(List.of(WIDTH, HEIGHT), size(frames.get((int) s.frame)), "size of camera frame " + s.frame);
            }
        }
    }

    @Test
    void oneCameraDyingNeverStopsTheOther(@TempDir Path dir) throws Exception {
        Path jsonA = dir.resolve("a.jsonl");
        Path jsonB = dir.resolve("b.jsonl");
        try (RtspTestCamera a = RtspTestCamera.start(dir, "a", CAMERA);
                RtspTestCamera b = RtspTestCamera.start(dir, "b", CAMERA)) {
            Arrivals seenA = new Arrivals();
            Arrivals seenB = new Arrivals();
            Scenario run = new Scenario();
            String branch = " ! videoconvert ! ovdetect model=" + FACE_MODEL + " model-instance-id=cameras name=";
            Pipeline.Outcome outcome = run.play("fallbacksrc uri=" + a.uri() + branch + "a ! ovmetapublish location="
                    + jsonA + " ! fakesink  fallbacksrc uri=" + b.uri() + branch + "b ! ovmetapublish location=" + jsonB
                    + " ! fakesink", Duration.ofSeconds(60), pipeline -> {
                        seenA.listen(pipeline, "a");
                        seenB.listen(pipeline, "b");
                    }, (pipeline, now) -> {
                        if (run.killedAt == 0) {
                            if (seenA.count(Seen::showsCamera) >= 15 && seenB.count(Seen::showsCamera) >= 15) {
                                b.kill();
                                run.killedAt = System.nanoTime();
                            }
                        } else if (seenB.count(s -> s.nanos > run.killedAt && s.detections.isEmpty()) >= 45
                                || now - run.killedAt > 20 * SECOND) {
                            run.endOfStream(pipeline);
                        }
                    });
            run.assertRanUntilAsked(outcome);

            assertTrue(seenB.count(s -> s.nanos > run.killedAt && s.detections.isEmpty()) >= 45,
                    "camera b's branch never went to its fallback frames after b was killed; " + seenB);
            assertNumberedInOrder(GstTestSupport.readFrames(jsonB), seenB);
            List<GstTestSupport.Frame> framesA = GstTestSupport.readFrames(jsonA);
            assertNumberedInOrder(framesA, seenA);
            // From the kill to the end: camera a's frames keep arriving, all of them from camera a, and
            // their timestamps keep pace.
            List<Seen> during = seenA.all(s -> s.nanos > run.killedAt);
            for (Seen s : during) {
                assertTrue(s.showsCamera(), "camera a's frame " + s.frame + ": " + s.detections + "; " + seenA);
            }
            long longest = 0;
            long previous = run.killedAt;
            for (Seen s : during) {
                longest = Math.max(longest, s.nanos - previous);
                previous = s.nanos;
                if (s.frame > during.getFirst().frame) {
                    long step = framesA.get((int) s.frame).pts() - framesA.get((int) s.frame - 1).pts();
                    assertTrue(step <= SECOND, "camera a's timestamps jump by " + step + " ns at frame " + s.frame);
                }
            }
            longest = Math.max(longest, run.endOfStreamAt - previous);
            System.err.printf(Locale.ROOT, "RtspCameraTest: camera b killed; camera a's longest pause %.3f s, %d"
                    + " frames in the %.1f s after%n", longest / 1e9, during.size(),
                    (run.endOfStreamAt - run.killedAt) / 1e9);
            assertTrue(longest <= SECOND, "camera a's frames stopped for " + longest / 1e6 + " ms while b was away");
            assertTrue(during.size() >= 15 * (run.endOfStreamAt - run.killedAt) / SECOND * 8 / 10,
                    "camera a's frames after b's kill: " + during.size());
        }
    }

    @Test
    void ovdetectFollowsTheSizeAndFormatOfTheFallbackAndBack(@TempDir Path dir) throws Exception {
        // The fallback: the same photograph mirrored (so each frame tells where it came from), 512x512 RGB
        // from pngdec against the camera's 352x288 I420 from the H.264 decoder.
        BufferedImage photo = ImageIO.read(TestAssets.image("astronaut.png").toFile());
        BufferedImage mirrored = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < photo.getHeight(); y++) {
            for (int x = 0; x < photo.getWidth(); x++) {
                mirrored.setRGB(photo.getWidth() - 1 - x, y, photo.getRGB(x, y));
            }
        }
        Path fallbackPicture = dir.resolve("mirrored.png");
        ImageIO.write(mirrored, "png", fallbackPicture.toFile());
        Path json = dir.resolve("camera.jsonl");
        try (RtspTestCamera camera = RtspTestCamera.start(dir, "camera", CAMERA)) {
            Arrivals seen = new Arrivals();
            Scenario run = new Scenario();
            Pipeline.Outcome outcome = run.play("fallbacksrc uri=" + camera.uri() + " fallback-uri="
                    + fallbackPicture.toUri() + " timeout=" + 2 * SECOND + " ! videoconvert ! ovdetect name=d model="
                    + FACE_MODEL + " ! ovmetapublish location=" + json + " ! fakesink", Duration.ofSeconds(60),
                    pipeline -> seen.listen(pipeline, "d"), (pipeline, now) -> {
                        if (run.killedAt == 0) {
                            if (seen.count(Seen::showsCamera) >= 10) {
                                camera.kill();
                                run.killedAt = System.nanoTime();
                            }
                        } else if (run.backAt == 0) {
                            if (seen.count(s -> s.nanos > run.killedAt && s.showsFallback()) >= 10) {
                                camera.restart();
                                run.backAt = System.nanoTime();
                            }
                        } else if (seen.count(s -> s.nanos > run.backAt && s.showsCamera()) >= 10
                                || now - run.backAt > 20 * SECOND) {
                            run.endOfStream(pipeline);
                        }
                    });
            run.assertRanUntilAsked(outcome);

            List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(json);
            assertNumberedInOrder(frames, seen);
            // From the camera's last uninterrupted frames before the kill on (while it starts, fallbacksrc
            // may show a black frame between the camera's first ones): camera, fallback picture, camera,
            // each frame with its face where it is in that frame's size. Black frames may come between
            // (fallbacksrc's own while the picture's source is not ready yet).
            Seen lastNotCamera = seen.last(s -> s.nanos < run.killedAt && !s.showsCamera());
            long from = lastNotCamera == null ? 0 : lastNotCamera.frame + 1;
            List<String> phases = new ArrayList<>();
            for (Seen s : seen.all(s -> s.frame >= from)) {
                GstTestSupport.Frame frame = frames.get((int) s.frame);
                if (s.detections.isEmpty()) {
                    assertEquals(List.of(320, 240), size(frame), "size of black frame " + s.frame);
                    continue;
                }
                boolean fromCamera = s.showsCamera();
                assertTrue(fromCamera || s.showsFallback(), "frame " + s.frame + ": " + s.detections + "; " + seen);
                String phase = (fromCamera ? "camera " : "fallback ") + frame.width() + "x" + frame.height();
                if (phases.isEmpty() || !phases.getLast().equals(phase)) {
                    phases.add(phase);
                }
                assertEquals(1, frame.objects().size(), "faces in frame " + s.frame);
                assertBoxAt(frame, fromCamera ? FACE : FLIPPED_FACE);
            }
            assertEquals(List.of("camera 352x288", "fallback 512x512", "camera 352x288"), phases, seen::toString);
        }
    }

    /** Frame numbers 0, 1, 2, ... once each, timestamps rising, and every frame ovdetect delivered written. */
    private static void assertNumberedInOrder(List<GstTestSupport.Frame> frames, Arrivals seen) {
        List<Seen> delivered = seen.all(s -> true);
        assertEquals(delivered.size(), frames.size(), "frames ovdetect delivered vs frames ovmetapublish wrote");
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(i, frames.get(i).frame(), "frame number at line " + i);
            assertEquals(i, delivered.get(i).frame, "frame number of the listener's call " + i);
            if (i > 0) {
                assertTrue(frames.get(i).pts() > frames.get(i - 1).pts(), "pts of frame " + i + " not after frame "
                        + (i - 1) + ": " + frames.get(i - 1).pts() + " then " + frames.get(i).pts());
            }
        }
    }

    /** The frame's one box (ovmetapublish's pixels) lies at the normalized {@code expected} box of its size. */
    private static void assertBoxAt(GstTestSupport.Frame frame, double[] expected) {
        GstTestSupport.Box box = frame.objects().getFirst();
        double[] got = {box.x(), box.y(), box.x() + box.w(), box.y() + box.h()};
        int[] size = {frame.width(), frame.height(), frame.width(), frame.height()};
        for (int k = 0; k < 4; k++) {
            assertEquals(expected[k] * size[k], got[k], BOX_TOLERANCE * size[k], "box " + box + " in frame "
                    + frame.frame() + " (" + frame.width() + "x" + frame.height() + ")");
        }
    }

    private static List<Integer> size(GstTestSupport.Frame frame) {
        return List.of(frame.width(), frame.height());
    }

    /** One frame as ovdetect's listener got it, with the time it arrived. */
    private record Seen(long frame, long nanos, List<Detection> detections) {
        boolean showsCamera() {
            return nearest() == FACE;
        }

        boolean showsFallback() {
            return nearest() == FLIPPED_FACE;
        }

        /** The face (camera or mirrored) whose box the one detection matches, or null. */
        private double[] nearest() {
            if (detections.size() != 1) {
                return null;
            }
            Detection d = detections.getFirst();
            double[] box = {d.xMin(), d.yMin(), d.xMax(), d.yMax()};
            for (double[] face : List.of(FACE, FLIPPED_FACE)) {
                boolean near = true;
                for (int k = 0; k < 4; k++) {
                    near &= Math.abs(box[k] - face[k]) <= BOX_TOLERANCE / 2;
                }
                if (near) {
                    return face;
                }
            }
            return null;
        }
    }

    /** The frames an ovdetect delivered, in order, as its listener saw them. */
    private static final class Arrivals {
        private final List<Seen> frames = new ArrayList<>();

        void listen(Pipeline pipeline, String ovdetect) {
            pipeline.element(ovdetect, OvDetect.class).addListener((frame, pts, width, height, detections) -> {
                synchronized (this) {
                    frames.add(new Seen(frame, System.nanoTime(), List.copyOf(detections)));
                }
            });
        }

        synchronized List<Seen> all(Predicate<Seen> which) {
            return frames.stream().filter(which).toList();
        }

        synchronized int count(Predicate<Seen> which) {
            return (int) frames.stream().filter(which).count();
        }

        synchronized Seen first(Predicate<Seen> which) {
            return frames.stream().filter(which).findFirst().orElse(null);
        }

        synchronized Seen last(Predicate<Seen> which) {
            return frames.reversed().stream().filter(which).findFirst().orElse(null);
        }

        @Override
        public synchronized String toString() {
            StringBuilder out = new StringBuilder(frames.size() + " frames:");
            for (Seen s : frames) {
                out.append(' ').append(s.frame).append(s.showsCamera() ? "c" : s.showsFallback() ? "f" : "-");
            }
            return out.toString();
        }
    }

    /** A live pipeline driven by a test's steps; it must run until the test sends end of stream. */
    private static final class Scenario {
        long killedAt;
        long backAt;
        long endOfStreamAt;
        private long startedAt;
        private final List<String> warnings = new ArrayList<>();

        interface Step {
            void at(Pipeline pipeline, long now) throws IOException, InterruptedException;
        }

        Pipeline.Outcome play(String description, Duration limit, java.util.function.Consumer<Pipeline> setup,
                Step step) {
            startedAt = System.nanoTime();
            return GstTestSupport.runInProcess(description, limit, setup, warnings::add, pipeline -> {
                try {
                    step.at(pipeline, System.nanoTime());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
        }

        void endOfStream(Pipeline pipeline) {
            if (endOfStreamAt == 0) {
                endOfStreamAt = System.nanoTime();
                pipeline.sendEndOfStream();
            }
        }

        /** No error, and no end of stream before the test asked for it (a live camera has none of its own). */
        void assertRanUntilAsked(Pipeline.Outcome outcome) {
            assertTrue(outcome.ok(), () -> outcome + "; " + this);
            assertTrue(endOfStreamAt != 0, () -> "the pipeline ended by itself; " + this);
        }

        @Override
        public String toString() {
            return "camera killed at " + seconds(killedAt) + ", back at " + seconds(backAt) + ", end of stream sent at "
                    + seconds(endOfStreamAt) + " (s after the start); warnings: " + warnings;
        }

        private String seconds(long at) {
            return at == 0 ? "-" : String.format(Locale.ROOT, "%.2f", (at - startedAt) / 1e9);
        }
    }
}
