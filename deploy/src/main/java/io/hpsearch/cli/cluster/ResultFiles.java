package io.hpsearch.cli.cluster;

import io.hpsearch.cli.output.OutputFolder;
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
import java.util.List;

/**
 * The results files of a campaign ({@code hpsearch local --out}, {@code hpsearch results --out}):
 * every trial of the campaign, ranked, as {@code results.json}, {@code results.csv} and
 * {@code results.md}, the coordinator's latency percentiles as {@code stats.txt} (when they are
 * known), a figure of the search per searched dimension ({@link SearchPlots}) and each trial's
 * per-epoch curves as {@code curves/PHASE-INDEX.csv} (the columns of {@code hpsearch train}'s
 * {@code curves.csv}).
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
        written.addAll(SearchPlots.write(dir, table, status, all.getCampaign()));
        Path curves = dir.resolve("curves");
        Files.createDirectories(curves);
        for (TrialResult r : all.getRankedList()) {
            if (r.getCurvesCount() == 0) continue;
            written.add(write(curves.resolve(r.getId().getPhase() + "-" + r.getId().getIndex() + ".csv"), curves(r.getCurvesList())));
        }
        return written;
    }

    /**
     * {@link #write} for a command's {@code --out}: a folder that cannot be written is the user's
     * error, and what was written is said on {@code err}.
     */
    static void writeForOption(Path dir, TopKAnswer all, CampaignStatus status, List<HistogramSummary> stats,
                               PrintStream err) {
        List<Path> files;
        try {
            files = write(dir, all, status, stats);
        } catch (IOException e) {
            throw OutputFolder.cannotWrite("--out", dir, e);
        }
        err.println(files.size() + " files of campaign " + all.getCampaign() + " (" + all.getRankedCount()
                + " trials) written to " + dir);
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
        // a reader never sees half a file: write beside it, then rename
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
