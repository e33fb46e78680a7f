package io.hpsearch.nn;

import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.metrics.ConfusionMatrix;
import io.hpsearch.nn.metrics.Evaluation;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkTest {
    private static final DataSet DATA = TestDataSets.noise(2500, 12, 4, 21);

    @Test
    void initialisationIsAPureFunctionOfTheSeedWithTheRightScale() {
        NetworkConfig config = NetworkConfig.of(400, new int[] {200}, 4, BatchNormMode.OFF);
        Network a = new Network(config, 1), b = new Network(config, 1), c = new Network(config, 2);
        assertArrayEquals(a.parameter("W1").data(), b.parameter("W1").data(), 0.0);
        assertFalse(java.util.Arrays.equals(a.parameter("W1").data(), c.parameter("W1").data()));
        double[] w = a.parameter("W1").data();
        double sum = 0, sq = 0;
        for (double v : w) { sum += v; sq += v * v; }
        double sd = Math.sqrt(sq / w.length - (sum / w.length) * (sum / w.length));
        assertEquals(Math.sqrt(2.0 / 400), sd, 0.02 * Math.sqrt(2.0 / 400), "He σ");
        for (double v : a.parameter("b1").data()) assertEquals(0.0, v, 0.0);

        Network xavier = new Network(new NetworkConfig(400, new int[] {200}, 4, BatchNormMode.OFF,
                Initialization.XAVIER, 0.9), 1);
        assertEquals(Math.sqrt(0.5), stdOf(xavier.parameter("W1").data()) / sd, 0.02);
    }

    private static double stdOf(double[] w) {
        double sum = 0, sq = 0;
        for (double v : w) { sum += v; sq += v * v; }
        return Math.sqrt(sq / w.length - (sum / w.length) * (sum / w.length));
    }

    @Test
    void parametersAreNamedPerLayerAndBatchNormMode() {
        Network before = new Network(NetworkConfig.of(12, new int[] {6, 5}, 4, BatchNormMode.BEFORE_RELU), 1);
        assertEquals(List.of("W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "b3"),
                before.parameters().stream().map(Parameter::name).toList());
        Network after = new Network(NetworkConfig.of(12, new int[] {6}, 4, BatchNormMode.AFTER_RELU), 1);
        assertEquals(List.of("W1", "b1", "gamma1", "beta1", "W2", "b2"),
                after.parameters().stream().map(Parameter::name).toList());
        for (double g : after.parameter("gamma1").data()) assertEquals(1.0, g, 0.0);
        assertEquals(12, after.parameter("W1").rows());
        assertEquals(6, after.parameter("W1").cols());
        assertNull(new Network(NetworkConfig.of(12, new int[] {6}, 4, BatchNormMode.OFF), 1).batchNorm(0));
    }

    @Test
    void trainingModeBatchNormStandardisesEachUnit() {
        Network net = new Network(NetworkConfig.of(12, new int[] {7}, 4, BatchNormMode.BEFORE_RELU), 3);
        Batch b = Batch.rows(DATA, 0, 64);
        Network.Pass pass = net.forward(b.features(), true);
        DMatrixRMaj xhat = pass.batchNormCache(0).normalised();
        for (int j = 0; j < 7; j++) {
            double mean = 0, sq = 0;
            for (int i = 0; i < 64; i++) mean += xhat.get(i, j);
            mean /= 64;
            for (int i = 0; i < 64; i++) sq += (xhat.get(i, j) - mean) * (xhat.get(i, j) - mean);
            assertEquals(0.0, mean, 1e-12);
            // x̂ = (x − μ) / √(σ² + ε): its variance is σ² / (σ² + ε), one up to ε.
            double v = pass.batchNormCache(0).variance()[j];
            assertEquals(v / (v + BatchNorm.EPSILON), sq / 64, 1e-12);
        }
        DMatrixRMaj p = pass.probabilities();
        for (int i = 0; i < 64; i++) {
            double s = 0;
            for (int j = 0; j < 4; j++) s += p.get(i, j);
            assertEquals(1.0, s, 1e-12);
        }
    }

    @Test
    void movingAveragesStartAtTheFirstBatchThenBlendWithAlpha() {
        double alpha = 0.8;
        Network net = new Network(new NetworkConfig(12, new int[] {5}, 4, BatchNormMode.BEFORE_RELU,
                Initialization.HE, alpha), 3);
        Network.Pass first = net.forward(Batch.rows(DATA, 0, 50).features(), true);
        assertArrayEquals(new double[5], net.batchNorm(0).testMean(), 0.0, "forward alone changes nothing");
        net.updateMovingAverages(first);
        assertArrayEquals(first.batchNormCache(0).mean(), net.batchNorm(0).testMean(), 0.0);
        assertArrayEquals(first.batchNormCache(0).variance(), net.batchNorm(0).testVariance(), 0.0);

        Network.Pass second = net.forward(Batch.rows(DATA, 50, 100).features(), true);
        net.updateMovingAverages(second);
        for (int j = 0; j < 5; j++) {
            double m = alpha * first.batchNormCache(0).mean()[j] + (1 - alpha) * second.batchNormCache(0).mean()[j];
            double v = alpha * first.batchNormCache(0).variance()[j] + (1 - alpha) * second.batchNormCache(0).variance()[j];
            assertEquals(m, net.batchNorm(0).testMean()[j], 1e-15);
            assertEquals(v, net.batchNorm(0).testVariance()[j], 1e-15);
        }
        // The batch statistics are the plain mean and biased variance of the BN input.
        DMatrixRMaj in = second.batchNormInput(0);
        double[][] stats = columnStats(List.of(in));
        assertArrayEquals(stats[0], second.batchNormCache(0).mean(), 1e-12);
        assertArrayEquals(stats[1], second.batchNormCache(0).variance(), 1e-12);
    }

    /** Two-pass mean and biased variance of each column over all rows of all matrices. */
    private static double[][] columnStats(List<DMatrixRMaj> parts) {
        int m = parts.get(0).numCols, n = 0;
        double[] mean = new double[m], var = new double[m];
        for (DMatrixRMaj p : parts) {
            n += p.numRows;
            for (int i = 0; i < p.numRows; i++) for (int j = 0; j < m; j++) mean[j] += p.get(i, j);
        }
        for (int j = 0; j < m; j++) mean[j] /= n;
        for (DMatrixRMaj p : parts) {
            for (int i = 0; i < p.numRows; i++) for (int j = 0; j < m; j++) var[j] += Math.pow(p.get(i, j) - mean[j], 2);
        }
        for (int j = 0; j < m; j++) var[j] /= n;
        return new double[][] {mean, var};
    }

    @Test
    void preciseStatisticsAreTheMeanAndVarianceOverAllNSamples() {
        for (BatchNormMode mode : new BatchNormMode[] {BatchNormMode.BEFORE_RELU, BatchNormMode.AFTER_RELU}) {
            Network net = new Network(NetworkConfig.of(12, new int[] {6, 5}, 4, mode), 8);
            int[] indices = new int[250];
            for (int i = 0; i < indices.length; i++) indices[i] = (i * 37) % DATA.size();
            net.computePreciseStatistics(DATA, indices, 100); // chunks of 100, 100, 50

            // Reference: the same training-mode passes, all BN inputs pooled, statistics by definition.
            List<List<DMatrixRMaj>> inputs = List.of(new ArrayList<>(), new ArrayList<>());
            for (int from = 0; from < 250; from += 100) {
                Network.Pass pass = net.forward(Batch.gather(DATA, indices, from, Math.min(250, from + 100)).features(), true);
                for (int l = 0; l < 2; l++) inputs.get(l).add(pass.batchNormInput(l));
            }
            for (int l = 0; l < 2; l++) {
                double[][] expected = columnStats(inputs.get(l));
                assertArrayEquals(expected[0], net.batchNorm(l).testMean(), 1e-12, mode + " layer " + l);
                assertArrayEquals(expected[1], net.batchNorm(l).testVariance(), 1e-12, mode + " layer " + l);
            }
            // The first layer's BN input does not depend on chunking: check it from scratch too.
            if (mode == BatchNormMode.BEFORE_RELU) {
                DMatrixRMaj x = Batch.gather(DATA, indices, 0, 250).features();
                DMatrixRMaj s = new DMatrixRMaj(250, 6);
                org.ejml.dense.row.CommonOps_DDRM.mult(x, net.parameter("W1").value(), s);
                double[][] direct = columnStats(List.of(s));
                assertArrayEquals(direct[0], net.batchNorm(0).testMean(), 1e-12);
                assertArrayEquals(direct[1], net.batchNorm(0).testVariance(), 1e-12);
            }
        }
    }

    @Test
    void evaluationInChunksMatchesOneBigPass() {
        Network net = new Network(NetworkConfig.of(12, new int[] {9}, 4, BatchNormMode.AFTER_RELU), 4);
        net.updateMovingAverages(net.forward(Batch.rows(DATA, 0, 100).features(), true));
        double lambda = 0.05;
        Evaluation e = net.evaluate(DATA, lambda); // 2500 samples: chunks of 1000, 1000, 500
        Batch all = Batch.rows(DATA, 0, DATA.size());
        Network.Pass pass = net.forward(all.features(), false);
        DMatrixRMaj p = pass.probabilities();
        double loss = 0;
        int correct = 0;
        int[][] counts = new int[4][4];
        for (int i = 0; i < DATA.size(); i++) {
            loss -= Math.log(p.get(i, all.labels()[i]));
            int best = 0;
            for (int j = 1; j < 4; j++) if (p.get(i, j) > p.get(i, best)) best = j;
            if (best == all.labels()[i]) correct++;
            counts[all.labels()[i]][best]++;
        }
        loss /= DATA.size();
        double penalty = 0;
        for (Parameter w : net.parameters()) {
            if (w.kind() == Parameter.Kind.WEIGHT) for (double v : w.data()) penalty += v * v;
        }
        assertEquals(loss, e.loss(), 1e-12);
        assertEquals(loss + lambda * penalty, e.cost(), 1e-12);
        assertEquals((double) correct / DATA.size(), e.accuracy(), 0.0);
        ConfusionMatrix cm = net.confusion(DATA);
        assertArrayEquals(counts, cm.counts());
        assertEquals(e.accuracy(), cm.accuracy(), 0.0);
        assertEquals(Evaluation.EMPTY, net.evaluate(DATA.slice(0, 0), lambda));
        assertEquals(net.evaluate(DATA.slice(0, 700), lambda), net.evaluate(DATA, 700, lambda));
    }

    @Test
    void testModeUsesStoredStatisticsNotTheBatchs() {
        Network net = new Network(NetworkConfig.of(12, new int[] {5}, 4, BatchNormMode.BEFORE_RELU), 3);
        net.updateMovingAverages(net.forward(Batch.rows(DATA, 0, 200).features(), true));
        // In test mode a sample's output does not depend on what else is in the batch.
        DMatrixRMaj alone = net.forward(Batch.rows(DATA, 0, 1).features(), false).logits();
        DMatrixRMaj inBatch = net.forward(Batch.rows(DATA, 0, 30).features(), false).logits();
        for (int j = 0; j < 4; j++) assertEquals(alone.get(0, j), inBatch.get(0, j), 1e-13);
        DMatrixRMaj trainingMode = net.forward(Batch.rows(DATA, 0, 30).features(), true).logits();
        assertTrue(Math.abs(trainingMode.get(0, 0) - inBatch.get(0, 0)) > 1e-6);
    }

    @Test
    void rejectsInputOfTheWrongWidth() {
        Network net = new Network(NetworkConfig.of(10, new int[] {5}, 4, BatchNormMode.OFF), 3);
        assertThrows(IllegalArgumentException.class, () -> net.forward(new DMatrixRMaj(3, 12), false));
    }
}
