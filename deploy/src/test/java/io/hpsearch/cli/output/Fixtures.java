package io.hpsearch.cli.output;

import io.hpsearch.nn.metrics.ConfusionMatrix;
import io.hpsearch.nn.metrics.Evaluation;
import io.hpsearch.nn.train.EpochMetrics;
import io.hpsearch.nn.train.TrainingResult;
import io.hpsearch.nn.train.TrainingStatus;

import java.util.ArrayList;
import java.util.List;

/** Training results built by hand for the writer tests. */
final class Fixtures {
    private Fixtures() { }

    static EpochMetrics epoch(int e) {
        Evaluation train = new Evaluation(2.0 - 0.1 * e, 1.9 - 0.1 * e, 0.30 + 0.02 * e);
        Evaluation val = new Evaluation(2.1 - 0.08 * e, 2.0 - 0.08 * e, 0.28 + 0.015 * e);
        return new EpochMetrics(e, 450L * e, 1e-5 * e, train, val, 1.5 * e);
    }

    static List<EpochMetrics> curves(int epochs) {
        List<EpochMetrics> list = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) list.add(epoch(e));
        return list;
    }

    static ConfusionMatrix confusion(int k) {
        int[][] counts = new int[k][k];
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) counts[t][p] = t == p ? 50 + t : (t + 2 * p) % 7;
        }
        return new ConfusionMatrix(counts);
    }

    static TrainingResult completed(int epochs) {
        return new TrainingResult(TrainingStatus.COMPLETED, curves(epochs),
                new Evaluation(1.25, 1.2, 0.6125), new Evaluation(1.45, 1.4, 0.5375),
                new Evaluation(1.5, 1.45, 0.5312), confusion(10), epochs, 450L * epochs, 12.75);
    }
}
