package io.hpsearch.worker.trial;

import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.protocol.v1.ConstantSchedule;
import io.hpsearch.protocol.v1.ScheduleSpec;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.protocol.v1.TrialStatus;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Short trainings of a trial's network on its data, results thrown away, run when a worker
 * starts: the training kernels are then compiled before the first real trial arrives instead of
 * during it (the first epochs of a JVM's first trial otherwise run several times slower while the
 * JIT catches up, and the JIT's threads take CPU from the other trials on the machine). The JIT
 * compiles in the background, so one round is not enough: rounds are repeated until a round
 * passes with (almost) no compilation after at least {@link #MIN_STEPS} training steps, or
 * {@link #MAX_SECONDS} have passed.
 *
 * <p>A quiet round alone does not show the work is done: the core's per-step methods (the step's
 * drivers, each thread's part of the forward and backward passes, the update) are called a few
 * times a step, and until their call counts reach the JIT's thresholds nothing is compiled, so a
 * round looks quiet while they still run at the profiling tier. They were then compiled by C2
 * during each worker's first real trial (0.5-1 s of compiler CPU), which took about twice as long
 * as the next ones.
 *
 * <p>Each round runs on a thread of its own, as each real trial first runs on a thread that has
 * never trained: a kernel compiled only ever seeing one thread treats a thread's first use of its
 * scratch space as a branch never taken, and the first real trial then threw the compiled GEMM
 * back to the slow tiers at its start, to be compiled again while it ran.
 */
public final class KernelWarmUp {
    /** Samples and epochs of one warm-up round. */
    public static final int SAMPLES = 10_000, EPOCHS = 4;
    /**
     * Training steps before a quiet round may end the warm-up: deploy/bin/hpsearch has the core's
     * methods compiled at a tenth of the JIT's default thresholds, by C2 after 500-1,500 calls.
     */
    public static final int MIN_STEPS = 2_000;
    /** Longest warm-up. */
    public static final double MAX_SECONDS = 20;
    /** A round whose compilation time is below this share of its wall time ends the warm-up. */
    static final double QUIET = 0.02;

    private KernelWarmUp() {
    }

    /** What a warm-up did: its wall time and the training steps of its rounds. */
    public record Report(double seconds, long steps) {
    }

    /**
     * Trains {@code trial}'s network for {@link #EPOCHS} epochs on at most {@link #SAMPLES}
     * training samples of {@code data}, with {@code threads} threads.
     *
     * @return how long the warm-up took and how many steps it trained
     * @throws IllegalStateException the warm-up training failed (the message says why)
     */
    public static Report run(TrialSpec trial, DataSplit data, int threads) {
        TrialSpec.Builder b = trial.toBuilder();
        // the recipe's network, batch and optimiser, but a constant small rate (a cyclical schedule's
        // length is its own) for a few epochs on a subset
        b.getTrainingBuilder().setEpochs(EPOCHS).setTrainSubset(Math.min(SAMPLES, data.train().size()))
                .setSchedule(ScheduleSpec.newBuilder().setConstant(ConstantSchedule.newBuilder().setEta(1e-3)));
        TrialSpec warm = b.build();
        int batch = Math.max(1, warm.getTraining().getBatchSize());
        long stepsPerRound = (long) EPOCHS * ((warm.getTraining().getTrainSubset() + batch - 1) / batch);
        TrialRunner runner = new TrialRunner("warm-up", threads);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        long steps = 0;
        while (true) {
            long roundStart = System.nanoTime();
            long compiledBefore = measurable ? jit.getTotalCompilationTime() : 0;
            TrialResult r = onNewThread(() -> runner.run(warm, data, "", p -> { }));
            if (r.getStatus() == TrialStatus.TRIAL_STATUS_FAILED) {
                throw new IllegalStateException("warm-up training of " + TrialRunner.describe(trial) + " failed: " + r.getError());
            }
            steps += stepsPerRound;
            double round = (System.nanoTime() - roundStart) / 1e9;
            double compiling = measurable ? (jit.getTotalCompilationTime() - compiledBefore) / 1e3 : 0;
            double total = (System.nanoTime() - start) / 1e9;
            // without the JIT's figures, the step count alone decides
            boolean quiet = !measurable || compiling < QUIET * round;
            if ((steps >= MIN_STEPS && quiet) || total >= MAX_SECONDS) return new Report(total, steps);
        }
    }

    /** Runs {@code round} on a new thread and waits for it; its failure is rethrown here. */
    private static TrialResult onNewThread(Callable<TrialResult> round) {
        FutureTask<TrialResult> task = new FutureTask<>(round);
        new Thread(task, "hpsearch-warm-up").start();
        try {
            return task.get();
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("warm-up interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error er) throw er;
            throw new IllegalStateException(e.getCause());
        }
    }
}
