package org.ovgst.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.ovgst.tensor.ElementType;

/**
 * Tiny OpenVINO IR (XML version 11 plus {@code .bin} weights) models whose outputs can be
 * computed by hand, for testing the binding against the real runtime.
 *
 * <p>Each factory writes {@code <dir>/<descriptive name>.xml} and the {@code .bin} beside it and
 * returns the {@code .xml} path. Inputs and outputs carry the tensor names given in each method's
 * documentation. A dimension of {@link #DYNAMIC} in a shape is unknown until inference.
 */
public final class IrModels {
    /** A dimension whose size is only known at inference time ({@code ?} in OpenVINO). */
    public static final long DYNAMIC = -1;

    /** NumPy-style broadcasting, which lets element-wise ops take scalar or per-pixel constants. */
    private static final Map<String, String> BROADCAST = Map.of("auto_broadcast", "numpy");

    private IrModels() {
    }

    /**
     * Input {@code x} to output {@code y}, unchanged, in {@code type} (checked for the types
     * {@link #increment} takes). A Parameter wired straight to a Result would leave the output
     * named {@code x}, so a Convert to the same type stands in between.
     */
    public static Path identity(Path dir, ElementType type, long... shape) {
        Graph graph = new Graph();
        Value x = graph.parameter("x", type, shape);
        graph.result("y", graph.op("Convert", "opset1", Map.of("destination_type", type.shortName()), x));
        return graph.write(dir, "identity-" + type + "-" + dims(shape));
    }

    /** f32 input {@code x} to output {@code y = x * scale + offset}. */
    public static Path scaleOffset(Path dir, float scale, float offset, long... shape) {
        Graph graph = new Graph();
        Value x = graph.parameter("x", ElementType.F32, shape);
        Value scaled = graph.op("Multiply", "opset1", BROADCAST, x, graph.filled(ElementType.F32, scale));
        graph.result("y", graph.op("Add", "opset1", BROADCAST, scaled, graph.filled(ElementType.F32, offset)));
        return graph.write(dir, "scale-offset-" + scale + "-" + offset + "-" + dims(shape));
    }

    /**
     * f32 NCHW input {@code x} of {@code [1, c, h, w]} resized by nearest neighbour to output
     * {@code y} of {@code [1, c, outH, outW]}. Output pixel {@code (i, j)} copies input pixel
     * {@code (floor(i * h / outH), floor(j * w / outW))}, so a 2x upscale replicates each pixel
     * into a 2x2 block.
     */
    public static Path resize(Path dir, long c, long h, long w, long outH, long outW) {
        Graph graph = new Graph();
        Value x = graph.parameter("x", ElementType.F32, 1, c, h, w);
        Value sizes = graph.i64Vector(outH, outW);
        Value axes = graph.i64Vector(2, 3);
        graph.result("y", graph.op("Interpolate", "opset11", nearest("sizes"),
                ElementType.F32, new long[] {1, c, outH, outW}, x, sizes, axes));
        return graph.write(dir, "resize-" + dims(1, c, h, w) + "-to-" + outH + "x" + outW);
    }

    /**
     * f32 NCHW input {@code x} of {@code [1, c, h, w]} (either size may be {@link #DYNAMIC}) to output
     * {@code y} of twice its size by nearest neighbour: output pixel {@code (i, j)} is input pixel
     * {@code (i / 2, j / 2)} exactly, whatever the size the model is reshaped to.
     */
    public static Path upscale2x(Path dir, long c, long h, long w) {
        Graph graph = new Graph();
        Value x = graph.parameter("x", ElementType.F32, 1, c, h, w);
        Value scales = graph.values(ElementType.F32, new long[] {2}, new double[] {2, 2});
        Value axes = graph.i64Vector(2, 3);
        graph.result("y", graph.op("Interpolate", "opset11", nearest("scales"), ElementType.F32,
                new long[] {1, c, h == DYNAMIC ? DYNAMIC : 2 * h, w == DYNAMIC ? DYNAMIC : 2 * w}, x, scales, axes));
        return graph.write(dir, "upscale2x-" + dims(1, c, h, w));
    }

    /**
     * Interpolate-11 attributes for a nearest-neighbour resize that floors (output pixel i reads input
     * pixel floor(i * in / out)), the output size given as {@code sizes} or {@code scales}.
     */
    private static Map<String, String> nearest(String shapeCalculation) {
        return Map.of(
                "mode", "nearest",
                "shape_calculation_mode", shapeCalculation,
                "coordinate_transformation_mode", "asymmetric",
                "nearest_mode", "floor",
                "antialias", "false",
                "pads_begin", "0,0,0,0",
                "pads_end", "0,0,0,0",
                "cube_coeff", "-0.75");
    }

    /**
     * f32 NCHW input {@code x} of {@code [n, 3, h, w]} to output {@code means} of {@code [n, 3]}: each
     * channel's mean, a classifier whose scores are known exactly for a crop of one color.
     */
    public static Path channelMeans(Path dir, long n, long h, long w) {
        Graph graph = new Graph();
        Value x = graph.parameter("x", ElementType.F32, n, 3, h, w);
        graph.result("means", graph.op("ReduceMean", "opset1", Map.of("keep_dims", "false"), ElementType.F32,
                new long[] {n, 3}, x, graph.i64Vector(2, 3)));
        return graph.write(dir, "channel-means-" + dims(n, 3, h, w));
    }

    /** f32 inputs {@code a} and {@code b} to outputs {@code sum = a + b} and {@code product = a * b}. */
    public static Path twoInTwoOut(Path dir, long... shape) {
        Graph graph = new Graph();
        Value a = graph.parameter("a", ElementType.F32, shape);
        Value b = graph.parameter("b", ElementType.F32, shape);
        graph.result("sum", graph.op("Add", "opset1", BROADCAST, a, b));
        graph.result("product", graph.op("Multiply", "opset1", BROADCAST, a, b));
        return graph.write(dir, "two-in-two-out-" + dims(shape));
    }

    /** f32 input {@code x} of shape {@code [?, ?]} to output {@code y = x * 2 + 1}. */
    public static Path dynamic(Path dir) {
        Graph graph = new Graph();
        Value x = graph.parameter("x", ElementType.F32, DYNAMIC, DYNAMIC);
        Value doubled = graph.op("Multiply", "opset1", BROADCAST, x, graph.filled(ElementType.F32, 2));
        graph.result("y", graph.op("Add", "opset1", BROADCAST, doubled, graph.filled(ElementType.F32, 1)));
        return graph.write(dir, "dynamic");
    }

    /**
     * f32 input {@code x} of shape {@code [?, c, h, w]} to output {@code y = x * 3}. The factor is a
     * {@code [1, c, h, w]} constant, like weights in a real network, so that a reshape whose
     * trailing dimensions do not broadcast against {@code [c, h, w]} fails.
     */
    public static Path dynamicBatch(Path dir, long c, long h, long w) {
        Graph graph = new Graph();
        Value x = graph.parameter("x", ElementType.F32, DYNAMIC, c, h, w);
        graph.result("y", graph.op("Multiply", "opset1", BROADCAST, x, graph.filled(ElementType.F32, 3, 1, c, h, w)));
        return graph.write(dir, "dynamic-batch-" + dims(DYNAMIC, c, h, w));
    }

    /**
     * Input {@code x} to output {@code y = x + 1} in {@code type}: f16, f32, f64, i8, i16, i32,
     * i64, u8, u16, u32 or u64. For {@code boolean}, {@code y = !x} (adding 1 modulo 2), as
     * OpenVINO's Add does not take booleans. Mind the CPU plugin's arithmetic when choosing values:
     * it saturates i8 and u8 (127 + 1 = 127), computes i64 and u64 in 32 bits and f64 in f32.
     */
    public static Path increment(Path dir, ElementType type, long... shape) {
        Graph graph = new Graph();
        Value x = graph.parameter("x", type, shape);
        Value y = type == ElementType.BOOLEAN
                ? graph.op("LogicalNot", "opset1", Map.of(), x)
                : graph.op("Add", "opset1", BROADCAST, x, graph.filled(type, 1));
        graph.result("y", y);
        return graph.write(dir, "increment-" + type + "-" + dims(shape));
    }

    /**
     * One output of {@link #constantOutputs}: its tensor name, element type, shape and values in
     * row-major order (converted to {@code type}: f32, f16, i32, i64, u8, ...).
     */
    public record Constant(String name, ElementType type, long[] shape, double[] values) {
        public Constant {
            long count = LongStream.of(shape).reduce(1, Math::multiplyExact);
            if (count != values.length) {
                throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " holds " + count
                        + " values, got " + values.length);
            }
        }
    }

    /**
     * An f32 image input {@code input} of {@code inputShape}, which the model ignores, and outputs
     * that are always the given constants: a stand-in for a detector whose outputs are known exactly,
     * to test decoders through the real runtime. Writes {@code <dir>/<name>.xml}.
     */
    public static Path constantOutputs(Path dir, String name, String input, long[] inputShape,
            List<Constant> outputs) {
        Graph graph = new Graph();
        graph.parameter(input, ElementType.F32, inputShape);
        for (Constant output : outputs) {
            graph.result(output.name(), graph.values(output.type(), output.shape(), output.values()));
        }
        return graph.write(dir, name);
    }

    /** {@code 2x3}, {@code dynx3} or {@code scalar}, for a file name ({@code ?} is a shell wildcard). */
    private static String dims(long... shape) {
        return shape.length == 0 ? "scalar" : join(shape, "x", "dyn");
    }

    private static String join(long[] shape, String separator, String dynamic) {
        return LongStream.of(shape).mapToObj(size -> size == DYNAMIC ? dynamic : Long.toString(size))
                .collect(Collectors.joining(separator));
    }

    /** Output port {@code port} of layer {@code layer}, which later layers take as input. */
    private record Value(int layer, int port, ElementType type, long[] shape) {
    }

    /**
     * One IR layer. Its id is its position in the graph; it has one output unless it is a Result,
     * and {@code outputNames} collects the tensor names of that output.
     */
    private record Layer(String name, String type, String opset, Map<String, String> attributes,
                         List<Value> inputs, Value output, List<String> outputNames) {
    }

    /** Collects layers and constant data, then writes them as IR. */
    private static final class Graph {
        private final List<Layer> layers = new ArrayList<>();
        private final ByteArrayOutputStream weights = new ByteArrayOutputStream();

        Value parameter(String tensorName, ElementType type, long... shape) {
            Map<String, String> attributes = Map.of(
                    "element_type", type.shortName(),
                    "shape", join(shape, ",", "?"));
            Value x = add(tensorName, "Parameter", "opset1", attributes, List.of(), type, shape);
            layers.get(x.layer()).outputNames().add(tensorName);
            return x;
        }

        /** A constant of {@code shape} (a scalar if empty) with every element equal to {@code value}. */
        Value filled(ElementType type, double value, long... shape) {
            double[] values = new double[Math.toIntExact(LongStream.of(shape).reduce(1, Math::multiplyExact))];
            java.util.Arrays.fill(values, value);
            return values(type, shape, values);
        }

        /** A constant of {@code shape} holding {@code values} (row-major), converted to {@code type}. */
        Value values(ElementType type, long[] shape, double[] values) {
            ByteBuffer bytes = ByteBuffer.allocate(values.length * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            for (double value : values) {
                switch (type) {
                    case F16 -> bytes.putShort(Float.floatToFloat16((float) value));
                    case F32 -> bytes.putFloat((float) value);
                    case F64 -> bytes.putDouble(value);
                    case I8, U8 -> bytes.put((byte) value);
                    case I16, U16 -> bytes.putShort((short) value);
                    case I32, U32 -> bytes.putInt((int) value);
                    case I64, U64 -> bytes.putLong((long) value);
                    default -> throw new IllegalArgumentException("no numeric constants of type " + type);
                }
            }
            return constant(type, shape, bytes.array());
        }

        Value i64Vector(long... values) {
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asLongBuffer().put(values);
            return constant(ElementType.I64, new long[] {values.length}, bytes.array());
        }

        private Value constant(ElementType type, long[] shape, byte[] data) {
            Map<String, String> placement = Map.of(
                    "element_type", type.shortName(),
                    "shape", join(shape, ",", "?"),
                    "offset", Integer.toString(weights.size()),
                    "size", Integer.toString(data.length));
            weights.writeBytes(data);
            return add("Const" + layers.size(), "Const", "opset1", placement, List.of(), type, shape);
        }

        /** An element-wise operation: its output has the type and shape of its first input. */
        Value op(String type, String opset, Map<String, String> attributes, Value... inputs) {
            return op(type, opset, attributes, inputs[0].type(), inputs[0].shape(), inputs);
        }

        Value op(String type, String opset, Map<String, String> attributes,
                 ElementType outputType, long[] outputShape, Value... inputs) {
            return add(type + layers.size(), type, opset, attributes, List.of(inputs), outputType, outputShape);
        }

        /** Makes {@code value} a model output named {@code tensorName}. */
        void result(String tensorName, Value value) {
            layers.get(value.layer()).outputNames().add(tensorName);
            layers.add(new Layer("Result" + layers.size(), "Result", "opset1", Map.of(), List.of(value), null, List.of()));
        }

        private Value add(String name, String type, String opset, Map<String, String> attributes,
                          List<Value> inputs, ElementType outputType, long[] outputShape) {
            Value output = new Value(layers.size(), inputs.size(), outputType, outputShape);
            layers.add(new Layer(name, type, opset, attributes, inputs, output, new ArrayList<>()));
            return output;
        }

        Path write(Path dir, String name) {
            Path xmlFile = dir.resolve(name + ".xml");
            try {
                Files.writeString(xmlFile, xml(name), StandardCharsets.UTF_8);
                Files.write(dir.resolve(name + ".bin"), weights.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write model " + xmlFile, e);
            }
            return xmlFile;
        }

        private String xml(String name) {
            StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<net name=\"" + name + "\" version=\"11\">\n");
            StringBuilder edges = new StringBuilder();
            xml.append("  <layers>\n");
            for (int id = 0; id < layers.size(); id++) {
                Layer layer = layers.get(id);
                xml.append("    <layer id=\"").append(id).append("\" name=\"").append(layer.name())
                        .append("\" type=\"").append(layer.type()).append("\" version=\"").append(layer.opset()).append("\">\n");
                if (!layer.attributes().isEmpty()) {
                    xml.append("      <data");
                    new TreeMap<>(layer.attributes()).forEach((key, value) ->
                            xml.append(' ').append(key).append("=\"").append(value).append('"'));
                    xml.append("/>\n");
                }
                if (!layer.inputs().isEmpty()) {
                    xml.append("      <input>\n");
                    for (int port = 0; port < layer.inputs().size(); port++) {
                        Value input = layer.inputs().get(port);
                        appendPort(xml, port, input, List.of());
                        edges.append("    <edge from-layer=\"").append(input.layer()).append("\" from-port=\"").append(input.port())
                                .append("\" to-layer=\"").append(id).append("\" to-port=\"").append(port).append("\"/>\n");
                    }
                    xml.append("      </input>\n");
                }
                if (layer.output() != null) {
                    xml.append("      <output>\n");
                    appendPort(xml, layer.output().port(), layer.output(), layer.outputNames());
                    xml.append("      </output>\n");
                }
                xml.append("    </layer>\n");
            }
            return xml.append("  </layers>\n  <edges>\n").append(edges).append("  </edges>\n</net>\n").toString();
        }

        private static void appendPort(StringBuilder xml, int id, Value value, List<String> names) {
            xml.append("        <port id=\"").append(id).append("\" precision=\"").append(precision(value.type())).append('"');
            if (!names.isEmpty()) {
                xml.append(" names=\"").append(String.join(",", names)).append('"');
            }
            xml.append(">\n");
            for (long size : value.shape()) {
                xml.append("          <dim>").append(size).append("</dim>\n");
            }
            xml.append("        </port>\n");
        }
    }

    /** OpenVINO's port precision names: FP32, BOOL, U8, ... */
    private static String precision(ElementType type) {
        return switch (type) {
            case F16, F32, F64 -> "FP" + type.bits();
            case BOOLEAN -> "BOOL";
            default -> type.shortName().toUpperCase(Locale.ROOT);
        };
    }
}
