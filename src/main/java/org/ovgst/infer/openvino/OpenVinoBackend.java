package org.ovgst.infer.openvino;

import java.nio.file.Path;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.engine.Backend;
import org.ovgst.infer.engine.BackendModel;
import org.ovgst.infer.engine.EngineSettings;
import org.ovgst.infer.engine.ModelDescription;
import org.ovgst.openvino.Core;
import org.ovgst.openvino.Model;
import org.ovgst.openvino.OpenVino;
import org.ovgst.openvino.OpenVinoException;

/** OpenVINO in this process: the local backend, found by the engine as a service. */
public final class OpenVinoBackend implements Backend {
    @Override
    public String name() {
        return "OpenVINO";
    }

    @Override
    public String runsOn(EngineSettings settings) {
        return settings.device();
    }

    @Override
    public String version() {
        return OpenVino.version();
    }

    @Override
    public ModelDescription describe(Path model) {
        try (Core core = new Core(); Model read = core.readModel(model)) {
            return new ModelDescription(read.inputs(), read.outputs());
        } catch (OpenVinoException e) {
            // Core's message names the file and what OpenVINO said.
            throw new InferenceException(e.getMessage(), e);
        }
    }

    @Override
    public BackendModel read(EngineSettings settings) {
        return new OpenVinoModel(settings);
    }
}
