package io.hpsearch.nn.fast;

import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.metrics.ConfusionMatrix;
import io.hpsearch.nn.metrics.Evaluation;
import io.hpsearch.nn.train.EpochMetrics;
import io.hpsearch.nn.train.HorizontalFlip;
import io.hpsearch.nn.train.TrainingConfig;
import io.hpsearch.nn.train.TrainingListener;
import io.hpsearch.nn.train.TrainingPlan;
import io.hpsearch.nn.train.TrainingResult;
import io.hpsearch.nn.train.TrainingStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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

    public FastTrainer() {
        this(System::nanoTime);
    }

    /** @param nanoClock source of the wall time reported in the metrics (a parameter so tests can pin it) */
    public FastTrainer(LongSupplier nanoClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
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
        DataSet train = data.train();
        TrainingPlan plan = new TrainingPlan(networkConfig, data, config);
        int trainSize = plan.trainSize();
        int perEpoch = plan.updatesPerEpoch();
        long total = plan.totalUpdates();
        double lambda = config.lambda();
        int batchSize = config.batchSize();
        long start = nanoClock.getAsLong();

        FastNetwork net = new FastNetwork(networkConfig, config.seed(), Math.min(batchSize, trainSize));
        try (Team team = Team.create(config.threads(), "nn-trial")) {
            net.useTeam(team);
            FloatOptimizer optimizer = FloatOptimizer.create(config.optimizer(), net.parameters().length);
            List<EpochMetrics> curves = new ArrayList<>();
            TrainingStatus status = TrainingStatus.COMPLETED;
            long updates = 0;
            int epoch = 0;
            double eta = Double.NaN;

            training:
            while (updates < total) {
                epoch++;
                int[] order = plan.nextEpochOrder();
                for (int from = 0; from < trainSize && updates < total; from += batchSize) {
                    TrainingPlan.checkCancelled();
                    int rows = net.loadBatch(train, order, from, Math.min(trainSize, from + batchSize));
                    if (config.flip()) HorizontalFlip.apply(net.batchInput(), rows, train.imageShape(), plan.flips());
                    double loss = net.forwardTraining(rows);
                    // The reference's cost, loss + λ Σ‖W‖², is finite exactly when both hold.
                    if (!Double.isFinite(loss) || !net.weightsFinite()) {
                        status = TrainingStatus.DIVERGED;
                        break training;
                    }
                    eta = config.schedule().rate(updates, perEpoch);
                    net.backwardAndUpdate(lambda, optimizer, eta);
                    updates++;
                    listener.onUpdate(updates, total);
                }
                TrainingPlan.checkCancelled();
                Evaluation trainEval = net.evaluate(train, trainSize, lambda);
                if (!Double.isFinite(trainEval.cost())) {
                    status = TrainingStatus.DIVERGED;
                    break;
                }
                Evaluation validationEval = net.evaluate(data.validation(), lambda);
                EpochMetrics metrics = new EpochMetrics(epoch, updates, eta, trainEval, validationEval, seconds(start));
                curves.add(metrics);
                listener.onEpoch(metrics);
            }

            if (plan.wantsPreciseStatistics(networkConfig, status)) {
                net.computePreciseStatistics(train, plan.preciseSamples(), net.batchCapacity());
            }
            TrainingPlan.checkCancelled();
            Evaluation finalTrain = net.evaluate(train, trainSize, lambda);
            Evaluation finalValidation = net.evaluate(data.validation(), lambda);
            Evaluation finalTest = net.evaluate(data.test(), lambda);
            ConfusionMatrix confusion = net.confusion(data.test());
            TrainingResult result = new TrainingResult(status, curves, finalTrain, finalValidation, finalTest, confusion,
                    epoch, updates, seconds(start));
            return new TrainedFastModel(net, result);
        } finally {
            net.useTeam(Team.serial());
        }
    }

    private double seconds(long start) {
        return (nanoClock.getAsLong() - start) / 1e9;
    }
}
