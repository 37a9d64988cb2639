// Detects faces in any picture or video with ovdetect, from a Java application that uses gst1-java-core.
//
// From a fresh shell, in the project root (./ovgst env builds if needed and puts its Java 25 on PATH):
//
//   eval "$(./ovgst env)" && java --enable-native-access=ALL-UNNAMED -cp "target/classes:target/lib/*" \
//       examples/java/DetectFaces.java models/images/astronaut.png [model] [threshold]
//
// (Java's source launcher compiles this file on the fly.) Prints one line per frame:
//
//   frame 0 pts 0 ms 512x512: face 0.92 [179,81,272,174]
//
// The pipeline: filesrc ! decodebin ! videoconvert ! ovdetect ! fakesink, made with ElementFactory
// (decodebin's pad appears once it knows the stream, and is linked then); Ovgst.onDetections gives
// each frame's detections and size, until its registration is closed.

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Version;
import org.ovgst.gst.Ovgst;
import org.ovgst.infer.image.Detection;

public class DetectFaces {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: DetectFaces PICTURE_OR_VIDEO [MODEL] [THRESHOLD]");
            System.exit(2);
        }
        String image = args[0];
        String model = args.length > 1 ? args[1] : "models/face_detection_short_range.tflite";
        double threshold = args.length > 2 ? Double.parseDouble(args[2]) : 0.5;

        Ovgst.init(); // before Gst.init: loads OpenVINO and registers ovdetect, ovwatermark, ovmetapublish
        Gst.init(Version.of(1, 16), "DetectFaces");

        Element source = ElementFactory.make("filesrc", "source");
        source.set("location", image);
        Element decode = ElementFactory.make("decodebin", "decode");
        Element convert = ElementFactory.make("videoconvert", "convert");
        Element detect = ElementFactory.make("ovdetect", "detect");
        detect.set("model", model);
        detect.set("threshold", threshold);
        Element sink = ElementFactory.make("fakesink", "sink");

        Pipeline pipeline = new Pipeline("detect-faces");
        pipeline.addMany(source, decode, convert, detect, sink);
        if (!source.link(decode) || !Element.linkMany(convert, detect, sink)) {
            throw new IllegalStateException("cannot link the pipeline");
        }
        // decodebin makes its video pad when it has read the stream's format.
        decode.connect((Element.PAD_ADDED) (element, pad) -> {
            if (pad.getCurrentCaps().getStructure(0).getName().startsWith("video/")) {
                pad.link(convert.getStaticPad("sink"));
            }
        });
        System.out.println("ovdetect threshold=" + detect.get("threshold") + " model=" + detect.get("model"));

        // ovdetect's boxes are normalized: times the frame's size, they are pixels.
        Ovgst.Registration printing = Ovgst.onDetections(detect, (frame, pts, width, height, detections) ->
                System.out.println("frame " + frame + " pts " + pts / 1_000_000 + " ms " + width + "x" + height
                        + ": " + describe(detections, width, height)));

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
        printing.close();
        pipeline.setState(State.NULL);
        System.exit(exit[0]);
    }

    private static String describe(List<Detection> detections, int width, int height) {
        if (detections.isEmpty()) {
            return "nothing";
        }
        return detections.stream().map(d -> String.format("%s %.2f [%d,%d,%d,%d]", d.label(), d.confidence(),
                Math.round(d.xMin() * width), Math.round(d.yMin() * height), Math.round(d.xMax() * width),
                Math.round(d.yMax() * height))).collect(Collectors.joining(", "));
    }
}
