package org.ovgst.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's figures: medians and ranges, the Markdown table, the CSV and the chart. */
class BenchReportTest {
    @TempDir
    Path dir;

    @Test
    void aFigureIsTheMedianOfItsRepetitionsWithTheirRange() {
        BenchReport report = new BenchReport();
        report.add("throughput", "m", "640x480", "ovdetect", "fps", 30, 10, 20);
        report.add("throughput", "m", "640x480", "source alone", "fps", 4, 1, 3, 2);

        assertEquals(20, report.median("throughput", "m", "640x480", "ovdetect"));
        assertEquals(2.5, report.median("throughput", "m", "640x480", "source alone"));
        assertTrue(Double.isNaN(report.median("throughput", "m", "1280x720", "ovdetect")));
    }

    @Test
    void numbersKeepThreeSignificantDigitsWithoutExponent() {
        assertEquals("1235", BenchReport.number(1234.5));
        assertEquals("123", BenchReport.number(123.4));
        assertEquals("12.3", BenchReport.number(12.34));
        assertEquals("1.23", BenchReport.number(1.234));
        assertEquals("0.123", BenchReport.number(0.1234));
        assertEquals("-0.500", BenchReport.number(-0.5));
    }

    @Test
    void tablesHaveARowPerSizeAndAColumnPerLine() {
        BenchReport report = new BenchReport();
        report.add("throughput", "face", "640x480", "ovdetect", "fps", 900, 1000, 1100);
        report.add("throughput", "face", "640x480", "source alone", "fps", 5000);
        report.add("throughput", "face", "1280x720", "ovdetect", "fps", 700, 800, 900);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.printTables(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).strip().lines().toList();
        assertEquals(List.of("### throughput: face (fps)", "", "| frames | ovdetect | source alone |", "|---|---|---|",
                "| 640x480 | 1000 (900–1100) | 5000 |", "| 1280x720 | 800 (700–900) |  |"), lines);
    }

    @Test
    void theCsvHoldsEveryRepetition() throws Exception {
        BenchReport report = new BenchReport();
        report.add("ratios", "a, b", "640x480", "ovdetect / limit", "ratio", 0.5, 0.25, 0.75);
        report.add("throughput", "a, b", "640x480", "ovdetect", "fps", 1234.5678);
        Path csv = dir.resolve("bench.csv");
        report.writeCsv(csv);

        assertEquals(List.of("section,model,frames,line,unit,median,min,max,values",
                "ratios,\"a, b\",640x480,ovdetect / limit,ratio,0.5,0.25,0.75,0.5 0.25 0.75",
                "throughput,\"a, b\",640x480,ovdetect,fps,1234.57,1234.57,1234.57,1234.57"),
                Files.readAllLines(csv));
    }

    @Test
    void theChartHasAPanelPerModelAndABarPerFigure() throws Exception {
        BenchReport report = new BenchReport();
        for (String model : List.of("face", "ssd")) {
            report.add("throughput", model, "640x480", "ovdetect", "fps", 1000);
            report.add("throughput", model, "640x480", "source alone", "fps", 10);
        }
        Path png = dir.resolve("bench.png");
        report.writeChart("throughput", png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1400, image.getWidth());
        // The legend (one row of up to three lines) and two panels of 330 pixels.
        assertEquals(24 + 16 + 2 * 330, image.getHeight());
        // Each bar in its line's color, in each panel: sampled just above the plot's foot.
        int first = 0x4e79a7;
        int second = 0xf28e2b;
        assertEquals(first, colorInPanelColumn(image, 0, first), "the first bar");
        assertEquals(second, colorInPanelColumn(image, 0, second), "the second bar");
        assertEquals(first, colorInPanelColumn(image, 1, first), "the first bar of the second panel");
    }

    /** The color found at the foot of the plot, in the columns of the bars, that matches {@code wanted}. */
    private static int colorInPanelColumn(BufferedImage image, int panel, int wanted) {
        int footOfPlot = 40 + panel * 330 + 30 + (330 - 80) - 5;
        for (int x = 70; x < image.getWidth(); x++) {
            if ((image.getRGB(x, footOfPlot) & 0xffffff) == wanted) {
                return wanted;
            }
        }
        return -1;
    }
}
