package org.ovgst.infer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.infer.model.ModelMetadata.ImageSize;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.VenvPython;

class ModelMetadataTest {
    /** Python's reading of class names: a dict {index: name} (Ultralytics), gaps left empty, or a list (YOLOv5). */
    static final String PYTHON_LABELS_OF = """
            def labels_of(names):
                if isinstance(names, dict):
                    return [names.get(i, '') for i in range(max(names, default=-1) + 1)]
                return list(names)
            """;

    /**
     * Writes the test models into argv[1]: ONNX files encoded by hand (the venv has no onnx package),
     * each checked with OpenVINO, which must read it as a model and find its metadata_props under
     * rt_info "framework" after ov.convert_model; and IR files saved by OpenVINO's Python API. For each
     * label-carrying value it writes the labels Python itself reads to {@code <fixture>.<key>.txt}, one
     * a line: the oracle. argv[2] and argv[3] are the real 320n.onnx and centerface.onnx, argv[4] the
     * real face_detection.xml. ASCII only: argv is the way in.
     */
    private static final String FIXTURES = PYTHON_LABELS_OF + """
            import ast, os, sys
            import numpy as np, openvino as ov, openvino.opset13 as ops

            out, real_320n, real_centerface, real_face_ir = sys.argv[1:5]
            core = ov.Core()

            def varint(n):
                out = bytearray()
                while True:
                    out.append(n & 0x7F | (0x80 if n > 0x7F else 0))
                    n >>= 7
                    if not n:
                        return bytes(out)

            def tag(number, wire_type):
                return varint(number << 3 | wire_type)

            def integer(number, n):
                return tag(number, 0) + varint(n)

            def message(number, payload):
                payload = payload.encode() if isinstance(payload, str) else payload
                return tag(number, 2) + varint(len(payload)) + payload

            def metadata_props(metadata):  # ModelProto field 14: StringStringEntryProto {1: key, 2: value}
                return b''.join(message(14, message(1, k) + message(2, v)) for k, v in metadata.items())

            def float_vector(name):  # ValueInfoProto {1: name, 2: TypeProto {1: Tensor {1: FLOAT, 2: shape [1]}}}
                shape = message(2, message(1, integer(1, 1)))
                return message(1, name) + message(2, message(1, integer(1, 1) + shape))

            def onnx_model(metadata):  # y = Identity(x): ir_version 8, opset 13
                node = message(1, 'x') + message(2, 'y') + message(4, 'Identity')
                graph = message(1, node) + message(2, 'g') + message(11, float_vector('x')) + message(12, float_vector('y'))
                return integer(1, 8) + message(8, integer(2, 13)) + message(7, graph) + metadata_props(metadata)

            def write_onnx(name, metadata):
                path = os.path.join(out, name)
                with open(path, 'wb') as f:
                    f.write(onnx_model(metadata))
                core.read_model(path)
                converted = ov.convert_model(path)
                kept = {k: converted.get_rt_info(['framework', k]).astype(str) for k in metadata}
                assert kept == metadata, f'{name}: OpenVINO reads the metadata as {kept}'
                assert metadata or not converted.has_rt_info(['framework']), f'{name}: OpenVINO finds metadata'
                return path

            def oracle(fixture, key, labels):
                with open(os.path.join(out, f'{fixture}.{key}.txt'), 'w', encoding='utf-8', newline='') as f:
                    f.write(''.join(label + chr(10) for label in labels))

            def tiny_model():
                x = ops.parameter([1, 3], np.float32, name='x')
                return ov.Model([ops.relu(x)], [x], 'tiny')

            # Ultralytics' export metadata: str() of each value, so Python picks quotes and escapes.
            awkward = {0: 'person', 1: "it's", 2: 'say "hi"', 3: 'both ' + chr(39) + ' and "', 4: 'a, b: {c}',
                       5: 'traffic light', 8: 'back' + chr(92) + 'slash', 9: 'caf' + chr(0xE9) + ' ' + chr(0x4E2D),
                       10: chr(7) + 'bell'}
            ultralytics = {'description': 'Ultralytics YOLOv8n model trained on coco.yaml', 'author': 'Ultralytics',
                           'date': '2024-06-29T12:33:11.874221', 'version': '8.2.46',
                           'license': 'AGPL-3.0 License (https://ultralytics.com/license)',
                           'docs': 'https://docs.ultralytics.com', 'stride': '32', 'task': 'detect', 'batch': '1',
                           'imgsz': '[480, 640]', 'names': str(awkward), 'args': str({'batch': 1, 'half': False}),
                           'channels': '3'}
            ultralytics_onnx = write_onnx('ultralytics.onnx', ultralytics)
            oracle('ultralytics.onnx', 'names', labels_of(ast.literal_eval(ultralytics['names'])))

            # Written by hand rather than by repr: spaces, double quotes, escapes, a trailing comma.
            handwritten = '{ 0 : "a \\\\"quoted\\\\" name" ,2:"tab' + chr(92) + 't, comma",  }'
            write_onnx('handwritten.onnx', {'names': handwritten})
            oracle('handwritten.onnx', 'names', labels_of(ast.literal_eval(handwritten)))

            yolov5 = {'stride': '32', 'names': str(['person', "it's", 'x'])}
            write_onnx('yolov5.onnx', yolov5)
            oracle('yolov5.onnx', 'names', labels_of(ast.literal_eval(yolov5['names'])))

            # OpenVINO Model API keys in ONNX, beside Ultralytics' names.
            model_api = {'model_info model_type': 'ssd', 'model_info labels': 'cat dog  bird', 'names': "{0: 'x'}"}
            write_onnx('model-api.onnx', model_api)
            oracle('model-api.onnx', 'model_info_labels', model_api['model_info labels'].split())
            oracle('model-api.onnx', 'names', labels_of(ast.literal_eval(model_api['names'])))

            write_onnx('no-metadata.onnx', {})

            # A graph field of 3 GiB (a sparse file) before the metadata: readable only by skipping it.
            huge_graph = 3 << 30
            with open(os.path.join(out, 'huge.onnx'), 'wb') as f:
                f.write(integer(1, 8) + tag(7, 2) + varint(huge_graph))
                f.seek(huge_graph, os.SEEK_CUR)
                f.write(metadata_props({'names': "{0: 'after the graph'}"}))

            # model_info/labels as the Model API writes it.
            model = tiny_model()
            model.set_rt_info('person car  bike', ['model_info', 'labels'])
            model.set_rt_info('ssd', ['model_info', 'model_type'])
            ov.save_model(model, os.path.join(out, 'model-api.xml'))
            read_back = core.read_model(os.path.join(out, 'model-api.xml'))
            oracle('model-api.xml', 'model_info_labels', read_back.get_rt_info(['model_info', 'labels']).astype(str).split())

            # What Ultralytics' OpenVINO export (exporter.py, export_openvino) sets before ov.save_model.
            names = {0: 'person', 1: 'traffic light', 2: "it's"}
            model = tiny_model()
            model.set_rt_info('YOLO', ['model_info', 'model_type'])
            model.set_rt_info(True, ['model_info', 'reverse_input_channels'])
            model.set_rt_info(114, ['model_info', 'pad_value'])
            model.set_rt_info([255.0], ['model_info', 'scale_values'])
            model.set_rt_info(0.7, ['model_info', 'iou_threshold'])
            model.set_rt_info([v.replace(' ', '_') for v in names.values()], ['model_info', 'labels'])
            model.set_rt_info('fit_to_window_letterbox', ['model_info', 'resize_type'])
            ov.save_model(model, os.path.join(out, 'ultralytics-export.xml'))
            read_back = core.read_model(os.path.join(out, 'ultralytics-export.xml'))
            oracle('ultralytics-export.xml', 'model_info_labels',
                   read_back.get_rt_info(['model_info', 'labels']).astype(str).split())

            # An Ultralytics ONNX file converted to IR: its metadata_props move under rt_info "framework".
            ov.save_model(ov.convert_model(ultralytics_onnx), os.path.join(out, 'converted.xml'))
            read_back = core.read_model(os.path.join(out, 'converted.xml'))
            oracle('converted.xml', 'names', labels_of(ast.literal_eval(
                read_back.get_rt_info(['framework', 'names']).astype(str))))

            ov.save_model(tiny_model(), os.path.join(out, 'plain.xml'))
            for ir in (os.path.join(out, 'plain.xml'), real_face_ir):
                model = core.read_model(ir)
                assert not model.has_rt_info(['model_info']) and not model.has_rt_info(['framework']), ir

            # The real models: NudeNet's YOLOv8n carries Ultralytics' metadata; CenterFace none.
            converted = ov.convert_model(real_320n)
            oracle('320n.onnx', 'names', labels_of(ast.literal_eval(converted.get_rt_info(['framework', 'names']).astype(str))))
            assert converted.get_rt_info(['framework', 'imgsz']).astype(str) == '[320, 320]'
            assert not ov.convert_model(real_centerface).has_rt_info(['framework'])
            """;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeFixtures() throws IOException, InterruptedException {
        VenvPython.run(FIXTURES, dir.toString(), TestAssets.model("320n.onnx").toString(),
                TestAssets.model("centerface.onnx").toString(), TestAssets.model("face_detection.xml").toString());
    }

    /** The labels Python read from fixture's value for {@code key}. */
    private static List<String> pythonReads(String fixture, String key) throws IOException {
        return Files.readAllLines(dir.resolve(fixture + "." + key.replace(' ', '_') + ".txt"), StandardCharsets.UTF_8);
    }

    @Test
    void readsUltralyticsNamesWithQuotesCommasSpacesAndGapsAndItsImageSize() throws IOException {
        List<String> expected = pythonReads("ultralytics.onnx", "names");
        assertEquals(11, expected.size(), "the oracle: classes 0 to 10");
        assertEquals(List.of("", ""), expected.subList(6, 8), "the oracle: classes 6 and 7 have no name");

        ModelMetadata metadata = ModelMetadata.read(dir.resolve("ultralytics.onnx"));
        assertEquals(expected, metadata.labels());
        assertEquals(Optional.of(new ImageSize(640, 480)), metadata.inputSize(), "imgsz is [height, width]");
        assertEquals("detect", metadata.task());
        assertNull(metadata.modelType());
        assertEquals("ONNX metadata_props 'names', 'imgsz', 'task'", metadata.source());
    }

    @Test
    void readsNamesWrittenByHandAndAsAList() throws IOException {
        List<String> handwritten = pythonReads("handwritten.onnx", "names");
        assertEquals(3, handwritten.size());
        assertEquals(handwritten, ModelMetadata.read(dir.resolve("handwritten.onnx")).labels());

        List<String> list = pythonReads("yolov5.onnx", "names");
        assertEquals(3, list.size());
        ModelMetadata yolov5 = ModelMetadata.read(dir.resolve("yolov5.onnx"));
        assertEquals(list, yolov5.labels());
        assertEquals(Optional.empty(), yolov5.inputSize());
    }

    @Test
    void modelApiLabelsWinOverUltralyticsNames() throws IOException {
        List<String> modelApi = pythonReads("model-api.onnx", "model_info labels");
        assertNotEquals(pythonReads("model-api.onnx", "names"), modelApi);

        ModelMetadata metadata = ModelMetadata.read(dir.resolve("model-api.onnx"));
        assertEquals(modelApi, metadata.labels());
        assertEquals("ssd", metadata.modelType());
        assertEquals("ONNX metadata_props 'model_info labels', 'model_info model_type'", metadata.source());
    }

    @Test
    void anOnnxModelWithoutMetadataSaysNothing() throws IOException {
        assertEquals(ModelMetadata.NONE, ModelMetadata.read(dir.resolve("no-metadata.onnx")));
        assertTrue(ModelMetadata.NONE.isEmpty());
    }

    @Test
    void skipsAGraphTooLargeToLoadToReachTheMetadataAfterIt() throws IOException {
        Path huge = dir.resolve("huge.onnx");
        assertTrue(Files.size(huge) > 3L << 30, "a graph larger than any Java array");
        assertEquals(List.of("after the graph"), ModelMetadata.read(huge).labels());
    }

    @Test
    void readsModelInfoLabelsSavedByOpenVino() throws IOException {
        List<String> expected = pythonReads("model-api.xml", "model_info labels");
        assertEquals(3, expected.size());

        ModelMetadata metadata = ModelMetadata.read(dir.resolve("model-api.xml"));
        assertEquals(expected, metadata.labels());
        assertEquals("ssd", metadata.modelType());
        assertEquals("IR rt_info model_info/labels, model_info/model_type", metadata.source());
    }

    @Test
    void readsWhatUltralyticsOpenVinoExportWrites() throws IOException {
        List<String> expected = pythonReads("ultralytics-export.xml", "model_info labels");
        assertEquals(3, expected.size());

        ModelMetadata metadata = ModelMetadata.read(dir.resolve("ultralytics-export.xml"));
        assertEquals(expected, metadata.labels());
        assertEquals("YOLO", metadata.modelType());
    }

    @Test
    void readsUltralyticsMetadataThatOpenVinoKeptUnderFramework() throws IOException {
        List<String> expected = pythonReads("converted.xml", "names");
        assertEquals(pythonReads("ultralytics.onnx", "names"), expected, "the conversion kept the names");

        ModelMetadata metadata = ModelMetadata.read(dir.resolve("converted.xml"));
        assertEquals(expected, metadata.labels());
        assertEquals(Optional.of(new ImageSize(640, 480)), metadata.inputSize());
        assertEquals("detect", metadata.task());
        assertEquals("IR rt_info framework/names, framework/imgsz, framework/task", metadata.source());
    }

    @Test
    void irModelsWithoutModelInfoSayNothing() throws IOException {
        assertEquals(ModelMetadata.NONE, ModelMetadata.read(dir.resolve("plain.xml")));
        assertEquals(ModelMetadata.NONE, ModelMetadata.read(TestAssets.model("face_detection.xml")));
    }

    @Test
    void nudeNetsOnnxFileCarriesItsLabelsAndTrainedSize() throws IOException {
        List<String> expected = pythonReads("320n.onnx", "names");
        assertEquals(18, expected.size());
        assertEquals(Files.readAllLines(TestAssets.model("320n_labels.txt")), expected,
                "the labels set-up took from nudenet.py");

        ModelMetadata metadata = ModelMetadata.read(TestAssets.model("320n.onnx"));
        assertEquals(expected, metadata.labels());
        assertEquals(Optional.of(new ImageSize(320, 320)), metadata.inputSize());
        assertEquals("detect", metadata.task());
    }

    @Test
    void otherRealModelsSayNothing() throws IOException {
        assertEquals(ModelMetadata.NONE, ModelMetadata.read(TestAssets.model("centerface.onnx")));
        assertEquals(ModelMetadata.NONE, ModelMetadata.read(TestAssets.model("face_detection_short_range.tflite")));
    }

    @Test
    void aTruncatedOnnxFileIsNamedAsSuch() throws IOException {
        byte[] model = Files.readAllBytes(TestAssets.model("320n.onnx"));
        Path inGraph = Files.write(dir.resolve("cut-in-graph.onnx"), Arrays.copyOf(model, 1000));
        IOException e = assertThrows(IOException.class, () -> ModelMetadata.read(inGraph));
        assertEquals(inGraph + ": not a valid ONNX model: field 7 at byte 18 declares 12149396 bytes, but only 977"
                + " remain (is the file truncated?)", e.getMessage());

        Path inMetadata = Files.write(dir.resolve("cut-in-metadata.onnx"), Arrays.copyOf(model, model.length - 100));
        e = assertThrows(IOException.class, () -> ModelMetadata.read(inMetadata));
        assertTrue(e.getMessage().startsWith(inMetadata + ": not a valid ONNX model: field 14 at byte "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" remain (is the file truncated?)"), e.getMessage());
    }

    @Test
    void filesThatAreNoOnnxModelsAreRefused() throws IOException {
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        IOException e = assertThrows(IOException.class, () -> ModelMetadata.read(empty));
        assertEquals(empty + ": not a valid ONNX model: it has no graph (ModelProto field 7)", e.getMessage());

        Path image = Files.copy(TestAssets.image("astronaut.png"), dir.resolve("astronaut.onnx"));
        e = assertThrows(IOException.class, () -> ModelMetadata.read(image));
        assertTrue(e.getMessage().startsWith(image + ": not a valid ONNX model: "), e.getMessage());

        Path text = Files.writeString(dir.resolve("text.onnx"), "{\"names\": [\"person\"]}\n");
        e = assertThrows(IOException.class, () -> ModelMetadata.read(text));
        assertTrue(e.getMessage().startsWith(text + ": not a valid ONNX model: "), e.getMessage());
    }

    @Test
    void namesThatAreNoPythonLiteralAreRefusedWithTheKey() throws IOException {
        byte[] model = Files.readAllBytes(TestAssets.model("320n.onnx"));
        int names = indexOf(model, "{0: 'FEMALE_GENITALIA_COVERED'".getBytes(StandardCharsets.US_ASCII));
        model[names] = '<'; // same length, so the file stays well-formed protobuf
        Path broken = Files.write(dir.resolve("broken-names.onnx"), model);
        IOException e = assertThrows(IOException.class, () -> ModelMetadata.read(broken));
        assertTrue(e.getMessage().startsWith(broken + ": ONNX metadata_props 'names' is not a Python dict or list"
                + " of class names: expected a dict '{' or a list '[' at character 1 of <0: 'FEMALE"), e.getMessage());
    }

    @Test
    void xmlFilesThatAreNoIrModelsAreRefused() throws IOException {
        Path html = Files.writeString(dir.resolve("page.xml"), "<html><body/></html>");
        IOException e = assertThrows(IOException.class, () -> ModelMetadata.read(html));
        assertEquals(html + ": not an OpenVINO IR model: its root element is <html>, not <net>", e.getMessage());

        Path cut = Files.writeString(dir.resolve("cut.xml"), "<net><layers><layer id=\"0\"></layers>");
        e = assertThrows(IOException.class, () -> ModelMetadata.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": not a well-formed OpenVINO IR model: "), e.getMessage());
    }

    @Test
    @Timeout(10)
    void aFifoOrADeviceIsRefusedWithoutReadingIt() throws Exception {
        Path fifo = dir.resolve("fifo.onnx");
        TestAssets.fifo(fifo);
        // Opening a FIFO nobody writes to would wait forever: the @Timeout catches a regression.
        IOException e = assertThrows(IOException.class, () -> ModelMetadata.read(fifo));
        assertEquals(fifo + ": model file is not a regular file (a FIFO): give a model file", e.getMessage());
        e = assertThrows(IOException.class, () -> KnownModels.identify(fifo));
        assertEquals(fifo + ": model file is not a regular file (a FIFO): give a model file", e.getMessage());
    }

    /** Metadata entries of 9 MiB each: the second takes the metadata past what is read into memory. */
    @Test
    void metadataLargerThanTheLimitIsRefused() throws IOException {
        ByteArrayOutputStream onnx = new ByteArrayOutputStream();
        onnx.write(new byte[] {7 << 3 | 2, 0}); // an empty graph
        byte[] value = new byte[9 << 20];
        Arrays.fill(value, (byte) 'a');
        for (String key : new String[] {"one", "two"}) {
            ByteArrayOutputStream entry = new ByteArrayOutputStream();
            entry.write(1 << 3 | 2);
            entry.write(key.length());
            entry.writeBytes(key.getBytes(StandardCharsets.US_ASCII));
            entry.write(2 << 3 | 2);
            writeVarint(entry, value.length);
            entry.writeBytes(value);
            onnx.write(14 << 3 | 2);
            writeVarint(onnx, entry.size());
            entry.writeTo(onnx);
        }
        Path big = Files.write(dir.resolve("big-metadata.onnx"), onnx.toByteArray());
        IOException e = assertThrows(IOException.class, () -> ModelMetadata.read(big));
        assertTrue(e.getMessage().startsWith(big + ": not a valid ONNX model: its metadata_props take more than"
                + " 16777216 bytes (at the entry at byte "), e.getMessage());
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while (value > 0x7F) {
            out.write((int) (value & 0x7F | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i <= data.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
