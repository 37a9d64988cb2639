package org.ovgst.infer.kserve;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.engine.BackendModel;
import org.ovgst.infer.engine.EngineSettings;
import org.ovgst.infer.engine.PreparedModel;
import org.ovgst.infer.image.Box;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.infer.model.ImageInput;
import org.ovgst.infer.preprocess.ModelInput;
import org.ovgst.tensor.Dimension;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * A served model as an engine's model instance uses it: one channel to its server, shared by every
 * request of every element of the instance; prepared for a frame layout by sizing the Java
 * pre-processing to the model's input, which a server cannot reshape.
 */
final class KServeModel implements BackendModel {
    private final KServeBackend backend;
    private final EngineSettings settings;
    private final String served;
    private final String name;
    private final KServeClient client;
    private final ServedModel model;
    private final ImageInput input;
    /** Whether requests give the server their input in shared memory: it runs on this host and can. */
    private final boolean sharesMemory;

    KServeModel(KServeBackend backend, EngineSettings settings) {
        this.backend = backend;
        this.settings = settings;
        this.served = settings.model().toString();
        this.name = "served model '" + served + "'";
        KServeClient made = backend.newClient();
        try {
            model = backend.served(made, served);
            input = ImageInput.find(model.ports().inputs(), settings.inputName(), settings.modelLayout(), name);
            sharesMemory = backend.sharedMemory() && onThisHost(backend.address())
                    && made.serverMetadata(backend.timeout()).extensions().contains("system_shared_memory");
        } catch (RuntimeException e) {
            made.close();
            throw e;
        }
        client = made;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String inputName() {
        return input.name();
    }

    @Override
    public PreparedModel prepare(FrameLayout frames) {
        PartialShape shape = input.port().shape();
        boolean nchw = input.layout().equals("NCHW");
        int batch = settings.batchSize();
        Dimension batchAxis = shape.get(0);
        if (batchAxis.isStatic() && batchAxis.size() != batch) {
            throw new InferenceException("batch-size " + batch + " is not possible with " + name + ": its input '"
                    + input.name() + "' " + shape + " takes batches of " + batchAxis.size() + " and a server cannot"
                    + " reshape it; set batch-size=" + batchAxis.size() + ", or serve the model with a variable batch"
                    + " (Triton: max_batch_size in config.pbtxt)");
        }
        int padding = settings.inputPadding();
        Dimension declaredHeight = shape.get(nchw ? 2 : 1);
        Dimension declaredWidth = shape.get(nchw ? 3 : 2);
        int[] size = settings.inputSize().resolve(declared(declaredWidth), declared(declaredHeight),
                frames.width() + 2 * padding, frames.height() + 2 * padding);
        if (declaredWidth.isStatic() && declaredWidth.size() != size[0]
                || declaredHeight.isStatic() && declaredHeight.size() != size[1]) {
            throw new InferenceException("input '" + input.name() + "' " + shape + " of " + name + " is "
                    + declaredWidth + "x" + declaredHeight + ", and a server cannot reshape it to " + size[0] + "x"
                    + size[1] + " (input size " + settings.inputSize() + "): leave reshape-width/reshape-height and"
                    + " input-resizable unset, or serve the model at that size");
        }
        InputGeometry geometry = InputGeometry.place(frames.width(), frames.height(), size[0], size[1], padding,
                settings.letterbox());
        if (geometry == null) {
            throw new InferenceException("input-padding " + padding + " leaves no room for the frame in the "
                    + size[0] + "x" + size[1] + " input of " + name + ": use a smaller input-padding");
        }
        ModelInput modelInput = new ModelInput(imageType(), nchw, size[0], size[1], input.channels(),
                settings.modelColor(), settings.normalization());
        Box crop = settings.centerCrop() == 0 ? null
                : Box.centered(0, 0, frames.width(), frames.height(), settings.centerCrop());
        long[] inputShape = nchw ? new long[] {batch, input.channels(), size[1], size[0]}
                : new long[] {batch, size[1], size[0], input.channels()};
        List<PortInfo> outputs = outputs(batch);
        if (outputs.stream().anyMatch(output -> !output.shape().isStatic())) {
            outputs = probed(outputs, inputShape, modelInput);
        }
        return new KServePrepared(this, FrameLayout.tight(frames.format(), frames.width(), frames.height()),
                modelInput, geometry, crop, settings.resize(), settings.padValue(), inputShape, outputs);
    }

    /**
     * Outputs whose size follows the input's (an image model's), as the server gives them for one
     * input of this shape: OpenVINO would know them from the reshaped model, a server tells them only
     * by answering. One inference on a blank input, when the model is prepared.
     */
    private List<PortInfo> probed(List<PortInfo> outputs, long[] inputShape, ModelInput modelInput) {
        KServeClient.InferResponse response;
        try (Arena arena = Arena.ofConfined()) {
            long elements = 1;
            for (long dimension : inputShape) {
                elements *= dimension;
            }
            MemorySegment blank = arena.allocate(elements * modelInput.type().byteSize(), 64);
            KServeTensor probe = new KServeTensor(input.name(), input.port().elementType(), inputShape, blank);
            response = client.infer(served, backend.modelVersion(), List.of(probe),
                    outputs.stream().map(PortInfo::name).toList(), backend.timeout()).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure
                    : new InferenceException("the first inference of " + name + " failed: " + e.getCause(), e);
        }
        List<PortInfo> sized = new ArrayList<>();
        for (PortInfo output : outputs) {
            KServeTensor given = response.outputs().stream().filter(tensor -> tensor.name().equals(output.name()))
                    .findFirst().orElseThrow(() -> new InferenceException(name + " did not answer with output '"
                            + output.name() + "'"));
            sized.add(new PortInfo(output.index(), output.name(), output.elementType(), PartialShape.of(given.shape())));
        }
        return sized;
    }

    /** The outputs as requests give them: float outputs as f32, a variable batch axis the batch's size. */
    private List<PortInfo> outputs(int batch) {
        List<PortInfo> outputs = new ArrayList<>();
        for (PortInfo output : model.ports().outputs()) {
            PartialShape shape = output.shape();
            if (shape.isRankStatic() && shape.rank() > 0 && !shape.get(0).isStatic() && batchedByServer()) {
                shape = shape.with(0, Dimension.of(batch));
            }
            ElementType type = KServeRequest.isFloat(output.elementType()) ? ElementType.F32 : output.elementType();
            outputs.add(new PortInfo(output.index(), output.name(), type, shape));
        }
        return outputs;
    }

    /** Whether the server batches the model itself: its input's batch axis is variable. */
    private boolean batchedByServer() {
        return !input.port().shape().get(0).isStatic();
    }

    /** The input's element type, one the pre-processing can give. */
    private ElementType imageType() {
        return switch (input.port().elementType()) {
            case F32, F16, U8 -> input.port().elementType();
            default -> throw new InferenceException("input '" + input.name() + "' of " + name + " takes "
                    + input.port().elementType() + ", which frames cannot be made into: serve a model whose image input"
                    + " is FP32, FP16 or UINT8");
        };
    }

    private static long declared(Dimension dimension) {
        return dimension.isStatic() ? dimension.size() : -1;
    }

    /** Whether {@code address}'s host is this one (a loopback address): only then is /dev/shm shared. */
    private static boolean onThisHost(String address) {
        String host = address.substring(0, address.lastIndexOf(':')).replace("[", "").replace("]", "");
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    boolean sharesMemory() {
        return sharesMemory;
    }

    KServeClient client() {
        return client;
    }

    String served() {
        return served;
    }

    KServeBackend backend() {
        return backend;
    }

    @Override
    public void close() {
        client.close();
    }
}
