package org.ovgst.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ovgst.files.ProjectHome;
import org.ovgst.gst.Pipeline;

/**
 * {@code ovgst launch '<description>'}: any gst-launch-1.0 description, with our elements anywhere;
 * or {@code --file pipelines/X.pipeline [VAR=value...]}, a ready one ({@link PipelineFile}).
 * Ctrl-C sends end of stream and waits for it, like {@code gst-launch-1.0 -e}.
 */
final class LaunchCommand {
    static final String USAGE = """
            usage: ./ovgst launch DESCRIPTION...
                   ./ovgst launch --file FILE.pipeline [--print] [NAME=value...]

            Runs a gst-launch-1.0 pipeline description in ovgst's JVM, with ovgst's elements anywhere in
            it, until end of stream or an error; Ctrl-C ends it cleanly (end of stream first).
              DESCRIPTION    as for gst-launch-1.0, e.g.
                             videotestsrc num-buffers=100 ! videoconvert
                               ! ovdetect model=models/face_detection_short_range.tflite ! fakesink
              --file FILE    a ready pipeline (pipelines/*.pipeline); NAME=value sets its ${NAME}
                             variables (the environment too); its header says which it takes, and
                             a NAME it does not use is refused. Its files go to ./out unless
                             OUTPUT says otherwise; the files written are named at the end
              --print        print the description with the values put in, and run nothing
                             (for gst-launch-1.0 after eval "$(./ovgst env)")
            """;

    private LaunchCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            if (args.length == 0) {
                err.print(USAGE);
                return Main.EXIT_USAGE;
            }
            out.print(USAGE);
            return 0;
        }
        String description;
        List<Path> outputs = List.of();
        if (args[0].equals("--file")) {
            if (args.length < 2) {
                throw new UsageException("--file takes a pipeline file, e.g. ./ovgst launch --file"
                        + " pipelines/file.pipeline INPUT=video.mp4");
            }
            boolean print = false;
            Map<String, String> values = new LinkedHashMap<>();
            for (String arg : Arrays.copyOfRange(args, 2, args.length)) {
                int equals = arg.indexOf('=');
                if (arg.equals("--print")) {
                    print = true;
                } else if (equals > 0) {
                    values.put(arg.substring(0, equals), arg.substring(equals + 1));
                } else {
                    throw new UsageException("'" + arg + "' is not NAME=value: give the pipeline's variables as"
                            + " NAME=value\n\n" + USAGE);
                }
            }
            Path root = ProjectHome.orCurrent();
            description = PipelineFile.read(Path.of(args[1])).expand(values, System.getenv(), root,
                    Path.of("").toAbsolutePath());
            if (print) {
                out.println(description);
                return 0;
            }
            outputs = PipelineFile.outputs(description);
            for (Path output : outputs) {
                // The ready pipelines write under ./out by default, which a fresh folder does not have.
                Path folder = output.toAbsolutePath().getParent();
                try {
                    Files.createDirectories(folder);
                } catch (java.io.IOException e) {
                    throw new UsageException("cannot make " + folder + " for " + output + ": " + e.getMessage());
                }
            }
        } else {
            description = String.join(" ", args);
        }
        try (Pipeline pipeline = Pipeline.parse(description)) {
            installInterruptHandler(pipeline, err);
            long start = System.nanoTime();
            err.println("Setting pipeline to PLAYING ...");
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
            for (Path output : outputs) {
                if (Files.isRegularFile(output)) {
                    out.println("wrote " + output.toAbsolutePath() + " (" + output.toFile().length() + " bytes)");
                }
            }
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
