package org.ovgst.gst.elements;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ovgst.infer.classify.ClassConverter;
import org.ovgst.infer.classify.Classification;
import org.ovgst.infer.classify.CropResizer;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * What {@link OvClassify} keeps from start() to stop(): how a result is read from the model's output
 * and attached, what is classified and how regions are cut out for the model; then, while frames
 * flow, the plans of the frames in flight, each track's last result and the ring of crops. Owns the
 * native memory of its C strings and crops, freed by {@link #close}.
 */
final class ClassifyState implements InferenceElement.ElementState {
    /**
     * What is classified: the whole frame, or its regions of {@code classes} (all when empty); a
     * tracked object on one frame in {@code reclassifyInterval}.
     */
    record Selection(boolean fullFrame, Set<String> classes, int reclassifyInterval) {}

    /**
     * What the model sees of a region: resized to {@code width} x {@code height}, from its middle
     * square whose side is {@code centerCrop} of its short side (0: the whole region).
     */
    record Resize(int width, int height, double centerCrop) {}

    /**
     * One frame's regions as submitted: the regions inferred, in submission order, and those that
     * take their track's last result; then, once the frame is writable, where each region's meta is.
     * Filled on the streaming thread, used by the delivery thread, then reused for a later frame.
     */
    static final class Plan {
        long frame;
        int next;
        int inferredCount;
        int[] inferred = new int[8];
        long[] inferredTracks = new long[8];
        int carriedCount;
        int[] carried = new int[8];
        long[] carriedTracks = new long[8];
        /** The address of each region's meta on the writable frame, by region index. */
        long[] metas = new long[8];

        Plan reset(long frame, int regions) {
            this.frame = frame;
            next = 0;
            inferredCount = 0;
            carriedCount = 0;
            if (inferred.length < regions) {
                int size = Math.max(regions, 2 * inferred.length);
                inferred = new int[size];
                inferredTracks = new long[size];
                carried = new int[size];
                carriedTracks = new long[size];
                metas = new long[size];
            }
            return this;
        }

        void infer(int region, long track) {
            inferred[inferredCount] = region;
            inferredTracks[inferredCount++] = track;
        }

        void carry(int region, long track) {
            carried[carriedCount] = region;
            carriedTracks[carriedCount++] = track;
        }
    }

    /** The C strings of the metadata: the names below and the labels. */
    private final Arena strings = Arena.ofShared();
    /** The output that holds the class scores. */
    final String output;
    /** The output's name as a C string (a raw tensor's layer_name). */
    final MemorySegment outputName;
    /** Reads a label from the output; null with {@code converter=raw}. */
    final ClassConverter converter;
    /** The shape of one inference's output, attached with it ({@code converter=raw}); else null. */
    final long[] rawDims;
    /** The bytes of one inference's output. */
    final long outputBytes;
    /** The attribute's name, a C string. */
    final MemorySegment attribute;
    /** The model file's name without its extension (DL Streamer's model_name), a C string. */
    final MemorySegment modelName;
    final Selection selection;
    final Resize resize;

    /** Plans of the frames submitted and not yet delivered, oldest first; guarded by itself. */
    private final ArrayDeque<Plan> plans = new ArrayDeque<>();
    /** Plans delivered, to be filled again; guarded by {@code plans}. */
    private final ArrayDeque<Plan> sparePlans = new ArrayDeque<>();
    /** The last result of each track (delivery thread writes, any reads). */
    final Map<Long, Classification> lastResults = new ConcurrentHashMap<>();
    /** The frame index each track was last submitted on; streaming thread only. */
    final Map<Long, Long> lastSubmitted = new HashMap<>();
    /** Crops in flight, each in its own buffer of the ring; streaming thread only. */
    private MemorySegment[] crops = new MemorySegment[0];
    private int nextCrop;
    private Arena cropArena;
    final CropResizer cropResizer = new CropResizer();
    /** Labels as C strings for the metadata, made once each. */
    private final Map<String, MemorySegment> labelStrings = new ConcurrentHashMap<>();

    /**
     * @param values the values of one inference's output (every axis but the batch)
     * @param converter reads a label from the output; null attaches the output's values as they are
     */
    ClassifyState(PortInfo output, long values, ClassConverter converter, String attribute, String modelName,
            Selection selection, Resize resize) {
        this.output = output.name();
        this.outputName = strings.allocateFrom(output.name());
        this.converter = converter;
        this.rawDims = converter == null ? oneInference(output.shape()) : null;
        this.outputBytes = values * Float.BYTES;
        this.attribute = strings.allocateFrom(attribute);
        this.modelName = strings.allocateFrom(modelName);
        this.selection = selection;
        this.resize = resize;
    }

    /** One inference's shape: the batch axis is 1. */
    private static long[] oneInference(PartialShape shape) {
        long[] dims = new long[shape.rank()];
        for (int axis = 0; axis < dims.length; axis++) {
            dims[axis] = axis == 0 && dims.length > 1 ? 1 : shape.get(axis).size();
        }
        return dims;
    }

    /** A spare plan, or a new one, for a frame of {@code regions} regions. */
    Plan newPlan(long frame, int regions) {
        Plan spare;
        synchronized (plans) {
            spare = sparePlans.pollFirst();
        }
        return (spare != null ? spare : new Plan()).reset(frame, regions);
    }

    /** Queues a plan before its inferences are submitted: their results may come back at once. */
    Plan queue(Plan plan) {
        synchronized (plans) {
            plans.addLast(plan);
        }
        return plan;
    }

    /** The plan of {@code frame} when it is the oldest (the frame being delivered); else null. */
    Plan oldestPlan(long frame) {
        Plan plan;
        synchronized (plans) {
            plan = plans.peekFirst();
        }
        return plan == null || plan.frame != frame ? null : plan;
    }

    /** The oldest plan is done: it becomes a spare. */
    void done() {
        synchronized (plans) {
            sparePlans.addLast(plans.pollFirst());
        }
    }

    /** Every frame from before the flush was discarded: their plans become spares. */
    @Override
    public void flushed() {
        synchronized (plans) {
            sparePlans.addAll(plans);
            plans.clear();
        }
    }

    /**
     * The next crop buffer of the ring, for frames of {@code frames}' format: a crop stays untouched
     * until it is delivered, and no more than {@code inFlight} crops are (the element's requests
     * times the batch), so the ring has one more than that.
     */
    MemorySegment nextCrop(FrameLayout frames, int inFlight) {
        long size = (long) resize.width() * resize.height() * frames.format().pixelStride();
        int ring = inFlight + 1;
        if (crops.length != ring || crops[0].byteSize() != size) {
            if (cropArena != null) {
                cropArena.close();
            }
            cropArena = Arena.ofShared();
            crops = new MemorySegment[ring];
            for (int i = 0; i < ring; i++) {
                crops[i] = cropArena.allocate(size, 64);
            }
            nextCrop = 0;
        }
        MemorySegment crop = crops[nextCrop];
        nextCrop = (nextCrop + 1) % crops.length;
        return crop;
    }

    /** {@code label} as a C string, made once. */
    MemorySegment label(String label) {
        MemorySegment text = labelStrings.get(label);
        return text != null ? text : labelStrings.computeIfAbsent(label, strings::allocateFrom);
    }

    /** When the element stops, after the last frame was delivered: frees the C strings and the crops. */
    @Override
    public void close() {
        if (cropArena != null) {
            cropArena.close();
        }
        strings.close();
    }
}
