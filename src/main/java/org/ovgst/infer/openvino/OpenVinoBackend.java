package org.ovgst.infer.openvino;

import org.ovgst.infer.engine.Backend;
import org.ovgst.infer.engine.BackendModel;
import org.ovgst.infer.engine.EngineSettings;

/** OpenVINO in this process: the local backend, found by the engine as a service. */
public final class OpenVinoBackend implements Backend {
    @Override
    public String name() {
        return "OpenVINO";
    }

    @Override
    public BackendModel read(EngineSettings settings) {
        return new OpenVinoModel(settings);
    }
}
