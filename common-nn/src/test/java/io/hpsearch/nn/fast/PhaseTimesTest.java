package io.hpsearch.nn.fast;

import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.TestDataSets;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.train.OptimizerConfig;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhaseTimesTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void eachMemberWorksAndWaitsInThePhaseWhereItDoes() {
        PhaseTimes times = new PhaseTimes(2);
        try (Team team = Team.recording(2, "phase-test", times)) {
            Team.Task task = t -> {
                if (t == 1) sleep(30); // phase 1: member 1 works, member 0 waits
                team.barrier(t);
                if (t == 0) sleep(20); // phase 2: the other way round
            };
            team.run(task); // not recorded
            times.record(true);
            for (int run = 0; run < 3; run++) team.run(task);
            times.record(false);
            team.run(task); // not recorded
        }
        assertEquals(3, times.runs());
        assertEquals(2, times.phases(0));
        assertEquals(2, times.phases(1));
        assertTrue(times.work(1, 0) >= 3 * 30 * MS, "member 1's work in phase 1: " + times.work(1, 0));
        assertTrue(times.wait(0, 0) >= 3 * 25 * MS, "member 0's wait at the end of phase 1: " + times.wait(0, 0));
        assertTrue(times.work(0, 1) >= 3 * 20 * MS, "member 0's work in phase 2: " + times.work(0, 1));
        assertTrue(times.wait(1, 1) >= 3 * 15 * MS, "member 1's wait at the end of phase 2: " + times.wait(1, 1));
        // the member that only waited in a phase is not charged with the other's work
        assertTrue(times.work(0, 0) < times.work(1, 0) / 2, "member 0 did nothing in phase 1: " + times.work(0, 0));
        assertTrue(times.work(1, 1) < times.work(0, 1) / 2, "member 1 did nothing in phase 2: " + times.work(1, 1));

        times.clear();
        assertEquals(0, times.runs());
        assertEquals(0, times.work(1, 0));
        assertEquals(0, times.phases(0));
    }

    @Test
    void theMedianWorkLeavesOutARunThatTookFarLonger() {
        PhaseTimes times = new PhaseTimes(1);
        Team team = Team.recording(1, "phase-test", times);
        times.record(true);
        int[] run = {0};
        for (int i = 0; i < 5; i++) {
            team.run(t -> {
                sleep(run[0]++ == 2 ? 80 : 2); // one run, as if the OS took the thread away for a while
                team.barrier(t);
            });
        }
        double mean = times.work(0, 0) / 5.0, median = times.medianWork(0, 0);
        assertTrue(mean >= 17 * MS, "mean " + mean);
        assertTrue(median >= 2 * MS && median < 10 * MS, "median " + median);
        assertEquals(0, times.medianWork(0, 5), "a phase no run reached");
        times.clear();
        assertEquals(0, times.medianWork(0, 0));
    }

    @Test
    void histogramBinsAreWithinTwoPercentOfTheDuration() {
        int last = -1;
        for (long v = 0; v < 1L << 40; v = v < 300 ? v + 1 : v + v / 37) {
            int bin = PhaseTimes.bin(v);
            assertTrue(bin >= last, "bins grow with the duration: " + v);
            last = bin;
            assertTrue(Math.abs(PhaseTimes.binMiddle(bin) - v) <= Math.max(0.5, v * 0.016), v + " in a bin around "
                    + PhaseTimes.binMiddle(bin));
        }
        assertTrue(PhaseTimes.bin(Long.MAX_VALUE) >= 0);
    }

    @Test
    void oneThreadIsTimedPhaseByPhaseWithoutWaits() {
        PhaseTimes times = new PhaseTimes(1);
        Team team = Team.recording(1, "phase-test", times);
        times.record(true);
        team.run(t -> {
            team.barrier(t);
            sleep(5);
            team.barrier(t);
        });
        assertEquals(1, times.runs());
        assertEquals(3, times.phases(0));
        assertTrue(times.work(0, 1) >= 5 * MS, "the sleep is in phase 2: " + times.work(0, 1));
        assertEquals(0, times.startWait(0));
        assertThrows(IllegalArgumentException.class, () -> Team.recording(2, "phase-test", times));
    }

    /** The barriers of a training step with a split first layer: what the team's synchronisation costs. */
    @Test
    void aTrainingStepHasEightPhasesWithBatchNormAndFourWithout() {
        DataSet data = TestDataSets.noise(40, 48, 5, 9);
        int[] order = new int[40];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (BatchNormMode mode : new BatchNormMode[] {BatchNormMode.BEFORE_RELU, BatchNormMode.OFF}) {
            for (int threads = 1; threads <= 2; threads++) {
                PhaseTimes times = new PhaseTimes(threads);
                try (Team team = Team.recording(threads, "phase-test", times)) {
                    FastNetwork net = new FastNetwork(NetworkConfig.of(48, new int[] {20, 10}, 5, mode), 3, 40);
                    net.useTeam(team);
                    FloatOptimizer sgd = FloatOptimizer.create(OptimizerConfig.SGD, net.parameters().length);
                    times.record(true);
                    for (int step = 0; step < 4; step++) {
                        net.trainingStep(net.loadBatch(data, order, 0, 40), 0.01, sgd, 0.01);
                    }
                }
                String what = mode + ", " + threads + " thread(s)";
                assertEquals(4, times.runs(), what);
                int want = mode == BatchNormMode.OFF ? 4 : 8;
                for (int t = 0; t < threads; t++) assertEquals(want, times.phases(t), what + ", member " + t);
            }
        }
    }
}
