package org.ovgst.cli;

import java.io.PrintStream;
import org.ovgst.gst.Pipeline;

/**
 * {@code ovgst launch '<description>'}: any gst-launch-1.0 description, with our elements anywhere.
 * Ctrl-C sends end of stream and waits for it, like {@code gst-launch-1.0 -e}.
 */
final class LaunchCommand {
    private LaunchCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            throw new UsageException("give a pipeline description, e.g. ./ovgst launch 'videotestsrc num-buffers=100"
                    + " ! videoconvert ! ovdetect model=models/face_detection_short_range.tflite ! fakesink'");
        }
        String description = String.join(" ", args);
        try (Pipeline pipeline = Pipeline.parse(description)) {
            installInterruptHandler(pipeline, err);
            long start = System.nanoTime();
            Pipeline.Outcome outcome = pipeline.run(err::println);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!outcome.ok()) {
                err.println("ERROR from " + outcome.errorSource() + ": " + outcome.errorMessage());
                if (outcome.errorDebug() != null) {
                    err.println("Additional debug info: " + outcome.errorDebug());
                }
                return Main.EXIT_FAILURE;
            }
            out.printf(java.util.Locale.ROOT, "Got EOS after %.3f s%n", seconds);
            return 0;
        }
    }

    /** The first Ctrl-C asks for end of stream; the JVM's default handling is left for a second one. */
    private static void installInterruptHandler(Pipeline pipeline, PrintStream err) {
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
            err.println("Interrupt: sending end of stream...");
            pipeline.sendEndOfStream();
            sun.misc.Signal.handle(signal, sun.misc.SignalHandler.SIG_DFL);
        });
    }
}
