package io.hpsearch.cli.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpsearch.protocol.WorkerIds;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.HistogramSummary;
import io.hpsearch.protocol.v1.ParamValue;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TrialResult;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The results table of a campaign: one row per trial, best first (the coordinator's leaderboard
 * order: validation accuracy, then validation loss, then trial id), with the columns rank, trial,
 * phase, every searched value, train/val/test accuracy, epochs, seconds, worker and status.
 *
 * <p>Formats: {@code table} (aligned text for a terminal), {@code csv}, {@code json} (one array of
 * objects with snake_case keys; NaN as null) and {@code markdown}. In CSV and JSON numbers are
 * written exactly (Java's shortest round-trip form); the text formats round them for reading.
 */
public final class ResultsTable {
    public enum Format { TABLE, CSV, JSON, MARKDOWN }

    /**
     * One row; {@code values} are in the order of {@link #dimensions}. The accuracies are NaN for a
     * trial that ended without final evaluations (failed, or cancelled while it trained).
     */
    public record Row(int rank, String trial, String phase, double[] values, double trainAcc, double valAcc,
                      double testAcc, int epochs, double seconds, String worker, String status) {
    }

    private final List<String> dimensions;
    private final List<Row> rows;

    public ResultsTable(List<String> dimensions, List<Row> rows) {
        this.dimensions = List.copyOf(dimensions);
        this.rows = List.copyOf(rows);
    }

    /**
     * The table of ranked results. The searched dimensions are the names in {@code status}'s phase
     * spaces (the campaign file's keys, in its order), then any other names the results carry.
     *
     * @param status the campaign's status, or null if unknown
     */
    public static ResultsTable of(TopKAnswer answer, CampaignStatus status) {
        Set<String> names = new LinkedHashSet<>();
        if (status != null) {
            for (PhaseStatus p : status.getPhasesList()) {
                for (Dimension d : p.getSpace().getDimensionsList()) names.add(d.getName());
            }
        }
        for (TrialResult r : answer.getRankedList()) {
            for (ParamValue v : r.getParamsList()) names.add(v.getName());
        }
        List<String> dims = new ArrayList<>(names);
        List<Row> rows = new ArrayList<>();
        int rank = 0;
        for (TrialResult r : answer.getRankedList()) {
            double[] values = new double[dims.size()];
            java.util.Arrays.fill(values, Double.NaN);
            for (ParamValue v : r.getParamsList()) values[dims.indexOf(v.getName())] = v.getValue();
            rows.add(new Row(++rank, trialName(r), r.getId().getPhase(), values,
                    r.hasTrain() ? r.getTrain().getAccuracy() : Double.NaN,
                    r.hasValidation() ? r.getValidation().getAccuracy() : Double.NaN,
                    r.hasTest() ? r.getTest().getAccuracy() : Double.NaN, r.getEpochs(), r.getSeconds(),
                    WorkerIds.hostPort(r.getWorkerId()), status(r)));
        }
        return new ResultsTable(dims, rows);
    }

    /** {@code coarse#3}: the phase and the trial's index in it. */
    public static String trialName(TrialResult r) {
        return r.getId().getPhase() + "#" + r.getId().getIndex();
    }

    static String status(TrialResult r) {
        return r.getStatus().name().replace("TRIAL_STATUS_", "").toLowerCase(Locale.ROOT);
    }

    public List<String> dimensions() {
        return dimensions;
    }

    public List<Row> rows() {
        return rows;
    }

    /** Column names as the JSON and CSV formats write them. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>(List.of("rank", "trial", "phase"));
        for (String d : dimensions) keys.add(snake(d));
        keys.addAll(List.of("train_acc", "val_acc", "test_acc", "epochs", "seconds", "worker", "status"));
        return keys;
    }

    static String snake(String name) {
        return name.replace('-', '_').replace('.', '_').toLowerCase(Locale.ROOT);
    }

    public String format(Format format) {
        return switch (format) {
            case TABLE -> text(false);
            case MARKDOWN -> text(true);
            case CSV -> csv();
            case JSON -> json();
        };
    }

    private List<String> cells(Row r, boolean exact) {
        List<String> c = new ArrayList<>();
        c.add(Integer.toString(r.rank()));
        c.add(r.trial());
        c.add(r.phase());
        for (double v : r.values()) c.add(whole(v) ? Long.toString((long) v) : exact ? exact(v) : String.format(Locale.ROOT, "%.4g", v));
        c.add(exact ? exact(r.trainAcc()) : acc(r.trainAcc()));
        c.add(exact ? exact(r.valAcc()) : acc(r.valAcc()));
        c.add(exact ? exact(r.testAcc()) : acc(r.testAcc()));
        c.add(Integer.toString(r.epochs()));
        c.add(exact ? exact(r.seconds()) : String.format(Locale.ROOT, "%.1f", r.seconds()));
        c.add(r.worker());
        c.add(r.status());
        return c;
    }

    /**
     * A searched value that is a whole number (a batch size, a number of cycles, a choice such as 1)
     * is written as one: "100", not "100.0" or "1.000e+02".
     */
    private static boolean whole(double v) {
        return Double.isFinite(v) && v == Math.rint(v) && Math.abs(v) < 1e15;
    }

    private static String acc(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String exact(double v) {
        return Double.isNaN(v) ? "NaN" : Double.toString(v);
    }

    private String text(boolean markdown) {
        List<String> header = new ArrayList<>(List.of("rank", "trial", "phase"));
        header.addAll(dimensions);
        header.addAll(List.of("train acc", "val acc", "test acc", "epochs", "seconds", "worker", "status"));
        List<List<String>> lines = new ArrayList<>();
        for (Row r : rows) lines.add(cells(r, false));
        int n = header.size();
        // words left-aligned, numbers right-aligned
        boolean[] left = new boolean[n];
        left[1] = left[2] = left[n - 2] = left[n - 1] = true;
        return TextTable.render(header, lines, left, markdown);
    }

    private String csv() {
        StringBuilder sb = new StringBuilder(String.join(",", keys())).append('\n');
        for (Row r : rows) {
            List<String> c = cells(r, true);
            for (int i = 0; i < c.size(); i++) {
                if (i > 0) sb.append(',');
                sb.append(csvCell(c.get(i)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String csvCell(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The rows as a JSON array. */
    public ArrayNode jsonArray() {
        ArrayNode array = MAPPER.createArrayNode();
        for (Row r : rows) {
            ObjectNode o = array.addObject();
            o.put("rank", r.rank());
            o.put("trial", r.trial());
            o.put("phase", r.phase());
            for (int i = 0; i < dimensions.size(); i++) {
                double v = r.values()[i];
                if (whole(v)) o.put(snake(dimensions.get(i)), (long) v);
                else number(o, snake(dimensions.get(i)), v);
            }
            number(o, "train_acc", r.trainAcc());
            number(o, "val_acc", r.valAcc());
            number(o, "test_acc", r.testAcc());
            o.put("epochs", r.epochs());
            number(o, "seconds", r.seconds());
            o.put("worker", r.worker());
            o.put("status", r.status());
        }
        return array;
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) o.put(key, v);
        else o.putNull(key);
    }

    private String json() {
        try {
            return MAPPER.writeValueAsString(jsonArray()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing the results as JSON", e);
        }
    }

    /** The latency percentiles ({@code --stats}), one line per histogram, in milliseconds. */
    public static String stats(List<HistogramSummary> stats) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-17s %8s %10s %10s %10s %10s %10s%n",
                "(ms)", "count", "p50", "p90", "p99", "max", "mean"));
        for (HistogramSummary s : stats) {
            sb.append(String.format(Locale.ROOT, "%-17s %8d %10.3f %10.3f %10.3f %10.3f %10.3f%n", s.getName(),
                    s.getCount(), s.getP50Ms(), s.getP90Ms(), s.getP99Ms(), s.getMaxMs(), s.getMeanMs()));
        }
        return sb.toString();
    }
}
