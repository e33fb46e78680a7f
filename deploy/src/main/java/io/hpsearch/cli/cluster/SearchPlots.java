package io.hpsearch.cli.cluster;

import io.hpsearch.cli.output.Plots;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.Scale;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PNG figures of a campaign's search, like the reports' plots of a coarse and a fine search: for
 * each searched dimension, {@code search-NAME.png}, the validation accuracy of every trial that has
 * one against the trial's value of that dimension, one colour per phase in the campaign's order,
 * and the best trial once more as a black diamond; vertical lines mark the range each later phase
 * sampled when the fine-range rule narrowed it. The value axis is logarithmic when the campaign
 * samples the dimension on a log scale (or, without the campaign's status, when every value is
 * positive and they span a factor of 10 or more). Trials without a validation accuracy (failed, cancelled, or diverged
 * before their first epoch) are left out, and the title says how many.
 */
public final class SearchPlots {
    public static final int WIDTH = Plots.WIDTH;
    public static final int HEIGHT = Plots.HEIGHT;
    /** Phase colours in the order the phases first appear: the reports' blue, red, then others. */
    private static final Color[] PHASE_COLORS = {new Color(0x1f, 0x77, 0xb4), new Color(0xd6, 0x27, 0x28),
            new Color(0x2c, 0xa0, 0x2c), new Color(0x94, 0x67, 0xbd), new Color(0xff, 0x7f, 0x0e)};

    private SearchPlots() {
    }

    /** {@code search-NAME.png}, the name made safe for a file name ({@code eta-min} stays, {@code a/b} becomes {@code a_b}). */
    public static String fileName(String dimension) {
        return "search-" + dimension.replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
    }

    /** Writes one figure per dimension of {@code table} into {@code dir}; returns the files. */
    public static List<Path> write(Path dir, ResultsTable table, CampaignStatus status, String campaign) throws IOException {
        List<Path> written = new ArrayList<>();
        for (int d = 0; d < table.dimensions().size(); d++) {
            Path file = dir.resolve(fileName(table.dimensions().get(d)));
            Plots.save(chart(table, d, status, campaign), file);
            written.add(file);
        }
        return written;
    }

    /** The figure of dimension {@code d} of {@code table} (rows best first). */
    static XYChart chart(ResultsTable table, int d, CampaignStatus status, String campaign) {
        String name = table.dimensions().get(d);
        Map<String, List<double[]>> byPhase = new LinkedHashMap<>();
        if (status != null) {
            // the campaign's phase order (coarse, then fine), whichever phase holds the best trials
            for (PhaseStatus p : status.getPhasesList()) byPhase.put(p.getName(), new ArrayList<>());
        }
        double[] best = null;
        int missing = 0;
        for (ResultsTable.Row r : table.rows()) {
            double x = r.values()[d], y = r.valAcc();
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                missing++;
                continue;
            }
            byPhase.computeIfAbsent(r.phase(), p -> new ArrayList<>()).add(new double[] {x, y});
            if (best == null) best = new double[] {x, y}; // rows come best first
        }
        boolean log = logScale(name, status, byPhase);
        String title = campaign + ": validation accuracy against " + name
                + (missing == 0 ? "" : " (" + missing + " trial" + (missing == 1 ? "" : "s") + " without one)");
        Map<String, Dimension> narrowed = best == null ? Map.of() : narrowedRanges(name, status);
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(name + (log ? " (log scale)" : "")
                        + (narrowed.isEmpty() ? "" : "; lines: the range " + String.join(" and ", narrowed.keySet()) + " sampled"))
                .yAxisTitle("validation accuracy").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setXAxisLogarithmic(log);
        chart.getStyler().setXAxisDecimalPattern(log ? "0.#E0" : "0.####");
        int c = 0;
        for (Map.Entry<String, List<double[]>> e : byPhase.entrySet()) {
            Color color = PHASE_COLORS[c++ % PHASE_COLORS.length];
            if (e.getValue().isEmpty()) continue; // a phase with no result yet keeps its colour
            XYSeries s = chart.addSeries(e.getKey() + " (" + e.getValue().size() + ")", column(e.getValue(), 0),
                    column(e.getValue(), 1));
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(color);
        }
        for (Map.Entry<String, Dimension> e : narrowed.entrySet()) {
            Dimension dim = e.getValue();
            chart.addAnnotation(new AnnotationLine(dim.getMin(), true, false));
            chart.addAnnotation(new AnnotationLine(dim.getMax(), true, false));
            // An invisible pair of points at the bounds keeps both lines inside the axis.
            XYSeries edges = chart.addSeries(e.getKey() + " range", new double[] {dim.getMin(), dim.getMax()},
                    new double[] {best[1], best[1]});
            edges.setMarker(SeriesMarkers.NONE);
            edges.setShowInLegend(false);
        }
        if (best != null) {
            XYSeries s = chart.addSeries(String.format(Locale.ROOT, "best (%.4f)", best[1]), new double[] {best[0]},
                    new double[] {best[1]});
            s.setMarker(SeriesMarkers.DIAMOND);
            s.setMarkerColor(Color.BLACK);
        } else {
            // XChart cannot draw a chart without a series: an empty one keeps the axes and the title
            // an ended campaign (cancelled before a trial finished, or every trial failed) will have none
            boolean ended = status != null && Campaigns.finished(status.getState());
            chart.setTitle(campaign + ": no trial with a validation accuracy" + (ended ? "" : " yet"));
            chart.addSeries("no results", new double[] {log ? 1 : 0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /**
     * The phases after the first whose range of the dimension is not the first phase's (the fine
     * phases: their ranges come from the fine-range rule), in the campaign's order.
     */
    static List<String> narrowedPhases(String name, CampaignStatus status) {
        return new ArrayList<>(narrowedRanges(name, status).keySet());
    }

    /** {@link #narrowedPhases} with the range each of them sampled. */
    private static Map<String, Dimension> narrowedRanges(String name, CampaignStatus status) {
        Map<String, Dimension> ranges = new LinkedHashMap<>();
        if (status == null || status.getPhasesCount() < 2) return ranges;
        Dimension first = dimension(status.getPhases(0), name);
        if (first == null || first.getScale() == Scale.SCALE_CHOICE) return ranges;
        for (PhaseStatus p : status.getPhasesList().subList(1, status.getPhasesCount())) {
            Dimension d = dimension(p, name);
            if (d == null || d.getScale() != first.getScale() || !(d.getMin() < d.getMax())) continue;
            if (d.getMin() != first.getMin() || d.getMax() != first.getMax()) ranges.put(p.getName(), d);
        }
        return ranges;
    }

    /** The dimension of that name in the phase's space as the status gives it, or null. */
    private static Dimension dimension(PhaseStatus phase, String name) {
        for (Dimension d : phase.getSpace().getDimensionsList()) if (d.getName().equals(name)) return d;
        return null;
    }

    /**
     * Log scale when the first phase of the status that samples the dimension does so log-uniformly,
     * else (no status, or a list of choices) when every value is positive and they span a factor of 10.
     */
    static boolean logScale(String name, CampaignStatus status, Map<String, List<double[]>> points) {
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (List<double[]> ps : points.values()) {
            for (double[] p : ps) {
                min = Math.min(min, p[0]);
                max = Math.max(max, p[0]);
            }
        }
        boolean positive = min > 0 && min < Double.POSITIVE_INFINITY;
        if (status != null) {
            for (PhaseStatus phase : status.getPhasesList()) {
                Dimension dim = dimension(phase, name);
                if (dim == null) continue;
                if (dim.getScale() == Scale.SCALE_LOG_UNIFORM) return positive || points.isEmpty();
                if (dim.getScale() == Scale.SCALE_UNIFORM) return false;
            }
        }
        return positive && max / min >= 10;
    }

    private static double[] column(List<double[]> points, int i) {
        double[] a = new double[points.size()];
        for (int k = 0; k < a.length; k++) a[k] = points.get(k)[i];
        return a;
    }
}
