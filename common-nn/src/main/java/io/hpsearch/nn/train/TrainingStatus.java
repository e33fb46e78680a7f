package io.hpsearch.nn.train;

/** How a training run ended. */
public enum TrainingStatus {
    COMPLETED,
    /** The cost became NaN or infinite; training stopped there and the curves so far are kept. */
    DIVERGED
}
