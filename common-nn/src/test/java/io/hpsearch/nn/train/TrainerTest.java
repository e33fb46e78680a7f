package io.hpsearch.nn.train;

import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.Parameter;
import io.hpsearch.nn.TestDataSets;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.data.ImageShape;
import io.hpsearch.nn.metrics.Evaluation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    private static final DataSet BLOBS = TestDataSets.blobs(1000, 16, 3, 6.0, 31);
    private static final DataSplit SPLIT = new DataSplit(BLOBS.slice(0, 600), BLOBS.slice(600, 800), BLOBS.slice(800, 1000));

    private static TrainingConfig config(ScheduleConfig schedule, OptimizerConfig opt, int epochs, long seed, int threads) {
        return new TrainingConfig(0.001, 20, epochs, schedule, opt, BnStatistics.MOVING_AVERAGE, 0, false, 0, seed, threads);
    }

    @Test
    void learnsSeparableBlobsInAFewEpochs() {
        for (BatchNormMode mode : BatchNormMode.values()) {
            NetworkConfig net = NetworkConfig.of(16, new int[] {20, 20}, 3, mode);
            List<EpochMetrics> seen = new ArrayList<>();
            TrainingResult r = new Trainer().train(net, SPLIT,
                    config(new ScheduleConfig.Constant(0.05), OptimizerConfig.MOMENTUM, 4, 1, 1),
                    new TrainingListener() {
                        @Override public void onEpoch(EpochMetrics m) { seen.add(m); }
                    });
            assertEquals(TrainingStatus.COMPLETED, r.status());
            assertEquals(4, r.epochs());
            assertEquals(4 * 30, r.updates());
            assertEquals(seen, r.curves());
            assertTrue(r.test().accuracy() > 0.95, mode + ": test accuracy " + r.test().accuracy());
            assertTrue(r.validation().accuracy() > 0.95, mode + ": validation accuracy " + r.validation().accuracy());
            assertTrue(r.curves().get(3).train().loss() < r.curves().get(0).train().loss(), "loss falls");
            assertEquals(r.test().accuracy(), r.testConfusion().accuracy(), 0.0);
            assertEquals(200, r.testConfusion().total());
        }
    }

    @Test
    void adamWithACyclicalScheduleLearnsToo() {
        NetworkConfig net = NetworkConfig.of(16, new int[] {20}, 3, BatchNormMode.BEFORE_RELU);
        TrainingConfig cfg = new TrainingConfig(0.001, 20, 0, new ScheduleConfig.Cyclical(1e-4, 1e-2, 0, 1.0, 1, 1.0),
                OptimizerConfig.ADAM, BnStatistics.PRECISE, 300, false, 0, 2, 1);
        TrainingResult r = new Trainer().train(net, SPLIT, cfg, TrainingListener.NONE);
        assertEquals(TrainingStatus.COMPLETED, r.status());
        assertEquals(60, r.updates());
        assertTrue(r.test().accuracy() > 0.95, "test accuracy " + r.test().accuracy());
    }

    @Test
    void aCyclicalScheduleCanEndMidEpoch() {
        DataSplit small = new DataSplit(BLOBS.slice(0, 100), BLOBS.slice(100, 150), BLOBS.slice(150, 200));
        ScheduleConfig.Cyclical clr = new ScheduleConfig.Cyclical(0.001, 0.1, 7, 0, 1, 1.0);
        TrainingConfig cfg = new TrainingConfig(0.0, 10, 0, clr, OptimizerConfig.SGD, BnStatistics.MOVING_AVERAGE, 0,
                false, 0, 4, 1);
        List<Long> updates = new ArrayList<>();
        TrainingResult r = new Trainer().train(NetworkConfig.of(16, new int[] {8}, 3, BatchNormMode.OFF), small, cfg,
                new TrainingListener() {
                    @Override public void onUpdate(long update, long total) {
                        assertEquals(14, total);
                        updates.add(update);
                    }
                });
        assertEquals(14, r.updates());
        assertEquals(2, r.epochs());
        assertEquals(14, updates.size());
        assertEquals(14L, updates.get(13));
        assertEquals(2, r.curves().size());
        assertEquals(10, r.curves().get(0).updates());
        assertEquals(14, r.curves().get(1).updates());
        // η of the last update (t = 13) is on the way down: η_min + (1/7)(η_max − η_min)
        assertEquals(0.001 + (0.1 - 0.001) / 7, r.curves().get(1).learningRate(), 1e-15);
        assertEquals(clr.rate(9, 10), r.curves().get(0).learningRate(), 0.0);
    }

    @Test
    void trainSubsetUsesOnlyTheFirstSamples() {
        TrainingConfig cfg = new TrainingConfig(0.0, 20, 2, new ScheduleConfig.Constant(0.05), OptimizerConfig.SGD,
                BnStatistics.MOVING_AVERAGE, 0, false, 100, 4, 1);
        TrainingResult r = new Trainer().train(NetworkConfig.of(16, new int[] {8}, 3, BatchNormMode.OFF), SPLIT, cfg,
                TrainingListener.NONE);
        assertEquals(10, r.updates());
    }

    @Test
    void sameSeedAndThreadsGiveBitIdenticalRuns() {
        // Wide enough that the pool really splits the products (see RowExecutor.MIN_PARALLEL_WORK).
        DataSet wide = TestDataSets.blobs(600, 96, 4, 4.0, 8, new ImageShape(1, 8, 12));
        DataSplit split = new DataSplit(wide.slice(0, 400), wide.slice(400, 500), wide.slice(500, 600));
        NetworkConfig net = NetworkConfig.of(96, new int[] {64, 32}, 4, BatchNormMode.BEFORE_RELU);
        TrainingConfig one = new TrainingConfig(0.01, 50, 2, new ScheduleConfig.Constant(0.02), OptimizerConfig.MOMENTUM,
                BnStatistics.PRECISE, 200, true, 0, 77, 1);
        TrainingConfig two = new TrainingConfig(0.01, 50, 2, new ScheduleConfig.Constant(0.02), OptimizerConfig.MOMENTUM,
                BnStatistics.PRECISE, 200, true, 0, 77, 2);
        TrainedModel a = new Trainer().trainModel(net, split, one, TrainingListener.NONE);
        TrainedModel b = new Trainer().trainModel(net, split, one, TrainingListener.NONE);
        TrainedModel c = new Trainer().trainModel(net, split, two, TrainingListener.NONE);
        TrainedModel d = new Trainer().trainModel(net, split, two, TrainingListener.NONE);
        assertSameNumbers(a, b);
        assertSameNumbers(c, d);
        // Each number is computed by one thread in a fixed order, so the thread count does not matter either.
        assertSameNumbers(a, c);

        TrainedModel otherSeed = new Trainer().trainModel(net, split,
                new TrainingConfig(0.01, 50, 2, new ScheduleConfig.Constant(0.02), OptimizerConfig.MOMENTUM,
                        BnStatistics.PRECISE, 200, true, 0, 78, 2), TrainingListener.NONE);
        assertNotEquals(a.result().test().loss(), otherSeed.result().test().loss());
    }

    private static void assertSameNumbers(TrainedModel x, TrainedModel y) {
        assertEquals(x.result().train(), y.result().train());
        assertEquals(x.result().validation(), y.result().validation());
        assertEquals(x.result().test(), y.result().test());
        assertArrayEquals(x.result().testConfusion().counts(), y.result().testConfusion().counts());
        for (int e = 0; e < x.result().curves().size(); e++) {
            assertEquals(x.result().curves().get(e).train(), y.result().curves().get(e).train());
            assertEquals(x.result().curves().get(e).validation(), y.result().curves().get(e).validation());
        }
        List<Parameter> px = x.network().parameters(), py = y.network().parameters();
        for (int i = 0; i < px.size(); i++) assertArrayEquals(px.get(i).data(), py.get(i).data(), 0.0, px.get(i).name());
        assertArrayEquals(x.network().batchNorm(1).testVariance(), y.network().batchNorm(1).testVariance(), 0.0);
    }

    @Test
    void aDivergingRunStopsWithItsCurvesAndNoException() {
        // Without BN, with weight decay and η = 100, each update multiplies W by about (1 − 2ηλ) = −19.
        TrainingConfig cfg = new TrainingConfig(0.1, 20, 200, new ScheduleConfig.Constant(100), OptimizerConfig.SGD,
                BnStatistics.MOVING_AVERAGE, 0, false, 0, 3, 1);
        AtomicLong lastUpdate = new AtomicLong();
        TrainingResult r = new Trainer().train(NetworkConfig.of(16, new int[] {8}, 3, BatchNormMode.OFF), SPLIT, cfg,
                new TrainingListener() {
                    @Override public void onUpdate(long update, long total) { lastUpdate.set(update); }
                });
        assertEquals(TrainingStatus.DIVERGED, r.status());
        assertTrue(r.updates() < 200L * 30, "stopped early: " + r.updates());
        assertEquals(lastUpdate.get(), r.updates());
        assertFalse(r.curves().isEmpty(), "the epochs before divergence are kept");
        assertTrue(r.curves().size() < r.epochs() || !Double.isFinite(r.train().cost()));
        for (EpochMetrics m : r.curves()) assertTrue(Double.isFinite(m.train().cost()));
    }

    @Test
    void anEmptyValidationSetGivesEmptyEvaluations() {
        DataSplit noValidation = new DataSplit(BLOBS.slice(0, 200), BLOBS.slice(0, 0), BLOBS.slice(200, 300));
        TrainingResult r = new Trainer().train(NetworkConfig.of(16, new int[] {8}, 3, BatchNormMode.AFTER_RELU),
                noValidation, config(new ScheduleConfig.Constant(0.05), OptimizerConfig.SGD, 1, 5, 1), TrainingListener.NONE);
        assertEquals(Evaluation.EMPTY, r.validation());
        assertEquals(Evaluation.EMPTY, r.curves().get(0).validation());
        assertTrue(Double.isFinite(r.test().cost()));
    }

    @Test
    void flipNeedsImageData() {
        TrainingConfig cfg = new TrainingConfig(0.0, 20, 1, new ScheduleConfig.Constant(0.05), OptimizerConfig.SGD,
                BnStatistics.MOVING_AVERAGE, 0, true, 0, 5, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer().train(
                NetworkConfig.of(16, new int[] {8}, 3, BatchNormMode.OFF), SPLIT, cfg, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("flip"), e.getMessage());
    }

    @Test
    void wrongInputDimensionIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer().train(
                NetworkConfig.of(15, new int[] {8}, 3, BatchNormMode.OFF), SPLIT,
                config(new ScheduleConfig.Constant(0.05), OptimizerConfig.SGD, 1, 5, 1), TrainingListener.NONE));
        assertTrue(e.getMessage().contains("15"), e.getMessage());
    }

    @Test
    void anInterruptCancelsTheRun() {
        AtomicLong updates = new AtomicLong();
        TrainingListener interruptAfterThree = new TrainingListener() {
            @Override public void onUpdate(long update, long total) {
                updates.set(update);
                if (update == 3) Thread.currentThread().interrupt();
            }
        };
        assertThrows(CancellationException.class, () -> new Trainer().train(
                NetworkConfig.of(16, new int[] {8}, 3, BatchNormMode.OFF), SPLIT,
                config(new ScheduleConfig.Constant(0.05), OptimizerConfig.SGD, 5, 5, 2), interruptAfterThree));
        assertEquals(3, updates.get());
        assertFalse(Thread.interrupted(), "the flag was consumed by the cancellation");
    }

    @Test
    void wallTimeComesFromTheGivenClock() {
        AtomicLong now = new AtomicLong();
        Trainer trainer = new Trainer(() -> now.addAndGet(500_000_000L));
        TrainingResult r = trainer.train(NetworkConfig.of(16, new int[] {8}, 3, BatchNormMode.OFF), SPLIT,
                config(new ScheduleConfig.Constant(0.05), OptimizerConfig.SGD, 2, 5, 1), TrainingListener.NONE);
        // start, one reading per epoch, one at the end: each half a second apart
        assertEquals(0.5, r.curves().get(0).seconds(), 1e-12);
        assertEquals(1.0, r.curves().get(1).seconds(), 1e-12);
        assertEquals(1.5, r.seconds(), 1e-12);
    }
}
