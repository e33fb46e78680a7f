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

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
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
        TrainingPlan plan = new TrainingPlan(networkConfig, data, config);
        DataSet train = data.train();
        double lambda = config.lambda();
        Network net = new Network(networkConfig, config.seed());
        try (RowExecutor executor = RowExecutor.create(config.threads())) {
            net.useExecutor(executor);
            Optimizer optimizer = Optimizer.create(config.optimizer(), net.parameters());
            TrainingLoop.Model model = new TrainingLoop.Model() {
                @Override
                public boolean step(int[] order, int from, int to, SplittableRandom flips, double eta) {
                    Batch batch = Batch.gather(train, order, from, to);
                    if (flips != null) HorizontalFlip.apply(batch.features(), train.imageShape(), flips);
                    Network.Pass pass = net.forward(batch.features(), true);
                    double cost = net.loss(pass, batch.labels()) + lambda * net.weightPenalty();
                    if (!Double.isFinite(cost)) return false;
                    Gradients gradients = net.backward(pass, batch.labels(), lambda);
                    net.updateMovingAverages(pass);
                    optimizer.step(gradients, eta);
                    return true;
                }

                @Override
                public Evaluation evaluate(DataSet set, int count) {
                    return net.evaluate(set, count, lambda);
                }

                @Override
                public void computePreciseStatistics(int[] samples) {
                    net.computePreciseStatistics(train, samples, config.batchSize());
                }

                @Override
                public ConfusionMatrix confusion(DataSet set) {
                    return net.confusion(set);
                }
            };
            TrainingResult result = TrainingLoop.run(model, networkConfig, data, config, plan, listener, nanoClock);
            return new TrainedModel(net, result);
        } finally {
            net.useExecutor(RowExecutor.SERIAL);
        }
    }
}
