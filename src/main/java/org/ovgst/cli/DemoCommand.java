package org.ovgst.cli;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.ovgst.files.ProjectHome;
import org.ovgst.gst.Pipeline;
import org.ovgst.gst.elements.OvDetect;
import org.ovgst.infer.image.Detection;

/**
 * {@code ovgst demo}: real photographs turned into a short video run through face detection and
 * general object detection; writes out/demo.mp4 (boxes drawn), out/demo.jsonl (one JSON object per
 * frame) and out/demo.png (one annotated frame), then prints what was found and the speed. Then
 * frame processing: a photograph doubled by waifu2x beside the same doubled by Catmull-Rom
 * (bicubic) interpolation, out/demo-sr.png.
 */
final class DemoCommand {
    /** The photographs, in order; the last one is also the annotated still. */
    private static final List<String> PHOTOS = List.of("chelsea.png", "dog.jpg", "person.jpg", "coffee.png",
            "horses.jpg", "motorcycle_left.png", "astronaut.png");
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final int FRAMES_PER_PHOTO = 15;
    private static final int FPS = 15;

    private DemoCommand() {}

    static int run(String[] args, PrintStream out) throws IOException {
        if (args.length > 0) {
            throw new UsageException("demo takes no arguments");
        }
        Path home = ProjectHome.orCurrent();
        Path models = home.resolve("models");
        Path dir = Files.createDirectories(home.resolve("out"));
        Path frames = dir.resolve("demo-frames.bgr");
        int frameCount = writeFrames(models.resolve("images"), frames);
        Path still = dir.resolve("demo.png");
        Files.deleteIfExists(still);

        // x264enc: GStreamer 1.22's openh264enc prints an OpenH264 "Error" line at every end of stream.
        // tune=zerolatency: with its look-ahead x264enc waits for more frames than the PNG branch's queue
        // lets through the tee before that branch's sink has prerolled, and the pipeline never starts.
        String description = String.join(" ",
                "filesrc location=" + frames, "! rawvideoparse format=bgr width=" + WIDTH, "height=" + HEIGHT,
                "framerate=" + FPS + "/1",
                "! ovdetect name=faces model=" + models.resolve("face_detection_short_range.tflite"),
                "! ovdetect name=objects model=" + models.resolve("object_detection_ssd_mobilenetv2_oidv4_fp16.tflite"),
                "! ovmetapublish location=" + dir.resolve("demo.jsonl"),
                "! ovwatermark ! tee name=t",
                "t. ! queue ! videoconvert ! x264enc speed-preset=veryfast tune=zerolatency ! h264parse ! mp4mux ! filesink sync=false location=" + dir.resolve("demo.mp4"),
                "t. ! queue ! videoconvert ! pngenc compression-level=1 ! multifilesink sync=false max-files=1 location=" + still);
        Map<String, AtomicLong> found = new ConcurrentHashMap<>();
        AtomicLong done = new AtomicLong();
        out.println("ovgst demo: " + PHOTOS.size() + " photographs as " + frameCount + " frames of " + WIDTH + "x"
                + HEIGHT + "; face detection, then object detection (OpenVINO, CPU)");
        long start = System.nanoTime();
        Pipeline.Outcome outcome;
        try (Pipeline pipeline = Pipeline.parse(description)) {
            pipeline.element("faces", OvDetect.class).addListener((frame, pts, width, height, detections) ->
                    count(found, detections));
            pipeline.element("objects", OvDetect.class).addListener((frame, pts, width, height, detections) -> {
                count(found, detections);
                done.incrementAndGet();
            });
            AtomicLong shown = new AtomicLong(-1);
            outcome = pipeline.run(System.err::println, () -> {
                if (shown.getAndSet(done.get()) != done.get()) {
                    progress(out, done.get(), frameCount, start);
                }
            });
        }
        progress(out, done.get(), frameCount, start);
        out.println();
        Files.deleteIfExists(frames);
        if (!outcome.ok()) {
            System.err.println("ERROR from " + outcome.errorSource() + ": " + outcome.errorMessage());
            return Main.EXIT_FAILURE;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.println("found (detections over all frames):");
        new TreeMap<>(found).forEach((label, count) -> out.printf(Locale.ROOT, "  %-12s %d%n", label, count.get()));
        out.printf(Locale.ROOT, "%d frames in %.1f s: %.1f fps (two models per frame, drawing and H.264 encoding included)%n",
                done.get(), seconds, done.get() / seconds);
        for (String file : List.of("demo.mp4", "demo.jsonl", "demo.png")) {
            out.println("wrote " + dir.resolve(file) + " (" + Files.size(dir.resolve(file)) + " bytes)");
        }
        return superResolution(models, dir, out);
    }

    /** astronaut.png at 256x256 doubled by ovprocess (waifu2x) on the left, by videoscale's Catmull-Rom on the right. */
    private static int superResolution(Path models, Path dir, PrintStream out) throws IOException {
        Path target = dir.resolve("demo-sr.png");
        Files.deleteIfExists(target);
        String description = String.join(" ",
                "filesrc location=" + models.resolve("images/astronaut.png"), "! pngdec ! videoconvert ! videoscale",
                "! video/x-raw,format=BGR,width=256,height=256 ! tee name=t",
                "t. ! queue ! ovprocess model=" + models.resolve("scale2.0x_model.onnx") + " ! videoconvert ! c.sink_0",
                "t. ! queue ! videoscale method=catrom ! video/x-raw,width=512,height=512 ! videoconvert ! c.sink_1",
                "compositor name=c sink_1::xpos=512 ! videoconvert ! pngenc ! filesink location=" + target);
        out.println("ovgst demo: frame processing, astronaut.png at 256x256 doubled by waifu2x (ovprocess)");
        long start = System.nanoTime();
        Pipeline.Outcome outcome;
        try (Pipeline pipeline = Pipeline.parse(description)) {
            outcome = pipeline.run(System.err::println);
        }
        if (!outcome.ok()) {
            System.err.println("ERROR from " + outcome.errorSource() + ": " + outcome.errorMessage());
            return Main.EXIT_FAILURE;
        }
        out.printf(Locale.ROOT, "wrote %s (%d bytes; left: waifu2x 2x, right: Catmull-Rom 2x) in %.1f s%n", target,
                Files.size(target), (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private static void count(Map<String, AtomicLong> found, List<Detection> detections) {
        for (Detection d : detections) {
            found.computeIfAbsent(d.label(), k -> new AtomicLong()).incrementAndGet();
        }
    }

    private static void progress(PrintStream out, long done, int total, long start) {
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        out.printf(Locale.ROOT, "\rframe %d/%d  %.1f fps", done, total, done / seconds);
        out.flush();
    }

    /**
     * Writes the photographs as raw BGR frames: each fitted into the frame and slowly zoomed, so the
     * boxes move as they would in a video.
     */
    private static int writeFrames(Path images, Path target) throws IOException {
        BufferedImage frame = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((DataBufferByte) frame.getRaster().getDataBuffer()).getData();
        int count = 0;
        try (OutputStream sink = Files.newOutputStream(target)) {
            for (String name : PHOTOS) {
                Path file = images.resolve(name);
                BufferedImage photo = ImageIO.read(file.toFile());
                if (photo == null) {
                    throw new IOException(file + " is missing or unreadable: run ./ovgst setup");
                }
                for (int i = 0; i < FRAMES_PER_PHOTO; i++) {
                    double zoom = 1 + 0.15 * i / FRAMES_PER_PHOTO;
                    double fit = Math.min((double) WIDTH / photo.getWidth(), (double) HEIGHT / photo.getHeight()) * zoom;
                    int w = (int) (photo.getWidth() * fit);
                    int h = (int) (photo.getHeight() * fit);
                    Graphics2D g = frame.createGraphics();
                    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                    g.clearRect(0, 0, WIDTH, HEIGHT);
                    g.drawImage(photo, (WIDTH - w) / 2, (HEIGHT - h) / 2, w, h, null);
                    g.dispose();
                    sink.write(pixels);
                    count++;
                }
            }
        }
        return count;
    }
}
