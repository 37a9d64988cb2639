package org.ovgst.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ovgst.infer.AnchorSsdConfig;
import org.ovgst.infer.AnchorSsdDecoder;
import org.ovgst.infer.Detection;
import org.ovgst.infer.Labels;
import org.ovgst.openvino.ColorFormat;
import org.ovgst.openvino.CompiledModel;
import org.ovgst.openvino.Core;
import org.ovgst.openvino.ElementType;
import org.ovgst.openvino.InferRequest;
import org.ovgst.openvino.Model;
import org.ovgst.openvino.OpenVino;
import org.ovgst.openvino.PrePostProcessor;
import org.ovgst.openvino.ResizeAlgorithm;
import org.ovgst.openvino.Tensor;

/**
 * {@code ovgst demo}: the face detector and the general object detector on the real photographs
 * that set-up installs, printing what each finds. Frames go in as packed BGR bytes, as GStreamer
 * delivers them; OpenVINO resizes and normalizes them.
 */
final class DemoCommand {
    private static final List<String> IMAGES = List.of("astronaut.png", "chelsea.png", "dog.jpg", "person.jpg",
            "coffee.png");

    private record Detector(String modelFile, AnchorSsdConfig config) {}

    private static final List<Detector> DETECTORS = List.of(
            new Detector("face_detection_short_range.tflite", AnchorSsdConfig.BLAZEFACE_SHORT_RANGE),
            new Detector("object_detection_ssd_mobilenetv2_oidv4_fp16.tflite",
                    AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2));

    private DemoCommand() {}

    static int run(String[] args, PrintStream out) throws IOException {
        if (args.length > 0) {
            throw new UsageException("demo takes no arguments");
        }
        Path models = Path.of(System.getProperty("ovgst.home", ".")).resolve("models");
        out.println("OpenVINO " + OpenVino.version() + " from " + OpenVino.libraryPath());
        int inferences = 0;
        long start = System.nanoTime();
        try (Core core = new Core(); Arena arena = Arena.ofConfined()) {
            for (String imageName : IMAGES) {
                BgrImage image = BgrImage.read(models.resolve("images").resolve(imageName));
                MemorySegment bgr = image.copyTo(arena);
                out.printf(Locale.ROOT, "%s (%dx%d)%n", imageName, image.width(), image.height());
                for (Detector detector : DETECTORS) {
                    for (Detection d : detect(core, models, detector, bgr, image.width(), image.height())) {
                        out.printf(Locale.ROOT, "  %-10s %.2f  x=%d y=%d w=%d h=%d%n",
                                d.label() != null ? d.label() : "face", d.confidence(),
                                Math.round(d.xMin() * image.width()), Math.round(d.yMin() * image.height()),
                                Math.round(d.width() * image.width()), Math.round(d.height() * image.height()));
                    }
                    inferences++;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "%d inferences on %d images in %.2f s (compiling included)%n", inferences,
                IMAGES.size(), seconds);
        return 0;
    }

    /** One frame through one detector, compiled for this frame size. */
    private static List<Detection> detect(Core core, Path models, Detector detector, MemorySegment bgr, int width,
            int height) {
        AnchorSsdConfig config = detector.config();
        List<String> labels = config.labelFile() == null ? List.of() : Labels.load(models.resolve(config.labelFile()));
        AnchorSsdDecoder decoder = new AnchorSsdDecoder(config, labels);
        try (Model model = core.readModel(models.resolve(detector.modelFile()));
                PrePostProcessor ppp = new PrePostProcessor(model)) {
            ppp.input(config.input().name()).tensorElementType(ElementType.U8).tensorLayout("NHWC")
                    .tensorColorFormat(ColorFormat.BGR).tensorSpatialStaticShape(height, width)
                    .convertElementType(ElementType.F32).convertColor(ColorFormat.RGB)
                    .resize(ResizeAlgorithm.LINEAR).mean(config.input().mean()).scale(config.input().scale())
                    .modelLayout("NHWC");
            try (Model processed = ppp.build();
                    CompiledModel compiled = core.compile(processed, "CPU", Map.of("PERFORMANCE_HINT", "LATENCY"));
                    InferRequest request = compiled.createInferRequest();
                    Tensor frame = Tensor.wrap(ElementType.U8, new long[] {1, height, width, 3}, bgr)) {
                request.setTensor(config.input().name(), frame);
                request.infer();
                try (Tensor boxes = request.tensor(config.boxes().name());
                        Tensor scores = request.tensor(config.scores().name())) {
                    return decoder.decode(boxes.data(), scores.data());
                }
            }
        }
    }
}
