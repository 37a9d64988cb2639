package org.ovgst.infer.detect;

import java.util.Optional;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.tensor.Dimension;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * What the YOLO families' matchers share: Ultralytics' input preparation, the one output they read,
 * and the grid counts that tell a YOLOv5 or YOLOv8 head (one prediction per anchor or per cell)
 * from YOLOv10's fixed number of detections.
 *
 * <p><b>Grid counts.</b> A YOLO head predicts on the grids of strides 8, 16 and 32 (P5 models) or
 * 8 to 64 (P6 models); an input of H x W has {@code ceil(H/s) * ceil(W/s)} cells at stride s. YOLOv5
 * predicts 3 anchors per cell (25 200 at 640x640), YOLOv8 one box per cell (8 400). When the input's
 * height or width is dynamic, a count is tested against every square input whose side is a multiple
 * of the largest stride, as Ultralytics exports at {@code imgsz=S}: 21·k² cells (P5) or 85·k² (P6)
 * for a side of k times the largest stride.
 */
final class YoloMatching {
    /** Ultralytics' {@code LetterBox} and {@code /255}: RGB in [0, 1], centered, padded gray 114, 640 by default. */
    static final InputPreparation INPUT = new InputPreparation(ModelColor.RGB, 0, 255, true, 114,
            InputSize.declaredOrSquare(640));

    /** A dimension whose size is not known until inference. */
    static final long DYNAMIC = -1;

    /** Anchor boxes per grid cell: YOLOv5's three, YOLOv8's anchor-free one. */
    static final int YOLO_V5_BOXES_PER_CELL = 3;
    static final int YOLO_V8_BOXES_PER_CELL = 1;

    private static final int[][] STRIDES = {{8, 16, 32}, {8, 16, 32, 64}};

    private YoloMatching() {}

    /** The model's output when it has exactly one, of a floating-point type and rank 3. */
    static Optional<PortInfo> onlyOutput(ModelPorts ports) {
        if (ports.outputs().size() != 1) {
            return Optional.empty();
        }
        PortInfo output = ports.outputs().getFirst();
        PartialShape shape = output.shape();
        boolean fits = ConverterSupport.isFloatingPoint(output.elementType()) && shape.isRankStatic() && shape.rank() == 3;
        return fits ? Optional.of(output) : Optional.empty();
    }

    /** The size of a static dimension, or {@link #DYNAMIC}. */
    static long size(PartialShape shape, int axis) {
        Dimension dimension = shape.get(axis);
        return dimension.isStatic() ? dimension.size() : DYNAMIC;
    }

    /**
     * Whether {@code candidates} is the number of predictions of a YOLO head with {@code boxesPerCell}
     * boxes per grid cell on this model's input (see the class comment).
     */
    static boolean isGridCount(long candidates, int boxesPerCell, ModelPorts ports) {
        long height = inputSize(ports, 'H');
        long width = inputSize(ports, 'W');
        if (height > Integer.MAX_VALUE || width > Integer.MAX_VALUE) {
            return false; // no image is that large, and the cell counts below stay within a long
        }
        for (int[] strides : STRIDES) {
            boolean matches = height != DYNAMIC && width != DYNAMIC
                    ? boxesPerCell * cells(height, width, strides) == candidates
                    : isSquareGridCount(candidates, boxesPerCell, strides);
            if (matches) {
                return true;
            }
        }
        return false;
    }

    /**
     * The static height or width ({@code axis} 'H' or 'W') of the image input, or {@link #DYNAMIC}
     * when it is dynamic or the layout does not say where it is.
     */
    private static long inputSize(ModelPorts ports, char axis) {
        PartialShape shape = ports.input().shape();
        String layout = ports.layout();
        int index = layout == null ? -1 : layout.indexOf(axis);
        if (index < 0 || !shape.isRankStatic() || shape.rank() != layout.length()) {
            return DYNAMIC;
        }
        return size(shape, index);
    }

    private static long cells(long height, long width, int[] strides) {
        long cells = 0;
        for (int stride : strides) {
            cells += ceilDiv(height, stride) * ceilDiv(width, stride);
        }
        return cells;
    }

    /** Whether {@code candidates} = boxesPerCell · cells of a square side k·(largest stride), k ≥ 1. */
    private static boolean isSquareGridCount(long candidates, int boxesPerCell, int[] strides) {
        int largest = strides[strides.length - 1];
        long perUnitSquare = boxesPerCell * cells(largest, largest, strides);
        if (candidates <= 0 || candidates % perUnitSquare != 0) {
            return false;
        }
        long kSquared = candidates / perUnitSquare;
        long k = Math.round(Math.sqrt(kSquared));
        return k * k == kSquared;
    }

    private static long ceilDiv(long value, int divisor) {
        return (value + divisor - 1) / divisor;
    }
}
