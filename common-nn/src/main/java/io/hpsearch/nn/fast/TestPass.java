package io.hpsearch.nn.fast;

import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.kernels.BatchNorm;
import io.hpsearch.nn.kernels.Elementwise;
import io.hpsearch.nn.kernels.Gemm;
import io.hpsearch.nn.metrics.ConfusionMatrix;
import io.hpsearch.nn.metrics.Evaluation;

/**
 * Test-mode passes of a {@link FastNetwork} over a data set: BN with the test-time statistics, in
 * chunks of {@link FastNetwork#EVALUATION_CHUNK} rows read in place from the data set's feature
 * array. Each chunk's rows are split over the network's team, and a member runs every layer of its
 * rows without a barrier (no statistic is computed from the batch). Its own workspaces, one chunk
 * each; the weight panels are the network's, packed once per pass (the training step packs them
 * again before it uses them).
 */
final class TestPass {
    private final FastNetwork net;
    private final float[][] z;
    private final float[] logits;
    private final double[] loss;
    private final int[] predicted;
    /** 1/√(σ²+ε) of the test-time variance of each hidden layer (null without BN). */
    private final float[][] invStd;
    private final Team.Task chunkTask = this::chunkMember;

    // Arguments of the running chunk (fields, so the task is made once).
    private float[] x;
    private int xOff, rows, labelOff;
    private int[] labels;

    TestPass(FastNetwork net) {
        this.net = net;
        int hidden = net.layers - 1, chunk = FastNetwork.EVALUATION_CHUNK;
        z = new float[hidden][];
        invStd = net.mode == BatchNormMode.OFF ? null : new float[hidden][];
        for (int l = 0; l < hidden; l++) {
            z[l] = new float[chunk * net.out[l] + FastNetwork.SLACK];
            if (invStd != null) invStd[l] = new float[net.out[l]];
        }
        logits = new float[chunk * net.config().classes() + FastNetwork.SLACK];
        loss = new double[chunk];
        predicted = new int[chunk];
    }

    /** Test-mode cost, loss and accuracy over the first {@code count} samples. */
    Evaluation evaluate(DataSet data, int count, double lambda) {
        if (count < 0 || count > data.size()) throw new IllegalArgumentException("count " + count + " outside [0, " + data.size() + "]");
        if (count == 0) return Evaluation.EMPTY;
        checkData(data);
        prepare();
        double lossSum = 0;
        long correct = 0;
        int[] y = data.labels();
        for (int from = 0; from < count; from += FastNetwork.EVALUATION_CHUNK) {
            int n = runChunk(data, from, Math.min(count, from + FastNetwork.EVALUATION_CHUNK), true);
            for (int i = 0; i < n; i++) {
                lossSum += loss[i];
                if (predicted[i] == y[from + i]) correct++;
            }
        }
        double meanLoss = lossSum / count;
        return new Evaluation(meanLoss + lambda * net.weightPenalty(), meanLoss, (double) correct / count);
    }

    /** Predicted class of every sample. */
    int[] predict(DataSet data) {
        checkData(data);
        prepare();
        int[] result = new int[data.size()];
        for (int from = 0; from < data.size(); from += FastNetwork.EVALUATION_CHUNK) {
            int n = runChunk(data, from, Math.min(data.size(), from + FastNetwork.EVALUATION_CHUNK), false);
            System.arraycopy(predicted, 0, result, from, n);
        }
        return result;
    }

    /** counts[true][predicted] over the data set. */
    ConfusionMatrix confusion(DataSet data) {
        int classes = net.config().classes();
        int[][] counts = new int[classes][classes];
        int[] p = predict(data);
        for (int i = 0; i < p.length; i++) counts[data.label(i)][p[i]]++;
        return new ConfusionMatrix(counts);
    }

    private void checkData(DataSet data) {
        if (data.dim() != net.in[0]) throw new IllegalArgumentException("data has " + data.dim() + " features, network expects " + net.in[0]);
        if (data.classes() > net.config().classes()) {
            throw new IllegalArgumentException("data set " + data.name() + " has " + data.classes() + " classes, network " + net.config().classes());
        }
    }

    /** Packs the weight panels and the test-time 1/√(σ²+ε) once per pass (the weights do not change during it). */
    private void prepare() {
        for (int l = 0; l < net.layers; l++) Gemm.packB(net.in[l], net.out[l], net.params, net.wOff[l], net.out[l], net.fwdPanel[l]);
        if (invStd != null) {
            for (int l = 0; l < net.layers - 1; l++) BatchNorm.invStd(0, net.out[l], net.avgVar[l], FastNetwork.EPS, invStd[l]);
        }
    }

    private int runChunk(DataSet data, int from, int to, boolean withLosses) {
        x = data.features();
        xOff = from * net.in[0];
        rows = to - from;
        labels = withLosses ? data.labels() : null;
        labelOff = from;
        net.team().run(chunkTask);
        x = null;
        labels = null;
        return to - from;
    }

    private void chunkMember(int t) {
        int threads = net.team().threads();
        int m = rows;
        int r0 = FastNetwork.rowLo(m, t, threads), r1 = FastNetwork.rowLo(m, t + 1, threads);
        if (r0 == r1) return;
        int layers = net.layers;
        float[] params = net.params;
        float[] a = x;
        int aOff = xOff;
        for (int l = 0; l < layers; l++) {
            int n = net.out[l], k = net.in[l];
            float[] c = l == layers - 1 ? logits : z[l];
            Gemm.mulPacked(r0, r1, n, k, a, aOff, k, net.fwdPanel[l], c, 0, n, false);
            if (l == layers - 1) {
                Elementwise.addBias(r0, r1, n, c, 0, n, params, net.bOff[l], false);
                break;
            }
            switch (net.mode) {
                case OFF -> Elementwise.addBias(r0, r1, n, c, 0, n, params, net.bOff[l], true);
                case BEFORE_RELU -> BatchNorm.normalize(r0, r1, n, c, 0, n, net.avgMean[l], invStd[l],
                        params, net.gammaOff[l], params, net.betaOff[l], null, 0, n, c, 0, n, true);
                case AFTER_RELU -> {
                    Elementwise.addBias(r0, r1, n, c, 0, n, params, net.bOff[l], true);
                    BatchNorm.normalize(r0, r1, n, c, 0, n, net.avgMean[l], invStd[l],
                            params, net.gammaOff[l], params, net.betaOff[l], null, 0, n, c, 0, n, false);
                }
            }
            a = c;
            aOff = 0;
        }
        int classes = net.config().classes();
        for (int i = r0; i < r1; i++) {
            int base = i * classes, best = 0;
            for (int j = 1; j < classes; j++) if (logits[base + j] > logits[base + best]) best = j;
            predicted[i] = best;
            if (labels != null) {
                loss[i] = Elementwise.softmaxCrossEntropy(i, i + 1, classes, logits, 0, classes, labels, labelOff,
                        null, 0, 0, 1f);
            }
        }
    }
}
