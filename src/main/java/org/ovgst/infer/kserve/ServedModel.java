package org.ovgst.infer.kserve;

import java.util.List;
import org.ovgst.infer.engine.ModelDescription;

/**
 * A model as a server describes it ({@code ModelMetadata}): its name, the versions it has, its platform
 * (Triton: {@code python}, {@code onnxruntime_onnx}...; OVMS: {@code OpenVINO}) and its inputs and
 * outputs, a dimension of variable size ({@code -1} on the wire) dynamic. For a model the server
 * batches itself (Triton's {@code max_batch_size > 0}), axis 0 is that batch, dynamic.
 */
public record ServedModel(String name, List<String> versions, String platform, ModelDescription ports) {
    public ServedModel {
        versions = List.copyOf(versions);
    }
}
