package org.ovgst.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.TestAssets;

/**
 * {@code ./ovgst bench} end to end, as short as it goes (one size, one repetition, half-second
 * runs): every line of every section is measured, the ratios are the quotients of the medians, the
 * blob of ovgst's compiled model is written and run, and the chart is drawn. Its figures are not
 * checked against targets: speed is read from the bench, not asserted in tests.
 */
class BenchCommandTest {
    @Test
    @Timeout(240)
    void measuresEveryLineAndWritesTheTableTheCsvAndTheChart(@TempDir Path dir) throws Exception {
        String model = TestAssets.model("face_detection_short_range.tflite").toString();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = BenchCommand.run(new String[] {"--model", model, "--sizes", "64x48", "--reps", "1", "--seconds",
            "0.5", "--out", dir.toString()}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed);

        Map<String, Double> figures = new HashMap<>();
        List<String> rows = Files.readAllLines(dir.resolve("bench.csv"));
        for (String row : rows.subList(1, rows.size())) {
            // Commas inside quotes belong to the cell.
            String[] cells = row.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
            figures.put(cells[0] + "|" + cells[2] + "|" + cells[3].replace("\"", ""), Double.parseDouble(cells[5]));
        }
        String at = "|64x48|";
        List<String> rates = List.of(BenchCommand.SOURCE, BenchCommand.RAW, BenchCommand.LIMIT, BenchCommand.COMPILED,
                BenchCommand.OVDETECT, BenchCommand.PEERS[0][1], BenchCommand.PEERS[1][1], BenchCommand.PEERS[2][1]);
        for (String line : rates) {
            assertTrue(figures.getOrDefault(BenchCommand.THROUGHPUT + at + line, 0.0) > 0, line + " in " + figures);
        }
        double ovdetect = figures.get(BenchCommand.THROUGHPUT + at + BenchCommand.OVDETECT);
        double source = figures.get(BenchCommand.THROUGHPUT + at + BenchCommand.SOURCE);
        double raw = figures.get(BenchCommand.THROUGHPUT + at + BenchCommand.RAW);
        assertEquals(1 / (1 / source + 1 / raw), figures.get(BenchCommand.THROUGHPUT + at + BenchCommand.LIMIT),
                1e-5 * raw);
        assertEquals(ovdetect / figures.get(BenchCommand.THROUGHPUT + at + BenchCommand.PEERS[1][1]),
                figures.get(BenchCommand.RATIOS + at + "ovdetect / " + BenchCommand.PEERS[1][1]), 1e-4);
        assertTrue(figures.get(BenchCommand.HEAP + at + "Java heap per frame, all threads") > 0);
        for (String line : List.of("ovdetect median", "ovdetect 99th percentile", "benchmark_app raw model median",
                "benchmark_app ovgst's compiled model median")) {
            assertTrue(figures.get(BenchCommand.LATENCY + at + line) > 0, line);
        }
        for (String streams : List.of("1 stream", "4 streams", "8 streams")) {
            assertTrue(figures.get(BenchCommand.STREAMS + "|" + streams + "|aggregate fps") > 0, streams);
            assertTrue(figures.get(BenchCommand.STREAMS + "|" + streams + "|peak RSS MB") > 50, streams);
        }
        assertEquals(1.0, figures.get(BenchCommand.STREAMS + "|1 stream|aggregate / one stream's"));
        assertTrue(Files.size(dir.resolve("face_detection_short_range.tflite-64x48.blob")) > 100_000);
        assertEquals(1400, ImageIO.read(dir.resolve("bench.png").toFile()).getWidth());
        assertTrue(printed.contains("| 64x48 |"), printed);
    }
}
