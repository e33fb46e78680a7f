package io.hpsearch.worker.trial;

import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.protocol.v1.ConstantSchedule;
import io.hpsearch.protocol.v1.ScheduleSpec;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.protocol.v1.TrialStatus;

/**
 * A short training of a trial's network on its data, results thrown away, run when a worker
 * starts: the training kernels are then compiled before the first real trial arrives instead of
 * during it (the first epochs of a JVM's first trial otherwise run several times slower while the
 * JIT catches up).
 */
public final class KernelWarmUp {
    /** Samples and epochs of the warm-up training. */
    public static final int SAMPLES = 10_000, EPOCHS = 1;

    private KernelWarmUp() {
    }

    /**
     * Trains {@code trial}'s network for {@link #EPOCHS} epoch on at most {@link #SAMPLES}
     * training samples of {@code data}, with {@code threads} threads.
     *
     * @return seconds the warm-up took
     * @throws IllegalStateException the warm-up training failed (the message says why)
     */
    public static double run(TrialSpec trial, DataSplit data, int threads) {
        TrialSpec.Builder b = trial.toBuilder();
        // the recipe's network, batch and optimiser, but a constant small rate (a cyclical schedule's
        // length is its own) for one epoch on a subset
        b.getTrainingBuilder().setEpochs(EPOCHS).setTrainSubset(Math.min(SAMPLES, data.train().size()))
                .setSchedule(ScheduleSpec.newBuilder().setConstant(ConstantSchedule.newBuilder().setEta(1e-3)));
        long start = System.nanoTime();
        TrialResult r = new TrialRunner("warm-up", threads).run(b.build(), data, "", p -> { });
        if (r.getStatus() == TrialStatus.TRIAL_STATUS_FAILED) {
            throw new IllegalStateException("warm-up training of " + TrialRunner.describe(trial) + " failed: " + r.getError());
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
