package org.ovgst.gst.elements;

import static org.ovgst.gst.gobject.Property.Mutability.READY_ONLY;
import static org.ovgst.gst.gobject.Property.Mutability.WHILE_PLAYING;

import java.util.List;
import org.ovgst.gst.gobject.Property;
import org.ovgst.infer.engine.EngineSettings;
import org.ovgst.infer.model.Normalization;

/**
 * The properties the inference elements share ({@link InferenceElement}), each declared once with
 * its range and default; the engine's defaults are {@link EngineSettings#DEFAULTS}'.
 */
final class InferenceProperties {
    private InferenceProperties() {}

    static final Property.Text MODEL = new Property.Text("model",
            "Model file: OpenVINO IR .xml (with its .bin), ONNX, TFLite or PaddlePaddle; with server, the name the"
                    + " server serves it by", null, READY_ONLY);
    static final Property.Text DEVICE = new Property.Text("device",
            "OpenVINO device: CPU, GPU, NPU, AUTO, ... (an unknown one is refused with the list of devices)",
            EngineSettings.DEFAULTS.device(), READY_ONLY);
    static final Property.Int NIREQ = new Property.Int("nireq",
            "Inference requests in flight; 0 = one more than the device's optimal number", 0, 64,
            EngineSettings.DEFAULTS.nireq(), READY_ONLY);
    static final Property.Int BATCH_SIZE = new Property.Int("batch-size",
            "Frames per inference; above 1 the model's batch axis is reshaped", 1, 64,
            EngineSettings.DEFAULTS.batchSize(), READY_ONLY);
    static final Property.Bool ASYNC = new Property.Bool("async",
            "Run inference on OpenVINO's threads; false runs it on the streaming thread",
            EngineSettings.DEFAULTS.async(), READY_ONLY);
    static final Property.Text CONFIG = new Property.Text("config",
            "Compile properties KEY=VALUE,... e.g. PERFORMANCE_HINT=THROUGHPUT,NUM_STREAMS=2,CACHE_DIR=/tmp/ov", null,
            READY_ONLY);
    static final Property.Text INPUT_NAME = new Property.Text("input-name",
            "Model input that takes the frames (default: the model's only input)", null, READY_ONLY);
    static final Property.Int RESHAPE_WIDTH = new Property.Int("reshape-width",
            "Width the model's input is reshaped to; 0 = the model's own (or its family's default)", 0, 16384, 0,
            READY_ONLY);
    static final Property.Int RESHAPE_HEIGHT = new Property.Int("reshape-height",
            "Height the model's input is reshaped to; 0 = the model's own (or its family's default)", 0, 16384, 0,
            READY_ONLY);
    static final Property.Int INFERENCE_INTERVAL = new Property.Int("inference-interval",
            "Infer every Nth frame; the others pass without new results (ovdetect: unchanged; ovprocess: with the"
                    + " last output's pixels)", 1, Integer.MAX_VALUE, 1,
            WHILE_PLAYING);
    static final Property.Text SERVER = new Property.Text("server",
            "HOST:PORT of a KServe v2 gRPC inference server (Triton, OpenVINO Model Server) that runs the model;"
                    + " empty: OpenVINO in this process", null, READY_ONLY);
    static final Property.Text MODEL_VERSION = new Property.Text("model-version",
            "With server: the version of the served model (empty: the server's choice)", null, READY_ONLY);
    static final Property.Int SERVER_TIMEOUT = new Property.Int("server-timeout",
            "With server: how long an inference may take, ms; later, its frames go on without results", 1, 600_000,
            2000, READY_ONLY);
    static final Property.Int SERVER_CONNECT_ATTEMPTS = new Property.Int("server-connect-attempts",
            "With server: how many times, a second apart, the server is tried when the element starts", 1, 3600, 5,
            READY_ONLY);
    static final Property.Text SERVER_CONFIG = new Property.Text("server-config",
            "With server: a properties file for TLS (tls, ca-file, cert-file, key-file), as mqtt-config", null,
            READY_ONLY);
    static final Property.Bool SERVER_SHARED_MEMORY = new Property.Bool("server-shared-memory",
            "With server on this host (a loopback address) that offers it (Triton): the model's input in shared"
                    + " memory, not on the socket", true, READY_ONLY);
    static final Property.Text MODEL_INSTANCE_ID = new Property.Text("model-instance-id",
            "Elements with the same id share one compiled model (same model, device, batch-size, config and"
                    + " pre-processing, else refused); each brings its nireq requests; batches may mix their frames",
            null, READY_ONLY);

    // How the elements that take any image model (ovprocess, ovclassify) feed it; in their own lists.
    static final Property.Choice MODEL_COLOR = new Property.Choice("model-color",
            "Color order of the model's 3-channel input (and ovprocess's output)", "GstOvModelColor",
            List.of(new Property.Choice.Value("rgb", "red, green, blue (most models: PyTorch, ONNX, TFLite)"),
                    new Property.Choice.Value("bgr", "blue, green, red (OpenCV-trained, Open Model Zoo, Caffe)")), "rgb",
            READY_ONLY);
    static final Property.Real INPUT_SCALE = new Property.Real("input-scale",
            "The model's input is pixel (0-255) * input-scale + input-offset; the default gives [0, 1]", -1000, 1000,
            1 / 255.0, READY_ONLY);
    static final Property.Real INPUT_OFFSET = new Property.Real("input-offset",
            "Added to the scaled pixel values (see input-scale)", -1000, 1000, 0.0, READY_ONLY);
    static final Property.Text MEAN_VALUES = new Property.Text("mean-values",
            "Instead of input-scale/input-offset: the model's input is (pixel - mean) / scale per channel, in the"
                    + " model's color order, as OpenVINO's converter takes them: one value or one per channel, e.g."
                    + " 123.675,116.28,103.53 (ImageNet, RGB); see scale-values", null, READY_ONLY,
            values -> Normalization.valuesProblem(values, false));
    static final Property.Text SCALE_VALUES = new Property.Text("scale-values",
            "The scale of mean-values, one value or one per channel, e.g. 58.395,57.12,57.375 (ImageNet, RGB)", null,
            READY_ONLY, values -> Normalization.valuesProblem(values, true));
}
