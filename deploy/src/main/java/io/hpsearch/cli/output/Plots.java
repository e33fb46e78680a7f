package io.hpsearch.cli.output;

import io.hpsearch.nn.metrics.ConfusionMatrix;
import io.hpsearch.nn.metrics.Evaluation;
import io.hpsearch.nn.train.EpochMetrics;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import javax.imageio.ImageIO;

/**
 * PNG figures of a training run, like those of the DD2424 reports: training and validation cost,
 * loss and accuracy per epoch, and a heat map of the test confusion matrix. Drawn headless.
 */
public final class Plots {
    public static final String COST_FILE = "cost.png";
    public static final String LOSS_FILE = "loss.png";
    public static final String ACCURACY_FILE = "accuracy.png";
    public static final String CONFUSION_FILE = "confusion.png";

    public static final int WIDTH = 800;
    public static final int HEIGHT = 600;
    public static final int CONFUSION_WIDTH = 900;
    public static final int CONFUSION_HEIGHT = 800;

    private static final Color TRAIN_COLOR = new Color(0x1f, 0x77, 0xb4);
    private static final Color VAL_COLOR = new Color(0xd6, 0x27, 0x28);

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() { }

    /** Training vs validation cost (loss + λ‖W‖²) per epoch. */
    public static void writeCost(Path file, List<EpochMetrics> curves) throws IOException {
        writeCurve(file, curves, "Cost", "cost", Evaluation::cost);
    }

    /** Training vs validation cross-entropy loss per epoch. */
    public static void writeLoss(Path file, List<EpochMetrics> curves) throws IOException {
        writeCurve(file, curves, "Loss", "loss", Evaluation::loss);
    }

    /** Training vs validation accuracy per epoch. */
    public static void writeAccuracy(Path file, List<EpochMetrics> curves) throws IOException {
        writeCurve(file, curves, "Accuracy", "accuracy", Evaluation::accuracy);
    }

    /**
     * Heat map of a confusion matrix: true class down the side (first class at the top), predicted
     * class along the bottom, the count in each cell.
     *
     * @param classNames names in label order; if null or of the wrong length, the labels 0…k−1 are used
     */
    public static void writeConfusion(Path file, ConfusionMatrix matrix, List<String> classNames) throws IOException {
        save(confusionChart(matrix, classNames), file);
    }

    static XYChart curveChart(List<EpochMetrics> curves, String title, String yTitle, Function<Evaluation, Double> metric) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(curves.isEmpty() ? title + " (no epoch finished)" : title)
                .xAxisTitle("epoch").yAxisTitle(yTitle).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(5);
        chart.getStyler().setXAxisDecimalPattern("#");
        addSeries(chart, "training", curves, m -> metric.apply(m.train()), TRAIN_COLOR);
        addSeries(chart, "validation", curves, m -> metric.apply(m.validation()), VAL_COLOR);
        return chart;
    }

    private static void addSeries(XYChart chart, String name, List<EpochMetrics> curves,
                                  Function<EpochMetrics, Double> y, Color color) {
        List<Integer> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (EpochMetrics m : curves) {
            double v = y.apply(m);
            if (Double.isFinite(v)) {
                xs.add(m.epoch());
                ys.add(v);
            }
        }
        if (xs.isEmpty()) return; // no validation set, or nothing finite to draw
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(SeriesMarkers.CIRCLE);
    }

    static HeatMapChart confusionChart(ConfusionMatrix matrix, List<String> classNames) {
        int k = matrix.classes();
        List<String> names = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            names.add(classNames != null && classNames.size() == k ? classNames.get(i) : Integer.toString(i));
        }
        List<String> rows = new ArrayList<>(names);
        java.util.Collections.reverse(rows); // XChart puts y index 0 at the bottom
        List<Number[]> cells = new ArrayList<>(k * k);
        int max = 0;
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                int c = matrix.counts()[t][p];
                max = Math.max(max, c);
                cells.add(new Number[] {p, k - 1 - t, c});
            }
        }
        double acc = matrix.accuracy();
        String title = "Test confusion matrix"
                + (Double.isFinite(acc) ? String.format(Locale.ROOT, " (accuracy %.2f %%)", 100 * acc) : "");
        HeatMapChart chart = new HeatMapChartBuilder().width(CONFUSION_WIDTH).height(CONFUSION_HEIGHT).title(title)
                .xAxisTitle("predicted class").yAxisTitle("true class").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setHeatMapValueDecimalPattern("0");
        chart.getStyler().setValueFontColor(Color.BLACK);
        chart.getStyler().setRangeColors(new Color[] {new Color(0xf7, 0xfb, 0xff), new Color(0x6b, 0xae, 0xd6),
                new Color(0x08, 0x30, 0x6b)});
        chart.getStyler().setMin(0);
        chart.getStyler().setMax(Math.max(1, max));
        chart.getStyler().setLegendVisible(true);
        if (k > 4) chart.getStyler().setXAxisLabelRotation(30);
        chart.addSeries("count", names, rows, cells);
        return chart;
    }

    private static void writeCurve(Path file, List<EpochMetrics> curves, String title, String yTitle,
                                   Function<Evaluation, Double> metric) throws IOException {
        save(curveChart(curves, title, yTitle, metric), file);
    }

    static {
        // ImageIO buffers a PNG in a temporary file unless told not to, and registers a shutdown
        // hook to delete it: while the JVM exits (a Ctrl-C as the files are written, which lets them
        // finish) that registration throws, and the figures would be lost. Ours go to memory anyway.
        ImageIO.setUseCache(false);
    }

    /** Writes {@code chart} as a PNG to {@code file}, atomically (a reader never sees half a file). */
    public static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(chart, bytes, BitmapEncoder.BitmapFormat.PNG);
        Outputs.writeAtomically(file, bytes.toByteArray());
    }
}
