// Detects faces in a picture with ovdetect from a Java application that uses gst1-java-core.
//
// Build once (./ovgst test, or ./ovgst setup && mvn -q -DskipTests package), then from the project root:
//
//   java --enable-native-access=ALL-UNNAMED -cp 'target/classes:target/lib/*' \
//       examples/java/DetectFaces.java models/images/astronaut.png [model] [threshold]
//
// (java >= 25, e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; Java's source launcher compiles this
// file on the fly.) Prints one line per frame:
//
//   frame 0 pts 0 ms: face 0.92 [179,81,272,174]
//
// The pipeline: filesrc ! pngdec ! imagefreeze num-buffers=5 ! videoconvert ! ovdetect ! fakesink, made
// with ElementFactory and linked by hand; Ovgst.onDetections gives each frame's detections.

import java.awt.image.BufferedImage;
import java.io.File;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Version;
import org.ovgst.gst.Ovgst;
import org.ovgst.infer.Detection;

public class DetectFaces {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: DetectFaces IMAGE.png [MODEL] [THRESHOLD]");
            System.exit(2);
        }
        String image = args[0];
        String model = args.length > 1 ? args[1] : "models/face_detection_short_range.tflite";
        double threshold = args.length > 2 ? Double.parseDouble(args[2]) : 0.5;

        Ovgst.init(); // before Gst.init: loads OpenVINO and registers ovdetect, ovwatermark, ovmetapublish
        Gst.init(Version.of(1, 16), "DetectFaces");

        Element source = ElementFactory.make("filesrc", "source");
        source.set("location", image);
        Element decode = ElementFactory.make("pngdec", "decode");
        Element freeze = ElementFactory.make("imagefreeze", "freeze");
        freeze.set("num-buffers", 5);
        Element convert = ElementFactory.make("videoconvert", "convert");
        Element detect = ElementFactory.make("ovdetect", "detect");
        detect.set("model", model);
        detect.set("threshold", threshold);
        Element sink = ElementFactory.make("fakesink", "sink");

        Pipeline pipeline = new Pipeline("detect-faces");
        pipeline.addMany(source, decode, freeze, convert, detect, sink);
        if (!Element.linkMany(source, decode, freeze, convert, detect, sink)) {
            throw new IllegalStateException("cannot link the pipeline");
        }
        System.out.println("ovdetect threshold=" + detect.get("threshold") + " model=" + detect.get("model"));

        // ovdetect's boxes are normalized to the frame, which imagefreeze keeps at the picture's size.
        BufferedImage picture = ImageIO.read(new File(image));
        int[] size = {picture.getWidth(), picture.getHeight()};
        Ovgst.onDetections(detect, (frame, pts, detections) -> System.out.println("frame " + frame + " pts "
                + pts / 1_000_000 + " ms: " + describe(detections, size)));

        CountDownLatch done = new CountDownLatch(1);
        int[] exit = {0};
        Bus bus = pipeline.getBus();
        bus.connect((Bus.EOS) element -> done.countDown());
        bus.connect((Bus.ERROR) (element, code, message) -> {
            System.err.println("error from " + element.getName() + ": " + message);
            exit[0] = 1;
            done.countDown();
        });
        pipeline.play();
        if (!done.await(120, TimeUnit.SECONDS)) {
            System.err.println("timed out");
            exit[0] = 1;
        }
        pipeline.setState(State.NULL);
        System.exit(exit[0]);
    }

    private static String describe(List<Detection> detections, int[] size) {
        if (detections.isEmpty()) {
            return "nothing";
        }
        return detections.stream().map(d -> String.format("%s %.2f [%d,%d,%d,%d]", d.label(), d.confidence(),
                Math.round(d.xMin() * size[0]), Math.round(d.yMin() * size[1]), Math.round(d.xMax() * size[0]),
                Math.round(d.yMax() * size[1]))).collect(Collectors.joining(", "));
    }
}
