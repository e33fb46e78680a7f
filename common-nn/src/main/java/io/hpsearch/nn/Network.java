package io.hpsearch.nn;

import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.metrics.ConfusionMatrix;
import io.hpsearch.nn.metrics.Evaluation;
import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The reference k-layer network in double precision: fully connected layers, ReLU, optional batch
 * normalisation per hidden layer, softmax output and cross-entropy loss. The cost it minimises is
 * {@code loss + λ Σ‖W‖²} over the weight matrices only.
 *
 * <p>Layout: samples are rows. Weights of affine layer l are stored {@code in × out} (the transpose
 * of the W of the course notes) so that the forward product {@code S = A W + b} runs as contiguous
 * row updates; see {@link MatrixOps}.
 *
 * <p>Biases: with BN <em>before</em> ReLU the affine bias is redundant (BN subtracts the batch mean
 * right after it, so its gradient is 0 up to rounding, which would only put noise into the
 * gradient check), so those layers have no {@code b}; β plays its part. With BN after ReLU the bias
 * still moves the ReLU threshold and is kept. The output layer always has a bias.
 *
 * <p>Clarity and exactness come first: this class is the yardstick for faster implementations.
 * Instances are not thread-safe; the row-parallel products inside one call are.
 */
public final class Network {
    /** Rows per chunk when evaluating, so memory stays bounded whatever the data-set size. */
    public static final int EVALUATION_CHUNK = 1000;

    private final NetworkConfig config;
    private final int layers;
    private final DMatrixRMaj[] weights;
    private final DMatrixRMaj[] biases;
    private final BatchNorm[] norms;
    private final List<Parameter> parameters;
    // Position of each tensor in `parameters` (−1: absent), for building Gradients in that order.
    private final int[] weightIndex, biasIndex, gammaIndex, betaIndex;
    private RowExecutor executor = RowExecutor.SERIAL;

    /**
     * A freshly initialised network: weights zero-mean normal with the config's σ, drawn layer by
     * layer in storage order from {@code new Random(seed)}; biases and β 0, γ 1. A pure function
     * of (config, seed).
     */
    public Network(NetworkConfig config, long seed) {
        this.config = Objects.requireNonNull(config, "config");
        this.layers = config.layers();
        int hidden = layers - 1;
        BatchNormMode mode = config.batchNorm();
        weights = new DMatrixRMaj[layers];
        biases = new DMatrixRMaj[layers];
        norms = new BatchNorm[hidden];
        weightIndex = new int[layers];
        biasIndex = new int[layers];
        gammaIndex = new int[layers];
        betaIndex = new int[layers];
        Arrays.fill(biasIndex, -1);
        Arrays.fill(gammaIndex, -1);
        Arrays.fill(betaIndex, -1);
        Random rng = new Random(seed);
        List<Parameter> ps = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int in = config.inputsOf(l), out = config.outputsOf(l);
            double sigma = config.init().sigmaFor(in);
            DMatrixRMaj w = new DMatrixRMaj(in, out);
            drawGaussians(rng, sigma, w.data);
            weights[l] = w;
            weightIndex[l] = ps.size();
            ps.add(new Parameter("W" + (l + 1), Parameter.Kind.WEIGHT, l + 1, w));
            boolean hiddenLayer = l < hidden;
            if (!(hiddenLayer && mode == BatchNormMode.BEFORE_RELU)) {
                biases[l] = new DMatrixRMaj(1, out);
                biasIndex[l] = ps.size();
                ps.add(new Parameter("b" + (l + 1), Parameter.Kind.BIAS, l + 1, biases[l]));
            }
            if (hiddenLayer && mode != BatchNormMode.OFF) {
                norms[l] = new BatchNorm(out);
                gammaIndex[l] = ps.size();
                ps.add(new Parameter("gamma" + (l + 1), Parameter.Kind.GAMMA, l + 1, norms[l].gamma()));
                betaIndex[l] = ps.size();
                ps.add(new Parameter("beta" + (l + 1), Parameter.Kind.BETA, l + 1, norms[l].beta()));
            }
        }
        this.parameters = List.copyOf(ps);
    }

    /**
     * Fills {@code a} with N(0, σ²) draws. A method of its own so that the constructor has no loop
     * over the weights: its back-edges would get the whole constructor compiled by C2 (about
     * 0.3 s of CPU), on a worker during the trials it builds a network for.
     */
    private static void drawGaussians(Random rng, double sigma, double[] a) {
        for (int p = 0; p < a.length; p++) a[p] = rng.nextGaussian() * sigma;
    }

    public NetworkConfig config() {
        return config;
    }

    /** Every learnable tensor, in a fixed order (W1, b1, gamma1, beta1, W2, …); live views. */
    public List<Parameter> parameters() {
        return parameters;
    }

    public Parameter parameter(String name) {
        for (Parameter p : parameters) if (p.name().equals(name)) return p;
        throw new IllegalArgumentException("no parameter named " + name);
    }

    /** The BN layer of hidden layer {@code hidden} (0-based), or null without BN. */
    public BatchNorm batchNorm(int hidden) {
        return norms[hidden];
    }

    /** Where the big products run; the caller owns (and closes) the executor. */
    public void useExecutor(RowExecutor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Everything a forward pass computed, kept for the backward pass and for inspection. */
    public static final class Pass {
        private final boolean training;
        private final DMatrixRMaj[] inputs;   // input of affine layer l
        private final DMatrixRMaj[] affine;   // S_l = A_l W_l + b_l; the last one holds the logits
        private final DMatrixRMaj[] outputs;  // output of hidden layer l (input of layer l + 1)
        private final DMatrixRMaj[] bnInputs; // what BN of hidden layer l normalised
        private final BatchNorm.Cache[] caches;

        private Pass(boolean training, int layers) {
            this.training = training;
            inputs = new DMatrixRMaj[layers];
            affine = new DMatrixRMaj[layers];
            outputs = new DMatrixRMaj[layers - 1];
            bnInputs = new DMatrixRMaj[layers - 1];
            caches = new BatchNorm.Cache[layers - 1];
        }

        public boolean training() { return training; }

        public int size() { return inputs[0].numRows; }

        /** Output scores before the softmax, n × classes. */
        public DMatrixRMaj logits() { return affine[affine.length - 1]; }

        /** Input of BN in hidden layer {@code hidden} (0-based): the affine output, or its ReLU in AFTER_RELU mode. */
        public DMatrixRMaj batchNormInput(int hidden) { return bnInputs[hidden]; }

        /** The batch statistics BN used in hidden layer {@code hidden}, training mode only. */
        public BatchNorm.Cache batchNormCache(int hidden) { return caches[hidden]; }

        /** Softmax of the logits, computed with the max subtracted. */
        public DMatrixRMaj probabilities() {
            DMatrixRMaj s = logits();
            DMatrixRMaj p = new DMatrixRMaj(s.numRows, s.numCols);
            for (int i = 0; i < s.numRows; i++) {
                double lse = logSumExp(s, i);
                for (int j = 0; j < s.numCols; j++) p.data[i * s.numCols + j] = Math.exp(s.data[i * s.numCols + j] - lse);
            }
            return p;
        }
    }

    /**
     * Forward pass of a batch (one sample per row). Training mode normalises with batch statistics
     * and leaves the stored statistics alone (see {@link #updateMovingAverages}); test mode uses
     * the stored ones.
     */
    public Pass forward(DMatrixRMaj x, boolean training) {
        return forward(x, training, null);
    }

    /**
     * A training-mode forward pass in which every ReLU keeps the on/off pattern it had in
     * {@code pattern} (a pass over the same batch): ReLU(x) is replaced by x·[x₀ > 0] with x₀ the
     * ReLU's input in {@code pattern}. Near θ the cost has no other non-smoothness, so this is the
     * cost's smooth piece through θ: finite differences of it are valid at any step, even when a
     * ReLU input sits closer to zero than the step (the gradient check relies on this).
     */
    public Pass forwardOnReluPattern(DMatrixRMaj x, Pass pattern) {
        return forward(x, true, Objects.requireNonNull(pattern, "pattern"));
    }

    private Pass forward(DMatrixRMaj x, boolean training, Pass pattern) {
        if (x.numCols != config.inputDim()) {
            throw new IllegalArgumentException("input has " + x.numCols + " features, network expects " + config.inputDim());
        }
        Pass pass = new Pass(training, layers);
        DMatrixRMaj a = x;
        for (int l = 0; l < layers; l++) {
            pass.inputs[l] = a;
            DMatrixRMaj s = new DMatrixRMaj(1, 1);
            MatrixOps.affine(executor, a, weights[l], biases[l], s);
            pass.affine[l] = s;
            if (l == layers - 1) break;
            DMatrixRMaj h;
            switch (config.batchNorm()) {
                case OFF -> h = relu(s, pattern == null ? null : pattern.outputs[l]);
                case BEFORE_RELU -> {
                    pass.bnInputs[l] = s;
                    h = relu(normalise(pass, l, s), pattern == null ? null : pattern.outputs[l]);
                }
                case AFTER_RELU -> {
                    DMatrixRMaj r = relu(s, pattern == null ? null : pattern.bnInputs[l]);
                    pass.bnInputs[l] = r;
                    h = normalise(pass, l, r);
                }
                default -> throw new IllegalStateException();
            }
            pass.outputs[l] = h;
            a = h;
        }
        return pass;
    }

    private DMatrixRMaj normalise(Pass pass, int l, DMatrixRMaj in) {
        DMatrixRMaj out = new DMatrixRMaj(in.numRows, in.numCols);
        if (pass.training) {
            pass.caches[l] = norms[l].forwardTraining(in, out);
        } else {
            norms[l].forwardTest(in, out);
        }
        return out;
    }

    /**
     * ReLU of {@code s}; with a {@code pattern} (a ReLU output of an earlier pass, > 0 exactly where
     * that ReLU's input was), keeps the entries where the pattern is on, whatever their sign now.
     */
    private static DMatrixRMaj relu(DMatrixRMaj s, DMatrixRMaj pattern) {
        DMatrixRMaj h = new DMatrixRMaj(s.numRows, s.numCols);
        DMatrixRMaj on = pattern == null ? s : pattern;
        for (int p = 0, len = s.getNumElements(); p < len; p++) h.data[p] = on.data[p] > 0 ? s.data[p] : 0.0;
        return h;
    }

    /** ∂/∂x of ReLU taken as 1 where x > 0 and 0 elsewhere (also at exactly 0). */
    private static void reluMask(DMatrixRMaj g, DMatrixRMaj x) {
        for (int p = 0, len = g.getNumElements(); p < len; p++) if (!(x.data[p] > 0)) g.data[p] = 0.0;
    }

    private static double logSumExp(DMatrixRMaj s, int row) {
        int c = s.numCols, base = row * c;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) max = Math.max(max, s.data[base + j]);
        double sum = 0;
        for (int j = 0; j < c; j++) sum += Math.exp(s.data[base + j] - max);
        return max + Math.log(sum);
    }

    /** Cross-entropy of one row: log Σ exp(s) − s_y, computed stably. */
    private static double rowLoss(DMatrixRMaj logits, int row, int label) {
        return logSumExp(logits, row) - logits.data[row * logits.numCols + label];
    }

    /** Cross-entropy of each sample of a pass against its label. */
    public double[] sampleLosses(Pass pass, int[] labels) {
        DMatrixRMaj s = pass.logits();
        checkLabels(s.numRows, labels);
        double[] out = new double[s.numRows];
        for (int i = 0; i < out.length; i++) out[i] = rowLoss(s, i, labels[i]);
        return out;
    }

    /** Mean cross-entropy loss of a pass against the labels. */
    public double loss(Pass pass, int[] labels) {
        DMatrixRMaj s = pass.logits();
        checkLabels(s.numRows, labels);
        double sum = 0;
        for (int i = 0; i < s.numRows; i++) sum += rowLoss(s, i, labels[i]);
        return sum / s.numRows;
    }

    /** Σ‖W‖² over the weight matrices (not biases, γ or β). */
    public double weightPenalty() {
        double s = 0;
        for (DMatrixRMaj w : weights) s += MatrixOps.sumOfSquares(w);
        return s;
    }

    /** Training-mode cost of a batch: loss + λ Σ‖W‖². Does not change the network. */
    public double cost(DMatrixRMaj x, int[] labels, double lambda) {
        return loss(forward(x, true), labels) + lambda * weightPenalty();
    }

    /** Analytic gradients of {@code loss + λ Σ‖W‖²} for a training-mode pass. */
    public Gradients backward(Pass pass, int[] labels, double lambda) {
        if (!pass.training) throw new IllegalArgumentException("backward needs a training-mode pass");
        int n = pass.size();
        checkLabels(n, labels);
        DMatrixRMaj[] grads = new DMatrixRMaj[parameters.size()];
        // ∂loss/∂S of the output layer: (P − Y) / n.
        DMatrixRMaj g = pass.probabilities();
        int classes = g.numCols;
        for (int i = 0; i < n; i++) g.data[i * classes + labels[i]] -= 1.0;
        for (int p = 0; p < g.data.length; p++) g.data[p] /= n;

        for (int l = layers - 1; l >= 0; l--) {
            if (l < layers - 1) {
                // g is ∂c/∂(output of hidden layer l); take it back to ∂c/∂S_l.
                switch (config.batchNorm()) {
                    case OFF -> reluMask(g, pass.affine[l]);
                    case BEFORE_RELU -> {
                        reluMask(g, pass.outputs[l]); // output = ReLU(BN(S)) > 0 exactly where BN(S) > 0
                        g = batchNormBackward(pass, l, g, grads);
                    }
                    case AFTER_RELU -> {
                        g = batchNormBackward(pass, l, g, grads);
                        reluMask(g, pass.affine[l]);
                    }
                    default -> throw new IllegalStateException();
                }
            }
            DMatrixRMaj dw = new DMatrixRMaj(1, 1);
            MatrixOps.transposeTimes(executor, pass.inputs[l], g, dw);
            double[] w = weights[l].data;
            for (int p = 0; p < dw.data.length; p++) dw.data[p] += 2 * lambda * w[p];
            grads[weightIndex[l]] = dw;
            if (biasIndex[l] >= 0) grads[biasIndex[l]] = MatrixOps.columnSums(g);
            if (l > 0) {
                DMatrixRMaj back = new DMatrixRMaj(1, 1);
                MatrixOps.timesTranspose(executor, g, weights[l], back);
                g = back;
            }
        }
        return new Gradients(parameters, grads);
    }

    private DMatrixRMaj batchNormBackward(Pass pass, int l, DMatrixRMaj g, DMatrixRMaj[] grads) {
        DMatrixRMaj dGamma = new DMatrixRMaj(1, norms[l].units());
        DMatrixRMaj dBeta = new DMatrixRMaj(1, norms[l].units());
        DMatrixRMaj dx = norms[l].backward(pass.caches[l], g, dGamma, dBeta);
        grads[gammaIndex[l]] = dGamma;
        grads[betaIndex[l]] = dBeta;
        return dx;
    }

    /** Folds a training batch's BN statistics into the moving averages (α = config.bnAlpha()). */
    public void updateMovingAverages(Pass pass) {
        if (!pass.training) throw new IllegalArgumentException("moving averages need a training-mode pass");
        for (int l = 0; l < norms.length; l++) {
            if (norms[l] != null) norms[l].updateAverages(pass.caches[l], config.bnAlpha());
        }
    }

    /**
     * Precise BN statistics: one training-mode forward pass over the given samples in chunks of
     * {@code chunk}, then each BN layer's test mean and variance become the mean and (biased)
     * variance over all N inputs it saw. Chunks are combined exactly: μ = Σ n_c μ_c / N and
     * σ² = Σ n_c (σ²_c + (μ_c − μ)²) / N. Deeper layers see inputs normalised with chunk statistics,
     * as in training.
     */
    public void computePreciseStatistics(DataSet data, int[] indices, int chunk) {
        if (chunk <= 0) throw new IllegalArgumentException("chunk must be positive: " + chunk);
        if (indices.length == 0) throw new IllegalArgumentException("precise statistics need at least one sample");
        int hidden = norms.length;
        List<Integer> chunkSizes = new ArrayList<>();
        List<BatchNorm.Cache[]> stats = new ArrayList<>();
        for (int from = 0; from < indices.length; from += chunk) {
            int to = Math.min(indices.length, from + chunk);
            Batch b = Batch.gather(data, indices, from, to);
            Pass pass = forward(b.features(), true);
            chunkSizes.add(to - from);
            stats.add(pass.caches.clone());
        }
        int total = indices.length;
        for (int l = 0; l < hidden; l++) {
            if (norms[l] == null) continue;
            int m = norms[l].units();
            double[] mean = new double[m];
            double[] variance = new double[m];
            for (int c = 0; c < stats.size(); c++) {
                int nc = chunkSizes.get(c);
                double[] mc = stats.get(c)[l].mean();
                for (int j = 0; j < m; j++) mean[j] += nc * mc[j];
            }
            for (int j = 0; j < m; j++) mean[j] /= total;
            for (int c = 0; c < stats.size(); c++) {
                int nc = chunkSizes.get(c);
                double[] mc = stats.get(c)[l].mean(), vc = stats.get(c)[l].variance();
                for (int j = 0; j < m; j++) {
                    double d = mc[j] - mean[j];
                    variance[j] += nc * (vc[j] + d * d);
                }
            }
            for (int j = 0; j < m; j++) variance[j] /= total;
            norms[l].setTestStatistics(mean, variance);
        }
    }

    /** Test-mode cost, loss and accuracy over the whole data set. */
    public Evaluation evaluate(DataSet data, double lambda) {
        return evaluate(data, data.size(), lambda);
    }

    /** Test-mode cost, loss and accuracy over the first {@code count} samples, in bounded chunks. */
    public Evaluation evaluate(DataSet data, int count, double lambda) {
        if (count < 0 || count > data.size()) throw new IllegalArgumentException("count " + count + " outside [0, " + data.size() + "]");
        if (count == 0) return Evaluation.EMPTY;
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < count; from += EVALUATION_CHUNK) {
            int to = Math.min(count, from + EVALUATION_CHUNK);
            Batch b = Batch.rows(data, from, to);
            DMatrixRMaj s = forward(b.features(), false).logits();
            for (int i = 0; i < b.size(); i++) {
                lossSum += rowLoss(s, i, b.labels()[i]);
                if (argmax(s, i) == b.labels()[i]) correct++;
            }
        }
        double loss = lossSum / count;
        return new Evaluation(loss + lambda * weightPenalty(), loss, (double) correct / count);
    }

    /** Predicted class (test mode) of every sample. */
    public int[] predict(DataSet data) {
        int[] out = new int[data.size()];
        for (int from = 0; from < data.size(); from += EVALUATION_CHUNK) {
            int to = Math.min(data.size(), from + EVALUATION_CHUNK);
            DMatrixRMaj s = forward(Batch.rows(data, from, to).features(), false).logits();
            for (int i = 0; i < to - from; i++) out[from + i] = argmax(s, i);
        }
        return out;
    }

    /** counts[true][predicted] over the data set, test mode. */
    public ConfusionMatrix confusion(DataSet data) {
        int[][] counts = new int[config.classes()][config.classes()];
        int[] predicted = predict(data);
        for (int i = 0; i < predicted.length; i++) counts[data.label(i)][predicted[i]]++;
        return new ConfusionMatrix(counts);
    }

    /** Index of the largest score (the first on ties; a NaN row predicts class 0). */
    private static int argmax(DMatrixRMaj s, int row) {
        int c = s.numCols, base = row * c, best = 0;
        for (int j = 1; j < c; j++) if (s.data[base + j] > s.data[base + best]) best = j;
        return best;
    }

    private void checkLabels(int n, int[] labels) {
        if (labels.length != n) throw new IllegalArgumentException(n + " rows but " + labels.length + " labels");
        for (int y : labels) {
            if (y < 0 || y >= config.classes()) throw new IllegalArgumentException("label " + y + " outside [0, " + config.classes() + ")");
        }
    }
}
