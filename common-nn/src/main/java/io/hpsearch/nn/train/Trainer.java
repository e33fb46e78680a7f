package io.hpsearch.nn.train;

import io.hpsearch.nn.Batch;
import io.hpsearch.nn.Gradients;
import io.hpsearch.nn.Network;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.RowExecutor;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.metrics.ConfusionMatrix;
import io.hpsearch.nn.metrics.Evaluation;
import io.hpsearch.nn.optim.Optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Mini-batch training of the reference network.
 *
 * <p>Randomness: the network is {@code new Network(config, seed)}; shuffling, flips and the choice
 * of precise-BN samples come from independent streams split off {@code new SplittableRandom(seed)}.
 * With {@code threads} > 1 the big products run on a pool owned by the run; each number is computed
 * by one thread in a fixed order, so a run is a pure function of its inputs whatever the thread
 * count.
 *
 * <p>Cancellation: the thread's interrupt flag is checked between batches; when set, the run stops
 * with a {@link CancellationException} (the flag is consumed).
 */
public final class Trainer {
    private final LongSupplier nanoClock;

    public Trainer() {
        this(System::nanoTime);
    }

    /** @param nanoClock source of the wall time reported in the metrics (a parameter so tests can pin it) */
    public Trainer(LongSupplier nanoClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** Trains a fresh network and reports the curves and final evaluations. */
    public TrainingResult train(NetworkConfig network, DataSplit data, TrainingConfig config, TrainingListener listener) {
        return trainModel(network, data, config, listener).result();
    }

    /** As {@link #train}, also returning the trained network (set back to run on the caller's thread). */
    public TrainedModel trainModel(NetworkConfig networkConfig, DataSplit data, TrainingConfig config,
                                   TrainingListener listener) {
        Objects.requireNonNull(listener, "listener");
        DataSet train = data.train();
        TrainingPlan plan = new TrainingPlan(networkConfig, data, config);
        int trainSize = plan.trainSize();
        int perEpoch = plan.updatesPerEpoch();
        long total = plan.totalUpdates();
        double lambda = config.lambda();
        long start = nanoClock.getAsLong();

        Network net = new Network(networkConfig, config.seed());
        try (RowExecutor executor = RowExecutor.create(config.threads())) {
            net.useExecutor(executor);
            Optimizer optimizer = Optimizer.create(config.optimizer(), net.parameters());
            List<EpochMetrics> curves = new ArrayList<>();
            TrainingStatus status = TrainingStatus.COMPLETED;
            long updates = 0;
            int epoch = 0;
            double eta = Double.NaN;

            training:
            while (updates < total) {
                epoch++;
                int[] order = plan.nextEpochOrder();
                for (int from = 0; from < trainSize && updates < total; from += config.batchSize()) {
                    TrainingPlan.checkCancelled();
                    Batch batch = Batch.gather(train, order, from, Math.min(trainSize, from + config.batchSize()));
                    if (config.flip()) HorizontalFlip.apply(batch.features(), train.imageShape(), plan.flips());
                    Network.Pass pass = net.forward(batch.features(), true);
                    double cost = net.loss(pass, batch.labels()) + lambda * net.weightPenalty();
                    if (!Double.isFinite(cost)) {
                        status = TrainingStatus.DIVERGED;
                        break training;
                    }
                    Gradients gradients = net.backward(pass, batch.labels(), lambda);
                    eta = config.schedule().rate(updates, perEpoch);
                    net.updateMovingAverages(pass);
                    optimizer.step(gradients, eta);
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
                net.computePreciseStatistics(train, plan.preciseSamples(), config.batchSize());
            }
            TrainingPlan.checkCancelled();
            Evaluation finalTrain = net.evaluate(train, trainSize, lambda);
            Evaluation finalValidation = net.evaluate(data.validation(), lambda);
            Evaluation finalTest = net.evaluate(data.test(), lambda);
            ConfusionMatrix confusion = net.confusion(data.test());
            net.useExecutor(RowExecutor.SERIAL);
            TrainingResult result = new TrainingResult(status, curves, finalTrain, finalValidation, finalTest, confusion,
                    epoch, updates, seconds(start));
            return new TrainedModel(net, result);
        } finally {
            net.useExecutor(RowExecutor.SERIAL);
        }
    }

    private double seconds(long start) {
        return (nanoClock.getAsLong() - start) / 1e9;
    }
}
