package org.ovgst.gst;

import static org.ovgst.gst.Property.Mutability.READY_ONLY;
import static org.ovgst.gst.Property.Mutability.WHILE_PLAYING;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ovgst.infer.AnchorSsdConfig;
import org.ovgst.infer.AnchorSsdDecoder;
import org.ovgst.infer.AnchorSsdModels;
import org.ovgst.infer.Detection;
import org.ovgst.infer.FrameLayout;
import org.ovgst.infer.EngineSettings;
import org.ovgst.infer.InferenceEngine;
import org.ovgst.infer.InferenceResults;
import org.ovgst.infer.ResultSink;
import org.ovgst.infer.Labels;
import org.ovgst.infer.PixelFormat;
import org.ovgst.openvino.Core;
import org.ovgst.openvino.Model;
import org.ovgst.openvino.PortInfo;

/**
 * {@code ovdetect}: runs a detection model on every frame with a pool of OpenVINO requests and
 * attaches one {@code GstVideoRegionOfInterestMeta} per object (DL Streamer's gvadetect layout).
 * Frames pass through unchanged and in order.
 */
public final class OvDetect extends BridgeBin {
    /** What a Java application gets for each frame, in order, on the element's delivery thread. */
    @FunctionalInterface
    public interface Listener {
        void detected(long frame, long pts, List<Detection> detections);
    }

    static final String CAPS = "video/x-raw, format=(string)" + PixelFormat.gstList()
            + ", width=(int)[1,2147483647], height=(int)[1,2147483647]";

    private static final Property.Text MODEL = new Property.Text("model",
            "Model file: OpenVINO IR .xml (with its .bin), ONNX, TFLite or PaddlePaddle", null, READY_ONLY);
    private static final Property.Text DEVICE = new Property.Text("device",
            "OpenVINO device: CPU, GPU, NPU, AUTO, ... (an unknown one is refused with the list of devices)", "CPU",
            READY_ONLY);
    private static final Property.Int NIREQ = new Property.Int("nireq",
            "Inference requests in flight; 0 = the device's optimal number", 0, 64, 0, READY_ONLY);
    private static final Property.Int BATCH_SIZE = new Property.Int("batch-size",
            "Frames per inference; above 1 the model's batch axis is reshaped", 1, 64, 1, READY_ONLY);
    private static final Property.Bool ASYNC = new Property.Bool("async",
            "Run inference on OpenVINO's threads; false runs it on the streaming thread", true, READY_ONLY);
    private static final Property.Text CONFIG = new Property.Text("config",
            "Compile properties KEY=VALUE,... e.g. PERFORMANCE_HINT=THROUGHPUT,NUM_STREAMS=2,CACHE_DIR=/tmp/ov", null,
            READY_ONLY);
    private static final Property.Text INPUT_NAME = new Property.Text("input-name",
            "Model input that takes the frames (default: the model's only input)", null, READY_ONLY);
    private static final Property.Text OUTPUT_NAME = new Property.Text("output-name",
            "Box and score outputs, as BOXES,SCORES (default: found from the model)", null, READY_ONLY);
    private static final Property.Real THRESHOLD = new Property.Real("threshold",
            "Minimum confidence of a detection", 0, 1, 0.5, WHILE_PLAYING);
    private static final Property.Text LABELS = new Property.Text("labels",
            "Label file, one label per line, line i = class i (default: the model's own, if known)", null, READY_ONLY);
    private static final Property.Choice MODEL_TYPE = new Property.Choice("model-type",
            "How to decode the outputs: auto (from the model's outputs) or anchor-ssd (MediaPipe's anchor SSD)",
            "GstOvDetectModelType", List.of(new Property.Choice.Value("auto", "auto"),
                    new Property.Choice.Value("anchor-ssd", "anchor_ssd")), "auto", READY_ONLY);

    static final ElementSpec SPEC = new ElementSpec("ovdetect", "GstOvDetect", "OpenVINO object detection",
            "Filter/Analyzer/Video", "Detects objects with an OpenVINO model and attaches GstVideoRegionOfInterestMeta",
            List.of(MODEL, DEVICE, NIREQ, BATCH_SIZE, ASYNC, CONFIG, INPUT_NAME, OUTPUT_NAME, THRESHOLD, LABELS,
                    MODEL_TYPE),
            CAPS, CAPS, OvDetect::new);

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Stream state: built in start(), the engine when the first caps arrive, dropped in stop(). */
    private EngineSettings engineSettings;
    private List<String> labels;
    private AnchorSsdDecoder decoder;
    private InferenceEngine<BufferFrame> engine;

    private OvDetect(MemorySegment self, ElementSpec spec) {
        super(self, spec, FrameOps.MAP_READ);
    }

    /** Adds a listener that gets every frame's detections, in order. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    protected void start() throws IOException {
        String modelSetting = get(MODEL);
        if (modelSetting == null) {
            throw new IllegalArgumentException("property 'model' is not set: give the model file, e.g."
                    + " model=models/face_detection_short_range.tflite");
        }
        Path model = Path.of(modelSetting);
        if (!Files.isRegularFile(model)) {
            throw new NoSuchFileException(model.toAbsolutePath().toString(), null,
                    "model file not found (property 'model')");
        }
        AnchorSsdConfig config = decoderConfig(model).withMinScore((float) (double) get(THRESHOLD));
        labels = loadLabels(model, config);
        decoder = new AnchorSsdDecoder(config, labels);
        engineSettings = EngineSettings.of(model).withDevice(get(DEVICE))
                .withNireq(get(NIREQ)).withBatchSize(get(BATCH_SIZE))
                .withAsync(get(ASYNC)).withConfig(compileProperties())
                .withInputName(config.input().name()).withNormalization(config.input().mean(), config.input().scale());
    }

    /** Reads the model once to pick its decoder, checking the names the user gave against it. */
    private AnchorSsdConfig decoderConfig(Path model) {
        try (Core core = new Core(); Model read = core.readModel(model)) {
            String inputName = get(INPUT_NAME);
            if (inputName != null) {
                read.input(inputName);
            }
            String[] outputs = outputNames();
            for (String name : outputs) {
                read.output(name);
            }
            List<PortInfo> inputs = inputName == null ? read.inputs() : List.of(read.input(inputName));
            return AnchorSsdModels.match(inputs, read.outputs(), outputs.length > 0 ? outputs[0] : null,
                    outputs.length > 1 ? outputs[1] : null).orElseThrow(() -> new IllegalArgumentException(
                    "model " + model + " is not an anchor SSD this element knows (outputs: " + read.outputs()
                            + "); model-type " + get(MODEL_TYPE) + " supports MediaPipe's BlazeFace and"
                            + " SSD MobileNetV2 (Open Images); name its outputs with output-name=BOXES,SCORES"));
        }
    }

    private String[] outputNames() {
        String value = get(OUTPUT_NAME);
        if (value == null) {
            return new String[0];
        }
        String[] names = value.split(",");
        if (names.length != 2 || names[0].isBlank() || names[1].isBlank()) {
            throw new IllegalArgumentException("property 'output-name' is '" + value + "'; give BOXES,SCORES");
        }
        return new String[] {names[0].strip(), names[1].strip()};
    }

    private List<String> loadLabels(Path model, AnchorSsdConfig config) throws IOException {
        String file = get(LABELS);
        if (file != null) {
            Path labels = Path.of(file);
            if (!Files.isReadable(labels)) {
                throw new NoSuchFileException(labels.toAbsolutePath().toString(), null,
                        "labels file cannot be read (property 'labels')");
            }
            return Labels.load(labels);
        }
        if (config.labelFile() == null) {
            return AnchorSsdModels.builtInLabels(config);
        }
        Path beside = model.toAbsolutePath().resolveSibling(config.labelFile());
        return Files.isReadable(beside) ? Labels.load(beside) : List.of();
    }

    private Map<String, String> compileProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        String value = get(CONFIG);
        if (value == null || value.isBlank()) {
            return properties;
        }
        for (String pair : value.split(",")) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("property 'config' has '" + pair + "'; give KEY=VALUE,KEY=VALUE");
            }
            properties.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
        }
        return properties;
    }

    @Override
    protected void layoutChanged(FrameLayout layout) {
        if (engine == null) {
            engine = InferenceEngine.open(engineSettings, layout, new Delivery());
        } else {
            engine.reconfigure(layout);
        }
    }

    @Override
    protected void process(BufferFrame frame) {
        if (!engine.submit(frame, frame.data())) {
            // Refused only while stopping or flushing: the frame belongs to a stream that is going away.
            discard(frame);
        } else if (frame.isPreroll()) {
            // The pipeline cannot play before this frame is out: run its batch now, however partial.
            engine.drain();
        }
    }

    @Override
    protected void endOfStream() {
        if (engine == null || engine.drain()) {
            sendEos();
        }
    }

    @Override
    protected void flushStarted() {
        if (engine != null) {
            engine.release();
        }
    }

    @Override
    protected void flushStopped() {
        if (engine != null) {
            engine.flush();
        }
    }

    @Override
    protected void unblock(boolean stopping) {
        if (stopping && engine != null) {
            engine.release();
        }
    }

    @Override
    protected void stop() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
        decoder = null;
        labels = null;
        engineSettings = null;
    }

    /**
     * The decoder for the threshold now, which may change while playing: the decoder drops scores
     * below it before suppression, so a new threshold takes a new decoder. Delivery thread only.
     */
    private AnchorSsdDecoder decoderForThreshold() {
        float threshold = (float) (double) get(THRESHOLD);
        if (decoder.config().minScore() != threshold) {
            decoder = new AnchorSsdDecoder(decoder.config().withMinScore(threshold), labels);
        }
        return decoder;
    }

    @Override
    protected void dispose() {
        stop();
        super.dispose();
    }

    /** Results come back on the engine's delivery thread, in frame order. */
    private final class Delivery implements ResultSink<BufferFrame> {
        @Override
        public void deliver(BufferFrame frame, InferenceResults results) {
            AnchorSsdDecoder current = decoderForThreshold();
            AnchorSsdConfig config = current.config();
            List<Detection> detections = current.decode(results.output(config.boxes().name()),
                    results.output(config.scores().name()), results.batchSize(), results.slot());
            try {
                frame.unmap();
                FrameLayout layout = frame.layout();
                for (Detection detection : detections) {
                    RoiMeta.add(frame.buffer(), detection, layout.width(), layout.height());
                }
            } catch (Throwable t) {
                OvDetect.this.fail(ErrorKind.STREAM, "could not attach detections: " + t, null);
            }
            for (Listener listener : listeners) {
                listener.detected(frame.index(), frame.pts(), detections);
            }
            send(frame);
        }

        @Override
        public void discard(BufferFrame frame) {
            OvDetect.this.discard(frame);
        }

        @Override
        public void fail(BufferFrame frame, RuntimeException error) {
            OvDetect.this.discard(frame);
            OvDetect.this.fail(ErrorKind.LIBRARY, "inference failed on " + engineSettings.model() + ": "
                    + error.getMessage(), error.toString());
        }
    }
}
