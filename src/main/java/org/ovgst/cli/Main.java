package org.ovgst.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import org.ovgst.openvino.OpenVinoException;

/** The {@code ovgst} command line: {@code ./ovgst <command> [options]}. */
public final class Main {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    private static final String USAGE = """
            usage: ./ovgst <command> [options]

            commands:
              demo     the main job: faces and objects found in a video made of real photographs
              test     build and run all tests
              launch   run a gst-launch-1.0 pipeline description; our elements can be anywhere in it
              inspect  show our elements and their properties (gst-inspect-1.0)
              env      print the exports that let gst-launch-1.0 and others find our elements
              bench    ovdetect beside the source, benchmark_app and Python peers: rates, ratios,
                       latency, heap, streams (out/bench: CSV, PNG); --quick; --model M; --sizes WxH,...
                       --soak [minutes]: a live pipeline in gst-launch-1.0 watched every 10 s (10 minutes):
                       frames in and out, late frames, latency, memory, threads; --soak-pipeline
                       chain|detect|rtsp; --busy N processes spinning beside it
                       --jmh [JMH args]: the JMH benchmarks of the per-frame Java work
              infer    run one model on tensors from .npy files, or list its inputs and outputs
              setup    install what ovgst needs (done automatically by every command)

            ./ovgst infer --help  shows the options of infer.""";

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns its exit status. Errors are one paragraph on {@code err}. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return dispatch(args, out, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("ovgst: interrupted");
            return EXIT_FAILURE;
        }
    }

    private static int dispatch(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.println(USAGE);
            return args.length == 0 ? EXIT_USAGE : 0;
        }
        String[] options = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "infer" -> InferCommand.run(options, out);
                case "demo" -> DemoCommand.run(options, out);
                case "launch" -> LaunchCommand.run(options, out, err);
                case "bench" -> BenchCommand.run(options, out);
                default -> throw new UsageException("unknown command '" + args[0] + "'.\n" + USAGE);
            };
        } catch (UsageException e) {
            err.println("ovgst " + args[0] + ": " + e.getMessage());
            return EXIT_USAGE;
        } catch (NoSuchFileException e) {
            err.println("ovgst " + args[0] + ": file not found: " + e.getFile());
            return EXIT_FAILURE;
        } catch (OpenVinoException | IllegalArgumentException | IllegalStateException | IOException
                | UncheckedIOException e) {
            err.println("ovgst " + args[0] + ": " + e.getMessage());
            return EXIT_FAILURE;
        }
    }
}
