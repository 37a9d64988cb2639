package org.ovgst.infer.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.ovgst.tensor.PortInfo;

/**
 * What an element knows of its model when it starts, read once: the ports as the backend describes
 * them, what the model file declares of itself (labels, trained size) and whether it is a model ovgst
 * ships. The elements choose their input, outputs, labels and converter from it.
 *
 * @param name the model as messages name it (its file)
 */
public record ModelInfo(String name, List<PortInfo> inputs, List<PortInfo> outputs, ModelMetadata metadata,
        Optional<KnownModels.KnownModel> known) {
    /** Labels and where they came from, for messages; {@code source} is null when there are none. */
    public record LabelsFound(List<String> names, String source) {
        public LabelsFound {
            names = List.copyOf(names);
        }
    }

    public ModelInfo {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** The model file's own metadata and ovgst's table read beside the ports its backend described. */
    public static ModelInfo read(Path file, List<PortInfo> inputs, List<PortInfo> outputs) throws IOException {
        return new ModelInfo(file.toString(), inputs, outputs, ModelMetadata.read(file), KnownModels.identify(file));
    }

    /** A model a server serves: its ports, nothing of a file (labels come from labels-file). */
    public static ModelInfo served(String name, List<PortInfo> inputs, List<PortInfo> outputs) {
        return new ModelInfo(name, inputs, outputs, ModelMetadata.NONE, Optional.empty());
    }

    /**
     * The labels: from {@code labelsFile} (the {@code property}'s value) when given, else the model
     * file's own, else ovgst's for a model it ships, else none ({@code class N}).
     */
    public LabelsFound labels(String labelsFile, String property) throws IOException {
        if (labelsFile != null) {
            return new LabelsFound(Labels.load(Path.of(labelsFile), property), property + " " + labelsFile);
        }
        if (!metadata.labels().isEmpty()) {
            return new LabelsFound(metadata.labels(), "the model file (" + metadata.source() + ")");
        }
        if (known.isPresent()) {
            return new LabelsFound(known.get().labels(), "ovgst's labels of " + known.get().file());
        }
        return new LabelsFound(List.of(), null);
    }

    /** How a model ovgst knows was trained to take its input; empty for other models. */
    public Optional<KnownModels.InputConvention> knownInput() {
        return known.flatMap(KnownModels.KnownModel::input);
    }

    /** The size the model was trained at, as its file or ovgst's table says; empty when neither does. */
    public Optional<ModelMetadata.ImageSize> trainedSize() {
        return metadata.inputSize().or(() -> known.flatMap(KnownModels.KnownModel::trainedInputSize));
    }
}
