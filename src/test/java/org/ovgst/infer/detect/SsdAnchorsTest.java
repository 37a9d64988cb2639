package org.ovgst.infer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Anchors against MediaPipe's SsdAnchorsCalculator, worked out by hand for the first anchor of each layer. */
class SsdAnchorsTest {
    private static final float TOLERANCE = 1e-6f;

    private static SsdAnchors anchorsOf(AnchorSsdConfig config) {
        return SsdAnchors.generate(config.anchors(), config.input().width(), config.input().height());
    }

    @Test
    void blazeFaceHas896FixedSizeAnchors() {
        SsdAnchors anchors = anchorsOf(AnchorSsdConfig.BLAZEFACE_SHORT_RANGE);
        assertEquals(896, anchors.count());
        assertEquals(List.of(16 * 16 * 2, 8 * 8 * 6), anchors.anchorsPerFeatureMap());
        // Stride 8: a 16x16 grid, 2 anchors per cell (ratio 1 and the interpolated one).
        assertAnchor(anchors, 0, 0.5f / 16, 0.5f / 16, 1, 1);
        assertAnchor(anchors, 1, 0.5f / 16, 0.5f / 16, 1, 1);
        assertAnchor(anchors, 2, 1.5f / 16, 0.5f / 16, 1, 1);
        assertAnchor(anchors, 2 * 16, 0.5f / 16, 1.5f / 16, 1, 1);
        // The three stride-16 layers share an 8x8 grid with 3 x 2 = 6 anchors per cell.
        assertAnchor(anchors, 512, 0.5f / 8, 0.5f / 8, 1, 1);
        assertAnchor(anchors, 512 + 5, 0.5f / 8, 0.5f / 8, 1, 1);
        assertAnchor(anchors, 512 + 6, 1.5f / 8, 0.5f / 8, 1, 1);
        assertAnchor(anchors, 895, 7.5f / 8, 7.5f / 8, 1, 1);
    }

    @Test
    void palmDetectorHas2016FixedSizeAnchorsOnBlazeFacesLayersAt192Pixels() {
        SsdAnchors anchors = anchorsOf(AnchorSsdConfig.PALM_DETECTION_FULL);
        // The count of MediaPipe's palm_detection_cpu.pbtxt (num_boxes) and of the model's outputs.
        assertEquals(2016, anchors.count());
        // Stride 8: a 24x24 grid with 2 anchors per cell; stride 16: 12x12 with 6.
        assertEquals(List.of(24 * 24 * 2, 12 * 12 * 6), anchors.anchorsPerFeatureMap());
        assertAnchor(anchors, 0, 0.5f / 24, 0.5f / 24, 1, 1);
        assertAnchor(anchors, 2, 1.5f / 24, 0.5f / 24, 1, 1);
        assertAnchor(anchors, 2 * 24, 0.5f / 24, 1.5f / 24, 1, 1);
        assertAnchor(anchors, 1152, 0.5f / 12, 0.5f / 12, 1, 1);
        assertAnchor(anchors, 1152 + 6, 1.5f / 12, 0.5f / 12, 1, 1);
        assertAnchor(anchors, 2015, 11.5f / 12, 11.5f / 12, 1, 1);
    }

    @Test
    void openImagesSsdHas1917AnchorsOfTensorFlowsSsdLayout() {
        SsdAnchors anchors = anchorsOf(AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2);
        assertEquals(1917, anchors.count());
        assertEquals(List.of(1083, 600, 150, 54, 24, 6), anchors.anchorsPerFeatureMap());
        double sqrt2 = Math.sqrt(2);
        double sqrt3 = Math.sqrt(3);
        // Layer 0, stride 16 on 300 px: ceil(18.75) = 19 cells a side, the 3 reduced anchors per cell:
        // scale 0.1 ratio 1, then the layer scale 0.2 with ratios 2 and 0.5.
        float center = 0.5f / 19;
        assertAnchor(anchors, 0, center, center, 0.1, 0.1);
        assertAnchor(anchors, 1, center, center, 0.2 * sqrt2, 0.2 / sqrt2);
        assertAnchor(anchors, 2, center, center, 0.2 / sqrt2, 0.2 * sqrt2);
        // Layer 1 starts after 19 * 19 * 3 = 1083: 10x10 cells, scale 0.2 + 0.75 / 5 = 0.35, ratios
        // 1, 2, 0.5, 3, 0.3333 and the interpolated sqrt(0.35 * 0.5) with ratio 1.
        assertAnchor(anchors, 1083, 0.05, 0.05, 0.35, 0.35);
        assertAnchor(anchors, 1083 + 3, 0.05, 0.05, 0.35 * sqrt3, 0.35 / sqrt3);
        assertAnchor(anchors, 1083 + 5, 0.05, 0.05, Math.sqrt(0.35 * 0.5), Math.sqrt(0.35 * 0.5));
        assertAnchor(anchors, 1083 + 6, 0.15, 0.05, 0.35, 0.35);
        // Then 5x5 cells (scale 0.5), 3x3 (0.65), 2x2 (0.8) and 1x1 (0.95), 6 anchors each.
        int layer2 = 1083 + 10 * 10 * 6;
        int layer3 = layer2 + 5 * 5 * 6;
        int layer4 = layer3 + 3 * 3 * 6;
        int layer5 = layer4 + 2 * 2 * 6;
        assertAnchor(anchors, layer2, 0.1, 0.1, 0.5, 0.5);
        assertAnchor(anchors, layer3, 1 / 6.0, 1 / 6.0, 0.65, 0.65);
        assertAnchor(anchors, layer4, 0.25, 0.25, 0.8, 0.8);
        assertAnchor(anchors, layer5, 0.5, 0.5, 0.95, 0.95);
        // The last layer interpolates towards scale 1.
        assertEquals(1916, layer5 + 5);
        assertAnchor(anchors, 1916, 0.5, 0.5, Math.sqrt(0.95), Math.sqrt(0.95));
    }

    @Test
    void aSingleLayerUsesTheMeanScaleAndNoInterpolatedAnchorWhenItIsOff() {
        SsdAnchors.Options options = new SsdAnchors.Options(0.2f, 0.6f, List.of(32), List.of(1.0f, 4.0f), false, 0,
                false);
        SsdAnchors anchors = SsdAnchors.generate(options, 64, 32);
        assertEquals(2 * 1 * 2, anchors.count());
        assertAnchor(anchors, 0, 0.25, 0.5, 0.4, 0.4);
        assertAnchor(anchors, 1, 0.25, 0.5, 0.8, 0.2);
        assertAnchor(anchors, 2, 0.75, 0.5, 0.4, 0.4);
    }

    @Test
    void refusesOptionsThatCannotMakeAnchors() {
        assertThrows(IllegalArgumentException.class,
                () -> new SsdAnchors.Options(0.2f, 0.9f, List.of(), List.of(1.0f), false, 1, false));
        assertThrows(IllegalArgumentException.class,
                () -> new SsdAnchors.Options(0.9f, 0.2f, List.of(8), List.of(1.0f), false, 1, false));
        assertThrows(IllegalArgumentException.class,
                () -> new SsdAnchors.Options(0.2f, 0.9f, List.of(8), List.of(0.0f), false, 1, false));
    }

    private static void assertAnchor(SsdAnchors anchors, int index, double xCenter, double yCenter, double width,
            double height) {
        String where = "anchor " + index;
        assertEquals(xCenter, anchors.xCenter(index), TOLERANCE, where + " x center");
        assertEquals(yCenter, anchors.yCenter(index), TOLERANCE, where + " y center");
        assertEquals(width, anchors.width(index), TOLERANCE, where + " width");
        assertEquals(height, anchors.height(index), TOLERANCE, where + " height");
    }
}
