package io.hpsearch.nn.train;

import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.DataSplit;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;

/**
 * What a training run does apart from the arithmetic: the checks on its inputs, its length, the
 * order in which it visits the samples, and its random streams. Shared by every trainer so that
 * two implementations given the same inputs see the same batches in the same order, flip the same
 * samples and pick the same precise-BN samples, and differ only in how they compute.
 *
 * <p>Randomness: shuffling, flips and the choice of precise-BN samples come from independent
 * streams split, in that order, off {@code new SplittableRandom(seed)}.
 *
 * <p>One instance serves one run on one thread.
 */
public final class TrainingPlan {
    private final TrainingConfig config;
    private final int trainSize;
    private final int updatesPerEpoch;
    private final long totalUpdates;
    private final SplittableRandom shuffling;
    private final SplittableRandom flips;
    private final SplittableRandom precise;
    private final int[] order;

    /** Validates the inputs (IllegalArgumentException naming the mismatch) and fixes the run's length. */
    public TrainingPlan(NetworkConfig network, DataSplit data, TrainingConfig config) {
        validate(network, data, config);
        this.config = config;
        DataSet train = data.train();
        this.trainSize = config.trainSubset() > 0 ? Math.min(config.trainSubset(), train.size()) : train.size();
        this.updatesPerEpoch = config.updatesPerEpoch(trainSize);
        this.totalUpdates = config.totalUpdates(trainSize);
        SplittableRandom root = new SplittableRandom(config.seed());
        this.shuffling = root.split();
        this.flips = root.split();
        this.precise = root.split();
        this.order = identity(trainSize);
    }

    /** Training samples used: the first {@code trainSubset} (all when 0). */
    public int trainSize() {
        return trainSize;
    }

    public int updatesPerEpoch() {
        return updatesPerEpoch;
    }

    public long totalUpdates() {
        return totalUpdates;
    }

    /** The coin stream for horizontal flips. */
    public SplittableRandom flips() {
        return flips;
    }

    /**
     * Reshuffles the visiting order for the next epoch (a Fisher–Yates shuffle of the previous
     * epoch's order) and returns it; the array is reused, so read it before the next call.
     */
    public int[] nextEpochOrder() {
        shuffle(order, shuffling);
        return order;
    }

    /**
     * Whether the run ends with precise BN statistics: asked for, the network has BN and the run
     * completed.
     */
    public boolean wantsPreciseStatistics(NetworkConfig network, TrainingStatus status) {
        return status == TrainingStatus.COMPLETED && config.testStatistics() == BnStatistics.PRECISE
                && network.batchNorm() != BatchNormMode.OFF;
    }

    /**
     * The samples precise BN statistics are computed from: N random training samples (all of them
     * when preciseSamples is 0 or larger than the set), not the first N, since a file sorted by class
     * would otherwise bias the statistics.
     */
    public int[] preciseSamples() {
        int n = config.preciseSamples() == 0 ? trainSize : Math.min(config.preciseSamples(), trainSize);
        int[] pick = identity(trainSize);
        shuffle(pick, precise);
        return Arrays.copyOf(pick, n);
    }

    /** Throws {@link CancellationException} (consuming the flag) when the thread was interrupted. */
    public static void checkCancelled() {
        if (Thread.interrupted()) throw new CancellationException("training interrupted");
    }

    static void validate(NetworkConfig net, DataSplit data, TrainingConfig config) {
        DataSet train = data.train();
        if (net.inputDim() != train.dim()) {
            throw new IllegalArgumentException("network input dimension " + net.inputDim() + " does not match data set "
                    + train.name() + " (dim " + train.dim() + ")");
        }
        int classes = Math.max(train.classes(), Math.max(data.validation().classes(), data.test().classes()));
        if (net.classes() < classes) {
            throw new IllegalArgumentException("network has " + net.classes() + " classes, data set " + train.name()
                    + " has " + classes);
        }
        if (train.size() == 0) throw new IllegalArgumentException("training set " + train.name() + " is empty");
        if (config.flip() && train.imageShape() == null) {
            throw new IllegalArgumentException("flip needs image data, but training set " + train.name()
                    + " has no image shape");
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    /** Fisher–Yates shuffle. */
    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
