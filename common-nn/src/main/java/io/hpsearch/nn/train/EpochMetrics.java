package io.hpsearch.nn.train;

import io.hpsearch.nn.metrics.Evaluation;

/**
 * Metrics after an epoch (1-based), with the network in test mode (BN moving averages).
 *
 * @param updates      updates done so far
 * @param learningRate η of the last update of the epoch
 * @param seconds      wall time since training started
 */
public record EpochMetrics(int epoch, long updates, double learningRate, Evaluation train, Evaluation validation,
                           double seconds) {
}
