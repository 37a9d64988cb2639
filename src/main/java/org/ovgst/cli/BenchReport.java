package org.ovgst.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * What {@code ./ovgst bench} measured: every figure with its repetitions, printed as Markdown
 * tables, written as CSV and drawn as a PNG chart of the frame rates.
 */
final class BenchReport {
    /** One figure: its repetitions, summarized by the median with the range beside it. */
    record Figure(String section, String model, String size, String line, String unit, double[] values) {
        double median() {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        double min() {
            return Arrays.stream(values).min().orElse(Double.NaN);
        }

        double max() {
            return Arrays.stream(values).max().orElse(Double.NaN);
        }

        String text() {
            if (values.length == 1) {
                return number(median());
            }
            return number(median()) + " (" + number(min()) + "–" + number(max()) + ")";
        }
    }

    private final List<Figure> figures = new ArrayList<>();

    void add(String section, String model, String size, String line, String unit, double... values) {
        figures.add(new Figure(section, model, size, line, unit, values));
    }

    /** The median of a figure added before, or NaN. */
    double median(String section, String model, String size, String line) {
        return figures.stream().filter(f -> f.section().equals(section) && f.model().equals(model)
                && f.size().equals(size) && f.line().equals(line)).mapToDouble(Figure::median).findFirst()
                .orElse(Double.NaN);
    }

    /**
     * One Markdown table per section and model: a row per size, a column per line, each cell the
     * median with min–max.
     */
    void printTables(PrintStream out) {
        for (String section : distinct(figures, Figure::section)) {
            List<Figure> inSection = figures.stream().filter(f -> f.section().equals(section)).toList();
            for (String model : distinct(inSection, Figure::model)) {
                List<Figure> ofModel = inSection.stream().filter(f -> f.model().equals(model)).toList();
                List<String> lines = distinct(ofModel, Figure::line);
                out.printf(Locale.ROOT, "%n### %s: %s (%s)%n%n", section, model, ofModel.getFirst().unit());
                out.println("| frames | " + String.join(" | ", lines) + " |");
                out.println("|---|" + "---|".repeat(lines.size()));
                for (String size : distinct(ofModel, Figure::size)) {
                    StringBuilder row = new StringBuilder("| " + size + " |");
                    for (String line : lines) {
                        row.append(' ').append(ofModel.stream().filter(f -> f.size().equals(size)
                                && f.line().equals(line)).map(Figure::text).findFirst().orElse("")).append(" |");
                    }
                    out.println(row);
                }
            }
        }
    }

    void writeCsv(Path file) throws IOException {
        StringBuilder csv = new StringBuilder("section,model,frames,line,unit,median,min,max,values\n");
        for (Figure f : figures) {
            csv.append(String.join(",", quote(f.section()), quote(f.model()), f.size(), quote(f.line()), quote(f.unit()),
                    precise(f.median()), precise(f.min()), precise(f.max()),
                    quote(String.join(" ", Arrays.stream(f.values()).mapToObj(BenchReport::precise).toList()))))
                    .append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    /**
     * A bar chart of one section's frame rates: a panel per model, a group of bars per frame size,
     * a bar per line (log scale: the rates span three decades), each labelled with its median.
     */
    void writeChart(String section, Path file) throws IOException {
        List<Figure> chosen = figures.stream().filter(f -> f.section().equals(section)).toList();
        List<String> models = distinct(chosen, Figure::model);
        List<String> lines = distinct(chosen, Figure::line);
        int panelHeight = 330;
        int width = 1400;
        int legendHeight = 24 * ((lines.size() + 2) / 3) + 16;
        BufferedImage image = new BufferedImage(width, legendHeight + panelHeight * models.size(),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            Color[] palette = {new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759), new Color(0x76b7b2),
                new Color(0x59a14f), new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7), new Color(0x9c755f)};
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            for (int i = 0; i < lines.size(); i++) {
                int x = 20 + (i % 3) * 460;
                int y = 12 + (i / 3) * 24;
                g.setColor(palette[i % palette.length]);
                g.fillRect(x, y, 14, 14);
                g.setColor(Color.BLACK);
                g.drawString(lines.get(i), x + 20, y + 12);
            }
            double top = chosen.stream().mapToDouble(Figure::median).max().orElse(1);
            double decades = Math.ceil(Math.log10(Math.max(top, 10)));
            for (int m = 0; m < models.size(); m++) {
                String model = models.get(m);
                List<Figure> ofModel = chosen.stream().filter(f -> f.model().equals(model)).toList();
                drawPanel(g, ofModel, lines, palette, model + ": " + section, legendHeight + m * panelHeight,
                        width, panelHeight, decades);
            }
        } finally {
            g.dispose();
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static void drawPanel(Graphics2D g, List<Figure> figures, List<String> lines, Color[] palette,
            String title, int top, int width, int height, double decades) {
        int left = 70;
        int plotTop = top + 30;
        int plotHeight = height - 80;
        int plotWidth = width - left - 20;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title + " (frames per second, log scale)", left, top + 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setStroke(new BasicStroke(1));
        for (int d = 0; d <= decades; d++) {
            int y = plotTop + plotHeight - (int) (plotHeight * d / decades);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, left + plotWidth, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(number(Math.pow(10, d)), 10, y + 4);
        }
        List<String> sizes = distinct(figures, Figure::size);
        int groupWidth = plotWidth / Math.max(1, sizes.size());
        int barWidth = Math.max(4, (groupWidth - 30) / Math.max(1, lines.size()));
        for (int s = 0; s < sizes.size(); s++) {
            int groupLeft = left + s * groupWidth + 15;
            for (int l = 0; l < lines.size(); l++) {
                String size = sizes.get(s);
                String line = lines.get(l);
                Figure figure = figures.stream().filter(f -> f.size().equals(size) && f.line().equals(line))
                        .findFirst().orElse(null);
                if (figure == null || !(figure.median() > 0)) {
                    continue;
                }
                int barHeight = (int) (plotHeight * Math.max(0, Math.log10(figure.median())) / decades);
                int x = groupLeft + l * barWidth;
                g.setColor(palette[l % palette.length]);
                g.fillRect(x, plotTop + plotHeight - barHeight, barWidth - 2, barHeight);
                g.setColor(Color.BLACK);
                String label = number(figure.median());
                g.drawString(label, x + (barWidth - 2 - g.getFontMetrics().stringWidth(label)) / 2,
                        plotTop + plotHeight - barHeight - 3);
            }
            g.setColor(Color.BLACK);
            g.drawString(sizes.get(s), groupLeft + (groupWidth - 30) / 2 - 30, plotTop + plotHeight + 18);
        }
    }

    private static <T> List<String> distinct(List<T> items, java.util.function.Function<T, String> key) {
        Set<String> seen = new LinkedHashSet<>();
        for (T item : items) {
            seen.add(key.apply(item));
        }
        return new ArrayList<>(seen);
    }

    /** Three significant digits at most, no exponent: 1234, 123, 12.3, 1.23, 0.123. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        double magnitude = Math.abs(value);
        String pattern = magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, value);
    }

    /** Six significant digits for the CSV, which is read by programs. */
    static String precise(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private static String quote(String text) {
        return text.contains(",") || text.contains("\"") ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
