package io.hpsearch.nn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Batch normalisation over the rows (samples) of an m×n batch, per column (unit), float32, with an
 * optional fused ReLU after the scale and shift:
 * <pre>
 *   μ_j = (1/m) Σ_i z_ij          σ²_j = (1/m) Σ_i (z_ij − μ_j)²      (biased, as in the DD2424 notes)
 *   ẑ_ij = (z_ij − μ_j) / √(σ²_j + ε)
 *   out_ij = γ_j ẑ_ij + β_j       (then max(0, ·) when fused with ReLU)
 * </pre>
 * and the closed-form backward pass, with g̃ the upstream gradient masked by the ReLU:
 * <pre>
 *   dγ_j = Σ_i g̃_ij ẑ_ij          dβ_j = Σ_i g̃_ij
 *   dz_ij = γ_j / (m √(σ²_j + ε)) · (m g̃_ij − dβ_j − ẑ_ij dγ_j)
 * </pre>
 *
 * <h2>Threading</h2>
 * The statistics and the parameter-gradient sums reduce over rows, so {@link #statistics} and
 * {@link #backwardSums} take a column range {@code [c0, c1)}; {@link #normalize} and
 * {@link #backwardApply} are per element and take a row range {@code [r0, r1)}. A multi-threaded
 * caller runs the column-range phase on all columns, waits for every thread, then runs the
 * row-range phase. Each column is reduced over rows 0…m−1 in order, so results do not depend on
 * the split.
 *
 * <p>Per-column vectors (mean, var, invStd) are indexed by absolute column from 0; the
 * parameters γ, β and their gradients take an offset so they can live in a flat parameter array.
 * Nothing allocates.
 */
public final class BatchNorm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private BatchNorm() {
    }

    /** Batch mean and biased variance of columns {@code [c0, c1)} over rows 0…m−1 (two passes; mean and var must not overlap z). */
    public static void statistics(int m, int c0, int c1, float[] z, int zOff, int ldz, float[] mean, float[] var) {
        Gemm.checkRows(c0, c1);
        if (m <= 0) {
            throw new IllegalArgumentException("batch statistics need at least one row: m = " + m);
        }
        Gemm.checkRegion("Z", z, zOff + c0, ldz, m, c1 - c0);
        Gemm.checkLength("mean", mean, c1);
        Gemm.checkLength("var", var, c1);
        // The row blocks' kernels, on one block of all m rows.
        Elementwise.columnSums(m, c0, c1, z, zOff, ldz, mean, 0);
        divide(c0, c1, mean, m);
        partialSquaredDeviations(0, m, c0, c1, z, zOff, ldz, mean, var);
        divide(c0, c1, var, m);
    }

    private static void divide(int c0, int c1, float[] a, int m) {
        divide(c0, c1, a, m, a);
    }

    private static void divide(int c0, int c1, float[] a, int m, float[] out) {
        float fm = m;
        for (int j = c0; j < c1; j++) {
            out[j] = a[j] / fm;
        }
    }

    /**
     * Partial statistics for a batch cut into row blocks: {@code out[j] = Σ (z_ij − mean_j)²} over
     * rows {@code [r0, r1)} (zero for no rows), columns {@code [c0, c1)}, each one fma chain down
     * the rows. With the blocks' column sums ({@link Elementwise#columnSums}) and {@link #combineBlocks}
     * it gives the batch mean and variance of blocks held by different threads, from sums they
     * exchange instead of rows.
     */
    public static void partialSquaredDeviations(int r0, int r1, int c0, int c1, float[] z, int zOff, int ldz,
                                                float[] mean, float[] out) {
        Gemm.checkRows(r0, r1);
        Gemm.checkRows(c0, c1);
        Gemm.checkRegion("Z", z, zOff + r0 * ldz + c0, ldz, r1 - r0, c1 - c0);
        Gemm.checkLength("mean", mean, c1);
        Gemm.checkLength("out", out, c1);
        int m = r1 - r0, zo = zOff + r0 * ldz;
        int vEnd = vectorEnd(c0, c1);
        Arrays.fill(out, c0, vEnd, 0f);
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            int z0 = zOff + r * ldz, z1 = z0 + ldz, z2 = z1 + ldz, z3 = z2 + ldz;
            for (int j = c0; j < vEnd; j += V) {
                FloatVector mu = FloatVector.fromArray(S, mean, j);
                FloatVector d0 = FloatVector.fromArray(S, z, z0 + j).sub(mu);
                FloatVector d1 = FloatVector.fromArray(S, z, z1 + j).sub(mu);
                FloatVector d2 = FloatVector.fromArray(S, z, z2 + j).sub(mu);
                FloatVector d3 = FloatVector.fromArray(S, z, z3 + j).sub(mu);
                FloatVector q = d0.fma(d0, FloatVector.fromArray(S, out, j));
                q = d1.fma(d1, q);
                q = d2.fma(d2, q);
                d3.fma(d3, q).intoArray(out, j);
            }
        }
        for (; r < r1; r++) {
            int zr = zOff + r * ldz;
            for (int j = c0; j < vEnd; j += V) {
                FloatVector d = FloatVector.fromArray(S, z, zr + j).sub(FloatVector.fromArray(S, mean, j));
                d.fma(d, FloatVector.fromArray(S, out, j)).intoArray(out, j);
            }
        }
        for (int j = vEnd; j < c1; j++) {
            float mu = mean[j];
            float q = 0f;
            for (int i = 0; i < m; i++) {
                float d = z[zo + i * ldz + j] - mu;
                q = Math.fma(d, d, q);
            }
            out[j] = q;
        }
    }

    /** {@code out[j] = sum[j] / m} for columns {@code [c0, c1)}, or 0 for a block of no rows: a row block's own mean. */
    public static void blockMean(int c0, int c1, float[] sum, int m, float[] out) {
        Gemm.checkRows(c0, c1);
        Gemm.checkLength("sum", sum, c1);
        Gemm.checkLength("out", out, c1);
        if (m == 0) {
            Arrays.fill(out, c0, c1, 0f);
            return;
        }
        divide(c0, c1, sum, m, out);
    }

    /**
     * Batch mean and biased variance of columns {@code [c0, c1)} of a batch cut into two row blocks
     * of m0 and m1 rows, from each block's column sums s_b ({@link Elementwise#columnSums}), own
     * mean μ_b ({@link #blockMean}) and squared deviations from it, q_b = Σ (z − μ_b)²
     * ({@link #partialSquaredDeviations}):
     * <pre>
     *   μ = (s0 + s1) / m        σ² = (q0 + m0 (μ0 − μ)² + q1 + m1 (μ1 − μ)²) / m
     * </pre>
     * (Chan, Golub and LeVeque's pairwise update; each term is a sum of squares, so nothing
     * cancels). Each block needs only its own rows, so threads that hold the blocks exchange these
     * vectors once, where the two-pass form needs the batch mean before the second pass. A block
     * of no rows adds nothing. Precision: the block means' rounding enters through (μ_b − μ)², a
     * relative error in σ² of order (μ / σ)² times float's epsilon, far below anything BN feels
     * for a layer's pre-activations (under 4e-7 on the tests' ordinary columns; 5e-4 at an
     * extreme 8,000, where the two-pass form gives 1e-5).
     */
    public static void combineBlocks(int c0, int c1, float[] sum0, float[] mean0, float[] squares0, int m0,
                                     float[] sum1, float[] mean1, float[] squares1, int m1, float[] mean, float[] var) {
        Gemm.checkRows(c0, c1);
        if (m0 < 0 || m1 < 0 || m0 + m1 == 0) {
            throw new IllegalArgumentException("blocks of " + m0 + " and " + m1 + " rows");
        }
        Gemm.checkLength("sum0", sum0, c1);
        Gemm.checkLength("mean0", mean0, c1);
        Gemm.checkLength("squares0", squares0, c1);
        Gemm.checkLength("sum1", sum1, c1);
        Gemm.checkLength("mean1", mean1, c1);
        Gemm.checkLength("squares1", squares1, c1);
        Gemm.checkLength("mean", mean, c1);
        Gemm.checkLength("var", var, c1);
        float fm = m0 + m1, f0 = m0, f1 = m1;
        for (int j = c0; j < c1; j++) {
            float mu = (sum0[j] + sum1[j]) / fm;
            float d0 = mean0[j] - mu, d1 = mean1[j] - mu;
            // a block of no rows adds exactly 0 (its mean is 0, and 0 · (0 − μ)² would be NaN for an infinite μ)
            float q0 = m0 == 0 ? 0f : squares0[j] + f0 * d0 * d0;
            float q1 = m1 == 0 ? 0f : squares1[j] + f1 * d1 * d1;
            float q = q0 + q1;
            mean[j] = mu;
            var[j] = q / fm;
        }
    }

    // The reductions over rows run rows outer (a few rows per load and store of the sums, to keep
    // their latency off the path) and keep their running sums in the output arrays, vector by
    // vector, so no vector lives across a loop's back edge: an on-stack-replaced compile of such a
    // loop would take the vector from the interpreter's frame and box it at every iteration. Per
    // column, the operations and their order are those of a column-at-a-time sum.

    /** End of the whole vectors of columns {@code [c0, c1)}. */
    private static int vectorEnd(int c0, int c1) {
        return c0 + (c1 - c0) / V * V;
    }

    /** {@code invStd[j] = 1 / √(var[j] + eps)} for columns {@code [c0, c1)}. */
    public static void invStd(int c0, int c1, float[] var, float eps, float[] invStd) {
        Gemm.checkRows(c0, c1);
        Gemm.checkLength("var", var, c1);
        Gemm.checkLength("invStd", invStd, c1);
        for (int j = c0; j < c1; j++) {
            invStd[j] = (float) (1.0 / Math.sqrt((double) var[j] + eps));
        }
    }

    /**
     * Rows {@code [r0, r1)}: {@code ẑ = (z − mean)·invStd}, stored in {@code zhat} unless it is
     * null (inference), and {@code out = γ ẑ + β}, then ReLU when {@code relu}. {@code out} and
     * {@code zhat} may be {@code z} itself. With running averages for mean and invStd this is also
     * the inference-time layer.
     */
    public static void normalize(int r0, int r1, int n, float[] z, int zOff, int ldz,
                                 float[] mean, float[] invStd,
                                 float[] gamma, int gammaOff, float[] beta, int betaOff,
                                 float[] zhat, int zhOff, int ldzh,
                                 float[] out, int outOff, int ldo, boolean relu) {
        Gemm.checkRows(r0, r1);
        Gemm.checkRegion("Z", z, zOff + r0 * ldz, ldz, r1 - r0, n);
        Gemm.checkRegion("out", out, outOff + r0 * ldo, ldo, r1 - r0, n);
        if (zhat != null) {
            Gemm.checkRegion("zhat", zhat, zhOff + r0 * ldzh, ldzh, r1 - r0, n);
        }
        Gemm.checkLength("mean", mean, n);
        Gemm.checkLength("invStd", invStd, n);
        Gemm.checkRegion("gamma", gamma, gammaOff, n, 1, n);
        Gemm.checkRegion("beta", beta, betaOff, n, 1, n);
        for (int i = r0; i < r1; i++) {
            normalizeRow(n, z, zOff + i * ldz, mean, invStd, gamma, gammaOff, beta, betaOff,
                    zhat, zhat == null ? 0 : zhOff + i * ldzh, out, outOff + i * ldo, relu);
        }
    }

    private static void normalizeRow(int n, float[] z, int zo, float[] mean, float[] invStd,
                                     float[] gamma, int go, float[] beta, int bo,
                                     float[] zhat, int zho, float[] out, int oo, boolean relu) {
        int j = 0;
        int vb = S.loopBound(n);
        for (; j < vb; j += V) {
            FloatVector zh = FloatVector.fromArray(S, z, zo + j).sub(FloatVector.fromArray(S, mean, j))
                    .mul(FloatVector.fromArray(S, invStd, j));
            if (zhat != null) {
                zh.intoArray(zhat, zho + j);
            }
            FloatVector y = FloatVector.fromArray(S, gamma, go + j).fma(zh, FloatVector.fromArray(S, beta, bo + j));
            if (relu) {
                y = y.max(0f);
            }
            y.intoArray(out, oo + j);
        }
        for (; j < n; j++) {
            float zh = (z[zo + j] - mean[j]) * invStd[j];
            if (zhat != null) {
                zhat[zho + j] = zh;
            }
            float y = Math.fma(gamma[go + j], zh, beta[bo + j]);
            out[oo + j] = relu ? Math.max(y, 0f) : y;
        }
    }

    /**
     * Parameter gradients over rows 0…m−1 for columns {@code [c0, c1)}: {@code dγ = Σ g̃ ẑ},
     * {@code dβ = Σ g̃} (overwritten), where {@code g̃ = g} or, when {@code act} is non-null (BN
     * fused with ReLU; {@code act} is the layer's output), {@code g̃ = act > 0 ? g : 0}. dγ and dβ
     * hold the running sums, so they must not overlap the inputs.
     */
    public static void backwardSums(int m, int c0, int c1, float[] g, int gOff, int ldg,
                                    float[] act, int actOff, int ldact,
                                    float[] zhat, int zhOff, int ldzh,
                                    float[] dgamma, int dgOff, float[] dbeta, int dbOff) {
        Gemm.checkRows(c0, c1);
        Gemm.checkRegion("G", g, gOff + c0, ldg, m, c1 - c0);
        if (act != null) {
            Gemm.checkRegion("act", act, actOff + c0, ldact, m, c1 - c0);
        }
        Gemm.checkRegion("zhat", zhat, zhOff + c0, ldzh, m, c1 - c0);
        Gemm.checkRegion("dgamma", dgamma, dgOff + c0, c1 - c0, 1, c1 - c0);
        Gemm.checkRegion("dbeta", dbeta, dbOff + c0, c1 - c0, 1, c1 - c0);
        int vEnd = vectorEnd(c0, c1);
        Arrays.fill(dgamma, dgOff + c0, dgOff + vEnd, 0f);
        Arrays.fill(dbeta, dbOff + c0, dbOff + vEnd, 0f);
        int r = 0;
        for (; r + 2 <= m; r += 2) {
            int g0 = gOff + r * ldg, a0 = actOff + r * ldact, h0 = zhOff + r * ldzh;
            for (int j = c0; j < vEnd; j += V) {
                FloatVector gi = FloatVector.fromArray(S, g, g0 + j);
                FloatVector gk = FloatVector.fromArray(S, g, g0 + ldg + j);
                if (act != null) {
                    gi = gi.blend(0f, FloatVector.fromArray(S, act, a0 + j).compare(VectorOperators.LE, 0f));
                    gk = gk.blend(0f, FloatVector.fromArray(S, act, a0 + ldact + j).compare(VectorOperators.LE, 0f));
                }
                FloatVector.fromArray(S, dbeta, dbOff + j).add(gi).add(gk).intoArray(dbeta, dbOff + j);
                FloatVector sgz = gi.fma(FloatVector.fromArray(S, zhat, h0 + j), FloatVector.fromArray(S, dgamma, dgOff + j));
                gk.fma(FloatVector.fromArray(S, zhat, h0 + ldzh + j), sgz).intoArray(dgamma, dgOff + j);
            }
        }
        for (; r < m; r++) {
            int go = gOff + r * ldg, ao = actOff + r * ldact, zo = zhOff + r * ldzh;
            for (int j = c0; j < vEnd; j += V) {
                FloatVector gi = FloatVector.fromArray(S, g, go + j);
                if (act != null) {
                    gi = gi.blend(0f, FloatVector.fromArray(S, act, ao + j).compare(VectorOperators.LE, 0f));
                }
                FloatVector.fromArray(S, dbeta, dbOff + j).add(gi).intoArray(dbeta, dbOff + j);
                gi.fma(FloatVector.fromArray(S, zhat, zo + j), FloatVector.fromArray(S, dgamma, dgOff + j))
                        .intoArray(dgamma, dgOff + j);
            }
        }
        for (int j = vEnd; j < c1; j++) {
            float sg = 0f;
            float sgz = 0f;
            for (int i = 0; i < m; i++) {
                float gi = g[gOff + i * ldg + j];
                if (act != null && !(act[actOff + i * ldact + j] > 0f)) {
                    gi = 0f;
                }
                sg += gi;
                sgz = Math.fma(gi, zhat[zhOff + i * ldzh + j], sgz);
            }
            dgamma[dgOff + j] = sgz;
            dbeta[dbOff + j] = sg;
        }
    }

    /**
     * Rows {@code [r0, r1)} of the input gradient, {@code dz = γ·invStd/m · (m g̃ − dβ − ẑ dγ)}, with
     * dγ, dβ from {@link #backwardSums} over the whole batch of m rows (all columns must be done
     * before any row is). {@code dz} may be {@code g} itself.
     */
    public static void backwardApply(int r0, int r1, int m, int n, float[] g, int gOff, int ldg,
                                     float[] act, int actOff, int ldact,
                                     float[] zhat, int zhOff, int ldzh,
                                     float[] gamma, int gammaOff, float[] invStd,
                                     float[] dgamma, int dgOff, float[] dbeta, int dbOff,
                                     float[] dz, int dzOff, int lddz) {
        Gemm.checkRows(r0, r1);
        Gemm.checkRegion("G", g, gOff + r0 * ldg, ldg, r1 - r0, n);
        if (act != null) {
            Gemm.checkRegion("act", act, actOff + r0 * ldact, ldact, r1 - r0, n);
        }
        Gemm.checkRegion("zhat", zhat, zhOff + r0 * ldzh, ldzh, r1 - r0, n);
        Gemm.checkRegion("dz", dz, dzOff + r0 * lddz, lddz, r1 - r0, n);
        Gemm.checkRegion("gamma", gamma, gammaOff, n, 1, n);
        Gemm.checkLength("invStd", invStd, n);
        Gemm.checkRegion("dgamma", dgamma, dgOff, n, 1, n);
        Gemm.checkRegion("dbeta", dbeta, dbOff, n, 1, n);
        float fm = m;
        for (int i = r0; i < r1; i++) {
            applyRow(n, fm, g, gOff + i * ldg, act, act == null ? 0 : actOff + i * ldact, zhat, zhOff + i * ldzh,
                    gamma, gammaOff, invStd, dgamma, dgOff, dbeta, dbOff, dz, dzOff + i * lddz);
        }
    }

    private static void applyRow(int n, float fm, float[] g, int go, float[] act, int ao, float[] zhat, int zo,
                                 float[] gamma, int gmo, float[] invStd,
                                 float[] dgamma, int dgo, float[] dbeta, int dbo,
                                 float[] dz, int dzo) {
        int j = 0;
        int vb = S.loopBound(n);
        for (; j < vb; j += V) {
            FloatVector gi = FloatVector.fromArray(S, g, go + j);
            if (act != null) {
                gi = gi.blend(0f, FloatVector.fromArray(S, act, ao + j).compare(VectorOperators.LE, 0f));
            }
            FloatVector coef = FloatVector.fromArray(S, gamma, gmo + j).mul(FloatVector.fromArray(S, invStd, j)).div(fm);
            // m g̃ − dβ − ẑ dγ, as (m g̃ − dβ) − ẑ dγ
            FloatVector t = gi.mul(fm).sub(FloatVector.fromArray(S, dbeta, dbo + j));
            t = FloatVector.fromArray(S, zhat, zo + j).neg().fma(FloatVector.fromArray(S, dgamma, dgo + j), t);
            coef.mul(t).intoArray(dz, dzo + j);
        }
        for (; j < n; j++) {
            float gi = g[go + j];
            if (act != null && !(act[ao + j] > 0f)) {
                gi = 0f;
            }
            float coef = gamma[gmo + j] * invStd[j] / fm;
            float t = gi * fm - dbeta[dbo + j];
            t = Math.fma(-zhat[zo + j], dgamma[dgo + j], t);
            dz[dzo + j] = coef * t;
        }
    }

    /**
     * Whole-batch training forward on one thread: statistics, invStd, normalise (+ ReLU). Writes
     * {@code mean}, {@code var}, {@code invStd} (length ≥ n), {@code zhat} and {@code out}.
     */
    public static void forwardTrain(int m, int n, float[] z, int zOff, int ldz, float eps,
                                    float[] gamma, int gammaOff, float[] beta, int betaOff,
                                    float[] mean, float[] var, float[] invStd,
                                    float[] zhat, int zhOff, int ldzh,
                                    float[] out, int outOff, int ldo, boolean relu) {
        statistics(m, 0, n, z, zOff, ldz, mean, var);
        invStd(0, n, var, eps, invStd);
        normalize(0, m, n, z, zOff, ldz, mean, invStd, gamma, gammaOff, beta, betaOff,
                zhat, zhOff, ldzh, out, outOff, ldo, relu);
    }

    /** Whole-batch backward on one thread: {@link #backwardSums} then {@link #backwardApply}. */
    public static void backward(int m, int n, float[] g, int gOff, int ldg,
                                float[] act, int actOff, int ldact,
                                float[] zhat, int zhOff, int ldzh,
                                float[] gamma, int gammaOff, float[] invStd,
                                float[] dgamma, int dgOff, float[] dbeta, int dbOff,
                                float[] dz, int dzOff, int lddz) {
        backwardSums(m, 0, n, g, gOff, ldg, act, actOff, ldact, zhat, zhOff, ldzh, dgamma, dgOff, dbeta, dbOff);
        backwardApply(0, m, m, n, g, gOff, ldg, act, actOff, ldact, zhat, zhOff, ldzh,
                gamma, gammaOff, invStd, dgamma, dgOff, dbeta, dbOff, dz, dzOff, lddz);
    }
}
