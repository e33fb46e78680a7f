package io.hpsearch.nn.fast;

import io.hpsearch.nn.Batch;
import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.Gradients;
import io.hpsearch.nn.Network;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.Parameter;
import io.hpsearch.nn.TestDataSets;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.gradcheck.GradientCheck;
import io.hpsearch.nn.gradcheck.GradientCheckReport;
import io.hpsearch.nn.metrics.Evaluation;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FastNetworkTest {
    private static final int[][] SHAPES = {{13}, {50, 13}, {13, 50, 13}};

    /** Rounds the reference's parameters to float, so that both networks hold exactly the same numbers. */
    static void roundToFloat(Network ref) {
        for (Parameter p : ref.parameters()) {
            double[] a = p.data();
            for (int i = 0; i < a.length; i++) a[i] = (float) a[i];
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    @Test
    void startsFromTheReferenceWeightsOfTheSameSeed() {
        for (BatchNormMode mode : BatchNormMode.values()) {
            NetworkConfig cfg = NetworkConfig.of(20, new int[] {13, 50}, 7, mode);
            Network ref = new Network(cfg, 42);
            FastNetwork fast = new FastNetwork(cfg, 42, 10);
            List<Parameter> ps = ref.parameters();
            assertEquals(ps.size(), fast.parameterCount());
            for (int i = 0; i < ps.size(); i++) {
                assertEquals(ps.get(i).name(), fast.parameterName(i));
                double[] want = ps.get(i).data();
                assertEquals(want.length, fast.parameterSize(i));
                for (int j = 0; j < want.length; j++) {
                    assertEquals((float) want[j], fast.parameters()[fast.parameterOffset(i) + j], ps.get(i).name());
                }
            }
            // A different seed draws different weights.
            FastNetwork other = new FastNetwork(cfg, 43, 10);
            assertTrue(other.parameters()[0] != fast.parameters()[0]);
        }
    }

    @Test
    void oneStepMatchesTheReferenceGradientsForEveryModeAndDepth() {
        // 21 inputs: the team splits the first layer by its inputs and the later layers by row
        // halves; 8 inputs (too few to cut): every layer by rows
        for (int inputs : new int[] {21, 8})
        for (BatchNormMode mode : BatchNormMode.values()) {
            DataSet data = TestDataSets.noise(37, inputs, 5, 7);
            Batch batch = Batch.rows(data, 0, 37);
            for (int[] hidden : SHAPES) {
                String what = inputs + " inputs, " + mode + " " + java.util.Arrays.toString(hidden);
                NetworkConfig cfg = NetworkConfig.of(inputs, hidden, 5, mode);
                Network ref = new Network(cfg, 11);
                roundToFloat(ref);
                Network.Pass pass = ref.forward(batch.features(), true);
                double refLoss = ref.loss(pass, batch.labels());
                Gradients want = ref.backward(pass, batch.labels(), 0.01);

                Gradients[] got = new Gradients[3];
                for (int run = 0; run < 3; run++) {
                    try (Team team = Team.create(run + 1)) {
                        FastNetwork fast = new FastNetwork(ref, 40); // capacity above the batch: ragged use
                        fast.useTeam(team);
                        int rows = fast.loadBatch(data, identity(37), 0, 37);
                        double loss = fast.forwardTraining(rows);
                        assertEquals(refLoss, loss, 1e-5 * refLoss, what);
                        fast.backward(0.01);
                        got[run] = toGradients(ref, fast);
                    }
                }
                assertCloseToReference(want, got[0], what);
                for (int i = 0; i < want.size(); i++) {
                    // The team splits rows, columns and the first layer's inputs, but every number
                    // has one fixed summation order (with 3 threads, the third has no input half).
                    for (int run = 1; run < 3; run++) {
                        assertArrayEquals(got[0].get(i).data, got[run].get(i).data, 0.0,
                                what + " " + want.name(i) + " with " + (run + 1) + " threads");
                    }
                }
            }
        }
    }

    @Test
    void paddedInputRowsGiveTheSameStepWhicheverWayTheBatchArrives() {
        // 256 inputs: a multiple of 1 KiB per row, so the batch buffer's rows are padded
        DataSet data = TestDataSets.noise(37, 256, 5, 3);
        NetworkConfig cfg = NetworkConfig.of(256, new int[] {20}, 5, BatchNormMode.BEFORE_RELU);
        Network ref = new Network(cfg, 4);
        roundToFloat(ref);
        Batch batch = Batch.rows(data, 0, 37);
        Network.Pass pass = ref.forward(batch.features(), true);
        Gradients want = ref.backward(pass, batch.labels(), 0.01);
        for (int threads = 1; threads <= 2; threads++) {
            for (boolean inPlace : new boolean[] {false, true}) {
                String what = threads + " thread(s), " + (inPlace ? "read in place" : "copied in first");
                try (Team team = Team.create(threads)) {
                    FastNetwork fast = new FastNetwork(ref, 40);
                    assertTrue(fast.batchInputStride() > 256, "rows of 256 floats are padded");
                    fast.useTeam(team);
                    int rows = inPlace ? fast.stageBatch(data, identity(37), 0, 37, null, null)
                            : fast.loadBatch(data, identity(37), 0, 37);
                    fast.forwardTraining(rows);
                    fast.backward(0.01);
                    assertCloseToReference(want, toGradients(ref, fast), what);
                }
            }
        }
    }

    /** Every float gradient within 1e-4 of its tensor's largest reference value. */
    private static void assertCloseToReference(Gradients want, Gradients got, String what) {
        for (int i = 0; i < want.size(); i++) {
            double[] w = want.get(i).data, g = got.get(i).data;
            double scale = 0, diff = 0;
            for (int j = 0; j < w.length; j++) {
                scale = Math.max(scale, Math.abs(w[j]));
                diff = Math.max(diff, Math.abs(w[j] - g[j]));
            }
            assertTrue(scale > 0, what + " " + want.name(i));
            assertTrue(diff <= 1e-4 * scale, what + " " + want.name(i) + ": max difference " + diff + " vs scale " + scale);
        }
    }

    private static Gradients toGradients(Network ref, FastNetwork fast) {
        List<Parameter> ps = ref.parameters();
        DMatrixRMaj[] values = new DMatrixRMaj[ps.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = new DMatrixRMaj(ps.get(i).rows(), ps.get(i).cols());
            for (int j = 0; j < values[i].data.length; j++) {
                values[i].data[j] = fast.gradients()[fast.parameterOffset(i) + j];
            }
        }
        return new Gradients(ps, values);
    }

    @Test
    void trainingStepsGiveTheSameWeightsForEveryTeamAndWayOfStaging() {
        // 48 inputs as a 3×4×4 image, so that rows can be flipped; Adam, λ > 0, BN moving averages
        DataSet data = TestDataSets.noise(120, 48, 5, 9);
        io.hpsearch.nn.data.ImageShape shape = new io.hpsearch.nn.data.ImageShape(3, 4, 4);
        int[] order = new int[120];
        for (int i = 0; i < order.length; i++) order[i] = (i * 37) % 120;
        boolean[] flips = new boolean[40];
        for (int i = 0; i < flips.length; i++) flips[i] = i % 3 == 0;
        for (BatchNormMode mode : BatchNormMode.values()) {
            NetworkConfig cfg = NetworkConfig.of(48, new int[] {20, 10}, 5, mode);
            float[] first = null;
            double[] firstVariance = null;
            for (int run = 0; run < 3; run++) {
                String what = mode + ", " + (run + 1) + " thread(s)";
                try (Team team = Team.create(run + 1)) {
                    FastNetwork fast = new FastNetwork(cfg, 21, 40);
                    fast.useTeam(team);
                    FloatOptimizer adam = FloatOptimizer.create(io.hpsearch.nn.train.OptimizerConfig.ADAM, fast.parameters().length);
                    // The same steps as one run of the team each (the trainer's way), on a twin network.
                    FastNetwork fused = new FastNetwork(cfg, 21, 40);
                    fused.useTeam(team);
                    FloatOptimizer fusedAdam = FloatOptimizer.create(io.hpsearch.nn.train.OptimizerConfig.ADAM, fused.parameters().length);
                    for (int step = 0; step < 9; step++) {
                        int from = (step % 3) * 40;
                        double[] losses = new double[2];
                        for (FastNetwork net : List.of(fast, fused)) {
                            int rows = switch (step % 3) {
                                case 0 -> net.loadBatch(data, order, from, from + 40);
                                case 1 -> net.stageBatch(data, order, from, from + 40, null, null);
                                default -> net.stageBatch(data, order, from, from + 40, flips, shape);
                            };
                            if (net == fast) {
                                losses[0] = fast.forwardTraining(rows);
                                fast.backwardAndUpdate(0.01, adam, 0.01);
                            } else {
                                losses[1] = fused.trainingStep(rows, 0.01, fusedAdam, 0.01);
                            }
                        }
                        assertEquals(losses[0], losses[1], 0.0, what + ", step " + step + ": loss of trainingStep");
                    }
                    assertArrayEquals(fast.parameters(), fused.parameters(), 0f, what + ": trainingStep");
                    if (mode != BatchNormMode.OFF) {
                        assertArrayEquals(fast.testVariance(0), fused.testVariance(0), 0.0, what + ": trainingStep's BN averages");
                    }
                    float[] got = fast.parameters().clone();
                    double[] mean = mode == BatchNormMode.OFF ? new double[0] : fast.testVariance(0);
                    for (float v : got) assertTrue(Float.isFinite(v), what);
                    if (first == null) {
                        first = got;
                        firstVariance = mean;
                    } else {
                        assertArrayEquals(first, got, 0f, what);
                        assertArrayEquals(firstVariance, mean, 0.0, what + ": BN moving variance");
                    }
                }
            }
        }
    }

    @Test
    void theMembersSeeAnUpdateThatOverflowsAnyWeight() {
        DataSet data = TestDataSets.noise(37, 21, 5, 7);
        NetworkConfig cfg = NetworkConfig.of(21, new int[] {13, 8}, 5, BatchNormMode.BEFORE_RELU);
        // a weight of 1e30 gets a decay gradient 2λ·1e30 that overflows, so the update makes it −∞
        String[] where = {"W1 row 0", "W1 last row", "W3 last"};
        for (int threads = 1; threads <= 3; threads++) {
            for (int place = 0; place < where.length; place++) {
                String what = where[place] + ", " + threads + " thread(s)";
                try (Team team = Team.create(threads)) {
                    FastNetwork fast = new FastNetwork(cfg, 3, 40);
                    fast.useTeam(team);
                    FloatOptimizer sgd = FloatOptimizer.create(io.hpsearch.nn.train.OptimizerConfig.SGD, fast.parameters().length);
                    assertTrue(fast.weightsFiniteAfterLastUpdate(), "initial weights, " + what);
                    fast.forwardTraining(fast.loadBatch(data, identity(37), 0, 37));
                    fast.backwardAndUpdate(1e10, sgd, 1e-3);
                    assertTrue(fast.weightsFiniteAfterLastUpdate(), "an ordinary step, " + what);

                    int w1 = fast.parameterOffset(fast.parameterIndex("W1"));
                    int w3 = fast.parameterOffset(fast.parameterIndex("W3"));
                    int index = switch (place) {
                        case 0 -> w1;
                        case 1 -> w1 + 20 * 13 + 12;
                        default -> w3 + 8 * 5 - 1;
                    };
                    fast.parameters()[index] = 1e30f;
                    fast.forwardTraining(fast.loadBatch(data, identity(37), 0, 37));
                    fast.backwardAndUpdate(1e10, sgd, 1e-3);
                    assertEquals(Float.NEGATIVE_INFINITY, fast.parameters()[index], what);
                    assertTrue(!fast.weightsFiniteAfterLastUpdate(), "the overflow is reported, " + what);
                    assertTrue(!fast.weightsFinite(), what);
                }
            }
        }
    }

    @Test
    void aStepWhoseLossIsNotFiniteChangesNoParameter() {
        DataSet data = TestDataSets.noise(37, 21, 5, 7);
        NetworkConfig cfg = NetworkConfig.of(21, new int[] {13, 8}, 5, BatchNormMode.BEFORE_RELU);
        for (int threads = 1; threads <= 2; threads++) {
            String what = threads + " thread(s)";
            try (Team team = Team.create(threads)) {
                FastNetwork fast = new FastNetwork(cfg, 3, 40);
                fast.useTeam(team);
                FloatOptimizer sgd = FloatOptimizer.create(io.hpsearch.nn.train.OptimizerConfig.SGD, fast.parameters().length);
                assertTrue(Double.isFinite(fast.trainingStep(fast.loadBatch(data, identity(37), 0, 37), 0.01, sgd, 0.1)), what);
                // The last layer's bias at +∞: the logits of that class are +∞, their softmax NaN.
                int b3 = fast.parameterOffset(fast.parameterIndex("b3"));
                fast.parameters()[b3] = Float.POSITIVE_INFINITY;
                float[] before = fast.parameters().clone();
                double[] variance = fast.testVariance(0);
                double loss = fast.trainingStep(fast.loadBatch(data, identity(37), 0, 37), 0.01, sgd, 0.1);
                assertTrue(!Double.isFinite(loss), what + ": loss " + loss);
                assertArrayEquals(before, fast.parameters(), 0f, what + ": parameters after a step with loss " + loss);
                assertArrayEquals(variance, fast.testVariance(0), 0.0, what + ": BN averages");
                // As after forwardTraining, the gradients of that pass are still there to be had.
                fast.backward(0.01);
            }
        }
    }

    @Test
    void floatGradientsPassTheGradientCheck() {
        // The numerical gradients come from the double reference; what is left is float rounding.
        DataSet data = TestDataSets.noise(12, 8, 4, 3);
        Batch batch = Batch.rows(data, 0, 12);
        for (BatchNormMode mode : BatchNormMode.values()) {
            NetworkConfig cfg = NetworkConfig.of(8, new int[] {6, 5}, 4, mode);
            Network ref = new Network(cfg, 5);
            roundToFloat(ref);
            FastNetwork fast = new FastNetwork(ref, 12);
            fast.forwardTraining(fast.loadBatch(data, identity(12), 0, 12));
            fast.backward(0.05);
            Gradients floatGrads = toGradients(ref, fast);
            GradientCheckReport report = GradientCheck.compare(ref, batch.features(), batch.labels(), 0.05,
                    GradientCheck.DEFAULT_STEP, floatGrads);
            for (GradientCheckReport.TensorError t : report.tensors()) {
                assertTrue(t.meanError() < 1e-4, mode + " " + t.name() + ": mean relative error " + t.meanError()
                        + "\n" + report.toTable());
            }
            // The double analytic gradients pass at 1e-6 on the same problem; the float ones are off
            // by float rounding only, so a corrupted entry (error ≈ 1) would show in the maximum.
            assertTrue(report.passes(1e-2), report.toTable());
        }
    }

    @Test
    void evaluationMatchesTheReferenceAcrossChunksAndThreads() {
        DataSet data = TestDataSets.blobs(2300, 30, 4, 3.0, 9);
        for (BatchNormMode mode : BatchNormMode.values()) {
            NetworkConfig cfg = NetworkConfig.of(30, new int[] {50, 13}, 4, mode);
            Network ref = new Network(cfg, 2);
            roundToFloat(ref);
            int[] pick = identity(2300);
            // Precise statistics over 250 samples in chunks of 100, so that test mode is not the identity.
            int[] first = java.util.Arrays.copyOf(pick, 250);
            ref.computePreciseStatistics(data, first, 100);
            FastNetwork fast = new FastNetwork(ref, 100);
            fast.computePreciseStatistics(data, first, 100);
            if (mode != BatchNormMode.OFF) {
                double[] wm = ref.batchNorm(1).testMean(), gm = fast.testMean(1);
                double[] wv = ref.batchNorm(1).testVariance(), gv = fast.testVariance(1);
                for (int j = 0; j < wm.length; j++) {
                    assertEquals(wm[j], gm[j], 1e-4 * (1 + Math.abs(wm[j])), mode + " mean " + j);
                    assertEquals(wv[j], gv[j], 1e-4 * wv[j], mode + " variance " + j);
                }
            }
            Evaluation want = ref.evaluate(data, 2100, 0.01);
            Evaluation one = fast.evaluate(data, 2100, 0.01);
            assertEquals(want.loss(), one.loss(), 1e-5 * want.loss(), mode.toString());
            assertEquals(want.cost(), one.cost(), 1e-5 * want.cost(), mode.toString());
            assertEquals(want.accuracy(), one.accuracy(), 2.0 / 2100, mode.toString());
            int[][] serialConfusion = fast.confusion(data).counts();
            assertEquals(ref.confusion(data).total(), fast.confusion(data).total());
            try (Team team = Team.create(2)) {
                fast.useTeam(team);
                assertEquals(one, fast.evaluate(data, 2100, 0.01), mode + ": threads change nothing");
                assertArrayEquals(serialConfusion, fast.confusion(data).counts());
            }
        }
    }
}
