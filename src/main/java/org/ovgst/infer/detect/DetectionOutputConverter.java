package org.ovgst.infer.detect;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * {@code detection-output}: Open Model Zoo's SSDs and every model ending in OpenVINO's
 * DetectionOutput op (DL Streamer's {@code detection_output} converter). One output
 * {@code [1, 1, N, 7]} whose rows are {@code image_id, label, confidence, x_min, y_min, x_max,
 * y_max}, the box already normalized to the model input. The model has done non-maximum
 * suppression; label ids are reported as given (Open Model Zoo's label maps usually start with a
 * background class 0).
 *
 * <p><b>Batches.</b> The rows of every frame of a batch share the one output; {@code image_id} says
 * whose a row is, so a frame reads only the rows with its slot. A row with {@code image_id < 0} ends
 * the list (the op fills the rest of the output with such rows).
 *
 * <p><b>Matching.</b> The model has exactly one output; it is floating point and of rank 4, its
 * first two dimensions 1 or dynamic, the third anything, the last exactly 7. A model with more
 * outputs is not this family's (name the detection output to use only that one).
 */
public final class DetectionOutputConverter implements DetectionConverter {
    public static final ConverterFamily FAMILY = new ConverterFamily("detection-output",
            "1x1xNx7 rows of image, label, confidence, normalized box (Open Model Zoo SSDs, DetectionOutput)",
            List.of(),
            "one output [1,1,N,7] whose rows are image_id, label, confidence, x_min, y_min, x_max, y_max with the"
                    + " box normalized to the input, a row with image_id < 0 ending the list (Open Model Zoo's SSDs,"
                    + " OpenVINO's DetectionOutput)",
            DetectionOutputConverter::match);

    private static final int ROW_VALUES = 7;
    private static final int IMAGE_ID = 0;
    private static final int LABEL = 1;
    private static final int CONFIDENCE = 2;
    private static final int X_MIN = 3;
    private static final int Y_MIN = 4;
    private static final int X_MAX = 5;
    private static final int Y_MAX = 6;

    private final String output;
    private final LabelMap labels;

    private DetectionOutputConverter(String output, LabelMap labels) {
        this.output = output;
        this.labels = labels;
    }

    private static Optional<ConverterFamily.Match> match(ModelPorts ports) {
        if (ports.outputs().size() != 1) {
            return Optional.empty();
        }
        PortInfo port = ports.outputs().getFirst();
        if (!ConverterSupport.isFloatingPoint(port.elementType()) || !ConverterSupport.hasRank(port, 4)) {
            return Optional.empty();
        }
        PartialShape shape = port.shape();
        if (!ConverterSupport.isSizeOrDynamic(shape.get(0), 1) || !ConverterSupport.isSizeOrDynamic(shape.get(1), 1)
                || !ConverterSupport.isSize(shape.get(3), ROW_VALUES)) {
            return Optional.empty();
        }
        String output = port.name();
        return Optional.of(new ConverterFamily.Match(ConverterSupport.OPEN_MODEL_ZOO_INPUT,
                (inputWidth, inputHeight, labels) -> new DetectionOutputConverter(output, labels)));
    }

    @Override
    public List<Detection> convert(InferenceResults results, Thresholds thresholds) {
        long[] shape = results.shape(output);
        if (shape.length != 4 || shape[0] != 1 || shape[1] != 1 || shape[3] != ROW_VALUES) {
            throw ConverterSupport.wrongShape(FAMILY.name(), output, shape, "it reads [1,1,N,7], the rows of the"
                    + " whole batch in one output. The output took this shape when the model was reshaped for"
                    + " batch-size " + results.batchSize() + " and the frame size: use batch-size=1, or the"
                    + " model-type of the model's family");
        }
        MemorySegment rows = results.output(output);
        int frame = results.slot();
        List<Detection> found = new ArrayList<>();
        for (long row = 0; row < shape[2]; row++) {
            long at = row * ROW_VALUES;
            float imageId = rows.getAtIndex(JAVA_FLOAT, at + IMAGE_ID);
            if (imageId < 0) {
                break;
            }
            float confidence = rows.getAtIndex(JAVA_FLOAT, at + CONFIDENCE);
            if ((int) imageId != frame || !ConverterSupport.passes(confidence, thresholds)) {
                continue;
            }
            ConverterSupport.addBestFirst(found, ConverterSupport.detection(labels,
                    (int) rows.getAtIndex(JAVA_FLOAT, at + LABEL), confidence,
                    rows.getAtIndex(JAVA_FLOAT, at + X_MIN), rows.getAtIndex(JAVA_FLOAT, at + Y_MIN),
                    rows.getAtIndex(JAVA_FLOAT, at + X_MAX), rows.getAtIndex(JAVA_FLOAT, at + Y_MAX)));
        }
        return found;
    }

    @Override
    public int classCount() {
        return -1;
    }
}
