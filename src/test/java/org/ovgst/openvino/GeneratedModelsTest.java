package org.ovgst.openvino;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.ResizeAlgorithm;
import org.ovgst.testing.IrModels;
import org.ovgst.testing.TypedValues;

/** The binding against small IR models written by the test, whose outputs are known exactly. */
class GeneratedModelsTest {
    private static Core core;
    @TempDir
    static Path dir;

    @BeforeAll
    static void openCore() {
        core = new Core();
    }

    @AfterAll
    static void closeCore() {
        core.close();
        assertEquals(Map.of(), OpenVino.liveHandles(), "native handles left open");
    }

    /** Compiles {@code file}, sets each named input from {@code values}, infers, and returns output {@code y}. */
    private static double[] run(Path file, ElementType type, long[] shape, double[] values) {
        try (Model model = core.readModel(file);
                CompiledModel compiled = core.compile(model, "CPU");
                InferRequest request = compiled.createInferRequest();
                Tensor input = Tensor.allocate(type, shape)) {
            TypedValues.write(input.data(), type, values);
            request.setTensor("x", input);
            request.infer();
            try (Tensor output = request.tensor("y")) {
                assertEquals(type, output.elementType());
                assertArrayEquals(shape, output.shape());
                return TypedValues.read(output.data(), type);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "F64", "I8", "I16", "I32", "I64", "U8", "U16", "U32", "U64", "BOOLEAN"})
    void identityKeepsEveryValue(ElementType type) {
        double[] values = type == ElementType.BOOLEAN ? new double[] {1, 0, 0, 1, 1, 0}
                : new double[] {0, 1, 2, 100, 7, 42};
        Path file = IrModels.identity(dir, type, 2, 3);
        assertArrayEquals(values, run(file, type, new long[] {2, 3}, values));
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "F64", "I8", "I16", "I32", "I64", "U8", "U16", "U32", "U64", "BOOLEAN"})
    void incrementComputesInEachElementType(ElementType type) {
        Path file = IrModels.increment(dir, type, 4);
        if (type == ElementType.BOOLEAN) {
            assertArrayEquals(new double[] {0, 1, 0, 1}, run(file, type, new long[] {4}, new double[] {1, 0, 1, 0}));
            return;
        }
        // In range for every type: OpenVINO's CPU plugin saturates i8/u8 and computes i64 in 32 bits.
        double[] input = type == ElementType.I8 ? new double[] {-5, 0, 10, 126} : new double[] {0, 10, 200, 254};
        double[] expected = IntStream.range(0, 4).mapToDouble(i -> input[i] + 1).toArray();
        assertArrayEquals(expected, run(file, type, new long[] {4}, input));
    }

    @Test
    void scaleAndOffsetAreApplied() {
        Path file = IrModels.scaleOffset(dir, 2.5f, -1f, 1, 4);
        assertArrayEquals(new double[] {-1, 1.5, 4, -3.5},
                run(file, ElementType.F32, new long[] {1, 4}, new double[] {0, 1, 2, -1}));
    }

    @Test
    void nearestResizeReplicatesPixels() {
        Path file = IrModels.resize(dir, 1, 2, 2, 4, 4);
        try (Model model = core.readModel(file);
                CompiledModel compiled = core.compile(model, "CPU");
                InferRequest request = compiled.createInferRequest();
                Tensor input = Tensor.allocate(ElementType.F32, 1, 1, 2, 2)) {
            TypedValues.write(input.data(), ElementType.F32, 1, 2, 3, 4);
            request.setTensor("x", input);
            request.infer();
            try (Tensor output = request.tensor("y")) {
                assertArrayEquals(new long[] {1, 1, 4, 4}, output.shape());
                assertArrayEquals(new double[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
                        TypedValues.read(output.data(), ElementType.F32));
            }
        }
    }

    @Test
    void twoInputsGiveTwoOutputsByName() {
        Path file = IrModels.twoInTwoOut(dir, 3);
        try (Model model = core.readModel(file);
                CompiledModel compiled = core.compile(model, "CPU");
                InferRequest request = compiled.createInferRequest();
                Tensor a = Tensor.allocate(ElementType.F32, 3);
                Tensor b = Tensor.allocate(ElementType.F32, 3)) {
            assertEquals("[a f32 [3], b f32 [3]]", compiled.inputs().toString());
            assertEquals("[sum f32 [3], product f32 [3]]", compiled.outputs().toString());
            TypedValues.write(a.data(), ElementType.F32, 1, 2, 3);
            TypedValues.write(b.data(), ElementType.F32, 10, 20, -1);
            request.setTensor("a", a);
            request.setInputTensor(1, b);
            request.infer();
            try (Tensor sum = request.tensor("sum"); Tensor product = request.outputTensor(1)) {
                assertArrayEquals(new double[] {11, 22, 2}, TypedValues.read(sum.data(), ElementType.F32));
                assertArrayEquals(new double[] {10, 40, -3}, TypedValues.read(product.data(), ElementType.F32));
            }
        }
    }

    @Test
    void dynamicShapeModelTakesDifferentShapesPerInference() {
        try (Model model = core.readModel(IrModels.dynamic(dir));
                CompiledModel compiled = core.compile(model, "CPU");
                InferRequest request = compiled.createInferRequest()) {
            assertTrue(model.isDynamic());
            assertEquals("[x f32 [?,?]]", model.inputs().toString());
            for (long[] shape : new long[][] {{2, 3}, {4, 1}}) {
                try (Tensor input = Tensor.allocate(ElementType.F32, shape)) {
                    double[] values = IntStream.range(0, (int) (shape[0] * shape[1])).asDoubleStream().toArray();
                    TypedValues.write(input.data(), ElementType.F32, values);
                    request.setTensor("x", input);
                    request.infer();
                    try (Tensor output = request.tensor("y")) {
                        assertArrayEquals(shape, output.shape());
                        double[] expected = IntStream.range(0, values.length).mapToDouble(i -> values[i] * 2 + 1).toArray();
                        assertArrayEquals(expected, TypedValues.read(output.data(), ElementType.F32));
                    }
                }
            }
        }
    }

    @Test
    void reshapingTheBatchFixesTheShape() {
        try (Model model = core.readModel(IrModels.dynamicBatch(dir, 1, 1, 2))) {
            assertEquals("[x f32 [?,1,1,2]]", model.inputs().toString());
            model.reshape("x", PartialShape.of(3, 1, 1, 2));
            assertFalse(model.isDynamic());
            assertEquals("[y f32 [3,1,1,2]]", model.outputs().toString());
            try (CompiledModel compiled = core.compile(model, "CPU"); InferRequest request = compiled.createInferRequest()) {
                try (Tensor input = request.tensor("x")) {
                    TypedValues.write(input.data(), ElementType.F32, 1, 2, 3, 4, 5, 6);
                }
                request.infer();
                try (Tensor output = request.tensor("y")) {
                    assertArrayEquals(new double[] {3, 6, 9, 12, 15, 18}, TypedValues.read(output.data(), ElementType.F32));
                }
            }
            OpenVinoException e = org.junit.jupiter.api.Assertions.assertThrows(OpenVinoException.class,
                    () -> model.reshape("x", PartialShape.of(3, 5)));
            assertTrue(e.getMessage().contains("cannot take input 'x' with shape [3,5]"), e.getMessage());
        }
    }

    @Test
    void modelReadFromMemoryMatchesModelReadFromFile() throws IOException {
        Path file = IrModels.scaleOffset(dir, 3f, 0.5f, 2);
        byte[] xml = Files.readAllBytes(file);
        byte[] weights = Files.readAllBytes(Path.of(file.toString().replaceAll("\\.xml$", ".bin")));
        try (Arena arena = Arena.ofConfined();
                Tensor weightTensor = Tensor.wrap(ElementType.U8, new long[] {weights.length},
                        arena.allocateFrom(ValueLayout.JAVA_BYTE, weights));
                Model model = core.readModel(arena.allocateFrom(ValueLayout.JAVA_BYTE, xml), weightTensor);
                CompiledModel compiled = core.compile(model, "CPU");
                InferRequest request = compiled.createInferRequest();
                Tensor input = Tensor.allocate(ElementType.F32, 2)) {
            TypedValues.write(input.data(), ElementType.F32, 1, -2);
            request.setTensor("x", input);
            request.infer();
            try (Tensor output = request.tensor("y")) {
                assertArrayEquals(new double[] {3.5, -5.5}, TypedValues.read(output.data(), ElementType.F32));
            }
        }
    }

    /** BGR u8 pixels in NHWC reach an NCHW f32 model as RGB planes, mean-subtracted and scaled. */
    @Test
    void preprocessingConvertsTypeLayoutColorMeanAndScale() {
        Path file = IrModels.identity(dir, ElementType.F32, 1, 3, 1, 2);
        try (Arena arena = Arena.ofConfined();
                Model model = core.readModel(file);
                PrePostProcessor ppp = new PrePostProcessor(model)) {
            ppp.input("x").tensorElementType(ElementType.U8).tensorLayout("NHWC").tensorColorFormat(ColorFormat.BGR)
                    .convertElementType(ElementType.F32).convertColor(ColorFormat.RGB).mean(10f).scale(2f)
                    .modelLayout("NCHW");
            ppp.output("y").tensorElementType(ElementType.F16);
            // Two pixels: (B,G,R) = (10, 20, 30) and (50, 60, 70).
            MemorySegment pixels = arena.allocateFrom(ValueLayout.JAVA_BYTE, new byte[] {10, 20, 30, 50, 60, 70});
            try (Model processed = ppp.build();
                    CompiledModel compiled = core.compile(processed, "CPU");
                    InferRequest request = compiled.createInferRequest();
                    Tensor frame = Tensor.wrap(ElementType.U8, new long[] {1, 1, 2, 3}, pixels)) {
                assertEquals("[x u8 [1,1,2,3]]", compiled.inputs().toString());
                request.setTensor("x", frame);
                request.infer();
                try (Tensor output = request.tensor("y")) {
                    assertEquals(ElementType.F16, output.elementType());
                    // Planes R, G, B; each value (v - 10) / 2.
                    assertArrayEquals(new double[] {10, 30, 5, 25, 0, 20}, TypedValues.read(output.data(), ElementType.F16));
                }
            }
        }
    }

    /** A frame of any size is resized inside OpenVINO to the model's input. */
    @Test
    void preprocessingResizesToTheModelInput() {
        Path file = IrModels.identity(dir, ElementType.F32, 1, 2, 2, 3);
        try (Model model = core.readModel(file); PrePostProcessor ppp = new PrePostProcessor(model)) {
            ppp.input(0).tensorElementType(ElementType.U8).tensorLayout("NHWC").tensorSpatialStaticShape(6, 8)
                    .convertElementType(ElementType.F32).resize(ResizeAlgorithm.LINEAR).modelLayout("NHWC");
            try (Model processed = ppp.build();
                    CompiledModel compiled = core.compile(processed, "CPU");
                    InferRequest request = compiled.createInferRequest();
                    Tensor frame = Tensor.allocate(ElementType.U8, 1, 6, 8, 3)) {
                MemorySegment pixels = frame.data();
                for (long i = 0; i < pixels.byteSize(); i += 3) {
                    pixels.set(ValueLayout.JAVA_BYTE, i, (byte) 40);
                    pixels.set(ValueLayout.JAVA_BYTE, i + 1, (byte) 80);
                    pixels.set(ValueLayout.JAVA_BYTE, i + 2, (byte) 120);
                }
                request.setTensor("x", frame);
                request.infer();
                try (Tensor output = request.tensor("y")) {
                    assertArrayEquals(new long[] {1, 2, 2, 3}, output.shape());
                    assertArrayEquals(new double[] {40, 80, 120, 40, 80, 120, 40, 80, 120, 40, 80, 120},
                            TypedValues.read(output.data(), ElementType.F32), 1e-4);
                }
            }
        }
    }
}
