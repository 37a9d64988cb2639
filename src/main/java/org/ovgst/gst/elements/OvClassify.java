package org.ovgst.gst.elements;

import static org.ovgst.gst.elements.InferenceProperties.INPUT_OFFSET;
import static org.ovgst.gst.elements.InferenceProperties.INPUT_SCALE;
import static org.ovgst.gst.elements.InferenceProperties.MEAN_VALUES;
import static org.ovgst.gst.elements.InferenceProperties.MODEL_COLOR;
import static org.ovgst.gst.elements.InferenceProperties.SCALE_VALUES;
import static org.ovgst.gst.gobject.Property.Mutability.READY_ONLY;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.ovgst.gst.binding.VideoCaps;
import org.ovgst.gst.bridge.BufferFrame;
import org.ovgst.gst.gobject.ElementSpec;
import org.ovgst.gst.gobject.Property;
import org.ovgst.gst.meta.Region;
import org.ovgst.gst.meta.RoiMeta;
import org.ovgst.gst.meta.StructureNames;
import org.ovgst.gst.meta.TensorMeta;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.classify.ClassConverter;
import org.ovgst.infer.classify.Classification;
import org.ovgst.infer.engine.EngineSettings;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.image.Box;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.model.ImageInput;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.KnownModels;
import org.ovgst.infer.model.ModelInfo;
import org.ovgst.tensor.Dimension;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * {@code ovclassify}: runs a classifier on each region of interest (DL Streamer's gvaclassify,
 * FFmpeg's dnn_classify) and attaches what it says to the region as a parameter structure named
 * after the attribute, with {@code label}, {@code label_id} and {@code confidence} (DL Streamer's
 * layout); ovwatermark draws it, ovmetapublish writes it under the object.
 *
 * <p>Each region is cut out of the frame and resized to the model's input (bilinear, pixel centers
 * aligned) in Java, into one of a ring of buffers, then submitted as an inference of its own; the
 * regions of a frame share a request's batch when the model takes one. With track ids
 * ({@code ovtrack}), {@code reclassify-interval} N classifies an object on one frame in N and
 * carries its last result on the frames between. A frame leaves when all its regions are
 * classified, in order.
 */
public final class OvClassify extends InferenceElement<ClassifyState> {

    private static final Property.Text OUTPUT_NAME = new Property.Text("output-name",
            "Model output that holds the class scores (default: the model's only output)", null, READY_ONLY);
    private static final Property.Text LABELS_FILE = new Property.Text("labels-file",
            "Label file, one label per line, line i = class i (default: the model file's labels, else those of a"
                    + " model ovgst ships, else 'class N')",
            null, READY_ONLY);
    private static final Property.Text ATTRIBUTE_NAME = new Property.Text("attribute-name",
            "Name of the result on the region (and in the JSON): a letter, then letters, digits and / - _ . : +;"
                    + " default: the output's name", null, READY_ONLY, OvClassify::attributeNameProblem);
    private static final Property.Choice CONVERTER = new Property.Choice("converter",
            "How the output becomes a label: auto (one value: binary, more: label), label (argmax of scores or"
                    + " probabilities, softmax for logits), binary (one value, the probability of the second label),"
                    + " raw (no label: the output's values attached as they are, DL Streamer's raw_data_copy)",
            "GstOvClassifyConverter", List.of(
                    new Property.Choice.Value("auto", "binary for an output of one value, else label"),
                    new Property.Choice.Value("label", "the best of the class scores, with its label"),
                    new Property.Choice.Value("binary", "one value: the probability of the second of two labels"),
                    new Property.Choice.Value("raw", "the output's values as they are (DL Streamer's raw_data_copy)",
                            "raw_data_copy")),
            "auto", READY_ONLY);
    private static final Property.Text OBJECT_CLASS = new Property.Text("object-class",
            "Classify only regions of these labels, comma-separated (default: every region)", null, READY_ONLY);
    private static final Property.Int RECLASSIFY_INTERVAL = new Property.Int("reclassify-interval",
            "With track ids (ovtrack): classify an object on one frame in N, carrying its last result between;"
                    + " regions without a track id are classified on every frame", 1, Integer.MAX_VALUE, 1,
            READY_ONLY);

    private static final Property.Choice INFERENCE_REGION = new Property.Choice("inference-region",
            "What is classified: each region of interest (roi-list), or the whole frame (full-frame: the result is"
                    + " a frame-level GstOvTensorMeta, which ovmetapublish writes as an object covering the frame)",
            "GstOvClassifyInferenceRegion", List.of(
                    new Property.Choice.Value("roi-list", "each region of interest (of object-class) on its own"),
                    new Property.Choice.Value("full-frame", "the whole frame, a result for the frame")),
            "roi-list", READY_ONLY);
    private static final Property.Real CENTER_CROP = new Property.Real("center-crop",
            "Before resizing, keep the middle square of each region (or frame) whose side is this fraction of its"
                    + " short side (ImageNet classifiers: 0.875, short side to 256 then the middle 224); 0 resizes"
                    + " the whole region; unset, a model ovgst knows brings its own", 0, 1, 0.0, READY_ONLY);

    public static final ElementSpec SPEC = new ElementSpec("ovclassify", "GstOvClassify", "OpenVINO classification",
            "Filter/Analyzer/Video", "Classifies each region of interest with an OpenVINO model and attaches the"
                    + " result to the region (DL Streamer's gvaclassify)",
            properties(OUTPUT_NAME, LABELS_FILE, ATTRIBUTE_NAME, CONVERTER, INFERENCE_REGION, OBJECT_CLASS,
                    RECLASSIFY_INTERVAL, CENTER_CROP, MODEL_COLOR, INPUT_SCALE, INPUT_OFFSET, MEAN_VALUES,
                    SCALE_VALUES),
            VideoCaps.PACKED_CAPS, VideoCaps.PACKED_CAPS, OvClassify::new);

    private final AtomicLong inferences = new AtomicLong();

    private OvClassify(MemorySegment self, ElementSpec spec) {
        super(self, spec);
    }

    /** How many regions the model ran on since the element was made (not counting carried results). */
    public long inferences() {
        return inferences.get();
    }

    @Override
    protected Prepared<ClassifyState> prepare(InferenceSettings settings, ModelInfo model) throws IOException {
        String outputName = get(OUTPUT_NAME);
        ImageInput input = ImageInput.find(model.inputs(), settings.inputName(), null, model.name());
        List<PortInfo> outputs = model.outputs();
        if (outputName == null && outputs.size() != 1) {
            throw new InferenceException("model " + model.name() + " has " + outputs.size() + " outputs ("
                    + PortInfo.describe(outputs) + "): set output-name to the one with the class scores");
        }
        PortInfo output = outputs.stream().filter(port -> outputName == null || port.name().equals(outputName))
                .findFirst().orElseThrow(() -> new InferenceException("model " + model.name() + " has no output named"
                        + " '" + outputName + "' (output-name); its outputs are " + PortInfo.describe(outputs)));
        // The batch axis may be open ([?,3,224,224]): the size is what counts.
        PartialShape inputShape = input.port().shape();
        boolean nchw = input.layout().equals("NCHW");
        int width = settings.inputSize() != null ? settings.inputSize().width()
                : staticSize(inputShape.get(nchw ? 3 : 2));
        int height = settings.inputSize() != null ? settings.inputSize().height()
                : staticSize(inputShape.get(nchw ? 2 : 1));
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("input '" + input.name() + "' " + input.port().shape()
                    + " of " + model.name() + " leaves its size open: set reshape-width and reshape-height to the size"
                    + " regions are resized to");
        }
        // Values per inference: every axis but the batch (the first, which may be open).
        long classes = 1;
        PartialShape outputShape = output.shape();
        for (int axis = outputShape.rank() > 1 ? 1 : 0; axis < outputShape.rank(); axis++) {
            if (!outputShape.get(axis).isStatic()) {
                throw new IllegalArgumentException("output '" + output.name() + "' " + outputShape + " of " + model.name()
                        + " has an open size besides the batch, so its number of classes is unknown: convert the"
                        + " model with a fixed output shape");
            }
            classes *= outputShape.get(axis).size();
        }
        ClassConverter converter = converter(output, classes, model);
        String attribute = get(ATTRIBUTE_NAME) != null ? get(ATTRIBUTE_NAME) : output.name();
        String unusable = attributeNameProblem(attribute);
        if (unusable != null) {
            // Only the default can get here: a name the user gave was checked when the element started.
            throw new IllegalArgumentException("the result is named after output '" + attribute + "' of " + model.name()
                    + " unless attribute-name is set, and " + unusable + ": set attribute-name");
        }
        ClassifyState.Selection selection = new ClassifyState.Selection(get(INFERENCE_REGION).equals("full-frame"),
                get(OBJECT_CLASS) == null ? Set.of() : Set.of(get(OBJECT_CLASS).split("\\s*,\\s*")),
                get(RECLASSIFY_INTERVAL));
        ClassifyState.Resize resize = new ClassifyState.Resize(width, height, isSet(CENTER_CROP) ? get(CENTER_CROP)
                : model.knownInput().map(KnownModels.InputConvention::centerCrop).orElse(0.0));
        logInfo(() -> "model " + model.name() + ": " + (selection.fullFrame() ? "the whole frame" : "each region"
                + (selection.classes().isEmpty() ? "" : " of " + selection.classes())) + " resized to "
                + resize.width() + "x" + resize.height()
                + (resize.centerCrop() > 0 ? " from its middle " + resize.centerCrop() : "")
                + ", output '" + output.name() + "' read by " + (converter == null ? "raw"
                        : converter.kind() + " with " + converter.labels().size() + " labels")
                + " as attribute '" + attribute + "', reclassify-interval " + selection.reclassifyInterval());
        EngineSettings engineSettings = ImageInputProperties.withImageInput(this, settings.engineSettings(), input, model)
                .withCenterCrop(selection.fullFrame() ? resize.centerCrop() : 0).withInputName(input.name())
                .withModelLayout(input.layout()).withInputSize(InputSize.exact(width, height));
        // Last, once nothing can fail: the state owns native memory.
        return new Prepared<>(engineSettings, new ClassifyState(output, classes, converter, attribute,
                modelName(settings.model()), selection, resize));
    }

    /**
     * What reads a label from {@code output}, of {@code classes} values an inference, as
     * {@code converter} says; null for {@code converter=raw}.
     */
    private ClassConverter converter(PortInfo output, long classes, ModelInfo model) throws IOException {
        String converterName = get(CONVERTER);
        if (converterName.equals("raw")) {
            if (get(RECLASSIFY_INTERVAL) > 1) {
                throw new IllegalArgumentException("converter=raw attaches each inference's own tensor, so it carries"
                        + " no result between classifications: set reclassify-interval=1, or use a label converter");
            }
            return null;
        }
        ClassConverter.Kind kind = converterName.equals("binary") || converterName.equals("auto") && classes == 1
                ? ClassConverter.Kind.BINARY : ClassConverter.Kind.LABEL;
        List<String> labels = model.labels(get(LABELS_FILE), LABELS_FILE.name()).names();
        if (kind == ClassConverter.Kind.BINARY && labels.size() != 2) {
            throw new IllegalArgumentException("output '" + output.name() + "' of " + model.name() + " is one value, read"
                    + " as a binary attribute, which takes two labels (labels-file, one a line: the label below"
                    + " 0.5, then the one from 0.5); " + (labels.isEmpty() ? "none are given" : "got " + labels));
        }
        return new ClassConverter(kind, (int) classes, labels);
    }

    /**
     * Why a result cannot be called {@code name}: GStreamer's rule for structure names, and the names
     * of the structures a region has already (two of a name on a region: readers find only the first).
     */
    private static String attributeNameProblem(String name) {
        if (name.equals("detection") || name.equals("object_id")) {
            return "a region's detection and its track id (ovtrack) are structures named detection and object_id,"
                    + " and ovmetapublish writes them under those names: give the result another name";
        }
        return StructureNames.problem(name);
    }

    /** {@code models/hand_landmark_full.tflite} → {@code hand_landmark_full}. */
    private static String modelName(Path model) {
        String file = model.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    private static int staticSize(Dimension dimension) {
        return dimension.isStatic() ? (int) dimension.size() : 0;
    }

    /**
     * Regions: the model sees crops resized to its input in Java, in the frames' own format (their
     * sizes change from frame to frame, and OpenVINO resizes only from a size compiled in). The full
     * frame: the frame itself, in place; OpenVINO cuts its middle square (center-crop) and resizes
     * it. Measured (CropChoicesBenchmark, the orientation model, one inference): 1.48 ms at 640x480
     * and 1.62 ms at 1920x1080 this way, 1.60 and 1.66 ms with the square's rows copied, 2.27 and
     * 1.99 ms resized in Java.
     */
    @Override
    protected FrameLayout inferenceLayout(FrameLayout frames) {
        ClassifyState state = state();
        return state.selection.fullFrame() ? frames
                : FrameLayout.tight(frames.format(), state.resize.width(), state.resize.height());
    }

    @Override
    protected boolean submitInferences(BufferFrame frame) {
        ClassifyState state = state();
        ClassifyState.Selection selection = state.selection;
        if (selection.fullFrame()) {
            state.queue(state.newPlan(frame.index(), 1)).infer(0, 0);
            // The frame in place (inferenceLayout): OpenVINO crops and resizes it.
            if (!infer(frame, frame.data())) {
                return false;
            }
            inferences.incrementAndGet();
            return true;
        }
        List<Region> regions = RoiMeta.read(frame.buffer());
        ClassifyState.Plan plan = state.newPlan(frame.index(), regions.size());
        for (int i = 0; i < regions.size(); i++) {
            Region region = regions.get(i);
            if (!selection.classes().isEmpty() && !selection.classes().contains(region.label())) {
                continue;
            }
            Long last = region.id() > 0 ? state.lastSubmitted.get(region.id()) : null;
            if (last != null && frame.index() - last < selection.reclassifyInterval()) {
                plan.carry(i, region.id());
                continue;
            }
            if (region.id() > 0) {
                state.lastSubmitted.put(region.id(), frame.index());
            }
            plan.infer(i, region.id());
        }
        state.queue(plan);
        if (frameLogging()) {
            logFrame("frame " + frame.index() + ": " + regions.size() + " regions, " + plan.inferredCount
                    + " classified, " + plan.carriedCount + " carried");
        }
        for (int i = 0; i < plan.inferredCount; i++) {
            if (!submit(state, frame, regions.get(plan.inferred[i]))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Cuts a region of the frame (its middle square with {@code center-crop}) resized to the model's
     * input into the next crop buffer and submits it.
     */
    private boolean submit(ClassifyState state, BufferFrame frame, Region region) {
        ClassifyState.Resize resize = state.resize;
        Box box = resize.centerCrop() > 0
                ? Box.centered(region.x(), region.y(), region.width(), region.height(), resize.centerCrop())
                : new Box(region.x(), region.y(), region.width(), region.height());
        MemorySegment crop = state.nextCrop(frame.layout(), framesInFlight());
        state.cropResizer.resize(frame.data(), frame.layout(), box.x(), box.y(), box.width(), box.height(), crop,
                resize.width(), resize.height());
        if (!infer(frame, crop)) {
            return false;
        }
        inferences.incrementAndGet();
        return true;
    }

    @Override
    protected void apply(BufferFrame frame, InferenceResults results) throws Throwable {
        ClassifyState state = state();
        ClassifyState.Plan plan = state.oldestPlan(frame.index());
        if (plan == null) {
            throw new IllegalStateException("results of frame " + frame.index() + " came without its regions");
        }
        if (plan.next == 0) {
            frame.writableForMetadata();
            prepareAttaching(state, frame, plan);
        }
        int at = plan.next++;
        long region = plan.metas[plan.inferred[at]];
        if (state.converter == null) {
            attachRaw(state, frame, region, results.output(state.output)
                    .asSlice(results.slot() * state.outputBytes, state.outputBytes));
        } else {
            Classification result = state.converter.convert(results.output(state.output), results.slot());
            attach(state, frame, region, result);
            if (plan.inferredTracks[at] > 0) {
                state.lastResults.put(plan.inferredTracks[at], result);
            }
        }
        if (plan.next == plan.inferredCount) {
            state.done();
        }
    }

    /**
     * A frame not inferred: its regions take their tracks' last results (a frame that skipped
     * submission altogether, inference-interval, has no plan and passes as it is).
     */
    @Override
    protected void passed(BufferFrame frame) throws Throwable {
        ClassifyState state = state();
        ClassifyState.Plan plan = state.oldestPlan(frame.index());
        if (plan == null) {
            return;
        }
        if (plan.carriedCount > 0) {
            frame.writableForMetadata();
            prepareAttaching(state, frame, plan);
        }
        state.done();
    }

    /**
     * On the writable frame: where each region's meta is (found once, not once per result), and the
     * carried results attached.
     */
    private void prepareAttaching(ClassifyState state, BufferFrame frame, ClassifyState.Plan plan) {
        if (!state.selection.fullFrame()) {
            RoiMeta.metaAddresses(frame.buffer(), plan.metas);
        }
        for (int i = 0; i < plan.carriedCount; i++) {
            Classification last = state.lastResults.get(plan.carriedTracks[i]);
            if (last != null) {
                attach(state, frame, plan.metas[plan.carried[i]], last);
            }
        }
    }

    /** Attaches a raw tensor to the region whose meta is at {@code region}, or to the frame. */
    private void attachRaw(ClassifyState state, BufferFrame frame, long region, MemorySegment values) {
        if (state.selection.fullFrame()) {
            TensorMeta.addRawTensor(frame.buffer(), state.attribute, state.outputName, values, state.rawDims);
        } else {
            RoiMeta.addRawTensor(region, state.attribute, state.outputName, values, state.rawDims);
        }
    }

    /** Attaches a classification to the region whose meta is at {@code region}, or to the frame. */
    private void attach(ClassifyState state, BufferFrame frame, long region, Classification result) {
        MemorySegment label = state.label(result.label());
        if (state.selection.fullFrame()) {
            TensorMeta.addAttribute(frame.buffer(), state.attribute, label, result.labelId(), result.confidence(),
                    state.modelName);
        } else {
            RoiMeta.addAttribute(region, state.attribute, label, result.labelId(), result.confidence(),
                    state.modelName);
        }
    }
}
