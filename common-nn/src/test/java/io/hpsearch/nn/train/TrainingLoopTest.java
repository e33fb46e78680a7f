package io.hpsearch.nn.train;

import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.TestDataSets;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.metrics.ConfusionMatrix;
import io.hpsearch.nn.metrics.Evaluation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The loop's final evaluations: the last epoch's are reused when the network has not changed
 * since (no precise BN statistics, not diverged), and computed again otherwise. The model here
 * numbers every evaluation it is asked for, so a reuse and a new pass cannot be confused.
 */
class TrainingLoopTest {
    private static final DataSet BLOBS = TestDataSets.blobs(300, 4, 3, 6.0, 5);
    private static final DataSplit SPLIT = new DataSplit(BLOBS.slice(0, 200), BLOBS.slice(200, 250), BLOBS.slice(250, 300));
    private static final NetworkConfig NET = NetworkConfig.of(4, new int[] {5}, 3, BatchNormMode.BEFORE_RELU);

    /** Counts evaluations; each returns a new value. Steps fail (cost not finite) from {@code divergeAt} on. */
    private static final class NumberingModel implements TrainingLoop.Model {
        final List<String> evaluated = new ArrayList<>();
        final long divergeAt;
        long steps;
        int precise;

        NumberingModel(long divergeAt) {
            this.divergeAt = divergeAt;
        }

        @Override
        public boolean step(int[] order, int from, int to, SplittableRandom flips, double eta) {
            return ++steps < divergeAt;
        }

        @Override
        public Evaluation evaluate(DataSet set, int count) {
            evaluated.add(set == SPLIT.train() ? "train" : set == SPLIT.validation() ? "validation" : "test");
            return new Evaluation(evaluated.size(), evaluated.size(), 1.0 / evaluated.size());
        }

        @Override
        public void computePreciseStatistics(int[] samples) {
            precise++;
        }

        @Override
        public ConfusionMatrix confusion(DataSet set) {
            return new ConfusionMatrix(new int[3][3]);
        }
    }

    private static TrainingResult run(NumberingModel model, BnStatistics statistics) {
        return run(model, statistics, TrainEvaluation.EVERY_EPOCH);
    }

    private static TrainingResult run(NumberingModel model, BnStatistics statistics, TrainEvaluation trainEvaluation) {
        TrainingConfig config = new TrainingConfig(0.0, 20, 3, new ScheduleConfig.Constant(0.01), OptimizerConfig.SGD,
                statistics, 0, false, 0, 1, 1, trainEvaluation);
        return TrainingLoop.run(model, NET, SPLIT, config, new TrainingPlan(NET, SPLIT, config), TrainingListener.NONE,
                System::nanoTime);
    }

    @Test
    void finalTrainAndValidationAreTheLastEpochsWhenNothingChangedSince() {
        NumberingModel model = new NumberingModel(Long.MAX_VALUE);
        TrainingResult r = run(model, BnStatistics.MOVING_AVERAGE);
        assertEquals(TrainingStatus.COMPLETED, r.status());
        // 3 epochs × (train, validation), then only the test set
        assertEquals(List.of("train", "validation", "train", "validation", "train", "validation", "test"), model.evaluated);
        EpochMetrics last = r.curves().get(2);
        assertSame(last.train(), r.train());
        assertSame(last.validation(), r.validation());
        assertEquals(7.0, r.test().cost());
    }

    @Test
    void preciseStatisticsChangeTheNetworkSoEverythingIsEvaluatedAgain() {
        NumberingModel model = new NumberingModel(Long.MAX_VALUE);
        TrainingResult r = run(model, BnStatistics.PRECISE);
        assertEquals(1, model.precise);
        assertEquals(List.of("train", "validation", "train", "validation", "train", "validation",
                "train", "validation", "test"), model.evaluated);
        assertNotEquals(r.curves().get(2).train(), r.train());
        assertEquals(7.0, r.train().cost());
    }

    @Test
    void aDivergedRunIsEvaluatedWhereItStopped() {
        NumberingModel model = new NumberingModel(25); // in epoch 3 (10 updates per epoch)
        TrainingResult r = run(model, BnStatistics.MOVING_AVERAGE);
        assertEquals(TrainingStatus.DIVERGED, r.status());
        assertEquals(2, r.curves().size());
        assertEquals(List.of("train", "validation", "train", "validation", "train", "validation", "test"), model.evaluated);
        assertEquals(5.0, r.train().cost());
    }

    @Test
    void measuringTheTrainingSetAtTheEndOnlySkipsItsPassesBeforeTheLastEpoch() {
        NumberingModel model = new NumberingModel(Long.MAX_VALUE);
        TrainingResult r = run(model, BnStatistics.MOVING_AVERAGE, TrainEvaluation.LAST_EPOCH);
        assertEquals(TrainingStatus.COMPLETED, r.status());
        assertEquals(List.of("validation", "validation", "train", "validation", "test"), model.evaluated);
        assertEquals(3, r.curves().size());
        for (int e = 0; e < 2; e++) {
            assertSame(Evaluation.EMPTY, r.curves().get(e).train(), "epoch " + (e + 1));
            assertEquals(e + 1.0, r.curves().get(e).validation().cost(), "epoch " + (e + 1));
        }
        assertSame(r.curves().get(2).train(), r.train());
        assertEquals(3.0, r.train().cost());
    }

    @Test
    void aRunStoppedEarlyStillGetsItsFinalTrainingPass() {
        NumberingModel model = new NumberingModel(25); // in epoch 3 (10 updates per epoch)
        TrainingResult r = run(model, BnStatistics.MOVING_AVERAGE, TrainEvaluation.LAST_EPOCH);
        assertEquals(TrainingStatus.DIVERGED, r.status());
        assertEquals(2, r.curves().size());
        assertEquals(List.of("validation", "validation", "train", "validation", "test"), model.evaluated);
        assertEquals(3.0, r.train().cost());
    }
}
