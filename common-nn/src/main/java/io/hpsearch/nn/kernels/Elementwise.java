package io.hpsearch.nn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Fused per-element and per-row float32 kernels for the batch-as-rows layout (same
 * {@code (array, offset, leading dimension)} convention as {@link Gemm}): bias + ReLU, ReLU
 * backward, column sums (bias gradients), softmax + cross-entropy, argmax accuracy.
 *
 * <p>Row kernels take a row range {@code [r0, r1)} with absolute row indices, so callers can split a
 * batch across threads; each row's result is independent of the split. {@link #columnSums} reduces
 * over rows, so it splits by columns instead: each column is summed over rows 0, 1, …, m−1 in that
 * order, whatever the column split.
 *
 * <p>All kernels allocate nothing. Vector lanes and the scalar tail perform the same IEEE operations,
 * so a column's result does not depend on whether it fell in a vector or in the tail.
 */
public final class Elementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private Elementwise() {
    }

    /**
     * {@code h[i][j] += bias[j]} for rows {@code [r0, r1)} and {@code n} columns, then
     * {@code max(0, ·)} when {@code relu}. In place.
     */
    public static void addBias(int r0, int r1, int n, float[] h, int hOff, int ldh,
                               float[] bias, int biasOff, boolean relu) {
        Gemm.checkRows(r0, r1);
        Gemm.checkRegion("H", h, hOff + r0 * ldh, ldh, r1 - r0, n);
        Gemm.checkRegion("bias", bias, biasOff, n, 1, n);
        for (int i = r0; i < r1; i++) {
            addBiasRow(n, h, hOff + i * ldh, bias, biasOff, relu);
        }
    }

    private static void addBiasRow(int n, float[] h, int ho, float[] bias, int bo, boolean relu) {
        int j = 0;
        int vb = S.loopBound(n);
        for (; j < vb; j += V) {
            FloatVector x = FloatVector.fromArray(S, h, ho + j).add(FloatVector.fromArray(S, bias, bo + j));
            if (relu) {
                x = x.max(0f);
            }
            x.intoArray(h, ho + j);
        }
        for (; j < n; j++) {
            float x = h[ho + j] + bias[bo + j];
            h[ho + j] = relu ? Math.max(x, 0f) : x;
        }
    }

    /**
     * ReLU backward in place: {@code g[i][j] = act[i][j] > 0 ? g[i][j] : 0}, where {@code act} is
     * the ReLU's output (or input: both are positive at the same places).
     */
    public static void reluBackward(int r0, int r1, int n, float[] g, int gOff, int ldg,
                                    float[] act, int actOff, int ldact) {
        Gemm.checkRows(r0, r1);
        Gemm.checkRegion("G", g, gOff + r0 * ldg, ldg, r1 - r0, n);
        Gemm.checkRegion("act", act, actOff + r0 * ldact, ldact, r1 - r0, n);
        for (int i = r0; i < r1; i++) {
            reluBackwardRow(n, g, gOff + i * ldg, act, actOff + i * ldact);
        }
    }

    private static void reluBackwardRow(int n, float[] g, int go, float[] act, int ao) {
        int j = 0;
        int vb = S.loopBound(n);
        for (; j < vb; j += V) {
            FloatVector x = FloatVector.fromArray(S, g, go + j);
            FloatVector a = FloatVector.fromArray(S, act, ao + j);
            x.blend(0f, a.compare(VectorOperators.LE, 0f)).intoArray(g, go + j);
        }
        for (; j < n; j++) {
            if (!(act[ao + j] > 0f)) {
                g[go + j] = 0f;
            }
        }
    }

    /**
     * {@code out[j] = Σ_{i<m} x[i][j]} for columns {@code [c0, c1)}, summing rows in order in float
     * from 0 (ample for a batch of a few hundred rows). {@code out} is indexed by absolute column:
     * {@code out[outOff + j]}; it holds the running sums, so it must not overlap {@code x}.
     */
    public static void columnSums(int m, int c0, int c1, float[] x, int xOff, int ldx, float[] out, int outOff) {
        Gemm.checkRows(c0, c1);
        Gemm.checkRegion("X", x, xOff + c0, ldx, m, c1 - c0);
        Gemm.checkRegion("out", out, outOff + c0, c1 - c0, 1, c1 - c0);
        // Rows outer, four at a time, the running sums kept in out: no vector lives across a loop's
        // back edge, so an on-stack-replaced compile of the loop never takes a vector from the
        // interpreter's frame, which C2 would have to box at every iteration. A column-outer
        // version, its sums in registers, was seen allocating at every step, for good, in about one
        // test run in 20. Four rows per load and store of the sums keep their latency off the path.
        Arrays.fill(out, outOff + c0, outOff + c1, 0f);
        int vEnd = c0 + (c1 - c0) / V * V;
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int x0 = xOff + i * ldx, x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx;
            int j = c0;
            for (; j < vEnd; j += V) {
                FloatVector.fromArray(S, out, outOff + j)
                        .add(FloatVector.fromArray(S, x, x0 + j)).add(FloatVector.fromArray(S, x, x1 + j))
                        .add(FloatVector.fromArray(S, x, x2 + j)).add(FloatVector.fromArray(S, x, x3 + j))
                        .intoArray(out, outOff + j);
            }
            for (; j < c1; j++) {
                out[outOff + j] = out[outOff + j] + x[x0 + j] + x[x1 + j] + x[x2 + j] + x[x3 + j];
            }
        }
        for (; i < m; i++) {
            int xo = xOff + i * ldx;
            int j = c0;
            for (; j < vEnd; j += V) {
                FloatVector.fromArray(S, out, outOff + j).add(FloatVector.fromArray(S, x, xo + j))
                        .intoArray(out, outOff + j);
            }
            for (; j < c1; j++) {
                out[outOff + j] += x[xo + j];
            }
        }
    }

    /**
     * Softmax + cross-entropy for rows {@code [r0, r1)} of the n-column logits {@code z}, with the
     * true class of row i at {@code labels[labelOff + i]}. Returns Σ over the rows of
     * {@code −log softmax(z_i)[label_i]}, computed stably (max subtracted, e^x in float by
     * {@link #exp}, the rows' losses summed in double). When
     * {@code g} is non-null, writes the loss gradient w.r.t. the logits,
     * {@code g[i][j] = (softmax(z_i)[j] − [j = label_i]) · gScale} (pass {@code 1/batch} for a
     * mean loss); {@code g} may be {@code z} itself.
     */
    public static double softmaxCrossEntropy(int r0, int r1, int n, float[] z, int zOff, int ldz,
                                             int[] labels, int labelOff,
                                             float[] g, int gOff, int ldg, float gScale) {
        Gemm.checkRows(r0, r1);
        Gemm.checkRegion("Z", z, zOff + r0 * ldz, ldz, r1 - r0, n);
        if (g != null) {
            Gemm.checkRegion("G", g, gOff + r0 * ldg, ldg, r1 - r0, n);
        }
        double loss = 0;
        for (int i = r0; i < r1; i++) {
            int y = labels[labelOff + i];
            if (y < 0 || y >= n) {
                throw new IllegalArgumentException("label " + y + " of row " + i + " outside [0, " + n + ")");
            }
            loss += softmaxCrossEntropyRow(n, z, zOff + i * ldz, y, g, g == null ? 0 : gOff + i * ldg, gScale);
        }
        return loss;
    }

    private static double softmaxCrossEntropyRow(int n, float[] z, int zo, int y, float[] g, int go, float gScale) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, z[zo + j]);
        }
        // Read the true class's logit before g (which may alias z) is overwritten.
        float zy = z[zo + y] - max;
        float sum = 0f;
        if (g == null) {
            for (int j = 0; j < n; j++) {
                sum += exp(z[zo + j] - max);
            }
        } else {
            for (int j = 0; j < n; j++) {
                float e = exp(z[zo + j] - max);
                sum += e;
                g[go + j] = e; // staged; scaled below once the sum is known
            }
            float inv = 1f / sum;
            for (int j = 0; j < n; j++) {
                float p = g[go + j] * inv;
                g[go + j] = (j == y ? p - 1f : p) * gScale;
            }
        }
        return Math.log(sum) - zy;
    }

    /**
     * e^x in float for x ≤ 0 (the softmax's shifted logits), within 1e-7 relative of the exact
     * value: Cody–Waite reduction x = k ln 2 + r, |r| ≤ ln 2 / 2, and the minimax polynomial of
     * Cephes' expf, scaled by 2^k through the exponent bits. Below −87.33 (where e^x leaves the
     * normal floats) it returns 0; NaN stays NaN. It costs about a third of {@link Math#exp} in
     * double, which took most of a training step's softmax (1,000 calls per batch of 100 rows).
     */
    static float exp(float x) {
        if (!(x >= -87.33f)) {
            return x != x ? x : 0f;
        }
        float k = (float) Math.floor(x * 1.44269504088896341f + 0.5f);
        float r = Math.fma(k, -0.693359375f, x); // ln 2 in two parts: k·0.693359375 is exact
        r = Math.fma(k, 2.12194440e-4f, r);
        float p = 1.9875691500e-4f;
        p = Math.fma(p, r, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        float e = Math.fma(p, r * r, r) + 1f;
        return e * Float.intBitsToFloat(((int) k + 127) << 23);
    }

    /** Row-wise softmax of rows {@code [r0, r1)} into {@code p} (which may be {@code z}). */
    public static void softmax(int r0, int r1, int n, float[] z, int zOff, int ldz, float[] p, int pOff, int ldp) {
        Gemm.checkRows(r0, r1);
        Gemm.checkRegion("Z", z, zOff + r0 * ldz, ldz, r1 - r0, n);
        Gemm.checkRegion("P", p, pOff + r0 * ldp, ldp, r1 - r0, n);
        for (int i = r0; i < r1; i++) {
            int zo = zOff + i * ldz;
            int po = pOff + i * ldp;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, z[zo + j]);
            }
            float sum = 0f;
            for (int j = 0; j < n; j++) {
                float e = exp(z[zo + j] - max);
                sum += e;
                p[po + j] = e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < n; j++) {
                p[po + j] *= inv;
            }
        }
    }

    /**
     * Number of rows in {@code [r0, r1)} whose largest score (the first one on ties) is at the true
     * label; softmax preserves the order, so logits or probabilities both work.
     */
    public static int countCorrect(int r0, int r1, int n, float[] z, int zOff, int ldz, int[] labels, int labelOff) {
        Gemm.checkRows(r0, r1);
        Gemm.checkRegion("Z", z, zOff + r0 * ldz, ldz, r1 - r0, n);
        int correct = 0;
        for (int i = r0; i < r1; i++) {
            int zo = zOff + i * ldz;
            int best = 0;
            for (int j = 1; j < n; j++) {
                if (z[zo + j] > z[zo + best]) {
                    best = j;
                }
            }
            if (best == labels[labelOff + i]) {
                correct++;
            }
        }
        return correct;
    }
}
