package org.ovgst.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ovgst.openvino.CompiledModel;
import org.ovgst.openvino.Core;
import org.ovgst.openvino.InferRequest;
import org.ovgst.openvino.Model;
import org.ovgst.openvino.Tensor;
import org.ovgst.tensor.PortInfo;

/**
 * {@code ovgst infer}: tensor-level inference from the command line, to check any model against
 * the binding. Inputs come from and outputs go to NumPy {@code .npy} files.
 */
final class InferCommand {
    static final String HELP = """
            usage: ./ovgst infer --model FILE [--device DEVICE] [--config KEY=VALUE ...] --list
                   ./ovgst infer --model FILE [--device DEVICE] [--config KEY=VALUE ...]
                                 --input NAME=FILE.npy [--input ...] --output-dir DIR

              --model FILE        IR .xml (with its .bin), ONNX, TFLite or PaddlePaddle model
              --device DEVICE     OpenVINO device (default CPU)
              --config KEY=VALUE  compile property, e.g. PERFORMANCE_HINT=LATENCY (repeatable)
              --list              print each input and output: name, element type, shape
              --input NAME=FILE   a .npy file for the model input NAME (one per input)
              --output-dir DIR    where each output is written as DIR/<output name>.npy""";

    private Path model;
    private String device = "CPU";
    private final Map<String, String> config = new LinkedHashMap<>();
    private final Map<String, Path> inputs = new LinkedHashMap<>();
    private Path outputDir;
    private boolean list;

    private InferCommand() {}

    static int run(String[] args, PrintStream out) throws IOException {
        InferCommand command = new InferCommand();
        if (!command.parse(args)) {
            out.println(HELP);
            return 0;
        }
        return command.execute(out);
    }

    /** Returns false when help was asked for. */
    private boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--help", "-h" -> {
                    return false;
                }
                case "--list" -> list = true;
                case "--model" -> model = Path.of(value(args, ++i, option));
                case "--device" -> device = value(args, ++i, option);
                case "--output-dir" -> outputDir = Path.of(value(args, ++i, option));
                case "--config" -> {
                    String[] pair = keyValue(value(args, ++i, option), option, "KEY=VALUE");
                    config.put(pair[0], pair[1]);
                }
                case "--input" -> {
                    String[] pair = keyValue(value(args, ++i, option), option, "NAME=FILE.npy");
                    if (inputs.put(pair[0], Path.of(pair[1])) != null) {
                        throw new UsageException("input '" + pair[0] + "' is given twice");
                    }
                }
                default -> throw new UsageException("unknown option '" + option + "'.\n" + HELP);
            }
        }
        if (model == null) {
            throw new UsageException("--model FILE is required.\n" + HELP);
        }
        if (!list && (inputs.isEmpty() || outputDir == null)) {
            throw new UsageException("give --list, or --input NAME=FILE.npy for each input and --output-dir DIR.\n"
                    + HELP);
        }
        return true;
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args[index];
    }

    private static String[] keyValue(String text, String option, String form) {
        int equals = text.indexOf('=');
        if (equals <= 0) {
            throw new UsageException(option + " takes " + form + ", got '" + text + "'");
        }
        return new String[] {text.substring(0, equals), text.substring(equals + 1)};
    }

    private int execute(PrintStream out) throws IOException {
        try (Core core = new Core();
                Model read = core.readModel(model);
                CompiledModel compiled = core.compile(read, device, config)) {
            if (list) {
                printPorts(out, compiled);
                return 0;
            }
            infer(out, compiled);
            return 0;
        }
    }

    private void printPorts(PrintStream out, CompiledModel compiled) {
        out.println("model   " + model);
        out.println("device  " + compiled.device() + " (optimal infer requests: "
                + compiled.optimalNumberOfInferRequests() + ")");
        for (PortInfo input : compiled.inputs()) {
            out.println("input   " + describe(input));
        }
        for (PortInfo output : compiled.outputs()) {
            out.println("output  " + describe(output));
        }
    }

    private static String describe(PortInfo port) {
        return (port.name().isEmpty() ? "#" + port.index() : port.name()) + "  " + port.elementType() + "  "
                + port.shape();
    }

    private void infer(PrintStream out, CompiledModel compiled) throws IOException {
        List<String> missing = new ArrayList<>();
        for (PortInfo input : compiled.inputs()) {
            if (!inputs.containsKey(input.name())) {
                missing.add(describe(input));
            }
        }
        for (String name : inputs.keySet()) {
            compiled.input(name);
        }
        if (!missing.isEmpty()) {
            throw new UsageException("no --input given for: " + String.join("; ", missing));
        }
        Files.createDirectories(outputDir);
        try (Arena arena = Arena.ofConfined(); InferRequest request = compiled.createInferRequest()) {
            List<Tensor> tensors = new ArrayList<>();
            try {
                for (Map.Entry<String, Path> input : inputs.entrySet()) {
                    tensors.add(inputTensor(compiled.input(input.getKey()), input.getValue(), arena));
                    request.setTensor(input.getKey(), tensors.getLast());
                }
                request.infer();
            } finally {
                tensors.forEach(Tensor::close);
            }
            for (PortInfo output : compiled.outputs()) {
                try (Tensor tensor = request.outputTensor(output.index())) {
                    Path file = outputDir.resolve(fileName(output) + ".npy");
                    long[] shape = tensor.shape();
                    Npy.write(file, tensor.elementType(), shape, tensor.data());
                    out.println("wrote " + file + "  " + tensor.elementType() + " " + Arrays.toString(shape));
                }
            }
        }
    }

    /** Wraps the .npy data as the input tensor, refusing an element type the input does not take. */
    private static Tensor inputTensor(PortInfo input, Path file, Arena arena) throws IOException {
        Npy.Array array = Npy.read(file, arena);
        if (array.type() != input.elementType()) {
            throw new IllegalArgumentException(file + " holds " + array.type() + " but input '" + input.name()
                    + "' takes " + input.elementType() + " " + input.shape() + "; save the array with that dtype");
        }
        return Tensor.wrap(array.type(), array.shape(), array.data());
    }

    /** The output's name with every character outside {@code [A-Za-z0-9._-]} made {@code _}. */
    static String fileName(PortInfo output) {
        String name = output.name().isEmpty() ? "output" + output.index() : output.name();
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
