package org.ovgst.gst.elements;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.ovgst.infer.engine.Backend;
import org.ovgst.infer.engine.EngineSettings;
import org.ovgst.infer.engine.ModelDescription;
import org.ovgst.infer.model.InputSize;

/**
 * The shared settings, read once when an inference element starts ({@link InferenceElement}).
 *
 * @param inputSize the user's reshape-width/height, or null to leave the size to the model and its family
 */
record InferenceSettings(Path model, String device, int nireq, int batchSize, boolean async,
        Map<String, String> config, String inputName, InputSize inputSize, String instanceId) {
    /** The engine settings these give, before the element adds how its model takes frames. */
    public EngineSettings engineSettings() {
        return EngineSettings.of(model).withDevice(device).withNireq(nireq).withBatchSize(batchSize)
                .withAsync(async).withConfig(config).withInputName(inputName);
    }

    /**
     * What {@code reading} learns from the model as its backend reads it from the file (its ports),
     * before any compilation.
     */
    public <T> T readModel(Function<ModelDescription, T> reading) {
        return reading.apply(Backend.local().describe(model));
    }
}
