package org.ovgst.gst;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ovgst.gst.meta.Region;
import org.ovgst.infer.image.Detection;

/**
 * What the benchmarks put on a frame: {@code count} detections of a few classes, boxes of 3% to 35%
 * of the frame anywhere in it, the same for a given count (fixed seed). The regions are those
 * detections as {@link RoiMeta} puts them on a buffer of the frame and reads them back.
 */
public final class Scenes {
    private static final String[] LABELS = {"person", "car", "bicycle", "dog", "traffic light", "face"};

    private Scenes() {}

    public static List<Detection> detections(int count) {
        Random random = new Random(count);
        List<Detection> detections = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int labelId = random.nextInt(LABELS.length);
            float w = 0.03f + 0.32f * random.nextFloat();
            float h = 0.03f + 0.32f * random.nextFloat();
            float x = random.nextFloat() * (1 - w);
            float y = random.nextFloat() * (1 - h);
            float confidence = 0.3f + 0.69f * random.nextFloat();
            detections.add(new Detection(labelId, LABELS[labelId], confidence, x, y, x + w, y + h));
        }
        return detections;
    }

    public static List<Region> regions(int count, int width, int height) {
        List<Region> regions = new ArrayList<>();
        for (Detection d : detections(count)) {
            int x = Math.round(d.xMin() * width);
            int y = Math.round(d.yMin() * height);
            regions.add(new Region(x, y, Math.round(d.xMax() * width) - x, Math.round(d.yMax() * height) - y,
                    d.label(), d.labelId(), d.confidence()));
        }
        return regions;
    }
}
