package io.hpsearch.nn.fast;

import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.Network;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.Parameter;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.ImageShape;
import io.hpsearch.nn.kernels.BatchNorm;
import io.hpsearch.nn.kernels.Elementwise;
import io.hpsearch.nn.kernels.Gemm;
import io.hpsearch.nn.metrics.ConfusionMatrix;
import io.hpsearch.nn.metrics.Evaluation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The network of {@link Network} in float32 on the {@link io.hpsearch.nn.kernels} kernels, with
 * every workspace made once for a batch capacity: a training step allocates nothing.
 *
 * <h2>Same network as the reference</h2>
 * Same parameters in the same order and shapes ({@code W1, b1, gamma1, beta1, W2, …}; no bias in
 * hidden layers with BN before ReLU), the same initial values (the constructor draws them through
 * {@code new Network(config, seed)} and rounds them to float), BN with the biased batch variance and
 * ε = {@link io.hpsearch.nn.BatchNorm#EPSILON}, moving averages with the config's α (the first
 * batch sets them), precise statistics combined over chunks exactly as the reference does, and the
 * cost {@code loss + λ Σ‖W‖²}.
 *
 * <h2>Layout</h2>
 * All parameters live in one flat {@code float[]} (and their gradients in a second one with the same
 * offsets), so an optimiser update is one loop over one array that a team can split by ranges.
 * Weights are {@code W[in][out]} row-major, the layout all three products want without a transposed
 * copy. Activations are row-major {@code rows × width} with the width as leading dimension. The
 * trainer stages a batch ({@link #stageBatch}): the first layer's forward product reads the
 * samples in place in the data set's feature array through a table of row offsets, and so does
 * the first layer's weight gradient when that layer is split in input halves (below); otherwise
 * each member copies the rows it has read (now in its cache) into the batch buffer of
 * {@code capacity × inputDim}, where the weight gradient reads them as one block. Evaluation reads
 * the data set's feature array in place.
 *
 * <h2>Threads</h2>
 * With a {@link Team} of T threads a step ({@link #trainingStep}: forward, backward and update in
 * one run of the team) runs as phases separated by barriers, split so that the bulk of a step's
 * data stays with one core from step to step:
 * <ul>
 *   <li>the first hidden layer's product by its inputs, in two fixed halves ({@link #inputSplit}):
 *       each half's weights, input columns and weight gradient stay with the member that owns it;</li>
 *   <li>the rest of the step (the first layer's BN, the later layers, their gradients) by two
 *       fixed halves of the batch's rows ({@link #laterLayersForward}): the sums over the batch
 *       (BN statistics, weight and bias gradients) are each half's sums, exchanged and added;</li>
 *   <li>the optimiser: each member updates the weights whose gradients it computed.</li>
 * </ul>
 * The cuts do not depend on T, and every number is computed in an order fixed by the kernels (one
 * thread computes the same halves in turn), so results are bit-identical for any team size; a
 * third member and more have no half and wait. A network without a hidden layer, or with too few
 * inputs to cut, splits every product by batch rows and the BN reductions by columns instead.
 * Test-mode evaluation ({@link TestPass}) splits each chunk's rows and runs every layer of its rows
 * without a barrier.
 *
 * <p>Not thread-safe: one caller thread drives it (with its team).
 */
public final class FastNetwork {
    /** Rows per evaluation chunk (as the reference). */
    public static final int EVALUATION_CHUNK = Network.EVALUATION_CHUNK;
    static final float EPS = (float) io.hpsearch.nn.BatchNorm.EPSILON;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = Gemm.V;
    /**
     * Row ranges start at multiples of the GEMM's 6-row tile, so a split adds no slow 1-row tails
     * (784 = 390 + 394 = 65 × 6 + (65 × 6 + 4), and the 4-row remainder has a kernel of its own).
     */
    private static final int ROW_ALIGN = 6;
    /**
     * Floats past the last row of every product's output: the GEMM kernels load and store whole
     * vectors and take a slow one-row path for rows whose last vector would leave the array.
     */
    static final int SLACK = 2 * V;

    // Read by TestPass too.
    private final NetworkConfig config;
    final BatchNormMode mode;
    final int layers;
    private final int capacity;
    final int[] in, out;

    final float[] params;
    private final float[] grads;
    private final String[] names;
    private final Parameter.Kind[] kinds;
    private final int[] offsets, sizes;
    final int[] wOff, bOff, gammaOff, betaOff; // per affine layer; −1: absent

    // BN state of hidden layer l (null arrays when the network has no BN); the test-time averages
    // are TestPass's too.
    private final float[][] mean, var, invStd;
    final float[][] avgMean, avgVar;
    private final float alpha;
    private boolean averagesSet;

    // Training workspaces, capacity rows each.
    private final float[] x;
    /**
     * Floats from one row of x to the next: the input width, plus one vector when the width is a
     * multiple of 256 floats (1 KiB). The weight gradient Xᵀ·dZ reads a few floats from each of the
     * batch's rows in turn; rows 12 KiB apart (CIFAR-10's 3072) all fall into the same L1 cache set
     * and evict each other, and the padding spreads them (GemmBenchmark TN:3072:50:100, pad 16:
     * 100 → 129 GFLOP/s).
     */
    private final int xld;
    private final int[] labels;
    private final float[][] z, zhat, h, d;
    private final float[] logits;
    private final double[] rowLoss;
    /** Packed weights of each layer for the forward product (of a test pass's too). */
    final float[][] fwdPanel;
    private final float[][] ntPanel, dPanel;
    /**
     * Where the first hidden layer's inputs are cut in two, or 0 when that layer is the output
     * layer (or too narrow to cut). Its product is then computed as two fma chains, S₁ = X[:, 0:s]
     * W₁[0:s, :] + X[:, s:k] W₁[s:k, :], each half by one member (member ⌊h T / 2⌋ for half h), with
     * the half's weights packed from rows of W₁ that the same member updated in the step before,
     * and the half's input columns read from the data set by the same member again for the weight
     * gradient of the same rows of W₁. Split by batch rows instead, every member would
     * read every weight and every input column, written by another core: about 0.5 MB crossing
     * between cores per step on the Fashion-MNIST shape, which cost as much as the arithmetic on
     * a 2-vCPU machine. The cut does not depend on the team, so neither do the results: one
     * thread computes the same two chains.
     */
    private final int inputSplit;
    /** The row halves' workspaces, with a split first layer; else null. */
    private final RowHalves halves;
    /** The second half's product X[:, s:k] W₁[s:k, :], added to the first's in z[0]. */
    private final float[] secondHalf;
    /** W₁'s rows of each half, packed by the member that owns the half. */
    private final float[][] halfPanel = new float[2][];
    /** Row offsets of each half's input columns (the batch's row offsets plus the half's start). */
    private final int[][] halfRows = new int[2][];
    /**
     * The array each half's weight gradient reads its input columns from: rows xld apart, or, when
     * {@link #halfSamples} has a table, the data set's feature array with the samples in place.
     */
    private final float[][] halfInput = new float[2][];
    /**
     * Offsets of the batch's samples in {@link #halfInput} when a half's weight gradient reads them
     * in place (a batch staged without flips), else null. Copying each half's columns into a
     * buffer for it cost about 80 µs of a 900 µs step on the CIFAR shape, more than reading the
     * samples where they are (rows 12 KiB apart, which share L1 sets: GemmBenchmark TN:3072:50:100,
     * 112 against 121 GFLOP/s with padded rows).
     */
    private final int[][] halfSamples = new int[2][];
    /** Each member's buffer for the input columns of its half (member 0's is the batch buffer). */
    private float[][] memberX;
    /** Whether the weights member t wrote in the last update are finite; see {@link #weightsFiniteAfterLastUpdate}. */
    private boolean[] memberWeightsFinite = {true};
    private boolean lastUpdateWeightsFinite;

    private final TestPass testPass;

    private Team team = Team.serial();
    private final Team.Task forwardTask = this::forwardMember;
    private final Team.Task backwardTask = this::backwardMember;
    private final Team.Task stepTask = this::stepMember;
    private final Team.Task updateTask = t -> updateMember(t, false);

    // Arguments of the running task (fields, so the tasks are made once).
    private int rows;
    private boolean withLoss;
    private boolean thenUpdate;
    private boolean forwardDone;
    private float twoLambda;
    private FloatOptimizer optimizer;
    // The first layer's input: row r of the batch starts at xSource[xRows[r]] (the batch buffer x,
    // or the data set's own feature array when stageBatch reads the samples in place).
    private float[] xSource;
    private final int[] xRows;
    private final int[] sampleRows; // offsets of the staged samples in their feature array
    // A batch staged with flips, gathered (and flipped) by the members in the next forward pass.
    private float[] stagedFeatures;
    private boolean[] stagedFlips;
    private ImageShape stagedShape;

    /**
     * A fresh network for batches of up to {@code batchCapacity} rows, starting from exactly the
     * numbers of {@code new Network(config, seed)} rounded to float.
     */
    public FastNetwork(NetworkConfig config, long seed, int batchCapacity) {
        this(new Network(config, seed), batchCapacity);
    }

    /**
     * A float copy of {@code reference}'s parameters and test statistics; the moving averages start
     * afresh (the first training batch sets them), as for a new network.
     */
    public FastNetwork(Network reference, int batchCapacity) {
        this.config = reference.config();
        if (batchCapacity <= 0) throw new IllegalArgumentException("batch capacity must be positive: " + batchCapacity);
        this.mode = config.batchNorm();
        this.layers = config.layers();
        this.capacity = batchCapacity;
        int hidden = layers - 1;
        in = new int[layers];
        out = new int[layers];
        for (int l = 0; l < layers; l++) {
            in[l] = config.inputsOf(l);
            out[l] = config.outputsOf(l);
        }

        List<Parameter> ps = reference.parameters();
        int count = ps.size();
        names = new String[count];
        kinds = new Parameter.Kind[count];
        offsets = new int[count];
        sizes = new int[count];
        wOff = filled(layers);
        bOff = filled(layers);
        gammaOff = filled(layers);
        betaOff = filled(layers);
        int total = 0;
        for (int i = 0; i < count; i++) {
            Parameter p = ps.get(i);
            names[i] = p.name();
            kinds[i] = p.kind();
            offsets[i] = total;
            sizes[i] = p.count();
            int l = p.layer() - 1;
            switch (p.kind()) {
                case WEIGHT -> wOff[l] = total;
                case BIAS -> bOff[l] = total;
                case GAMMA -> gammaOff[l] = total;
                case BETA -> betaOff[l] = total;
            }
            total += p.count();
        }
        params = new float[total];
        grads = new float[total];
        // No loop over the weights in this constructor itself: its back-edges would get the whole
        // constructor (workspaces and all, about 90 KB of code) compiled by C2, which took 3 s of
        // CPU on a worker at its first trials.
        for (int i = 0; i < count; i++) roundInto(ps.get(i).data(), params, offsets[i]);

        boolean bn = mode != BatchNormMode.OFF;
        mean = bn ? new float[hidden][] : null;
        var = bn ? new float[hidden][] : null;
        invStd = bn ? new float[hidden][] : null;
        avgMean = bn ? new float[hidden][] : null;
        avgVar = bn ? new float[hidden][] : null;
        alpha = (float) config.bnAlpha();

        xld = in[0] % 256 == 0 ? in[0] + Gemm.V : in[0];
        x = new float[capacity * xld];
        xSource = x;
        xRows = new int[capacity];
        sampleRows = new int[capacity];
        for (int r = 0; r < capacity; r++) xRows[r] = r * xld;
        labels = new int[capacity];
        z = new float[hidden][];
        zhat = new float[hidden][];
        h = new float[hidden][];
        d = new float[layers][];
        fwdPanel = new float[layers][];
        ntPanel = new float[layers][];
        dPanel = new float[layers][];
        for (int l = 0; l < layers; l++) {
            int n = out[l];
            d[l] = new float[capacity * n + SLACK];
            fwdPanel[l] = new float[Gemm.packedSize(in[l], n)];
            if (l > 0) ntPanel[l] = new float[Gemm.packedSize(n, in[l])];
            dPanel[l] = new float[Gemm.packedSize(capacity, n)];
            if (l == hidden) break;
            z[l] = new float[capacity * n + SLACK];
            if (bn) {
                zhat[l] = new float[capacity * n];
                h[l] = new float[capacity * n + SLACK];
                mean[l] = new float[n];
                var[l] = new float[n];
                invStd[l] = new float[n];
                io.hpsearch.nn.BatchNorm ref = reference.batchNorm(l);
                avgMean[l] = toFloat(ref.testMean());
                avgVar[l] = toFloat(ref.testVariance());
            } else {
                h[l] = z[l]; // bias and ReLU in place: the ReLU output is positive exactly where its input is
            }
        }
        logits = new float[capacity * config.classes() + SLACK];
        rowLoss = new double[capacity];
        inputSplit = layers > 1 && in[0] >= 2 * ROW_ALIGN ? rowLo(in[0], 1, 2) : 0;
        if (inputSplit > 0) {
            if (wOff[0] != 0) throw new IllegalStateException("W1 is expected first in the parameter array");
            secondHalf = new float[capacity * out[0] + SLACK];
            halfPanel[0] = new float[Gemm.packedSize(inputSplit, out[0])];
            halfPanel[1] = new float[Gemm.packedSize(in[0] - inputSplit, out[0])];
            halfRows[0] = new int[capacity];
            halfRows[1] = new int[capacity];
            halves = new RowHalves(in, out, bOff, bn, mean, var, invStd, capacity);
        } else {
            secondHalf = null;
            halves = null;
        }
        memberX = new float[][] {x};
        lastUpdateWeightsFinite = weightsFinite();
        testPass = new TestPass(this);
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, -1);
        return a;
    }

    /**
     * With a split first layer, the rest of a step (the first layer's BN, the later layers and
     * their gradients) splits the batch into two fixed row halves, each run by one member on its
     * own rows (see {@link #laterLayersForward}). Every sum over the batch is then a sum over each
     * half, exchanged as a vector, and the two added. {@code [h][l]} is half h's part for layer l.
     */
    private static final class RowHalves {
        /** Half h's batch mean, variance and 1/√(σ²+ε) of hidden layer l (half 0's are the network's mean, var, invStd). */
        final float[][][] mean, var, invStd;
        /** Half h's column sums for hidden layer l: Σz and Σ(z − μ_h)² with μ_h the half's own mean; backward Σg̃ẑ (dγ) and Σg̃ (dβ). */
        final float[][][] sum, blockMean, squares, gamma, beta;
        /** dγ, dβ of hidden layer l for half 1's own use (half 0 writes them into the gradients). */
        final float[][] half1Gamma, half1Beta;
        /** Half h's part of dW_l and of the bias gradient of layer l (l ≥ 1 for weights). */
        final float[][][] weights, bias;
        /** ∂c/∂S_l of half h's rows, packed for its part of dW_l (l ≥ 1). */
        final float[][][] dPanel;

        RowHalves(int[] in, int[] out, int[] bOff, boolean bn, float[][] mean0, float[][] var0, float[][] invStd0,
                  int capacity) {
            int layers = in.length, hidden = layers - 1;
            mean = new float[2][hidden][];
            var = new float[2][hidden][];
            invStd = new float[2][hidden][];
            sum = new float[2][hidden][];
            blockMean = new float[2][hidden][];
            squares = new float[2][hidden][];
            gamma = new float[2][hidden][];
            beta = new float[2][hidden][];
            half1Gamma = new float[hidden][];
            half1Beta = new float[hidden][];
            weights = new float[2][layers][];
            bias = new float[2][layers][];
            dPanel = new float[2][layers][];
            for (int l = 0; l < layers; l++) {
                int n = out[l];
                for (int half = 0; half < 2; half++) {
                    if (l > 0) {
                        weights[half][l] = new float[in[l] * n];
                        dPanel[half][l] = new float[Gemm.packedSize(capacity, n)];
                    }
                    if (bOff[l] >= 0) bias[half][l] = new float[n];
                    if (l == hidden || !bn) continue;
                    mean[half][l] = half == 0 ? mean0[l] : new float[n];
                    var[half][l] = half == 0 ? var0[l] : new float[n];
                    invStd[half][l] = half == 0 ? invStd0[l] : new float[n];
                    sum[half][l] = new float[n];
                    blockMean[half][l] = new float[n];
                    squares[half][l] = new float[n];
                    gamma[half][l] = new float[n];
                    beta[half][l] = new float[n];
                }
                if (l < hidden && bn) {
                    half1Gamma[l] = new float[n];
                    half1Beta[l] = new float[n];
                }
            }
        }
    }

    private static void roundInto(double[] src, float[] dst, int offset) {
        for (int j = 0; j < src.length; j++) dst[offset + j] = (float) src[j];
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        roundInto(a, f, 0);
        return f;
    }

    public NetworkConfig config() {
        return config;
    }

    /** Largest batch (and precise-BN chunk) this network has workspaces for. */
    public int batchCapacity() {
        return capacity;
    }

    /** Where the work runs; the caller owns (and closes) the team. */
    public void useTeam(Team team) {
        this.team = Objects.requireNonNull(team, "team");
        int threads = team.threads();
        if (memberX.length != threads) {
            float[][] buffers = new float[threads][];
            buffers[0] = x;
            for (int h = 0; h < 2 && inputSplit > 0; h++) {
                int owner = halfOwner(h, threads);
                if (buffers[owner] == null) buffers[owner] = new float[capacity * xld];
            }
            memberX = buffers;
            memberWeightsFinite = new boolean[threads];
        }
    }

    /** Start of row half h (0, 1; 2 for the end) of a batch of m rows, at a multiple of the GEMM's row tile. */
    private static int rowHalf(int m, int h) {
        return h == 0 ? 0 : h == 1 ? rowLo(m, 1, 2) : m;
    }

    /** Start of half h (0, 1; 2 for the end) of the first layer's inputs. */
    private int inputHalf(int h) {
        return h == 0 ? 0 : h == 1 ? inputSplit : in[0];
    }

    /** The member that computes half h of the first layer's inputs. */
    private static int halfOwner(int h, int threads) {
        return h * threads / 2;
    }

    // ---------------------------------------------------------------- parameters

    /** All parameters, flat, in the reference's order; a live view (optimisers write it). */
    public float[] parameters() {
        return params;
    }

    /** Gradients of the last {@link #backward}, same offsets as {@link #parameters()}; a live view. */
    public float[] gradients() {
        return grads;
    }

    public int parameterCount() {
        return names.length;
    }

    public String parameterName(int i) {
        return names[i];
    }

    public Parameter.Kind parameterKind(int i) {
        return kinds[i];
    }

    public int parameterOffset(int i) {
        return offsets[i];
    }

    public int parameterSize(int i) {
        return sizes[i];
    }

    /** Index of the parameter with this name ({@code W1}, {@code gamma2}, …). */
    public int parameterIndex(String name) {
        for (int i = 0; i < names.length; i++) if (names[i].equals(name)) return i;
        throw new IllegalArgumentException("no parameter named " + name);
    }

    /** Σ‖W‖² over the weight matrices, summed in double. */
    public double weightPenalty() {
        double s = 0;
        for (int l = 0; l < layers; l++) {
            for (int p = wOff[l], e = p + in[l] * out[l]; p < e; p++) s += (double) params[p] * params[p];
        }
        return s;
    }

    /**
     * Whether every weight is finite: with finite weights Σ‖W‖² in double is finite too, so the
     * training cost is finite exactly when this holds and the loss is finite.
     */
    public boolean weightsFinite() {
        return weightsFinite(0, params.length);
    }

    /**
     * Whether the weights were all finite after the last update through this network ({@link
     * #backwardAndUpdate}, {@link #update}), as each member checked the range it had just written,
     * still in its cache; before any update, whether the initial weights are. The trainer asks
     * this every step, and {@link #weightsFinite} would read every weight on the caller's thread,
     * half of them from another core. Weights changed through {@link #parameters()} are not seen:
     * ask {@link #weightsFinite} then.
     */
    public boolean weightsFiniteAfterLastUpdate() {
        return lastUpdateWeightsFinite;
    }

    /** Whether the weights among parameters [from, to) are finite. */
    private boolean weightsFinite(int from, int to) {
        for (int l = 0; l < layers; l++) {
            int lo = Math.max(from, wOff[l]), hi = Math.min(to, wOff[l] + in[l] * out[l]);
            if (lo < hi && !finite(params, lo, hi)) return false;
        }
        return true;
    }

    private void collectWeightsFinite() {
        boolean all = true;
        for (int t = 0; t < team.threads(); t++) all &= memberWeightsFinite[t];
        lastUpdateWeightsFinite = all;
    }

    private static boolean finite(float[] a, int from, int to) {
        // x·0 is 0 for finite x and NaN for ±∞ and NaN, so one NaN lane marks the whole range.
        FloatVector acc = FloatVector.zero(S);
        int i = from;
        for (; i + V <= to; i += V) acc = acc.add(FloatVector.fromArray(S, a, i).mul(0f));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) s += a[i] * 0f;
        return s == 0f;
    }

    /** Test-time mean of hidden layer {@code hidden}'s BN (moving average or precise), as double. */
    public double[] testMean(int hidden) {
        return toDouble(avgMean[hidden]);
    }

    /** Test-time variance of hidden layer {@code hidden}'s BN, as double. */
    public double[] testVariance(int hidden) {
        return toDouble(avgVar[hidden]);
    }

    private static double[] toDouble(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    // ---------------------------------------------------------------- training

    /**
     * The batch input buffer, {@code capacity} rows of {@code inputDim} floats, row r at
     * {@code r × batchInputStride()}; rows [0, rows) are the batch.
     */
    public float[] batchInput() {
        return x;
    }

    /** Floats from one row of {@link #batchInput()} to the next (at least the input width). */
    public int batchInputStride() {
        return xld;
    }

    /** The batch labels buffer. */
    public int[] batchLabels() {
        return labels;
    }

    /** Gathers samples {@code order[from..to)} of {@code data} into the batch buffers; returns the row count. */
    public int loadBatch(DataSet data, int[] order, int from, int to) {
        int n = to - from, dim = in[0];
        if (n <= 0 || n > capacity) throw new IllegalArgumentException("batch of " + n + " rows, capacity " + capacity);
        if (data.dim() != dim) throw new IllegalArgumentException("data has " + data.dim() + " features, network expects " + dim);
        stagedFeatures = null; // a batch loaded here replaces one staged before
        useBuffer();
        float[] f = data.features();
        int[] y = data.labels();
        for (int r = 0; r < n; r++) {
            int s = order[from + r];
            System.arraycopy(f, s * dim, x, r * xld, dim);
            labels[r] = y[s];
        }
        return n;
    }

    /** The first layer reads the batch buffer x (rows at r × xld). */
    private void useBuffer() {
        xSource = x;
        for (int r = 0; r < capacity; r++) xRows[r] = r * xld;
    }

    /**
     * Like {@link #loadBatch} for the next {@link #forwardTraining}, without the copy: the first
     * layer's product reads the samples in place in the data set's feature array, and so does its
     * weight gradient when the first layer is split ({@link #halfSamples}); otherwise each member
     * copies the rows it has just read into the batch buffer for the backward pass.
     * With {@code flips} (for each row,
     * whether to mirror it left-right; {@code shape}: the image layout, as
     * {@link io.hpsearch.nn.train.HorizontalFlip}) the rows are copied and flipped inside the
     * forward pass instead, each member of the team copying the rows it then multiplies. The
     * labels are copied at once. {@link #batchInput()} does not hold a staged batch.
     */
    public int stageBatch(DataSet data, int[] order, int from, int to, boolean[] flips, ImageShape shape) {
        int n = to - from, dim = in[0];
        if (n <= 0 || n > capacity) throw new IllegalArgumentException("batch of " + n + " rows, capacity " + capacity);
        if (data.dim() != dim) throw new IllegalArgumentException("data has " + data.dim() + " features, network expects " + dim);
        if (flips != null && (shape == null || shape.size() != dim)) {
            throw new IllegalArgumentException("flips need an image shape of " + dim + " values, got " + shape);
        }
        int[] y = data.labels();
        for (int r = 0; r < n; r++) {
            int s = order[from + r];
            labels[r] = y[s];
            sampleRows[r] = s * dim;
        }
        if (flips == null) {
            stagedFeatures = null;
            xSource = data.features();
            System.arraycopy(sampleRows, 0, xRows, 0, n);
        } else {
            useBuffer();
            stagedFeatures = data.features();
            stagedFlips = flips;
            stagedShape = shape;
        }
        return n;
    }

    /**
     * After the first product read rows [r0, r1) in place, copies them into the batch buffer for
     * the weight gradient, whose transposed product runs faster on one contiguous block (and the
     * rows are in this core's cache now, where the copy before the product read them from memory).
     */
    private void copyRowsIntoBuffer(int r0, int r1) {
        if (xSource == x) return;
        int dim = in[0];
        for (int r = r0; r < r1; r++) System.arraycopy(xSource, xRows[r], x, r * xld, dim);
    }

    /** Copies (and flips) the staged rows [r0, r1) into {@code dst} (the batch buffer or a member's). */
    private void gatherStaged(float[] dst, int r0, int r1) {
        float[] f = stagedFeatures;
        int dim = in[0];
        for (int r = r0; r < r1; r++) {
            System.arraycopy(f, sampleRows[r], dst, r * xld, dim);
            if (stagedFlips[r]) flipRow(dst, r * xld, stagedShape);
        }
    }

    /** Mirrors one image left-right, every row of every channel plane (as HorizontalFlip). */
    private static void flipRow(float[] data, int offset, ImageShape shape) {
        int w = shape.width();
        for (int c = 0; c < shape.channels(); c++) {
            for (int yy = 0; yy < shape.height(); yy++) {
                int row = offset + (c * shape.height() + yy) * w;
                for (int a = row, b = row + w - 1; a < b; a++, b--) {
                    float t = data[a];
                    data[a] = data[b];
                    data[b] = t;
                }
            }
        }
    }

    /**
     * Training-mode forward pass over rows {@code [0, rows)} of the batch buffers; returns the mean
     * cross-entropy loss and keeps what {@link #backward} needs (including ∂loss/∂logits).
     */
    public double forwardTraining(int rows) {
        beginForward(rows);
        try {
            team.run(forwardTask);
        } finally {
            endForward();
        }
        forwardDone = true;
        return meanLoss();
    }

    /**
     * One training step in one run of the team: {@link #forwardTraining}, then, if the loss is
     * finite, {@link #backwardAndUpdate}. Returns the mean loss; when it is not finite, nothing
     * was updated. Each run of the team costs two barriers and the caller's time between them, so
     * the trainer's step is one run instead of two.
     */
    public double trainingStep(int rows, double lambda, FloatOptimizer optimizer, double eta) {
        beginForward(rows);
        beginUpdate(lambda, optimizer, eta);
        try {
            team.run(stepTask);
        } finally {
            endForward();
        }
        double loss = meanLoss();
        forwardDone = !Double.isFinite(loss); // as after forwardTraining, when no backward pass ran
        if (!forwardDone) collectWeightsFinite();
        return loss;
    }

    private void beginForward(int rows) {
        checkRows(rows);
        int classes = config.classes();
        for (int i = 0; i < rows; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " outside [0, " + classes + ")");
            }
        }
        this.rows = rows;
        this.withLoss = true;
    }

    private void endForward() {
        stagedFeatures = null; // gathered into x now
        stagedFlips = null;
    }

    /** The mean of the last forward pass's row losses, summed in row order (by every member alike). */
    private double meanLoss() {
        double sum = 0;
        for (int i = 0; i < rows; i++) sum += rowLoss[i];
        return sum / rows;
    }

    /** {@link #trainingStep}'s task: the forward pass, a barrier, and the backward pass if the loss is finite. */
    private void stepMember(int t) {
        forwardMember(t);
        team.barrier(t); // every row's loss and ∂loss/∂logits are in, every panel packed
        // Each member sums the same losses in the same order, so all take the same branch.
        if (Double.isFinite(meanLoss())) backwardMember(t);
    }

    /** Gradients of {@code loss + λ Σ‖W‖²} for the last {@link #forwardTraining} into {@link #gradients()}. */
    public void backward(double lambda) {
        requireForward();
        this.twoLambda = (float) (2 * lambda);
        this.thenUpdate = false;
        team.run(backwardTask);
    }

    /**
     * {@link #backward}, then in the same run of the team the moving averages and one optimiser
     * update with learning rate {@code eta} ({@link #trainingStep} runs this and the forward pass
     * in one run).
     */
    public void backwardAndUpdate(double lambda, FloatOptimizer optimizer, double eta) {
        requireForward();
        beginUpdate(lambda, optimizer, eta);
        team.run(backwardTask);
        forwardDone = false;
        collectWeightsFinite();
    }

    /** What the backward pass needs to end with an update: 2λ, the optimiser and its rate. */
    private void beginUpdate(double lambda, FloatOptimizer optimizer, double eta) {
        this.twoLambda = (float) (2 * lambda);
        this.optimizer = optimizer;
        this.thenUpdate = true;
        optimizer.begin(eta);
    }

    /** Folds the last training batch's BN statistics into the moving averages. */
    public void updateMovingAverages() {
        requireForward();
        foldAverages();
    }

    /** One optimiser update from the current gradients (no moving averages). */
    public void update(FloatOptimizer optimizer, double eta) {
        this.optimizer = optimizer;
        optimizer.begin(eta);
        team.run(updateTask);
        collectWeightsFinite();
    }

    private void requireForward() {
        if (!forwardDone) throw new IllegalStateException("needs a training-mode forward pass first");
    }

    private void checkRows(int rows) {
        if (rows <= 0 || rows > capacity) throw new IllegalArgumentException("batch of " + rows + " rows, capacity " + capacity);
    }

    /** Start of member t's share of n rows, at multiples of {@link #ROW_ALIGN}. */
    static int rowLo(int n, int t, int threads) {
        int blocks = (n + ROW_ALIGN - 1) / ROW_ALIGN;
        return Math.min(n, (int) ((long) blocks * t / threads) * ROW_ALIGN);
    }

    /** Start of member t's share of n columns, at multiples of the vector length. */
    private static int colLo(int n, int t, int threads) {
        int blocks = (n + V - 1) / V;
        return Math.min(n, (int) ((long) blocks * t / threads) * V);
    }

    private void forwardMember(int t) {
        int threads = team.threads();
        int m = rows;
        if (inputSplit == 0 && stagedFeatures != null && withLoss) {
            gatherStaged(x, rowLo(m, t, threads), rowLo(m, t + 1, threads));
        }
        // Each member packs its share of every layer's weight panel (of the first layer's, its
        // halves); the panels for the backward products (layers ≥ 1, small) go to one member each.
        for (int l = inputSplit > 0 ? 1 : 0; l < layers; l++) {
            int k = in[l];
            Gemm.packBRows(rowLo(k, t, threads), rowLo(k, t + 1, threads), k, out[l], params, wOff[l], out[l], fwdPanel[l]);
            if (withLoss && l > 0 && l % threads == t) {
                Gemm.packBt(out[l], in[l], params, wOff[l], out[l], ntPanel[l]);
            }
        }
        if (inputSplit > 0) {
            boolean gathered = false;
            for (int half = 0; half < 2; half++) {
                if (halfOwner(half, threads) != t) continue;
                if (stagedFeatures != null && !gathered) {
                    // A flip moves values within an image row: the owner takes whole rows.
                    gatherStaged(memberX[t], 0, m);
                    gathered = true;
                }
                firstLayerHalf(t, half, m);
            }
            team.barrier(t); // every panel packed, both halves of the first product in
            laterLayersForward(t, threads, m);
            return;
        }
        team.barrier(t); // every panel packed
        int r0 = rowLo(m, t, threads), r1 = rowLo(m, t + 1, threads);
        float[] a = null; // layer 0 reads xSource through xRows
        for (int l = 0; l < layers; l++) {
            int n = out[l], k = in[l];
            if (l == layers - 1) {
                if (!withLoss) break;
                if (l == 0) {
                    Gemm.mulPackedRows(r0, r1, n, k, xSource, xRows, fwdPanel[l], logits, 0, n, false);
                    copyRowsIntoBuffer(r0, r1);
                } else {
                    Gemm.mulPacked(r0, r1, n, k, a, 0, k, fwdPanel[l], logits, 0, n, false);
                }
                outputRows(r0, r1, m, l);
                Gemm.packBRows(r0, r1, m, n, d[l], 0, n, dPanel[l]);
                break;
            }
            float[] zl = z[l];
            if (l == 0) {
                Gemm.mulPackedRows(r0, r1, n, k, xSource, xRows, fwdPanel[l], zl, 0, n, false);
                copyRowsIntoBuffer(r0, r1);
            } else {
                Gemm.mulPacked(r0, r1, n, k, a, 0, k, fwdPanel[l], zl, 0, n, false);
            }
            switch (mode) {
                case OFF -> Elementwise.addBias(r0, r1, n, zl, 0, n, params, bOff[l], true);
                case BEFORE_RELU -> batchNormForward(t, threads, m, l, r0, r1, true);
                case AFTER_RELU -> {
                    Elementwise.addBias(r0, r1, n, zl, 0, n, params, bOff[l], true);
                    batchNormForward(t, threads, m, l, r0, r1, false);
                }
            }
            a = h[l];
        }
    }

    /** Bias, softmax and cross-entropy of output layer l for rows [r0, r1): each row's loss, and ∂loss/∂logits into d[l]. */
    private void outputRows(int r0, int r1, int m, int l) {
        int n = out[l];
        Elementwise.addBias(r0, r1, n, logits, 0, n, params, bOff[l], false);
        float scale = 1f / m;
        for (int i = r0; i < r1; i++) {
            rowLoss[i] = Elementwise.softmaxCrossEntropy(i, i + 1, n, logits, 0, n, labels, 0, d[l], 0, n, scale);
        }
    }

    /**
     * The rest of a training-mode forward pass after the first layer's split product: each member
     * runs the row halves it owns through the first layer's bias or BN and every later layer. BN
     * statistics come from the halves' column sums: each member computes Σz, its half's own mean
     * μ_h and Σ(z − μ_h)² over its rows, and after one barrier the batch's mean and variance from
     * both halves' ({@link BatchNorm#combineBlocks}). Split this way, what passes between cores is the second
     * half's product for the member's rows and a few vectors of sums, where splitting the later
     * layers by rows and their reductions by columns passed whole activations (on the
     * Fashion-MNIST shape that cost more than the arithmetic it shared), and one thread computes
     * the same sums over the same two halves.
     */
    private void laterLayersForward(int t, int threads, int m) {
        for (int l = 0; l < layers - 1; l++) {
            int n = out[l], k = in[l];
            float[] zl = z[l];
            for (int half = 0; half < 2; half++) {
                if (halfOwner(half, threads) != t) continue;
                int a = rowHalf(m, half), b = rowHalf(m, half + 1);
                if (l == 0) {
                    for (int p = a * n, e = b * n; p < e; p++) zl[p] += secondHalf[p]; // the halves' two chains
                } else {
                    Gemm.mulPacked(a, b, n, k, h[l - 1], 0, k, fwdPanel[l], zl, 0, n, false);
                }
                if (mode != BatchNormMode.BEFORE_RELU) Elementwise.addBias(a, b, n, zl, 0, n, params, bOff[l], true);
                if (mode == BatchNormMode.OFF) continue;
                Elementwise.columnSums(b - a, 0, n, zl, a * n, n, halves.sum[half][l], 0);
                BatchNorm.blockMean(0, n, halves.sum[half][l], b - a, halves.blockMean[half][l]);
                BatchNorm.partialSquaredDeviations(a, b, 0, n, zl, 0, n, halves.blockMean[half][l], halves.squares[half][l]);
            }
            if (mode == BatchNormMode.OFF) continue; // h[l] is z[l], biased and rectified in place
            team.barrier(t); // both halves' Σz, μ and Σ(z − μ)² are in
            int m0 = rowHalf(m, 1);
            for (int half = 0; half < 2; half++) {
                if (halfOwner(half, threads) != t) continue;
                BatchNorm.combineBlocks(0, n, halves.sum[0][l], halves.blockMean[0][l], halves.squares[0][l], m0,
                        halves.sum[1][l], halves.blockMean[1][l], halves.squares[1][l], m - m0, halves.mean[half][l],
                        halves.var[half][l]);
                BatchNorm.invStd(0, n, halves.var[half][l], EPS, halves.invStd[half][l]);
                BatchNorm.normalize(rowHalf(m, half), rowHalf(m, half + 1), n, zl, 0, n, halves.mean[half][l],
                        halves.invStd[half][l], params, gammaOff[l], params, betaOff[l], zhat[l], 0, n, h[l], 0, n,
                        mode == BatchNormMode.BEFORE_RELU);
            }
        }
        if (!withLoss) return;
        int l = layers - 1, n = out[l], k = in[l];
        for (int half = 0; half < 2; half++) {
            if (halfOwner(half, threads) != t) continue;
            int a = rowHalf(m, half), b = rowHalf(m, half + 1);
            Gemm.mulPacked(a, b, n, k, h[l - 1], 0, k, fwdPanel[l], logits, 0, n, false);
            outputRows(a, b, m, l);
            Gemm.packB(b - a, n, d[l], a * n, n, halves.dPanel[half][l]);
        }
    }

    /**
     * Half {@code half} of the first layer's product for every row of the batch, on its owner t:
     * packs W₁'s rows of the half, multiplies the half's input columns (in place in the data set,
     * or in the batch buffer or, after a gather with flips, the member's buffer) into z[0] (first
     * half) or {@link #secondHalf}, and notes where the weight gradient finds those columns.
     */
    private void firstLayerHalf(int t, int half, int m) {
        int k = in[0], n = out[0];
        int i0 = inputHalf(half), i1 = inputHalf(half + 1), width = i1 - i0;
        float[] panel = halfPanel[half];
        Gemm.packB(width, n, params, wOff[0] + i0 * n, n, panel);
        float[] product = half == 0 ? z[0] : secondHalf;
        float[] buffer = memberX[t];
        halfSamples[half] = null;
        if (stagedFeatures != null) {
            Gemm.mulPacked(0, m, n, width, buffer, i0, xld, panel, product, 0, n, false);
            halfInput[half] = buffer;
            return;
        }
        int[] rowsOfHalf = halfRows[half];
        for (int r = 0; r < m; r++) rowsOfHalf[r] = xRows[r] + i0;
        Gemm.mulPackedRows(0, m, n, width, xSource, rowsOfHalf, panel, product, 0, n, false);
        halfInput[half] = xSource;
        // The weight gradient reads the samples in place too (xRows: the batch buffer's rows, or the data set's).
        halfSamples[half] = xRows;
    }

    private void batchNormForward(int t, int threads, int m, int l, int r0, int r1, boolean relu) {
        int n = out[l];
        team.barrier(t); // every row of z[l] is in
        int c0 = colLo(n, t, threads), c1 = colLo(n, t + 1, threads);
        BatchNorm.statistics(m, c0, c1, z[l], 0, n, mean[l], var[l]);
        BatchNorm.invStd(c0, c1, var[l], EPS, invStd[l]);
        team.barrier(t); // every column's statistics are in
        BatchNorm.normalize(r0, r1, n, z[l], 0, n, mean[l], invStd[l], params, gammaOff[l], params, betaOff[l],
                zhat[l], 0, n, h[l], 0, n, relu);
    }

    private void backwardMember(int t) {
        int threads = team.threads();
        int m = rows;
        if (inputSplit > 0) {
            laterLayersBackward(t, threads, m);
            team.barrier(t); // ∂c/∂S₁ complete and packed
            // dW₁ = Xᵀ d[0] + 2λ W₁ by the halves of the inputs: each owner reads the columns it kept.
            int n = out[0], k = in[0];
            for (int half = 0; half < 2; half++) {
                if (halfOwner(half, threads) != t) continue;
                int i0 = inputHalf(half), i1 = inputHalf(half + 1);
                if (halfSamples[half] != null) {
                    Gemm.mulPackedTransARows(i0, i1, n, m, halfInput[half], halfSamples[half], dPanel[0], grads, wOff[0], n,
                            false);
                } else {
                    Gemm.mulPackedTransA(i0, i1, n, m, halfInput[half], 0, xld, dPanel[0], grads, wOff[0], n, false);
                }
                // With an update to follow, the update adds the decay term in its pass over W₁.
                if (!thenUpdate) addDecay(wOff[0] + i0 * n, wOff[0] + i1 * n);
            }
            for (int l = 0; l < layers; l++) {
                if (halfOwner(blockHalf(l), threads) == t) addHalves(l);
            }
            if (thenUpdate) {
                // No barrier: each member updates the parameters whose gradients it has just computed.
                updateMember(t, true);
                if (t == 0) foldAverages();
            }
            return;
        }
        int r0 = rowLo(m, t, threads), r1 = rowLo(m, t + 1, threads);
        for (int l = layers - 1; l >= 0; l--) {
            int n = out[l], k = in[l];
            // d[l] = ∂c/∂S_l is complete and packed. dW_l = A_lᵀ d[l] + 2λ W_l, split by rows of dW.
            int i0 = rowLo(k, t, threads), i1 = rowLo(k, t + 1, threads);
            Gemm.mulPackedTransA(i0, i1, n, m, l == 0 ? x : h[l - 1], 0, l == 0 ? xld : k, dPanel[l], grads, wOff[l], n,
                    false);
            addDecay(wOff[l] + i0 * n, wOff[l] + i1 * n);
            if (bOff[l] >= 0) {
                Elementwise.columnSums(m, colLo(n, t, threads), colLo(n, t + 1, threads), d[l], 0, n, grads, bOff[l]);
            }
            if (l == 0) break;
            int hl = l - 1;
            // ∂c/∂(output of hidden layer hl) = d[l] W_lᵀ, split by batch rows, then back through ReLU/BN.
            Gemm.mulPacked(r0, r1, k, n, d[l], 0, n, ntPanel[l], d[hl], 0, k, false);
            switch (mode) {
                case OFF -> Elementwise.reluBackward(r0, r1, k, d[hl], 0, k, h[hl], 0, k);
                case BEFORE_RELU -> batchNormBackward(t, threads, m, hl, r0, r1, h[hl]);
                case AFTER_RELU -> {
                    batchNormBackward(t, threads, m, hl, r0, r1, null);
                    Elementwise.reluBackward(r0, r1, k, d[hl], 0, k, z[hl], 0, k);
                }
            }
            Gemm.packBRows(r0, r1, m, k, d[hl], 0, k, dPanel[hl]);
            team.barrier(t); // d[hl] complete and packed
        }
        if (thenUpdate) {
            team.barrier(t); // every gradient is in
            updateMember(t, false);
            if (t == 0) foldAverages();
        }
    }

    /**
     * The backward pass of {@link #laterLayersForward}, down to ∂c/∂S₁ packed for the first
     * layer's weight gradient: each member takes its row halves back through every later layer.
     * The weight and bias gradients of the later layers are sums over the batch, so each half
     * computes its part ({@link #addHalves} adds them); BN's dγ and dβ, needed before the input
     * gradient, are exchanged as each half's sums after a barrier.
     */
    private void laterLayersBackward(int t, int threads, int m) {
        for (int l = layers - 1; l >= 1; l--) {
            int n = out[l], k = in[l], hl = l - 1;
            for (int half = 0; half < 2; half++) {
                if (halfOwner(half, threads) != t) continue;
                int a = rowHalf(m, half), b = rowHalf(m, half + 1);
                Gemm.mulPackedTransA(0, k, n, b - a, h[hl], a * k, k, halves.dPanel[half][l], halves.weights[half][l], 0, n,
                        false);
                if (bOff[l] >= 0) Elementwise.columnSums(b - a, 0, n, d[l], a * n, n, halves.bias[half][l], 0);
                // ∂c/∂(output of hidden layer hl) = d[l] W_lᵀ, then back through ReLU and BN
                Gemm.mulPacked(a, b, k, n, d[l], 0, n, ntPanel[l], d[hl], 0, k, false);
                switch (mode) {
                    case OFF -> Elementwise.reluBackward(a, b, k, d[hl], 0, k, h[hl], 0, k);
                    case BEFORE_RELU -> BatchNorm.backwardSums(b - a, 0, k, d[hl], a * k, k, h[hl], a * k, k, zhat[hl], a * k, k,
                            halves.gamma[half][hl], 0, halves.beta[half][hl], 0);
                    case AFTER_RELU -> BatchNorm.backwardSums(b - a, 0, k, d[hl], a * k, k, null, 0, k, zhat[hl], a * k, k,
                            halves.gamma[half][hl], 0, halves.beta[half][hl], 0);
                }
            }
            if (mode != BatchNormMode.OFF) team.barrier(t); // both halves' dγ, dβ sums are in
            for (int half = 0; half < 2; half++) {
                if (halfOwner(half, threads) != t) continue;
                int a = rowHalf(m, half), b = rowHalf(m, half + 1);
                if (mode != BatchNormMode.OFF) {
                    // Half 0 writes dγ, dβ into the gradients; half 1 into its own copy.
                    float[] dg = half == 0 ? grads : halves.half1Gamma[hl], db = half == 0 ? grads : halves.half1Beta[hl];
                    int dgo = half == 0 ? gammaOff[hl] : 0, dbo = half == 0 ? betaOff[hl] : 0;
                    for (int j = 0; j < k; j++) {
                        dg[dgo + j] = halves.gamma[0][hl][j] + halves.gamma[1][hl][j];
                        db[dbo + j] = halves.beta[0][hl][j] + halves.beta[1][hl][j];
                    }
                    float[] act = mode == BatchNormMode.BEFORE_RELU ? h[hl] : null;
                    BatchNorm.backwardApply(a, b, m, k, d[hl], 0, k, act, 0, k, zhat[hl], 0, k, params, gammaOff[hl],
                            halves.invStd[half][hl], dg, dgo, db, dbo, d[hl], 0, k);
                    if (mode == BatchNormMode.AFTER_RELU) Elementwise.reluBackward(a, b, k, d[hl], 0, k, z[hl], 0, k);
                }
                if (hl > 0) {
                    Gemm.packB(b - a, k, d[hl], a * k, k, halves.dPanel[half][hl]);
                } else {
                    Gemm.packBRows(a, b, m, k, d[0], 0, k, dPanel[0]);
                    if (bOff[0] >= 0) Elementwise.columnSums(b - a, 0, k, d[0], a * k, k, halves.bias[half][0], 0);
                }
            }
        }
    }

    /** Layer l's weight (with 2λW; l ≥ 1) and bias gradients from the halves' parts. */
    private void addHalves(int l) {
        int n = out[l];
        if (l > 0) {
            float[] p0 = halves.weights[0][l], p1 = halves.weights[1][l];
            for (int i = 0, o = wOff[l]; i < p0.length; i++) grads[o + i] = p0[i] + p1[i];
            addDecay(wOff[l], wOff[l] + in[l] * n);
        }
        if (bOff[l] >= 0) {
            float[] p0 = halves.bias[0][l], p1 = halves.bias[1][l];
            for (int j = 0; j < n; j++) grads[bOff[l] + j] = p0[j] + p1[j];
        }
    }

    /**
     * With a split first layer, the half whose owner adds up and updates layer l's block of
     * parameters ({@link #blockFrom}): alternate layers, so that the two members' work after the
     * first layer's weight gradient is about even. Layer 1's block (W₂, the largest after W₁)
     * goes with half 0, whose owner also folds the moving averages but has the smaller half of
     * the inputs and packs the smaller transposed panel; layer 0's (b₁, γ₁, β₁) and layer 2's
     * (W₃, b₃) go with half 1. (The other way round, member 1 had about 7 µs more to do than
     * member 0 at the end of a Fashion-MNIST step.)
     */
    private static int blockHalf(int l) {
        return (l + 1) % 2;
    }

    /** Start of layer l's parameters apart from W₁'s split rows: W_l, b_l, γ_l, β_l (for l = 0, b₁, γ₁, β₁). */
    private int blockFrom(int l) {
        return l == 0 ? wOff[0] + in[0] * out[0] : wOff[l];
    }

    private int blockTo(int l) {
        return l + 1 < layers ? wOff[l + 1] : params.length;
    }

    private void addDecay(int from, int to) {
        float c = twoLambda;
        if (c == 0f) return;
        for (int p = from; p < to; p++) grads[p] += c * params[p];
    }

    private void batchNormBackward(int t, int threads, int m, int l, int r0, int r1, float[] act) {
        int n = out[l];
        team.barrier(t); // every row of the upstream gradient is in
        BatchNorm.backwardSums(m, colLo(n, t, threads), colLo(n, t + 1, threads), d[l], 0, n, act, 0, n,
                zhat[l], 0, n, grads, gammaOff[l], grads, betaOff[l]);
        team.barrier(t); // dγ, dβ of every column are in
        BatchNorm.backwardApply(r0, r1, m, n, d[l], 0, n, act, 0, n, zhat[l], 0, n, params, gammaOff[l], invStd[l],
                grads, gammaOff[l], grads, betaOff[l], d[l], 0, n);
    }

    /**
     * Member t's part of an optimiser update: with a split first layer, W₁'s rows of the halves it
     * owns (the weights it packs in the next step) and the layers' blocks whose gradients it added
     * ({@link #blockHalf}); otherwise a share of all parameters by range. With
     * {@code firstLayerDecayPending}, W₁'s gradient still lacks its decay term, which the backward
     * pass leaves to this update ({@link #decayUpdateAndCheck}).
     */
    private void updateMember(int t, boolean firstLayerDecayPending) {
        int threads = team.threads();
        boolean finite = true;
        if (inputSplit > 0) {
            int units = out[0];
            for (int half = 0; half < 2; half++) {
                if (halfOwner(half, threads) != t) continue;
                int from = wOff[0] + inputHalf(half) * units, to = wOff[0] + inputHalf(half + 1) * units;
                if (firstLayerDecayPending) {
                    finite &= decayUpdateAndCheck(from, to);
                } else {
                    optimizer.update(params, grads, from, to);
                    finite &= weightsFinite(from, to);
                }
            }
            for (int l = 0; l < layers; l++) {
                if (halfOwner(blockHalf(l), threads) != t) continue;
                optimizer.update(params, grads, blockFrom(l), blockTo(l));
                finite &= weightsFinite(blockFrom(l), blockTo(l));
            }
        } else {
            int n = params.length;
            int from = (int) ((long) n * t / threads), to = (int) ((long) n * (t + 1) / threads);
            optimizer.update(params, grads, from, to);
            finite = weightsFinite(from, to);
        }
        memberWeightsFinite[t] = finite;
    }

    /** Floats of W₁ per block of {@link #decayUpdateAndCheck}: 4 KiB of each array the update touches. */
    private static final int UPDATE_BLOCK = 1024;

    /**
     * For weights [from, to) of W₁ (all weights, no biases): the decay term added to the gradient,
     * the optimiser's update and the check that the new weights are finite, a block at a time, so
     * that the second and third passes find the block in L1: three passes over the CIFAR shape's
     * W₁ (0.6 MB of weights, as much of gradients) each fetched it from beyond L1. In three
     * interleaved pairs of {@code hpsearch bench --shape cifar}, one thread: 0.409 against 0.423
     * s/epoch (medians). Every element gets the same operations as in three passes.
     */
    private boolean decayUpdateAndCheck(int from, int to) {
        boolean finite = true;
        for (int b = from; b < to; b += UPDATE_BLOCK) {
            int e = Math.min(to, b + UPDATE_BLOCK);
            addDecay(b, e);
            optimizer.update(params, grads, b, e);
            finite &= finite(params, b, e);
        }
        return finite;
    }

    private void foldAverages() {
        if (mode == BatchNormMode.OFF) return;
        for (int l = 0; l < layers - 1; l++) {
            float[] am = avgMean[l], av = avgVar[l], bm = mean[l], bv = var[l];
            if (!averagesSet) {
                System.arraycopy(bm, 0, am, 0, am.length);
                System.arraycopy(bv, 0, av, 0, av.length);
            } else {
                float a = alpha, b = 1 - alpha;
                for (int j = 0; j < am.length; j++) {
                    am[j] = a * am[j] + b * bm[j];
                    av[j] = a * av[j] + b * bv[j];
                }
            }
        }
        averagesSet = true;
    }

    /**
     * Precise BN statistics: a training-mode forward pass over {@code indices} in chunks of
     * {@code chunk} (at most the batch capacity); each BN layer's test mean and variance become the
     * mean and biased variance over all samples, the chunks combined as the reference does
     * ({@link Network#computePreciseStatistics}), in double.
     */
    public void computePreciseStatistics(DataSet data, int[] indices, int chunk) {
        if (chunk <= 0 || chunk > capacity) throw new IllegalArgumentException("chunk must be in [1, " + capacity + "]: " + chunk);
        if (indices.length == 0) throw new IllegalArgumentException("precise statistics need at least one sample");
        if (mode == BatchNormMode.OFF) return;
        int hidden = layers - 1;
        List<Integer> chunkSizes = new ArrayList<>();
        List<float[][]> means = new ArrayList<>(), vars = new ArrayList<>();
        for (int from = 0; from < indices.length; from += chunk) {
            int to = Math.min(indices.length, from + chunk);
            int n = loadBatch(data, indices, from, to);
            this.rows = n;
            this.withLoss = false;
            team.run(forwardTask);
            forwardDone = false;
            chunkSizes.add(n);
            float[][] mc = new float[hidden][], vc = new float[hidden][];
            for (int l = 0; l < hidden; l++) {
                mc[l] = mean[l].clone();
                vc[l] = var[l].clone();
            }
            means.add(mc);
            vars.add(vc);
        }
        int total = indices.length;
        for (int l = 0; l < hidden; l++) {
            int units = out[l];
            double[] mu = new double[units], sigma2 = new double[units];
            for (int c = 0; c < chunkSizes.size(); c++) {
                int nc = chunkSizes.get(c);
                for (int j = 0; j < units; j++) mu[j] += nc * (double) means.get(c)[l][j];
            }
            for (int j = 0; j < units; j++) mu[j] /= total;
            for (int c = 0; c < chunkSizes.size(); c++) {
                int nc = chunkSizes.get(c);
                for (int j = 0; j < units; j++) {
                    double dm = means.get(c)[l][j] - mu[j];
                    sigma2[j] += nc * (vars.get(c)[l][j] + dm * dm);
                }
            }
            for (int j = 0; j < units; j++) {
                avgMean[l][j] = (float) mu[j];
                avgVar[l][j] = (float) (sigma2[j] / total);
            }
        }
        averagesSet = true;
    }

    // ---------------------------------------------------------------- evaluation

    /** Test-mode cost, loss and accuracy over the whole data set. */
    public Evaluation evaluate(DataSet data, double lambda) {
        return evaluate(data, data.size(), lambda);
    }

    /** Test-mode cost, loss and accuracy over the first {@code count} samples, in chunks split over the team. */
    public Evaluation evaluate(DataSet data, int count, double lambda) {
        return testPass.evaluate(data, count, lambda);
    }

    /** Predicted class (test mode) of every sample. */
    public int[] predict(DataSet data) {
        return testPass.predict(data);
    }

    /** counts[true][predicted] over the data set, test mode. */
    public ConfusionMatrix confusion(DataSet data) {
        return testPass.confusion(data);
    }

    /** Where the work runs (package use: {@link TestPass}). */
    Team team() {
        return team;
    }
}
