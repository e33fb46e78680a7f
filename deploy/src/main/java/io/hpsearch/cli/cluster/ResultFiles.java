package io.hpsearch.cli.cluster;

import io.hpsearch.cli.output.FinishBeforeExit;
import io.hpsearch.cli.output.OutputFolder;
import io.hpsearch.cli.output.Outputs;
import io.hpsearch.cli.UserError;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.EpochMetrics;
import io.hpsearch.protocol.v1.HistogramSummary;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TrialResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The results files of a campaign ({@code hpsearch local --out}, {@code hpsearch results --out}):
 * every trial of the campaign, ranked, as {@code results.json}, {@code results.csv} and
 * {@code results.md}, the coordinator's latency percentiles as {@code stats.txt} (when they are
 * known), a figure of the search per searched dimension ({@link SearchPlots}) and each trial's
 * per-epoch curves as {@code curves/PHASE-INDEX.csv} (the columns of {@code hpsearch train}'s
 * {@code curves.csv}), and, when the answer holds the campaign's spec, the {@code hpsearch train}
 * command of every trial as {@code train-commands.txt} ({@link TrialTrainCommand}).
 */
final class ResultFiles {
    static final String CURVES_HEADER =
            "epoch,updates,learning_rate,train_cost,train_loss,train_acc,val_cost,val_loss,val_acc,seconds";

    private ResultFiles() {
    }

    /**
     * @param all every trial of the campaign, ranked
     * @param status the campaign's status (its phases' search spaces), or null if unknown
     * @param stats the coordinator's latency percentiles, or null when there are none (no stats.txt)
     */
    static List<Path> write(Path dir, TopKAnswer all, CampaignStatus status, List<HistogramSummary> stats)
            throws IOException {
        Files.createDirectories(dir);
        ResultsTable table = ResultsTable.of(all, status);
        List<Path> written = new ArrayList<>();
        written.add(write(dir.resolve("results.json"), table.format(ResultsTable.Format.JSON)));
        written.add(write(dir.resolve("results.csv"), table.format(ResultsTable.Format.CSV)));
        written.add(write(dir.resolve("results.md"), table.format(ResultsTable.Format.MARKDOWN)));
        if (stats != null) written.add(write(dir.resolve("stats.txt"), ResultsTable.stats(stats)));
        if (all.hasSpec()) {
            written.add(write(dir.resolve("train-commands.txt"), TrialTrainCommand.file(all.getSpec(), all.getRankedList())));
        }
        written.addAll(SearchPlots.write(dir, table, status, all.getCampaign()));
        Path curves = dir.resolve("curves");
        Files.createDirectories(curves);
        for (TrialResult r : all.getRankedList()) {
            if (r.getCurvesCount() == 0) continue;
            written.add(write(curves.resolve(r.getId().getPhase() + "-" + r.getId().getIndex() + ".csv"), curves(r.getCurvesList())));
        }
        // A folder written before, for another campaign, kept that campaign's curves and figures
        // beside this one's tables: the files of trials and dimensions this campaign does not have go.
        removeStale(dir, STALE_FIGURE, written);
        removeStale(curves, STALE_CURVES, written);
        return written;
    }

    /** The names of the files {@link #write} makes that a later write may find stale. */
    private static final Pattern STALE_FIGURE = Pattern.compile("search-.+\\.png");
    static final Pattern STALE_CURVES = Pattern.compile("[A-Za-z0-9._-]+-[0-9]+\\.csv");

    /** Deletes the regular files of {@code folder} named like {@code names} that are not in {@code written}. */
    static void removeStale(Path folder, Pattern names, Collection<Path> written) throws IOException {
        // a set: a campaign of 100,000 trials has as many curve files, each looked up here
        Set<Path> keep = new HashSet<>(written);
        List<Path> stale;
        try (var files = Files.list(folder)) {
            stale = files.filter(f -> names.matcher(f.getFileName().toString()).matches() && !keep.contains(f)
                    && Files.isRegularFile(f)).toList();
        }
        for (Path f : stale) Files.deleteIfExists(f);
    }

    /**
     * {@link #write} for a command's {@code --out}: a folder that cannot be written is the user's
     * error, what was written is said on {@code err}, and a Ctrl-C meanwhile waits for the files.
     */
    static void writeForOption(Path dir, TopKAnswer all, CampaignStatus status, List<HistogramSummary> stats,
                               PrintStream err) {
        try (FinishBeforeExit writing = FinishBeforeExit.holding("the results files are written to " + dir)) {
            List<Path> files;
            try {
                files = write(dir, all, status, stats);
            } catch (IOException e) {
                throw OutputFolder.cannotWrite("--out", dir, e);
            }
            err.println(files.size() + " files of campaign " + all.getCampaign() + " (" + all.getRankedCount()
                    + " trials) written to " + dir);
        }
    }

    static String curves(List<EpochMetrics> epochs) {
        StringBuilder sb = new StringBuilder(CURVES_HEADER).append('\n');
        for (EpochMetrics m : epochs) {
            sb.append(m.getEpoch()).append(',').append(m.getUpdates()).append(',').append(m.getLearningRate()).append(',')
                    .append(m.getTrain().getCost()).append(',').append(m.getTrain().getLoss()).append(',')
                    .append(m.getTrain().getAccuracy()).append(',')
                    .append(m.getValidation().getCost()).append(',').append(m.getValidation().getLoss()).append(',')
                    .append(m.getValidation().getAccuracy()).append(',').append(m.getSeconds()).append('\n');
        }
        return sb.toString();
    }

    private static Path write(Path file, String text) throws IOException {
        Outputs.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
        return file;
    }
}
