package org.ovgst.infer.openvino;

import java.nio.file.Path;
import java.util.List;
import org.ovgst.infer.engine.InPlaceFrames;
import org.ovgst.infer.engine.PreparedModel;
import org.ovgst.infer.engine.Request;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.openvino.CompiledModel;
import org.ovgst.tensor.PortInfo;

/** A model compiled by OpenVINO for one frame geometry, its pre-processing built in. */
final class OpenVinoPrepared implements PreparedModel {
    private final CompiledModel compiled;
    private final InputGeometry geometry;
    private final List<PortInfo> outputs;
    private final String inputName;
    /** The index of the input that takes the frames. */
    private final int inputIndex;

    OpenVinoPrepared(CompiledModel compiled, InputGeometry geometry, String inputName) {
        this.compiled = compiled;
        this.geometry = geometry;
        this.outputs = compiled.outputs();
        this.inputName = inputName;
        this.inputIndex = compiled.input(inputName).index();
    }

    @Override
    public InputGeometry geometry() {
        return geometry;
    }

    @Override
    public List<PortInfo> outputs() {
        return outputs;
    }

    @Override
    public int optimalRequests() {
        return compiled.optimalNumberOfInferRequests();
    }

    @Override
    public Request newRequest(Request.Completion onDone) {
        return new OpenVinoRequest(compiled, inputName, inputIndex, outputs, onDone);
    }

    @Override
    public InPlaceFrames inPlaceFrames(String modelName, long[] shape, long frameBytes) {
        return new FrameTensors(modelName, shape, frameBytes);
    }

    @Override
    public boolean canExport() {
        return true;
    }

    /** The device's blob ({@link CompiledModel#export}): for {@code benchmark_app} to time without GStreamer. */
    @Override
    public void export(Path file) {
        compiled.export(file);
    }

    @Override
    public void close() {
        compiled.close();
    }
}
