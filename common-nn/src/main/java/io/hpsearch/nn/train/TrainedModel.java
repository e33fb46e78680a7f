package io.hpsearch.nn.train;

import io.hpsearch.nn.Network;

/** A training run's outcome together with the trained network (test statistics already in place). */
public record TrainedModel(Network network, TrainingResult result) {
}
