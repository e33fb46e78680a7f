package io.hpsearch.cli.cluster;

import io.hpsearch.protocol.v1.EpochMetrics;
import io.hpsearch.protocol.v1.HistogramSummary;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TrialResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files {@code hpsearch local} writes: every trial of the campaign, ranked, as
 * {@code results.json}, {@code results.csv} and {@code results.md}, the coordinator's latency
 * percentiles as {@code stats.txt}, and each trial's per-epoch curves as
 * {@code curves/PHASE-INDEX.csv} (the columns of {@code hpsearch train}'s {@code curves.csv}).
 */
final class ResultFiles {
    static final String CURVES_HEADER =
            "epoch,updates,learning_rate,train_cost,train_loss,train_acc,val_cost,val_loss,val_acc,seconds";

    private ResultFiles() {
    }

    static List<Path> write(Path dir, ResultsTable table, TopKAnswer all, List<HistogramSummary> stats) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        written.add(write(dir.resolve("results.json"), table.format(ResultsTable.Format.JSON)));
        written.add(write(dir.resolve("results.csv"), table.format(ResultsTable.Format.CSV)));
        written.add(write(dir.resolve("results.md"), table.format(ResultsTable.Format.MARKDOWN)));
        written.add(write(dir.resolve("stats.txt"), ResultsTable.stats(stats)));
        Path curves = dir.resolve("curves");
        Files.createDirectories(curves);
        for (TrialResult r : all.getRankedList()) {
            if (r.getCurvesCount() == 0) continue;
            written.add(write(curves.resolve(r.getId().getPhase() + "-" + r.getId().getIndex() + ".csv"), curves(r.getCurvesList())));
        }
        return written;
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
