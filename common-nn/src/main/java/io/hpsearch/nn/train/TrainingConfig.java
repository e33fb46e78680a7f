package io.hpsearch.nn.train;

import java.util.Objects;

/**
 * Everything about one training run that is not the network's shape or the data.
 *
 * @param lambda         L2 penalty: cost = loss + λ Σ‖W‖² (weights only, not biases, γ or β)
 * @param batchSize      samples per update
 * @param epochs         epochs to train for constant and step schedules; for a cyclical schedule
 *                       the schedule sets the length and this is ignored (0 is fine)
 * @param preciseSamples training samples used for PRECISE BN statistics
 * @param flip           random horizontal flip of image samples while training
 * @param trainSubset    use only the first N training samples (0: all)
 * @param seed           seeds initialisation, shuffling and augmentation
 * @param threads        threads for the trial's own pool (1: run on the caller's thread)
 * @param trainEvaluation after which epochs the training set is measured
 */
public record TrainingConfig(double lambda, int batchSize, int epochs, ScheduleConfig schedule,
                             OptimizerConfig optimizer, BnStatistics testStatistics, int preciseSamples,
                             boolean flip, int trainSubset, long seed, int threads, TrainEvaluation trainEvaluation) {
    public TrainingConfig {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(trainEvaluation, "trainEvaluation");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(testStatistics, "testStatistics");
        if (!(lambda >= 0 && Double.isFinite(lambda))) throw new IllegalArgumentException("lambda must be >= 0: " + lambda);
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        if (epochs < 0) throw new IllegalArgumentException("epochs must be >= 0: " + epochs);
        if (schedule.totalUpdates(1) < 0 && epochs == 0) {
            throw new IllegalArgumentException("epochs must be positive for a " + schedule.getClass().getSimpleName() + " schedule");
        }
        if (preciseSamples < 0) throw new IllegalArgumentException("precise-BN sample count must be >= 0: " + preciseSamples);
        if (trainSubset < 0) throw new IllegalArgumentException("training subset must be >= 0: " + trainSubset);
        if (threads <= 0) throw new IllegalArgumentException("threads must be positive: " + threads);
    }

    /** A run that measures the training set after every epoch. */
    public TrainingConfig(double lambda, int batchSize, int epochs, ScheduleConfig schedule, OptimizerConfig optimizer,
                          BnStatistics testStatistics, int preciseSamples, boolean flip, int trainSubset, long seed,
                          int threads) {
        this(lambda, batchSize, epochs, schedule, optimizer, testStatistics, preciseSamples, flip, trainSubset, seed,
                threads, TrainEvaluation.EVERY_EPOCH);
    }

    /** Updates in one epoch over {@code trainSize} samples (the last, smaller batch counts). */
    public int updatesPerEpoch(int trainSize) {
        return (trainSize + batchSize - 1) / batchSize;
    }

    /** Total updates of the run: the schedule's own length, or {@code epochs} full epochs. */
    public long totalUpdates(int trainSize) {
        int perEpoch = updatesPerEpoch(trainSize);
        long scheduled = schedule.totalUpdates(perEpoch);
        return scheduled >= 0 ? scheduled : (long) epochs * perEpoch;
    }

    /** Epochs the run touches (a last partial epoch counts as one). */
    public int totalEpochs(int trainSize) {
        int perEpoch = updatesPerEpoch(trainSize);
        return (int) ((totalUpdates(trainSize) + perEpoch - 1) / perEpoch);
    }
}
