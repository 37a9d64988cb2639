package org.ovgst.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovgst.tensor.ElementType;

/**
 * Checks every {@link IrModels} model with OpenVINO's own Python API from the project venv: it must
 * read and compile on CPU, keep its tensor names, and compute what its documentation says.
 * One Python process serves all cases, since importing OpenVINO costs about a second.
 */
class IrModelsTest {
    /**
     * The Python side: one {@code check(xml, feeds, expected, declared, unreshapable)} call per
     * line, answered by "ok" or the error on one line.
     */
    private static final String CHECKER = """
            import sys, traceback
            import numpy as np, openvino as ov
            core = ov.Core()

            def ramp(shape, dtype):
                # distinct small values, negative ones too where the type has them; alternating for bool
                dtype = np.dtype(dtype)
                n = int(np.prod(shape))
                values = np.arange(n) % 2 if dtype == np.bool_ else np.arange(n) - (n // 2 if dtype.kind in 'if' else 0)
                return values.astype(dtype).reshape(shape)

            def names(ports):
                return [sorted(port.names) for port in ports]

            def check(xml, feeds, expected, declared={}, unreshapable={}):
                model = core.read_model(xml)
                for name, shape in declared.items():
                    actual = str(model.input(name).partial_shape)
                    assert actual == shape, f'input {name} is declared {actual}, not {shape}'
                for name, shape in unreshapable.items():
                    try:
                        core.read_model(xml).reshape({name: shape})
                    except RuntimeError:
                        continue
                    raise AssertionError(f'reshaping {name} to {shape} did not fail')
                compiled = core.compile_model(model, 'CPU')
                for feed in feeds if isinstance(feeds, list) else [feeds]:
                    want = expected(**feed)
                    assert names(compiled.inputs) == [[n] for n in feed], f'inputs {names(compiled.inputs)}'
                    assert names(compiled.outputs) == [[n] for n in want], f'outputs {names(compiled.outputs)}'
                    results = compiled(feed)
                    for name, value in want.items():
                        got = results[compiled.output(name)]
                        assert got.dtype == value.dtype and got.shape == value.shape and np.array_equal(got, value), \\
                            f'{name}: got {got!r}, expected {value!r}'

            for line in sys.stdin:
                try:
                    exec(line)
                    print('ok', flush=True)
                except Exception:
                    print(traceback.format_exc().strip().replace('\\n', ' | '), flush=True)
            """;

    /** The types identity and increment are checked in: every one that NumPy also has. */
    private static final List<ElementType> TYPES = List.of(
            ElementType.F16, ElementType.F32, ElementType.F64,
            ElementType.I8, ElementType.I16, ElementType.I32, ElementType.I64,
            ElementType.U8, ElementType.U16, ElementType.U32, ElementType.U64, ElementType.BOOLEAN);

    @TempDir
    static Path modelDir;
    private static Process python;
    private static Path pythonErrors;
    private static Writer toPython;
    private static BufferedReader fromPython;

    /** A model and the check(..) arguments after the xml path. */
    record Case(String label, Function<Path, Path> model, String checkArguments) {
        @Override
        public String toString() {
            return label;
        }
    }

    static List<Case> models() {
        List<Case> cases = new ArrayList<>();
        for (ElementType type : TYPES) {
            String feed = "{'x': ramp((2, 3), '" + numpyName(type) + "')}";
            cases.add(new Case("identity " + type, dir -> IrModels.identity(dir, type, 2, 3),
                    feed + ", lambda x: {'y': x}"));
            cases.add(new Case("increment " + type, dir -> IrModels.increment(dir, type, 2, 3),
                    feed + (type == ElementType.BOOLEAN ? ", lambda x: {'y': ~x}" : ", lambda x: {'y': x + 1}")));
        }
        cases.add(new Case("increment of a scalar", dir -> IrModels.increment(dir, ElementType.I32),
                "{'x': np.array(41, np.int32)}, lambda x: {'y': np.array(42, np.int32)}"));
        cases.add(new Case("scaleOffset", dir -> IrModels.scaleOffset(dir, 2.5f, -0.5f, 2, 3),
                "{'x': ramp((2, 3), 'float32')}, lambda x: {'y': x * 2.5 - 0.5}"));
        cases.add(new Case("resize up 2x", dir -> IrModels.resize(dir, 2, 2, 3, 4, 6),
                "{'x': ramp((1, 2, 2, 3), 'float32')}, lambda x: {'y': x.repeat(2, axis=2).repeat(2, axis=3)}"));
        cases.add(new Case("resize down 2x", dir -> IrModels.resize(dir, 3, 4, 6, 2, 3),
                "{'x': ramp((1, 3, 4, 6), 'float32')}, lambda x: {'y': x[:, :, ::2, ::2]}"));
        cases.add(new Case("twoInTwoOut", dir -> IrModels.twoInTwoOut(dir, 2, 3),
                "{'a': ramp((2, 3), 'float32'), 'b': ramp((2, 3), 'float32')[::-1] * 3},"
                        + " lambda a, b: {'sum': a + b, 'product': a * b}"));
        cases.add(new Case("dynamic", IrModels::dynamic,
                "[{'x': ramp((2, 3), 'float32')}, {'x': ramp((5, 1), 'float32')}],"
                        + " lambda x: {'y': x * 2 + 1}, {'x': '[?,?]'}"));
        cases.add(new Case("dynamicBatch", dir -> IrModels.dynamicBatch(dir, 3, 4, 5),
                "[{'x': ramp((1, 3, 4, 5), 'float32')}, {'x': ramp((4, 3, 4, 5), 'float32')}],"
                        + " lambda x: {'y': x * 3}, {'x': '[?,3,4,5]'}, {'x': [2, 3, 4, 6]}"));
        return cases;
    }

    @BeforeAll
    static void startPython() throws IOException {
        pythonErrors = modelDir.resolve("python-stderr.txt");
        python = VenvPython.command(CHECKER).redirectError(pythonErrors.toFile()).start();
        toPython = python.outputWriter(StandardCharsets.UTF_8);
        fromPython = python.inputReader(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stopPython() throws IOException, InterruptedException {
        if (python != null) {
            toPython.close();
            if (!python.waitFor(10, TimeUnit.SECONDS)) {
                python.destroyForcibly();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void openVinoComputesWhatTheModelDocumentationSays(Case modelCase) throws IOException {
        Path xml = modelCase.model().apply(modelDir);
        toPython.write("check(" + pythonString(xml) + ", " + modelCase.checkArguments() + ")\n");
        toPython.flush();
        String answer = fromPython.readLine();
        if (answer == null) {
            fail("Python exited: " + Files.readString(pythonErrors));
        }
        assertEquals("ok", answer, xml.getFileName().toString());
    }

    private static String numpyName(ElementType type) {
        return switch (type) {
            case BOOLEAN -> "bool";
            case F16, F32, F64 -> "float" + type.bits();
            default -> (type.shortName().startsWith("u") ? "uint" : "int") + type.bits();
        };
    }

    private static String pythonString(Path path) {
        return "'" + path.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
