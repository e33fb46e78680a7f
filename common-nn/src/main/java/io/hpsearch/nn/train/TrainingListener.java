package io.hpsearch.nn.train;

/** Receives progress from a training run, on the training thread; keep it cheap. */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() { };

    /** After each update; {@code total} is the run's planned number of updates. */
    default void onUpdate(long update, long total) { }

    /** After each epoch's evaluation. */
    default void onEpoch(EpochMetrics metrics) { }
}
