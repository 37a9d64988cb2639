package org.ovgst.infer.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * The prior boxes of an SSD-style detector, generated exactly as MediaPipe's
 * {@code SsdAnchorsCalculator} does (mediapipe/calculators/tflite/ssd_anchors_calculator.cc, the
 * non-multiscale path with strides). Anchors are normalized to the model input: centers and sizes
 * are fractions of its width and height.
 *
 * <p>Order: feature map by feature map; within one, row by row, cell by cell, then the anchors of one
 * cell. Consecutive layers with the same stride share one feature map, and their anchors are
 * interleaved per cell (BlazeFace's three stride-16 layers give 6 anchors per cell). The model's
 * outputs follow this order, which is why it must be reproduced exactly.
 */
public final class SsdAnchors {
    /**
     * Where each anchor sits inside its feature-map cell, as a fraction of the cell. MediaPipe's
     * default, used by all its graphs; its calculator has a TODO to honour other values.
     */
    private static final float ANCHOR_OFFSET = 0.5f;
    /** What MediaPipe puts in the lowest layer when {@code reduceBoxesInLowestLayer} is set. */
    private static final float[] LOWEST_LAYER_ASPECT_RATIOS = {1.0f, 2.0f, 0.5f};
    private static final float LOWEST_LAYER_SMALL_SCALE = 0.1f;
    private static final int VALUES_PER_ANCHOR = 4;

    /**
     * The options of {@code SsdAnchorsCalculatorOptions} that the anchor-SSD models use. One layer
     * per stride (MediaPipe's {@code num_layers} must equal the number of strides, so it is not
     * repeated here); anchor offsets are always 0.5 and feature-map sizes come from the strides.
     *
     * @param minScale the anchor scale of the first layer
     * @param maxScale the anchor scale of the last layer; layers in between are linear in the layer index
     * @param strides the stride of each layer in input pixels; its feature map is {@code ceil(input / stride)} cells
     * @param aspectRatios width/height ratios of the anchors of each cell
     * @param reduceBoxesInLowestLayer the first layer has only 3 fixed anchors per cell (scale 0.1 ratio 1,
     *     then the layer scale with ratios 2 and 0.5), as in TensorFlow's SSD MobileNet
     * @param interpolatedScaleAspectRatio when above 0, one more anchor per layer with this ratio and the
     *     geometric mean of this layer's and the next layer's scale (1 after the last layer)
     * @param fixedAnchorSize every anchor is 1x1, for models that predict sizes directly (BlazeFace)
     */
    public record Options(float minScale, float maxScale, List<Integer> strides, List<Float> aspectRatios,
            boolean reduceBoxesInLowestLayer, float interpolatedScaleAspectRatio, boolean fixedAnchorSize) {
        public Options {
            strides = List.copyOf(strides);
            aspectRatios = List.copyOf(aspectRatios);
            if (strides.isEmpty() || strides.stream().anyMatch(stride -> stride <= 0)) {
                throw new IllegalArgumentException("SSD anchors need at least one stride, all above 0: " + strides);
            }
            if (aspectRatios.stream().anyMatch(ratio -> ratio <= 0)) {
                throw new IllegalArgumentException("anchor aspect ratios must be above 0: " + aspectRatios);
            }
            if (!(minScale > 0 && maxScale >= minScale)) {
                throw new IllegalArgumentException("anchor scales need 0 < min <= max, got " + minScale + ".." + maxScale);
            }
        }
    }

    /** Per anchor: x center, y center, width, height. */
    private final float[] values;
    private final List<Integer> anchorsPerFeatureMap;

    private SsdAnchors(float[] values, List<Integer> anchorsPerFeatureMap) {
        this.values = values;
        this.anchorsPerFeatureMap = anchorsPerFeatureMap;
    }

    /** The anchors of a model whose input is {@code inputWidth x inputHeight} pixels. */
    public static SsdAnchors generate(Options options, int inputWidth, int inputHeight) {
        if (inputWidth <= 0 || inputHeight <= 0) {
            throw new IllegalArgumentException("input size must be positive, got " + inputWidth + "x" + inputHeight);
        }
        List<Integer> strides = options.strides();
        List<float[]> anchors = new ArrayList<>();
        List<Integer> anchorsPerFeatureMap = new ArrayList<>();
        int layer = 0;
        while (layer < strides.size()) {
            List<float[]> cellSizes = new ArrayList<>();
            int nextLayer = layer;
            for (; nextLayer < strides.size() && strides.get(nextLayer).equals(strides.get(layer)); nextLayer++) {
                cellSizes.addAll(cellAnchorSizes(options, nextLayer));
            }
            int gridWidth = (int) Math.ceil((float) inputWidth / strides.get(layer));
            int gridHeight = (int) Math.ceil((float) inputHeight / strides.get(layer));
            for (int y = 0; y < gridHeight; y++) {
                for (int x = 0; x < gridWidth; x++) {
                    for (float[] size : cellSizes) {
                        anchors.add(new float[] {(x + ANCHOR_OFFSET) / gridWidth, (y + ANCHOR_OFFSET) / gridHeight,
                                options.fixedAnchorSize() ? 1.0f : size[0], options.fixedAnchorSize() ? 1.0f : size[1]});
                    }
                }
            }
            anchorsPerFeatureMap.add(gridWidth * gridHeight * cellSizes.size());
            layer = nextLayer;
        }
        float[] values = new float[anchors.size() * VALUES_PER_ANCHOR];
        for (int i = 0; i < anchors.size(); i++) {
            System.arraycopy(anchors.get(i), 0, values, i * VALUES_PER_ANCHOR, VALUES_PER_ANCHOR);
        }
        return new SsdAnchors(values, List.copyOf(anchorsPerFeatureMap));
    }

    /** The {width, height} of each anchor that {@code layer} puts in every cell. */
    private static List<float[]> cellAnchorSizes(Options options, int layer) {
        float scale = scale(options, layer);
        List<float[]> sizes = new ArrayList<>();
        if (layer == 0 && options.reduceBoxesInLowestLayer()) {
            for (int i = 0; i < LOWEST_LAYER_ASPECT_RATIOS.length; i++) {
                sizes.add(size(i == 0 ? LOWEST_LAYER_SMALL_SCALE : scale, LOWEST_LAYER_ASPECT_RATIOS[i]));
            }
            return sizes;
        }
        for (float ratio : options.aspectRatios()) {
            sizes.add(size(scale, ratio));
        }
        if (options.interpolatedScaleAspectRatio() > 0) {
            boolean lastLayer = layer == options.strides().size() - 1;
            float nextScale = lastLayer ? 1.0f : scale(options, layer + 1);
            sizes.add(size((float) Math.sqrt(scale * nextScale), options.interpolatedScaleAspectRatio()));
        }
        return sizes;
    }

    private static float[] size(float scale, float aspectRatio) {
        float ratioSqrt = (float) Math.sqrt(aspectRatio);
        return new float[] {scale * ratioSqrt, scale / ratioSqrt};
    }

    /** MediaPipe's {@code CalculateScale}, including its double-precision step. */
    private static float scale(Options options, int layer) {
        int layers = options.strides().size();
        if (layers == 1) {
            return (options.minScale() + options.maxScale()) * 0.5f;
        }
        return (float) (options.minScale() + (options.maxScale() - options.minScale()) * 1.0 * layer / (layers - 1.0f));
    }

    public int count() {
        return values.length / VALUES_PER_ANCHOR;
    }

    /**
     * How many anchors each feature map has, in order; they add up to {@link #count()}. A model has
     * one output head per feature map, which matters for how it lays out a batch (see
     * {@link AnchorSsdConfig.BatchLayout}).
     */
    public List<Integer> anchorsPerFeatureMap() {
        return anchorsPerFeatureMap;
    }

    public float xCenter(int anchor) {
        return values[anchor * VALUES_PER_ANCHOR];
    }

    public float yCenter(int anchor) {
        return values[anchor * VALUES_PER_ANCHOR + 1];
    }

    public float width(int anchor) {
        return values[anchor * VALUES_PER_ANCHOR + 2];
    }

    public float height(int anchor) {
        return values[anchor * VALUES_PER_ANCHOR + 3];
    }
}
