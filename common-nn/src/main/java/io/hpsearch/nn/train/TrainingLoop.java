package io.hpsearch.nn.train;

import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.metrics.ConfusionMatrix;
import io.hpsearch.nn.metrics.Evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * The epoch loop both trainers share, so that the reference and the fast core cannot drift apart
 * in what a run is: batches in the plan's order, η from the schedule, a stop exactly after the
 * planned number of updates, DIVERGED as soon as a batch's cost or an epoch's training cost is not
 * finite (the curves so far kept), cancellation between batches, metrics after every epoch (the
 * training set's only after the last one when the config says so),
 * precise BN statistics at the end when asked for, and the final evaluations (the last epoch's
 * reused when nothing changed since).
 */
public final class TrainingLoop {
    /** What the loop needs from a network under training. */
    public interface Model {
        /**
         * One update on samples {@code order[from..to)} of the training set: forward pass (flipping
         * images with {@code flips} when it is not {@code null}), then, only if the batch's cost
         * loss + λ Σ‖W‖² is finite, backward pass, moving averages and optimiser step with rate η.
         *
         * @return whether the cost was finite (false: nothing was updated)
         */
        boolean step(int[] order, int from, int to, SplittableRandom flips, double eta);

        /** Test-mode evaluation of the first {@code count} samples of {@code set}. */
        Evaluation evaluate(DataSet set, int count);

        /** Replaces the BN test statistics by those of these training samples. */
        void computePreciseStatistics(int[] samples);

        ConfusionMatrix confusion(DataSet set);
    }

    private TrainingLoop() {
    }

    /** Runs the plan on {@code model}; times come from {@code nanoClock}. */
    public static TrainingResult run(Model model, NetworkConfig network, DataSplit data, TrainingConfig config,
                                     TrainingPlan plan, TrainingListener listener, LongSupplier nanoClock) {
        DataSet train = data.train();
        int trainSize = plan.trainSize();
        int batchSize = config.batchSize();
        long total = plan.totalUpdates();
        long start = nanoClock.getAsLong();
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
                eta = config.schedule().rate(updates, plan.updatesPerEpoch());
                if (!model.step(order, from, Math.min(trainSize, from + batchSize),
                        config.flip() ? plan.flips() : null, eta)) {
                    status = TrainingStatus.DIVERGED;
                    break training;
                }
                updates++;
                listener.onUpdate(updates, total);
            }
            TrainingPlan.checkCancelled();
            // Without a pass over the training set, the batches' costs (checked before every
            // update) are this epoch's check, and the last epoch still gets the pass.
            boolean measureTrain = config.trainEvaluation() == TrainEvaluation.EVERY_EPOCH || updates >= total;
            Evaluation trainEval = measureTrain ? model.evaluate(train, trainSize) : Evaluation.EMPTY;
            if (measureTrain && !Double.isFinite(trainEval.cost())) {
                status = TrainingStatus.DIVERGED;
                break;
            }
            Evaluation validationEval = model.evaluate(data.validation(), data.validation().size());
            double seconds = (nanoClock.getAsLong() - start) / 1e9;
            EpochMetrics metrics = new EpochMetrics(epoch, updates, eta, trainEval, validationEval, seconds);
            curves.add(metrics);
            listener.onEpoch(metrics);
        }

        boolean precise = plan.wantsPreciseStatistics(network, status);
        if (precise) {
            model.computePreciseStatistics(plan.preciseSamples());
        }
        TrainingPlan.checkCancelled();
        // The last epoch's evaluations came after the last update; unless the BN statistics have
        // changed since, the final ones would be the same passes over the same network again.
        EpochMetrics last = curves.isEmpty() ? null : curves.get(curves.size() - 1);
        boolean reuse = !precise && status == TrainingStatus.COMPLETED && last != null && last.updates() == updates;
        Evaluation finalTrain = reuse ? last.train() : model.evaluate(train, trainSize);
        Evaluation finalValidation = reuse ? last.validation()
                : model.evaluate(data.validation(), data.validation().size());
        Evaluation finalTest = model.evaluate(data.test(), data.test().size());
        ConfusionMatrix confusion = model.confusion(data.test());
        return new TrainingResult(status, curves, finalTrain, finalValidation, finalTest, confusion,
                epoch, updates, (nanoClock.getAsLong() - start) / 1e9);
    }
}
