package org.ovgst.gst;

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

    private static final Property MODEL = new Property.Text("model",
            "Model file: OpenVINO IR .xml (with its .bin), ONNX, TFLite or PaddlePaddle", null);
    private static final Property DEVICE = new Property.Text("device",
            "OpenVINO device: CPU, GPU, NPU, AUTO, ... (an unknown one is refused with the list of devices)", "CPU");
    private static final Property NIREQ = new Property.Int("nireq",
            "Inference requests in flight; 0 = the device's optimal number (allowed: 0 to 64)", 0, 64, 0);
    private static final Property BATCH_SIZE = new Property.Int("batch-size",
            "Frames per inference; above 1 the model's batch axis is reshaped (allowed: 1 to 64)", 1, 64, 1);
    private static final Property ASYNC = new Property.Bool("async",
            "Run inference on OpenVINO's threads; false runs it on the streaming thread", true);
    private static final Property CONFIG = new Property.Text("config",
            "Compile properties KEY=VALUE,... e.g. PERFORMANCE_HINT=THROUGHPUT,NUM_STREAMS=2,CACHE_DIR=/tmp/ov", null);
    private static final Property INPUT_NAME = new Property.Text("input-name",
            "Model input that takes the frames (default: the model's only input)", null);
    private static final Property OUTPUT_NAME = new Property.Text("output-name",
            "Box and score outputs, as BOXES,SCORES (default: found from the model)", null);
    private static final Property THRESHOLD = new Property.Real("threshold",
            "Minimum confidence of a detection (allowed: 0 to 1)", 0, 1, 0.5);
    private static final Property LABELS = new Property.Text("labels",
            "Label file, one label per line, line i = class i (default: the model's own, if known)", null);
    private static final Property MODEL_TYPE = new Property.Choice("model-type",
            "How to decode the outputs: auto (from the model's outputs) or anchor-ssd (MediaPipe's anchor SSD)",
            "GstOvDetectModelType", List.of("auto", "anchor-ssd"), "auto");

    static final ElementSpec SPEC = new ElementSpec("ovdetect", "GstOvDetect", "OpenVINO object detection",
            "Filter/Analyzer/Video", "Detects objects with an OpenVINO model and attaches GstVideoRegionOfInterestMeta",
            List.of(MODEL, DEVICE, NIREQ, BATCH_SIZE, ASYNC, CONFIG, INPUT_NAME, OUTPUT_NAME, THRESHOLD, LABELS,
                    MODEL_TYPE),
            CAPS, CAPS, OvDetect::new);

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Stream state: built in start(), the engine when the first caps arrive, dropped in stop(). */
    private EngineSettings engineSettings;
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
        String modelSetting = (String) setting("model");
        if (modelSetting == null) {
            throw new IllegalArgumentException("property 'model' is not set: give the model file, e.g."
                    + " model=models/face_detection_short_range.tflite");
        }
        Path model = Path.of(modelSetting);
        if (!Files.isRegularFile(model)) {
            throw new NoSuchFileException(model.toAbsolutePath().toString(), null,
                    "model file not found (property 'model')");
        }
        AnchorSsdConfig config = decoderConfig(model).withMinScore((float) (double) (Double) setting("threshold"));
        decoder = new AnchorSsdDecoder(config, labels(model, config));
        engineSettings = EngineSettings.of(model).withDevice((String) setting("device"))
                .withNireq((Integer) setting("nireq")).withBatchSize((Integer) setting("batch-size"))
                .withAsync((Boolean) setting("async")).withConfig(compileProperties())
                .withInputName(config.input().name()).withNormalization(config.input().mean(), config.input().scale());
    }

    /** Reads the model once to pick its decoder, checking the names the user gave against it. */
    private AnchorSsdConfig decoderConfig(Path model) {
        try (Core core = new Core(); Model read = core.readModel(model)) {
            String inputName = (String) setting("input-name");
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
                            + "); model-type " + setting("model-type") + " supports MediaPipe's BlazeFace and"
                            + " SSD MobileNetV2 (Open Images); name its outputs with output-name=BOXES,SCORES"));
        }
    }

    private String[] outputNames() {
        String value = (String) setting("output-name");
        if (value == null) {
            return new String[0];
        }
        String[] names = value.split(",");
        if (names.length != 2 || names[0].isBlank() || names[1].isBlank()) {
            throw new IllegalArgumentException("property 'output-name' is '" + value + "'; give BOXES,SCORES");
        }
        return new String[] {names[0].strip(), names[1].strip()};
    }

    private List<String> labels(Path model, AnchorSsdConfig config) throws IOException {
        String file = (String) setting("labels");
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
        String value = (String) setting("config");
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
        engineSettings = null;
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
            AnchorSsdConfig config = decoder.config();
            List<Detection> detections = decoder.decode(results.output(config.boxes().name()),
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
