package io.hpsearch.nn.train;

/** Which mean and variance BN layers use at test time. */
public enum BnStatistics {
    /** Exponential moving averages kept during training (α from the network config). */
    MOVING_AVERAGE,
    /** Recomputed after training from one forward pass, in training mode, over N training samples. */
    PRECISE
}
