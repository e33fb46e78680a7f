package io.hpsearch.cli.output;

import io.hpsearch.nn.train.EpochMetrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code curves.csv}: one row per finished epoch. Numbers are written in Java's shortest exact form
 * ({@code 0.0123}, {@code 1.0E-5}); a missing value (empty validation set, diverged run) is
 * {@code NaN}, which pandas, numpy and {@code Double.parseDouble} all read.
 */
public final class CurvesCsv {
    public static final String FILE_NAME = "curves.csv";
    public static final String HEADER =
            "epoch,updates,learning_rate,train_cost,train_loss,train_acc,val_cost,val_loss,val_acc,seconds";

    private CurvesCsv() { }

    public static String format(List<EpochMetrics> curves) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (EpochMetrics m : curves) {
            sb.append(m.epoch()).append(',')
                    .append(m.updates()).append(',')
                    .append(m.learningRate()).append(',')
                    .append(m.train().cost()).append(',')
                    .append(m.train().loss()).append(',')
                    .append(m.train().accuracy()).append(',')
                    .append(m.validation().cost()).append(',')
                    .append(m.validation().loss()).append(',')
                    .append(m.validation().accuracy()).append(',')
                    .append(m.seconds()).append('\n');
        }
        return sb.toString();
    }

    public static void write(Path file, List<EpochMetrics> curves) throws IOException {
        Outputs.writeAtomically(file, format(curves).getBytes(StandardCharsets.UTF_8));
    }
}
