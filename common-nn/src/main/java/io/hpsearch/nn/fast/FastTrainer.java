package io.hpsearch.nn.fast;

import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.metrics.ConfusionMatrix;
import io.hpsearch.nn.metrics.Evaluation;
import io.hpsearch.nn.train.TrainingConfig;
import io.hpsearch.nn.train.TrainingListener;
import io.hpsearch.nn.train.TrainingLoop;
import io.hpsearch.nn.train.TrainingPlan;
import io.hpsearch.nn.train.TrainingResult;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Mini-batch training of a {@link FastNetwork}, with the contract of
 * {@link io.hpsearch.nn.train.Trainer}: same length, schedule, optimiser equations, divergence and
 * cancellation rules, flips, training subset and precise BN statistics, and through the shared
 * {@link TrainingPlan} the same batches in the same order, the same flipped samples and the same
 * precise-BN samples. The network starts from the reference's initial weights (rounded to float),
 * so the two trainers follow the same path up to float rounding.
 *
 * <p>Threads: {@code config.threads()} > 1 gives the run a {@link Team} of its own (the calling
 * thread plus workers), closed at the end. Results are bit-identical for any thread count.
 *
 * <p>Steady state allocates nothing: the network's workspaces, the optimiser state and the team's
 * tasks are made before the first step.
 */
public final class FastTrainer {
    private final LongSupplier nanoClock;
    private final PhaseTimes phases;

    public FastTrainer() {
        this(System::nanoTime);
    }

    /** @param nanoClock source of the wall time reported in the metrics (a parameter so tests can pin it) */
    public FastTrainer(LongSupplier nanoClock) {
        this(nanoClock, null);
    }

    private FastTrainer(LongSupplier nanoClock, PhaseTimes phases) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.phases = phases;
    }

    /**
     * This trainer, with each run's team timing its phases into {@code phases} (sized for the
     * config's threads) while their recording is on.
     */
    public FastTrainer recordingPhases(PhaseTimes phases) {
        return new FastTrainer(nanoClock, Objects.requireNonNull(phases, "phases"));
    }

    /** A run's outcome with the trained network (test statistics in place, set back to the caller's thread). */
    public record TrainedFastModel(FastNetwork network, TrainingResult result) {
    }

    /** Trains a fresh network and reports the curves and final evaluations. */
    public TrainingResult train(NetworkConfig network, DataSplit data, TrainingConfig config, TrainingListener listener) {
        return trainModel(network, data, config, listener).result();
    }

    /** As {@link #train}, also returning the trained network. */
    public TrainedFastModel trainModel(NetworkConfig networkConfig, DataSplit data, TrainingConfig config,
                                       TrainingListener listener) {
        Objects.requireNonNull(listener, "listener");
        TrainingPlan plan = new TrainingPlan(networkConfig, data, config);
        DataSet train = data.train();
        double lambda = config.lambda();
        FastNetwork net = new FastNetwork(networkConfig, config.seed(), Math.min(config.batchSize(), plan.trainSize()));
        try (Team team = phases == null ? Team.create(config.threads(), "nn-trial")
                : Team.recording(config.threads(), "nn-trial", phases)) {
            net.useTeam(team);
            FloatOptimizer optimizer = FloatOptimizer.create(config.optimizer(), net.parameters().length);
            boolean[] flipCoins = new boolean[net.batchCapacity()];
            TrainingLoop.Model model = new TrainingLoop.Model() {
                @Override
                public boolean step(int[] order, int from, int to, SplittableRandom flips, double eta) {
                    // The reference's cost, loss + λ Σ‖W‖², is finite exactly when both the weights
                    // and the loss are.
                    if (!net.weightsFiniteAfterLastUpdate()) return false;
                    boolean[] coins = null;
                    if (flips != null) {
                        // One coin per row in row order, as HorizontalFlip.apply draws them.
                        coins = flipCoins;
                        for (int r = 0; r < to - from; r++) coins[r] = flips.nextBoolean();
                    }
                    int rows = net.stageBatch(train, order, from, to, coins, coins == null ? null : train.imageShape());
                    return Double.isFinite(net.trainingStep(rows, lambda, optimizer, eta));
                }

                @Override
                public Evaluation evaluate(DataSet set, int count) {
                    return net.evaluate(set, count, lambda);
                }

                @Override
                public void computePreciseStatistics(int[] samples) {
                    net.computePreciseStatistics(train, samples, net.batchCapacity());
                }

                @Override
                public ConfusionMatrix confusion(DataSet set) {
                    return net.confusion(set);
                }
            };
            TrainingResult result = TrainingLoop.run(model, networkConfig, data, config, plan, listener, nanoClock);
            return new TrainedFastModel(net, result);
        } finally {
            net.useTeam(Team.serial());
        }
    }
}
