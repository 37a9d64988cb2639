package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.TestAssets;

/**
 * The Open Images SSD's people on a real street clip (OpenCV's vtest.avi, 10 fps, 768x576) against
 * people labelled by hand in 13 of its frames ({@code vtest-people.tsv}): at the threshold the README
 * recommends for counting people (0.4), the recall and false positives measured when it was written
 * (67 of 76 people found with IoU >= 0.5; 10 boxes on no one) hold, with a margin.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PersonRecallTest {
    private static final double THRESHOLD = 0.4;
    private static final double MIN_IOU = 0.5;

    @TempDir
    Path dir;

    /** A hand-labelled box: inclusive pixel corners. */
    private record Labelled(int xMin, int yMin, int xMax, int yMax) {}

    @Test
    void recallAndFalsePositivesAtTheRecommendedThreshold() throws Exception {
        Map<Long, List<Labelled>> people = labels();
        Path json = dir.resolve("vtest.jsonl");
        GstTestSupport.Result result = GstTestSupport.gstLaunch("filesrc location=" + TestAssets.clip("vtest.avi")
                + " ! decodebin ! videoconvert ! ovdetect model=" + GstTestSupport.OI_MODEL + " threshold=" + THRESHOLD
                + " ! ovmetapublish location=" + json + " ! fakesink", dir, 150);
        assertEquals(0, result.exitCode(), result::describe);
        List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(json);
        assertEquals(795, frames.size(), "frames of vtest.avi");
        int found = 0;
        int falsePositives = 0;
        int labelled = 0;
        for (Map.Entry<Long, List<Labelled>> entry : people.entrySet()) {
            GstTestSupport.Frame frame = frames.get(entry.getKey().intValue());
            assertEquals(entry.getKey().longValue(), frame.frame());
            List<Labelled> unmatched = new ArrayList<>(entry.getValue());
            labelled += unmatched.size();
            // Most confident first, each to the free hand box it overlaps most: the usual detection matching.
            List<GstTestSupport.Box> persons = frame.objects().stream().filter(b -> b.label().equals("Person"))
                    .sorted((a, b) -> Double.compare(b.confidence(), a.confidence())).toList();
            for (GstTestSupport.Box box : persons) {
                Labelled best = null;
                double bestIou = MIN_IOU;
                for (Labelled person : unmatched) {
                    double iou = iou(box, person);
                    if (iou >= bestIou) {
                        best = person;
                        bestIou = iou;
                    }
                }
                if (best == null) {
                    falsePositives++;
                } else {
                    unmatched.remove(best);
                    found++;
                }
            }
        }
        assertEquals(76, labelled, "people in vtest-people.tsv");
        String figures = found + " of " + labelled + " people found, " + falsePositives + " false positives";
        assertTrue(found >= 61, "recall at threshold " + THRESHOLD + " (67 of 76 measured): " + figures);
        assertTrue(falsePositives <= 20, "false positives at threshold " + THRESHOLD + " (10 measured): " + figures);
    }

    /** Intersection over union of a detected box (x, y, w, h in pixels) and a hand-labelled one. */
    private static double iou(GstTestSupport.Box box, Labelled person) {
        int xMax = box.x() + box.w() - 1;
        int yMax = box.y() + box.h() - 1;
        double w = Math.max(0, Math.min(xMax, person.xMax()) - Math.max(box.x(), person.xMin()) + 1);
        double h = Math.max(0, Math.min(yMax, person.yMax()) - Math.max(box.y(), person.yMin()) + 1);
        double both = w * h;
        double labelledArea = (person.xMax() - person.xMin() + 1.0) * (person.yMax() - person.yMin() + 1.0);
        return both / ((double) box.w() * box.h() + labelledArea - both);
    }

    private static Map<Long, List<Labelled>> labels() throws Exception {
        Map<Long, List<Labelled>> people = new TreeMap<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                PersonRecallTest.class.getResourceAsStream("/org/ovgst/clips/vtest-people.tsv"),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                people.computeIfAbsent(Long.parseLong(f[0]), k -> new ArrayList<>()).add(new Labelled(
                        Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4])));
            }
        }
        return people;
    }
}
