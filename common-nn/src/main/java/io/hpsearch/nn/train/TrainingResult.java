package io.hpsearch.nn.train;

import io.hpsearch.nn.metrics.ConfusionMatrix;
import io.hpsearch.nn.metrics.Evaluation;

import java.util.List;

/**
 * Outcome of a training run. For a DIVERGED run the final evaluations are those of the network as
 * it was when the cost stopped being finite (NaN values), and {@code curves} holds every epoch
 * finished before that.
 */
public record TrainingResult(TrainingStatus status, List<EpochMetrics> curves, Evaluation train,
                             Evaluation validation, Evaluation test, ConfusionMatrix testConfusion,
                             int epochs, long updates, double seconds) {
    public TrainingResult {
        curves = List.copyOf(curves);
    }
}
