package io.hpsearch.nn.fast;

import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.Parameter;
import io.hpsearch.nn.TestDataSets;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.data.ImageShape;
import io.hpsearch.nn.train.BnStatistics;
import io.hpsearch.nn.train.EpochMetrics;
import io.hpsearch.nn.train.HorizontalFlip;
import io.hpsearch.nn.train.OptimizerConfig;
import io.hpsearch.nn.train.ScheduleConfig;
import io.hpsearch.nn.train.TrainedModel;
import io.hpsearch.nn.train.Trainer;
import io.hpsearch.nn.train.TrainingConfig;
import io.hpsearch.nn.train.TrainingListener;
import io.hpsearch.nn.train.TrainingResult;
import io.hpsearch.nn.train.TrainingStatus;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class FastTrainerTest {
    // Overlapping blobs: accuracies well below 100 %, so a difference in learning would show.
    private static final DataSet HARD = TestDataSets.blobs(3000, 32, 6, 2.5, 17);
    private static final DataSplit HARD_SPLIT = new DataSplit(HARD.slice(0, 2000), HARD.slice(2000, 2500), HARD.slice(2500, 3000));
    private static final DataSet IMAGES = TestDataSets.blobs(600, 96, 4, 4.0, 8, new ImageShape(1, 8, 12));
    private static final DataSplit IMAGE_SPLIT = new DataSplit(IMAGES.slice(0, 400), IMAGES.slice(400, 500), IMAGES.slice(500, 600));

    @Test
    void learnsLikeTheReferenceWithTheSameSeed() {
        for (BatchNormMode mode : BatchNormMode.values()) {
            NetworkConfig net = NetworkConfig.of(32, new int[] {50, 20}, 6, mode);
            TrainingConfig cfg = new TrainingConfig(0.002, 50, 0, new ScheduleConfig.Cyclical(1e-3, 5e-2, 0, 2.0, 1, 1.0),
                    OptimizerConfig.MOMENTUM, BnStatistics.PRECISE, 1000, false, 0, 21, 1);
            TrainingResult want = new Trainer().train(net, HARD_SPLIT, cfg, TrainingListener.NONE);
            List<EpochMetrics> seen = new ArrayList<>();
            TrainingResult got = new FastTrainer().train(net, HARD_SPLIT, cfg, new TrainingListener() {
                @Override public void onEpoch(EpochMetrics m) { seen.add(m); }
            });
            assertEquals(TrainingStatus.COMPLETED, got.status());
            assertEquals(want.updates(), got.updates());
            assertEquals(want.epochs(), got.epochs());
            assertEquals(seen, got.curves());
            assertTrue(got.test().accuracy() > 0.5 && got.test().accuracy() < 0.99, mode + ": " + got.test().accuracy());
            assertEquals(want.test().accuracy(), got.test().accuracy(), 0.01, mode + " test accuracy");
            assertEquals(want.validation().accuracy(), got.validation().accuracy(), 0.01, mode + " validation accuracy");
            assertEquals(want.train().loss(), got.train().loss(), 0.01 * want.train().loss(), mode + " train loss");
            // After one epoch the float run still tracks the double one closely.
            assertEquals(want.curves().get(0).train().loss(), got.curves().get(0).train().loss(),
                    1e-3 * want.curves().get(0).train().loss(), mode + " first-epoch loss");
            assertEquals(want.test().accuracy(), got.testConfusion().accuracy(), 0.01);
        }
    }

    @Test
    void theFirstUpdatesFollowTheReferenceForEveryOptimiser() {
        // Two updates (a cyclical schedule of n_s = 1) with flips: same batches, same flipped samples,
        // same update equations, so the parameters agree up to float rounding.
        NetworkConfig net = NetworkConfig.of(96, new int[] {20, 10}, 4, BatchNormMode.BEFORE_RELU);
        for (OptimizerConfig opt : List.of(OptimizerConfig.SGD, OptimizerConfig.MOMENTUM, OptimizerConfig.ADAM)) {
            TrainingConfig cfg = new TrainingConfig(0.01, 30, 0, new ScheduleConfig.Cyclical(0.01, 0.1, 1, 0, 1, 1.0),
                    opt, BnStatistics.MOVING_AVERAGE, 0, true, 0, 5, 1);
            TrainedModel want = new Trainer().trainModel(net, IMAGE_SPLIT, cfg, TrainingListener.NONE);
            FastTrainer.TrainedFastModel got = new FastTrainer().trainModel(net, IMAGE_SPLIT, cfg, TrainingListener.NONE);
            assertEquals(2, got.result().updates());
            List<Parameter> ps = want.network().parameters();
            for (int i = 0; i < ps.size(); i++) {
                double[] w = ps.get(i).data();
                float[] g = got.network().parameters();
                int off = got.network().parameterOffset(i);
                for (int j = 0; j < w.length; j++) {
                    assertEquals(w[j], g[off + j], 2e-5 * (1 + Math.abs(w[j])), opt + " " + ps.get(i).name() + "[" + j + "]");
                }
            }
            double[] wv = want.network().batchNorm(0).testVariance(), gv = got.network().testVariance(0);
            for (int j = 0; j < wv.length; j++) assertEquals(wv[j], gv[j], 1e-4 * wv[j], "moving variance " + j);
        }
    }

    @Test
    void oneAndTwoThreadsGiveBitIdenticalRuns() {
        NetworkConfig net = NetworkConfig.of(96, new int[] {64, 32}, 4, BatchNormMode.BEFORE_RELU);
        TrainingConfig one = new TrainingConfig(0.01, 50, 2, new ScheduleConfig.Constant(0.02), OptimizerConfig.ADAM,
                BnStatistics.PRECISE, 200, true, 0, 77, 1);
        TrainingConfig two = new TrainingConfig(0.01, 50, 2, new ScheduleConfig.Constant(0.02), OptimizerConfig.ADAM,
                BnStatistics.PRECISE, 200, true, 0, 77, 2);
        FastTrainer.TrainedFastModel a = new FastTrainer().trainModel(net, IMAGE_SPLIT, one, TrainingListener.NONE);
        FastTrainer.TrainedFastModel b = new FastTrainer().trainModel(net, IMAGE_SPLIT, two, TrainingListener.NONE);
        assertEquals(a.result().train(), b.result().train());
        assertEquals(a.result().validation(), b.result().validation());
        assertEquals(a.result().test(), b.result().test());
        assertArrayEquals(a.result().testConfusion().counts(), b.result().testConfusion().counts());
        for (int e = 0; e < a.result().curves().size(); e++) {
            assertEquals(a.result().curves().get(e).train(), b.result().curves().get(e).train());
        }
        assertArrayEquals(a.network().parameters(), b.network().parameters(), 0f);
        assertArrayEquals(a.network().testVariance(1), b.network().testVariance(1), 0.0);

        FastTrainer.TrainedFastModel otherSeed = new FastTrainer().trainModel(net, IMAGE_SPLIT,
                new TrainingConfig(0.01, 50, 2, new ScheduleConfig.Constant(0.02), OptimizerConfig.ADAM,
                        BnStatistics.PRECISE, 200, true, 0, 78, 2), TrainingListener.NONE);
        assertNotEquals(a.result().test().loss(), otherSeed.result().test().loss());
    }

    @Test
    void aDivergingRunStopsWithItsCurves() {
        TrainingConfig cfg = new TrainingConfig(0.1, 20, 200, new ScheduleConfig.Constant(100), OptimizerConfig.SGD,
                BnStatistics.MOVING_AVERAGE, 0, false, 0, 3, 2);
        AtomicLong lastUpdate = new AtomicLong();
        // Float overflows after some 30 updates at this rate; 5 updates per epoch leave whole epochs before it.
        DataSplit easy = new DataSplit(HARD.slice(0, 100), HARD.slice(600, 800), HARD.slice(800, 1000));
        TrainingResult r = new FastTrainer().train(NetworkConfig.of(32, new int[] {8}, 6, BatchNormMode.OFF), easy, cfg,
                new TrainingListener() {
                    @Override public void onUpdate(long update, long total) { lastUpdate.set(update); }
                });
        assertEquals(TrainingStatus.DIVERGED, r.status());
        assertTrue(r.updates() < 200L * 5, "stopped early: " + r.updates());
        assertEquals(lastUpdate.get(), r.updates());
        assertFalse(r.curves().isEmpty(), "the epochs before divergence are kept");
        for (EpochMetrics m : r.curves()) assertTrue(Double.isFinite(m.train().cost()));
    }

    @Test
    void anInterruptCancelsTheRun() {
        for (int threads = 1; threads <= 2; threads++) {
            AtomicLong updates = new AtomicLong();
            TrainingListener interruptAfterThree = new TrainingListener() {
                @Override public void onUpdate(long update, long total) {
                    updates.set(update);
                    if (update == 3) Thread.currentThread().interrupt();
                }
            };
            TrainingConfig cfg = new TrainingConfig(0.0, 20, 5, new ScheduleConfig.Constant(0.05), OptimizerConfig.SGD,
                    BnStatistics.MOVING_AVERAGE, 0, false, 0, 5, threads);
            assertThrows(CancellationException.class, () -> new FastTrainer().train(
                    NetworkConfig.of(32, new int[] {8}, 6, BatchNormMode.BEFORE_RELU), HARD_SPLIT, cfg, interruptAfterThree));
            assertEquals(3, updates.get());
            assertFalse(Thread.interrupted(), "the flag was consumed by the cancellation");
        }
    }

    @Test
    void trainSubsetAndRefusedInputsFollowTheReference() {
        TrainingConfig cfg = new TrainingConfig(0.0, 20, 2, new ScheduleConfig.Constant(0.05), OptimizerConfig.SGD,
                BnStatistics.MOVING_AVERAGE, 0, false, 100, 4, 1);
        assertEquals(10, new FastTrainer().train(NetworkConfig.of(32, new int[] {8}, 6, BatchNormMode.OFF), HARD_SPLIT,
                cfg, TrainingListener.NONE).updates());
        TrainingConfig flip = new TrainingConfig(0.0, 20, 1, new ScheduleConfig.Constant(0.05), OptimizerConfig.SGD,
                BnStatistics.MOVING_AVERAGE, 0, true, 0, 5, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FastTrainer().train(
                NetworkConfig.of(32, new int[] {8}, 6, BatchNormMode.OFF), HARD_SPLIT, flip, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("flip"), e.getMessage());
    }

    @Test
    void stepsAllocateNothingInSteadyState() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        NetworkConfig cfg = NetworkConfig.of(96, new int[] {50, 50}, 4, BatchNormMode.BEFORE_RELU);
        DataSet train = IMAGE_SPLIT.train();
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        try (Team team = Team.create(2)) {
            FastNetwork net = new FastNetwork(cfg, 1, 100);
            net.useTeam(team);
            FloatOptimizer opt = FloatOptimizer.create(OptimizerConfig.ADAM, net.parameters().length);
            SplittableRandom flips = new SplittableRandom(3);
            long[] ids = new long[team.threads()];
            ids[0] = Thread.currentThread().getId();
            System.arraycopy(team.workerIds(), 0, ids, 1, team.threads() - 1);
            Runnable steps = () -> {
                for (int s = 0; s < 200; s++) {
                    int from = (s * 100) % 400;
                    int rows = s % 2 == 0 ? net.loadBatch(train, order, from, from + 100)
                            : net.stageBatch(train, order, from, from + 100, null, null);
                    if (s % 2 == 0) HorizontalFlip.apply(net.batchInput(), rows, train.imageShape(), flips);
                    double loss = net.trainingStep(rows, 0.001, opt, 0.001);
                    assertTrue(Double.isFinite(loss) && net.weightsFiniteAfterLastUpdate());
                }
            };
            // A per-step allocation would show in every round; the rounds only give the JIT time
            // to compile the kernels (interpreted and C1-compiled Vector API code boxes its
            // vectors). That time is wall time, not a number of steps: with the other core busy,
            // C2 can take more than a second, while code that never gets C2's vector intrinsics
            // still fails here after a minute, with the sites that allocate.
            long best = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 60_000_000_000L;
            int rounds = 0;
            for (; best >= 64 * 1024 && (rounds < 50 || System.nanoTime() < deadline); rounds++) {
                long before = total(mx, ids);
                steps.run();
                best = Math.min(best, total(mx, ids) - before);
            }
            if (best >= 64 * 1024) {
                fail("200 steps allocated " + best + " bytes in the best of " + rounds + " rounds; "
                        + AllocationSites.of(steps, 5));
            }
        }
    }

    private static long total(com.sun.management.ThreadMXBean mx, long[] ids) {
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(ids)) sum += b;
        return sum;
    }
}
