package org.ovgst.infer.kserve;

import java.util.List;
import org.ovgst.infer.engine.PreparedModel;
import org.ovgst.infer.engine.Request;
import org.ovgst.infer.image.Box;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.infer.preprocess.ModelInput;
import org.ovgst.infer.preprocess.Preprocessor;
import org.ovgst.tensor.PortInfo;
import org.ovgst.tensor.ResizeAlgorithm;

/** A served model prepared for one frame geometry: the Java pre-processing sized, the requests made here. */
final class KServePrepared implements PreparedModel {
    /**
     * Requests in flight that keep a server busy and hide the network's round trip; the engine adds
     * one (nireq=0). Measured on Triton here: past 3, only the memory grows.
     */
    private static final int OPTIMAL_REQUESTS = 3;

    private final KServeModel model;
    private final FrameLayout frames;
    private final ModelInput input;
    private final InputGeometry geometry;
    private final Box crop;
    private final ResizeAlgorithm resize;
    private final float padValue;
    private final long[] inputShape;
    private final List<PortInfo> outputs;

    KServePrepared(KServeModel model, FrameLayout frames, ModelInput input, InputGeometry geometry, Box crop,
            ResizeAlgorithm resize, float padValue, long[] inputShape, List<PortInfo> outputs) {
        this.model = model;
        this.frames = frames;
        this.input = input;
        this.geometry = geometry;
        this.crop = crop;
        this.resize = resize;
        this.padValue = padValue;
        this.inputShape = inputShape;
        this.outputs = List.copyOf(outputs);
        // Refuses what the pre-processing cannot do (a format of another channel count, a cubic resize) now.
        newPreprocessor();
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
        return OPTIMAL_REQUESTS;
    }

    @Override
    public Request newRequest(Request.Completion onDone) {
        return new KServeRequest(this, onDone);
    }

    /** Each request pre-processes its own frames: a pre-processor serves one thread at a time. */
    Preprocessor newPreprocessor() {
        return new Preprocessor(frames, input, geometry, resize, padValue, crop);
    }

    KServeModel model() {
        return model;
    }

    FrameLayout frames() {
        return frames;
    }

    ModelInput input() {
        return input;
    }

    long[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public void close() {
        // The channel belongs to the model; requests free their own memory.
    }
}
