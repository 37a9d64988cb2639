package org.ovgst.gst.elements;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ovgst.infer.engine.Backend;
import org.ovgst.infer.engine.EngineSettings;
import org.ovgst.infer.engine.ModelDescription;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.ModelInfo;

/**
 * The shared settings, read once when an inference element starts ({@link InferenceElement}).
 *
 * @param model the model file, or with a server the name it serves the model by
 * @param backend what runs the model: OpenVINO here, or a server
 * @param inputSize the user's reshape-width/height, or null to leave the size to the model and its family
 */
record InferenceSettings(Path model, Backend backend, String device, int nireq, int batchSize, boolean async,
        Map<String, String> config, String inputName, InputSize inputSize, String instanceId) {
    /** The engine settings these give, before the element adds how its model takes frames. */
    public EngineSettings engineSettings() {
        return EngineSettings.of(model).withDevice(device).withNireq(nireq).withBatchSize(batchSize)
                .withAsync(async).withConfig(config).withInputName(inputName);
    }

    /** The compile properties of {@code config} (KEY=VALUE,...; null: none), in their order. */
    static Map<String, String> compileProperties(String config) {
        Map<String, String> properties = new LinkedHashMap<>();
        if (config == null) {
            return properties;
        }
        for (String pair : config.split(",")) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("property 'config' has '" + pair + "'; give KEY=VALUE,KEY=VALUE");
            }
            properties.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
        }
        return properties;
    }

    /** The model as its backend describes it (its ports) and as its file describes itself, before any compilation. */
    public ModelInfo readModel() throws IOException {
        ModelDescription description = backend.describe(model);
        return backend.readsModelFiles() ? ModelInfo.read(model, description.inputs(), description.outputs())
                : ModelInfo.served(model + " at " + backend.name(), description.inputs(), description.outputs());
    }
}
