package org.ovgst.gst.elements;

import static org.ovgst.gst.elements.InferenceProperties.MODEL;
import static org.ovgst.gst.gobject.Property.Mutability.READY_ONLY;
import static org.ovgst.gst.gobject.Property.Mutability.WHILE_PLAYING;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ovgst.gst.bridge.BufferFrame;
import org.ovgst.gst.gobject.ElementSpec;
import org.ovgst.gst.gobject.Property;
import org.ovgst.gst.meta.RoiMeta;
import org.ovgst.infer.detect.ConverterFamily;
import org.ovgst.infer.detect.DetectionConverter;
import org.ovgst.infer.detect.DetectionConverters;
import org.ovgst.infer.detect.InputPreparation;
import org.ovgst.infer.detect.ModelPorts;
import org.ovgst.infer.detect.Thresholds;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.infer.model.ImageInput;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.infer.model.ModelInfo;
import org.ovgst.tensor.PortInfo;

/**
 * {@code ovdetect}: runs a detection model on every frame (or every {@code inference-interval}th)
 * and attaches one {@code GstVideoRegionOfInterestMeta} per object, DL Streamer's gvadetect layout.
 * The model's family, and so how its outputs are decoded, comes from its outputs
 * ({@code model-type=auto}) or is named ({@link DetectionConverters}). Frames pass through
 * unchanged and in order.
 */
public final class OvDetect extends InferenceElement<OvDetect.DetectState> {
    /**
     * What a Java application gets for each inferred frame, in order, on the element's delivery
     * thread: its index from 0, its presentation time (ns, -1 for none), its size in pixels (a
     * detection's normalized box times the size is its box in pixels) and its detections.
     */
    @FunctionalInterface
    public interface Listener {
        void detected(long frame, long pts, int width, int height, List<Detection> detections);
    }

    static final String CAPS = "video/x-raw, format=(string)" + PixelFormat.gstList()
            + ", width=(int)[1,2147483647], height=(int)[1,2147483647]";

    private static final Property.Real THRESHOLD = new Property.Real("threshold",
            "Minimum confidence of a detection", 0, 1, 0.5, WHILE_PLAYING);
    private static final Property.Real IOU_THRESHOLD = new Property.Real("iou-threshold",
            "Non-maximum suppression: a box whose overlap (intersection over union) with a better one of its class"
                    + " is above this is dropped (families that need it: YOLOv5/v8, CenterFace)", 0, 1, 0.5,
            WHILE_PLAYING);
    private static final Property.Choice MODEL_TYPE = new Property.Choice("model-type",
            "How the outputs are decoded: auto (the family is found from the model's outputs) or a family, also as"
                    + " Ultralytics and DL Streamer name it (yolov8, yolo11, yolo_v8; case, - and _ do not count)",
            "GstOvDetectModelType", modelTypes(), DetectionConverters.AUTO, READY_ONLY);
    private static final Property.Text LABELS_FILE = new Property.Text("labels-file",
            "Label file, one label per line, line i = class i (default: the labels in the model file, else those"
                    + " of a model ovgst ships, else 'class N')", null, READY_ONLY);
    private static final Property.Text OUTPUT_NAME = new Property.Text("output-name",
            "Outputs the decoder may read, comma-separated (default: all of the model's)", null, READY_ONLY);

    public static final ElementSpec SPEC = new ElementSpec("ovdetect", "GstOvDetect", "OpenVINO object detection",
            "Filter/Analyzer/Video", "Detects objects with an OpenVINO model and attaches GstVideoRegionOfInterestMeta",
            properties(THRESHOLD, IOU_THRESHOLD, MODEL_TYPE, LABELS_FILE, OUTPUT_NAME), CAPS, CAPS, OvDetect::new);

    /** auto, then each family with what it decodes and the names users write for it. */
    private static List<Property.Choice.Value> modelTypes() {
        List<Property.Choice.Value> values = new ArrayList<>();
        values.add(new Property.Choice.Value(DetectionConverters.AUTO, "the family found from the model's outputs"));
        DetectionConverters.FAMILIES.forEach(family -> values.add(new Property.Choice.Value(family.name(),
                family.summary(), family.aliases())));
        return values;
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** How this model is decoded, and what decoding keeps: from start() to stop(). */
    static final class DetectState implements ElementState {
        final ConverterFamily family;
        final ConverterFamily.Factory factory;
        final LabelMap labels;
        /** Where the labels came from, for messages; null when none were found. */
        final String labelSource;
        // Delivery thread only: the converter for the model input's size, and the thresholds last used.
        DetectionConverter converter;
        InputGeometry converterGeometry;
        Thresholds thresholds;

        DetectState(DetectionConverters.Selected selected, ModelInfo.LabelsFound labels) {
            this.family = selected.family();
            this.factory = selected.match().factory();
            this.labels = LabelMap.of(labels.names());
            this.labelSource = labels.source();
        }
    }

    private OvDetect(MemorySegment self, ElementSpec spec) {
        super(self, spec);
    }

    /** Adds a listener that gets every inferred frame's detections, in order. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Removes a listener added before; the frames already being delivered may still reach it. */
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    @Override
    protected Prepared<DetectState> prepare(InferenceSettings settings, ModelInfo model) throws IOException {
        ImageInput input = ImageInput.find(model.inputs(), settings.inputName(), null, model.name());
        ModelPorts ports = new ModelPorts(input.port(), input.layout(), chosenOutputs(model));
        DetectionConverters.Selected selected;
        try {
            selected = DetectionConverters.select(get(MODEL_TYPE), ports, model.name());
        } catch (DetectionConverters.NotADetector e) {
            // The bus gets the one line that says what to do; the analysis goes to the log.
            logInfo(e::analysis);
            throw e;
        }
        DetectState state = new DetectState(selected, model.labels(get(LABELS_FILE), LABELS_FILE.name()));
        InputPreparation preparation = selected.match().input();
        InputSize size = settings.inputSize() != null ? settings.inputSize() : familySize(preparation.size(), model);
        logInfo(() -> "model " + model.name() + ": decoded as " + state.family.name() + " (model-type="
                + get(MODEL_TYPE) + "), outputs " + PortInfo.describe(ports.outputs()) + ", " + state.labels.size()
                + " labels" + (state.labelSource != null ? " from " + state.labelSource : "")
                + model.known().map(known -> ", ovgst's " + known.file()).orElse("") + ", input size " + size);
        return new Prepared<>(settings.engineSettings().withInputName(ports.input().name())
                .withModelLayout(ports.layout()).withModelColor(preparation.color())
                .withNormalization(preparation.mean(), preparation.scale())
                .withFit(preparation.letterbox(), preparation.padValue()).withInputSize(size), state);
    }

    /** The outputs named by {@code output-name}, checked against the model's; else all of them. */
    private List<PortInfo> chosenOutputs(ModelInfo model) {
        List<PortInfo> outputs = model.outputs();
        String value = get(OUTPUT_NAME);
        if (value == null) {
            return outputs;
        }
        List<PortInfo> chosen = new ArrayList<>();
        for (String name : value.split(",", -1)) {
            chosen.add(outputs.stream().filter(port -> port.name().equals(name.strip())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("property 'output-name' names '" + name.strip()
                            + "', but model " + model.name() + " has no such output; its outputs are "
                            + PortInfo.describe(outputs))));
        }
        return chosen;
    }

    /**
     * The input size when the user did not reshape: for a family whose default fills dimensions the
     * file leaves open (YOLO's 640), the size the model was trained at wins when its file or ovgst
     * knows it.
     */
    private static InputSize familySize(InputSize family, ModelInfo model) {
        if (family.kind() != InputSize.Kind.DECLARED_OR_DEFAULT) {
            return family;
        }
        return model.trainedSize().map(size -> new InputSize(InputSize.Kind.DECLARED_OR_DEFAULT, size.width(), size.height()))
                .orElse(family);
    }

    @Override
    protected void apply(BufferFrame frame, InferenceResults results) throws Throwable {
        frame.writableForMetadata();
        InputGeometry geometry = results.geometry();
        DetectState state = state();
        List<Detection> found = converterFor(state, geometry).convert(results, currentThresholds(state));
        List<Detection> detections = found;
        if (!geometry.isStretch() && !found.isEmpty()) {
            detections = new ArrayList<>(found.size());
            for (Detection detection : found) {
                detections.add(geometry.toFrame(detection));
            }
        }
        FrameLayout layout = frame.layout();
        // Region ids go on after those of regions already on the frame: unique on it.
        int regionId = detections.isEmpty() ? 0 : RoiMeta.count(frame.buffer());
        for (Detection detection : detections) {
            RoiMeta.add(frame.buffer(), detection, layout.width(), layout.height(), ++regionId);
        }
        if (frameLogging()) {
            logFrame("frame " + frame.index() + " pts " + frame.pts() + ": " + detections.size() + " detections "
                    + detections);
        }
        if (!listeners.isEmpty()) { // iterating an empty CopyOnWriteArrayList still makes an iterator
            for (Listener listener : listeners) {
                listener.detected(frame.index(), frame.pts(), layout.width(), layout.height(), detections);
            }
        }
    }

    /** The converter for the model input's size, made when the size first comes or changes. */
    private DetectionConverter converterFor(DetectState state, InputGeometry geometry) {
        if (state.converter == null || state.converterGeometry.inputWidth() != geometry.inputWidth()
                || state.converterGeometry.inputHeight() != geometry.inputHeight()) {
            boolean first = state.converter == null;
            state.converter = state.factory.create(geometry.inputWidth(), geometry.inputHeight(), state.labels);
            state.converterGeometry = geometry;
            if (first) {
                checkLabelCount(state, state.converter.classCount());
            }
        }
        return state.converter;
    }

    private void checkLabelCount(DetectState state, int classes) {
        int labels = state.labels.size();
        if (classes >= 0 && labels > 0 && labels != classes) {
            postWarning(ErrorKind.SETTINGS, "the labels from " + state.labelSource + " name " + labels
                    + " classes, but the outputs of " + get(MODEL) + " (" + state.family.name() + ") have "
                    + classes + ": classes without a label are called 'class N'; check the labels", null);
        }
    }

    /** The thresholds now: both may change while playing, so they are read for every frame. */
    private Thresholds currentThresholds(DetectState state) {
        float confidence = (float) (double) get(THRESHOLD);
        float iou = (float) (double) get(IOU_THRESHOLD);
        Thresholds last = state.thresholds;
        if (last == null || last.confidence() != confidence || last.iou() != iou) {
            state.thresholds = new Thresholds(confidence, iou);
        }
        return state.thresholds;
    }
}
