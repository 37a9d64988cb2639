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
import org.ovgst.infer.Detection;
import org.ovgst.infer.FrameLayout;
import org.ovgst.infer.EngineSettings;
import org.ovgst.infer.InferenceEngine;
import org.ovgst.infer.InferenceResults;
import org.ovgst.infer.ResultSink;
import org.ovgst.infer.Labels;
import org.ovgst.infer.PixelFormat;
import org.ovgst.infer.detect.DetectionConverter;
import org.ovgst.infer.detect.DetectionConverters;
import org.ovgst.infer.detect.InputPreparation;
import org.ovgst.infer.detect.LabelMap;
import org.ovgst.infer.detect.ModelPorts;
import org.ovgst.infer.detect.Thresholds;
import org.ovgst.openvino.Core;
import org.ovgst.openvino.Dimension;
import org.ovgst.openvino.Model;
import org.ovgst.openvino.PartialShape;
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
            "Label file, one label per line, line i = class i (default: none, classes are called 'class N')", null);
    private static final Property MODEL_TYPE = new Property.Choice("model-type",
            "How to decode the outputs: auto (from the model's outputs) or anchor-ssd (MediaPipe's anchor SSD)",
            "GstOvDetectModelType", DetectionConverters.names(), DetectionConverters.AUTO);
    /**
     * The element has no iou-threshold property yet; anchor-ssd, the only family so far, suppresses
     * with each preset's own threshold and ignores this one.
     */
    private static final float IOU_THRESHOLD = 0.5f;

    static final ElementSpec SPEC = new ElementSpec("ovdetect", "GstOvDetect", "OpenVINO object detection",
            "Filter/Analyzer/Video", "Detects objects with an OpenVINO model and attaches GstVideoRegionOfInterestMeta",
            List.of(MODEL, DEVICE, NIREQ, BATCH_SIZE, ASYNC, CONFIG, INPUT_NAME, OUTPUT_NAME, THRESHOLD, LABELS,
                    MODEL_TYPE),
            CAPS, CAPS, OvDetect::new);

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Stream state: built in start(), the engine when the first caps arrive, dropped in stop(). */
    private EngineSettings engineSettings;
    private ModelPorts ports;
    private DetectionConverters.Selected selected;
    private LabelMap labels;
    private Thresholds thresholds;
    private DetectionConverter converter;
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
        ports = readPorts(model);
        selected = DetectionConverters.select((String) setting("model-type"), ports, model.toString());
        labels = labels();
        thresholds = new Thresholds((float) (double) (Double) setting("threshold"), IOU_THRESHOLD);
        // The engine takes the color and normalization; it stretches frames, whatever input.letterbox() says.
        InputPreparation input = selected.match().input();
        engineSettings = EngineSettings.of(model).withDevice((String) setting("device"))
                .withNireq((Integer) setting("nireq")).withBatchSize((Integer) setting("batch-size"))
                .withAsync((Boolean) setting("async")).withConfig(compileProperties())
                .withInputName(ports.input().name()).withModelColor(input.color())
                .withNormalization(input.mean(), input.scale());
    }

    /** Reads the model once for what the converter families decide on, checking the names the user gave. */
    private ModelPorts readPorts(Path model) {
        try (Core core = new Core(); Model read = core.readModel(model)) {
            String inputName = (String) setting("input-name");
            PortInfo input;
            if (inputName != null) {
                input = read.input(inputName);
            } else if (read.inputs().size() == 1) {
                input = read.inputs().getFirst();
            } else {
                throw new IllegalArgumentException("model " + model + " has " + read.inputs().size() + " inputs ("
                        + DetectionConverters.describe(read.inputs()) + "): set input-name to the one that takes"
                        + " the frames");
            }
            List<PortInfo> outputs = outputNames().stream().map(read::output).toList();
            // The layout whose channel axis has size 3, as the engine decides it.
            PartialShape shape = input.shape();
            boolean nchw = shape.isRankStatic() && shape.rank() == 4 && shape.get(1).isStatic()
                    && shape.get(1).size() == 3;
            return new ModelPorts(input, nchw ? "NCHW" : "NHWC", outputs.isEmpty() ? read.outputs() : outputs);
        }
    }

    private List<String> outputNames() {
        String value = (String) setting("output-name");
        if (value == null) {
            return List.of();
        }
        String[] names = value.split(",");
        if (names.length != 2 || names[0].isBlank() || names[1].isBlank()) {
            throw new IllegalArgumentException("property 'output-name' is '" + value + "'; give BOXES,SCORES");
        }
        return List.of(names[0].strip(), names[1].strip());
    }

    /** The labels file the user gave, else none (the known models' own labels are not looked up yet). */
    private LabelMap labels() throws IOException {
        String file = (String) setting("labels");
        if (file == null) {
            return LabelMap.NONE;
        }
        Path labels = Path.of(file);
        if (!Files.isReadable(labels)) {
            throw new NoSuchFileException(labels.toAbsolutePath().toString(), null,
                    "labels file cannot be read (property 'labels')");
        }
        return LabelMap.of(Labels.load(labels));
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
        // After the engine, which delivered the frames of the old layout and checked the input's rank.
        int heightAxis = ports.layout().equals("NCHW") ? 2 : 1;
        converter = selected.match().factory().create(declaredOr(heightAxis + 1, layout.width()),
                declaredOr(heightAxis, layout.height()), labels);
    }

    /** The input size on this axis as the engine makes it: the file's, or the frame's where the file leaves it open. */
    private int declaredOr(int axis, int frameSize) {
        Dimension declared = ports.input().shape().get(axis);
        return declared.isStatic() ? (int) declared.size() : frameSize;
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
        converter = null;
        thresholds = null;
        labels = null;
        selected = null;
        ports = null;
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
            List<Detection> detections = converter.convert(results, thresholds);
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
