package io.hpsearch.nn.train;

import io.hpsearch.nn.Batch;
import io.hpsearch.nn.BatchNormMode;
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
        DataSet train = data.train();
        validate(networkConfig, data, config);
        int trainSize = config.trainSubset() > 0 ? Math.min(config.trainSubset(), train.size()) : train.size();
        int perEpoch = config.updatesPerEpoch(trainSize);
        long total = config.totalUpdates(trainSize);
        double lambda = config.lambda();
        long start = nanoClock.getAsLong();

        SplittableRandom root = new SplittableRandom(config.seed());
        SplittableRandom shuffling = root.split();
        SplittableRandom flips = root.split();
        SplittableRandom precise = root.split();

        Network net = new Network(networkConfig, config.seed());
        try (RowExecutor executor = RowExecutor.create(config.threads())) {
            net.useExecutor(executor);
            Optimizer optimizer = Optimizer.create(config.optimizer(), net.parameters());
            int[] order = identity(trainSize);
            List<EpochMetrics> curves = new ArrayList<>();
            TrainingStatus status = TrainingStatus.COMPLETED;
            long updates = 0;
            int epoch = 0;
            double eta = Double.NaN;

            training:
            while (updates < total) {
                epoch++;
                shuffle(order, shuffling);
                for (int from = 0; from < trainSize && updates < total; from += config.batchSize()) {
                    checkCancelled();
                    Batch batch = Batch.gather(train, order, from, Math.min(trainSize, from + config.batchSize()));
                    if (config.flip()) HorizontalFlip.apply(batch.features(), train.imageShape(), flips);
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
                checkCancelled();
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

            if (status == TrainingStatus.COMPLETED && config.testStatistics() == BnStatistics.PRECISE
                    && networkConfig.batchNorm() != BatchNormMode.OFF) {
                // N random training samples (all of them when preciseSamples is 0 or larger than the
                // set), not the first N: a file sorted by class would otherwise bias the statistics.
                int n = config.preciseSamples() == 0 ? trainSize : Math.min(config.preciseSamples(), trainSize);
                int[] pick = identity(trainSize);
                shuffle(pick, precise);
                net.computePreciseStatistics(train, java.util.Arrays.copyOf(pick, n), config.batchSize());
            }
            checkCancelled();
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

    private static void validate(NetworkConfig net, DataSplit data, TrainingConfig config) {
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

    private static void checkCancelled() {
        if (Thread.interrupted()) throw new CancellationException("training interrupted");
    }

    private double seconds(long start) {
        return (nanoClock.getAsLong() - start) / 1e9;
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
