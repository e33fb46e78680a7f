package io.hpsearch.nn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class BatchNormTest {
    private static final float EPS = 1e-5f;

    /** Double-precision twin of the forward pass, straight from the definition. */
    private static double[][] referenceForward(double[][] z, double[] gamma, double[] beta, boolean relu) {
        int m = z.length;
        int n = z[0].length;
        double[][] out = new double[m][n];
        for (int j = 0; j < n; j++) {
            double mu = 0;
            for (int i = 0; i < m; i++) {
                mu += z[i][j];
            }
            mu /= m;
            double var = 0;
            for (int i = 0; i < m; i++) {
                var += (z[i][j] - mu) * (z[i][j] - mu);
            }
            var /= m;
            for (int i = 0; i < m; i++) {
                double y = gamma[j] * (z[i][j] - mu) / Math.sqrt(var + EPS) + beta[j];
                out[i][j] = relu ? Math.max(0, y) : y;
            }
        }
        return out;
    }

    /** L = Σ r ⊙ out: its gradient w.r.t. the output is r, the upstream gradient fed to backward. */
    private static double referenceLoss(double[][] z, double[] gamma, double[] beta, boolean relu, double[][] r) {
        double[][] out = referenceForward(z, gamma, beta, relu);
        double l = 0;
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[0].length; j++) {
                l += r[i][j] * out[i][j];
            }
        }
        return l;
    }

    private static double[][] toDouble(Mat x) {
        double[][] d = new double[x.rows][x.cols];
        for (int i = 0; i < x.rows; i++) {
            for (int j = 0; j < x.cols; j++) {
                d[i][j] = x.get(i, j);
            }
        }
        return d;
    }

    private static double[] toDouble(float[] x, int off, int n) {
        double[] d = new double[n];
        for (int j = 0; j < n; j++) {
            d[j] = x[off + j];
        }
        return d;
    }

    /** Random pre-activations with per-column offsets and scales, like a layer's output. */
    private static Mat preActivations(Random rnd, int m, int n) {
        Mat z = Mat.random(rnd, m, n);
        for (int j = 0; j < n; j++) {
            float shift = rnd.nextFloat() * 4f - 2f;
            float scale = 0.1f + rnd.nextFloat() * 3f;
            for (int i = 0; i < m; i++) {
                z.set(i, j, z.get(i, j) * scale + shift);
            }
        }
        return z;
    }

    private static float[] params(Random rnd, int off, int n, float base) {
        float[] p = new float[off + n];
        for (int j = 0; j < n; j++) {
            p[off + j] = base + rnd.nextFloat() - 0.5f;
        }
        return p;
    }

    @Test
    void forwardMatchesDoubleTwin() {
        Random rnd = new Random(21);
        for (int m : new int[] {2, 7, 100}) {
            for (int n : new int[] {1, 7, 8, 17, 50}) {
                for (boolean relu : new boolean[] {false, true}) {
                    Mat z = preActivations(rnd, m, n);
                    float[] gamma = params(rnd, 2, n, 1f);
                    float[] beta = params(rnd, 1, n, 0f);
                    float[] mean = new float[n];
                    float[] var = new float[n];
                    float[] inv = new float[n];
                    Mat zhat = Mat.nan(rnd, m, n);
                    Mat out = Mat.nan(rnd, m, n);
                    BatchNorm.forwardTrain(m, n, z.data, z.off, z.ld, EPS, gamma, 2, beta, 1, mean, var, inv,
                            zhat.data, zhat.off, zhat.ld, out.data, out.off, out.ld, relu);
                    double[][] zd = toDouble(z);
                    double[][] ref = referenceForward(zd, toDouble(gamma, 2, n), toDouble(beta, 1, n), relu);
                    double[][] refHat = referenceForward(zd, ones(n), new double[n], false);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            assertEquals(ref[i][j], out.get(i, j), 2e-5 * (1 + Math.abs(ref[i][j])),
                                    "out m=" + m + " n=" + n + " relu=" + relu);
                            assertEquals(refHat[i][j], zhat.get(i, j), 2e-5 * (1 + Math.abs(refHat[i][j])), "zhat");
                        }
                    }
                    for (int j = 0; j < n; j++) {
                        double mu = 0;
                        for (int i = 0; i < m; i++) {
                            mu += zd[i][j];
                        }
                        mu /= m;
                        double v = 0;
                        for (int i = 0; i < m; i++) {
                            v += (zd[i][j] - mu) * (zd[i][j] - mu);
                        }
                        v /= m;
                        assertEquals(mu, mean[j], 1e-5 * (1 + Math.abs(mu)));
                        assertEquals(v, var[j], 1e-5 * v + 1e-9);
                        assertEquals(1 / Math.sqrt(v + EPS), inv[j], 1e-5 / Math.sqrt(v + EPS));
                    }
                    assertTrue(out.paddingIntact() && zhat.paddingIntact());
                }
            }
        }
    }

    private static double[] ones(int n) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, 1);
        return d;
    }

    @Test
    void backwardMatchesCentralDifferencesOfTheDoubleTwin() {
        Random rnd = new Random(22);
        int[][] shapes = {{2, 3}, {7, 9}, {20, 17}, {100, 10}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            for (boolean relu : new boolean[] {false, true}) {
                Mat z = preActivations(rnd, m, n);
                float[] gamma = params(rnd, 0, n, 1f);
                float[] beta = params(rnd, 0, n, 0f);
                Mat g = Mat.random(rnd, m, n);

                float[] mean = new float[n];
                float[] var = new float[n];
                float[] inv = new float[n];
                Mat zhat = Mat.nan(rnd, m, n);
                Mat out = Mat.nan(rnd, m, n);
                BatchNorm.forwardTrain(m, n, z.data, z.off, z.ld, EPS, gamma, 0, beta, 0, mean, var, inv,
                        zhat.data, zhat.off, zhat.ld, out.data, out.off, out.ld, relu);
                float[] dgamma = new float[n + 3];
                float[] dbeta = new float[n + 1];
                Mat dz = Mat.nan(rnd, m, n);
                BatchNorm.backward(m, n, g.data, g.off, g.ld, relu ? out.data : null, out.off, out.ld,
                        zhat.data, zhat.off, zhat.ld, gamma, 0, inv, dgamma, 3, dbeta, 1, dz.data, dz.off, dz.ld);

                double[][] zd = toDouble(z);
                double[] gd = toDouble(gamma, 0, n);
                double[] bd = toDouble(beta, 0, n);
                double[][] r = toDouble(g);
                double h = 1e-6;
                double scale = 0;
                double[][] numZ = new double[m][n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double saved = zd[i][j];
                        zd[i][j] = saved + h;
                        double up = referenceLoss(zd, gd, bd, relu, r);
                        zd[i][j] = saved - h;
                        double down = referenceLoss(zd, gd, bd, relu, r);
                        zd[i][j] = saved;
                        numZ[i][j] = (up - down) / (2 * h);
                        scale = Math.max(scale, Math.abs(numZ[i][j]));
                    }
                }
                double[] numG = new double[n];
                double[] numB = new double[n];
                for (int j = 0; j < n; j++) {
                    double saved = gd[j];
                    gd[j] = saved + h;
                    double up = referenceLoss(zd, gd, bd, relu, r);
                    gd[j] = saved - h;
                    double down = referenceLoss(zd, gd, bd, relu, r);
                    gd[j] = saved;
                    numG[j] = (up - down) / (2 * h);
                    saved = bd[j];
                    bd[j] = saved + h;
                    up = referenceLoss(zd, gd, bd, relu, r);
                    bd[j] = saved - h;
                    down = referenceLoss(zd, gd, bd, relu, r);
                    bd[j] = saved;
                    numB[j] = (up - down) / (2 * h);
                }
                String what = "m=" + m + " n=" + n + " relu=" + relu;
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        assertEquals(numZ[i][j], dz.get(i, j), 1e-3 * scale + 1e-6, "dz " + what + " at " + i + "," + j);
                    }
                }
                for (int j = 0; j < n; j++) {
                    assertEquals(numG[j], dgamma[3 + j], 1e-3 * (1 + Math.abs(numG[j])), "dgamma " + what);
                    assertEquals(numB[j], dbeta[1 + j], 1e-3 * (1 + Math.abs(numB[j])), "dbeta " + what);
                }
                assertTrue(dz.paddingIntact());
            }
        }
    }

    /** Column blocks for the reductions and row blocks for the element-wise phases, as threads would. */
    @Test
    void splitsAreBitIdenticalToTheWhole() {
        Random rnd = new Random(23);
        // 100 rows: whole blocks of the row-outer reductions; 7: blocks and leftover rows.
        for (int m : new int[] {100, 7}) for (int n : new int[] {10, 17, 50}) {
            Mat z = preActivations(rnd, m, n);
            float[] gamma = params(rnd, 0, n, 1f);
            float[] beta = params(rnd, 0, n, 0f);
            Mat g = Mat.random(rnd, m, n);
            float[] mean = new float[n];
            float[] var = new float[n];
            float[] inv = new float[n];
            float[] zhat = new float[m * n];
            float[] out = new float[m * n];
            float[] dgamma = new float[n];
            float[] dbeta = new float[n];
            float[] dz = new float[m * n];
            BatchNorm.forwardTrain(m, n, z.data, z.off, z.ld, EPS, gamma, 0, beta, 0, mean, var, inv, zhat, 0, n, out, 0, n, true);
            BatchNorm.backward(m, n, g.data, g.off, g.ld, out, 0, n, zhat, 0, n, gamma, 0, inv, dgamma, 0, dbeta, 0, dz, 0, n);

            float[] mean2 = new float[n];
            float[] var2 = new float[n];
            float[] inv2 = new float[n];
            float[] dgamma2 = new float[n];
            float[] dbeta2 = new float[n];
            for (int c = 0; c < n; ) {
                int c1 = Math.min(n, c + 1 + rnd.nextInt(Gemm.V + 3));
                BatchNorm.statistics(m, c, c1, z.data, z.off, z.ld, mean2, var2);
                BatchNorm.invStd(c, c1, var2, EPS, inv2);
                c = c1;
            }
            float[] zhat2 = new float[m * n];
            float[] out2 = new float[m * n];
            for (int r = 0; r < m; ) {
                int r1 = Math.min(m, r + 1 + rnd.nextInt(30));
                BatchNorm.normalize(r, r1, n, z.data, z.off, z.ld, mean2, inv2, gamma, 0, beta, 0, zhat2, 0, n, out2, 0, n, true);
                r = r1;
            }
            for (int c = 0; c < n; ) {
                int c1 = Math.min(n, c + 1 + rnd.nextInt(Gemm.V + 3));
                BatchNorm.backwardSums(m, c, c1, g.data, g.off, g.ld, out2, 0, n, zhat2, 0, n, dgamma2, 0, dbeta2, 0);
                c = c1;
            }
            float[] dz2 = new float[m * n];
            for (int r = 0; r < m; ) {
                int r1 = Math.min(m, r + 1 + rnd.nextInt(30));
                BatchNorm.backwardApply(r, r1, m, n, g.data, g.off, g.ld, out2, 0, n, zhat2, 0, n, gamma, 0, inv2,
                        dgamma2, 0, dbeta2, 0, dz2, 0, n);
                r = r1;
            }
            assertArrayEquals(mean, mean2);
            assertArrayEquals(var, var2);
            assertArrayEquals(inv, inv2);
            assertArrayEquals(zhat, zhat2);
            assertArrayEquals(out, out2);
            assertArrayEquals(dgamma, dgamma2);
            assertArrayEquals(dbeta, dbeta2);
            assertArrayEquals(dz, dz2);
        }
    }

    /** In-place use: out over z in the forward pass, dz over g in the backward pass. */
    @Test
    void twoRowBlocksGiveTheBatchStatistics() {
        Random rnd = new Random(31);
        // Cuts at both ends (a block of no rows), in the middle and off it; the last shape's columns sit
        // far from 0 with a small spread, where Σz² − (Σz)²/m in float would lose every digit.
        int[][] cases = {{100, 50, 50, 1}, {100, 0, 17, 1}, {100, 100, 17, 1}, {7, 3, 10, 1}, {100, 48, 50, 1000}};
        for (int[] c : cases) {
            int m = c[0], m0 = c[1], n = c[2];
            float offset = c[3];
            Mat z = preActivations(rnd, m, n);
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) z.set(i, j, z.get(i, j) + offset);
            float[][] sum = new float[2][n], own = new float[2][n], squares = new float[2][n];
            int[] from = {0, m0}, to = {m0, m};
            for (int b = 0; b < 2; b++) {
                Elementwise.columnSums(to[b] - from[b], 0, n, z.data, z.off + from[b] * z.ld, z.ld, sum[b], 0);
                BatchNorm.blockMean(0, n, sum[b], to[b] - from[b], own[b]);
                BatchNorm.partialSquaredDeviations(from[b], to[b], 0, n, z.data, z.off, z.ld, own[b], squares[b]);
            }
            float[] mean = new float[n], var = new float[n];
            BatchNorm.combineBlocks(0, n, sum[0], own[0], squares[0], m0, sum[1], own[1], squares[1], m - m0, mean, var);
            double[][] zd = toDouble(z);
            // The block means' rounding, about ulp(mean), enters the variance through (μ_b − μ)²: a
            // relative error that grows as (mean / σ)² ε. Measured: below 4e-7 at the first shapes'
            // (mean / σ up to about 20), 5e-4 where mean / σ is about 8,000 (the two-pass form, 1e-5).
            double tolerance = offset == 1 ? 2e-6 : 2e-3;
            for (int j = 0; j < n; j++) {
                double mu = 0, q = 0;
                for (int i = 0; i < m; i++) mu += zd[i][j];
                mu /= m;
                for (int i = 0; i < m; i++) q += (zd[i][j] - mu) * (zd[i][j] - mu);
                q /= m;
                String what = "m = " + m + ", blocks " + m0 + " + " + (m - m0) + ", offset " + offset + ", column " + j;
                assertEquals(mu, mean[j], 1e-6 * Math.max(1, Math.abs(mu)), what + ": mean");
                assertEquals(q, var[j], tolerance * q, what + ": variance");
            }
        }
    }

    @Test
    void inPlaceGivesTheSameResultAsSeparateBuffers() {
        Random rnd = new Random(24);
        int m = 30;
        int n = 19;
        Mat z = preActivations(rnd, m, n);
        float[] gamma = params(rnd, 0, n, 1f);
        float[] beta = params(rnd, 0, n, 0f);
        float[] mean = new float[n];
        float[] var = new float[n];
        float[] inv = new float[n];
        float[] zhat = new float[m * n];
        Mat out = Mat.nan(rnd, m, n);
        BatchNorm.forwardTrain(m, n, z.data, z.off, z.ld, EPS, gamma, 0, beta, 0, mean, var, inv, zhat, 0, n,
                out.data, out.off, out.ld, false);
        Mat inPlace = z.copy();
        BatchNorm.forwardTrain(m, n, inPlace.data, inPlace.off, inPlace.ld, EPS, gamma, 0, beta, 0, mean, var, inv,
                zhat, 0, n, inPlace.data, inPlace.off, inPlace.ld, false);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(out.get(i, j), inPlace.get(i, j), 0f);
            }
        }
        Mat g = Mat.random(rnd, m, n);
        float[] dgamma = new float[n];
        float[] dbeta = new float[n];
        Mat dz = Mat.nan(rnd, m, n);
        BatchNorm.backward(m, n, g.data, g.off, g.ld, null, 0, 0, zhat, 0, n, gamma, 0, inv, dgamma, 0, dbeta, 0,
                dz.data, dz.off, dz.ld);
        Mat gInPlace = g.copy();
        BatchNorm.backward(m, n, gInPlace.data, gInPlace.off, gInPlace.ld, null, 0, 0, zhat, 0, n, gamma, 0, inv,
                dgamma, 0, dbeta, 0, gInPlace.data, gInPlace.off, gInPlace.ld);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(dz.get(i, j), gInPlace.get(i, j), 0f);
            }
        }
    }

    /** Inference: running statistics in, no ẑ stored. */
    @Test
    void normalizeWithGivenStatisticsAndNoZhat() {
        float[] z = {1f, 2f, 3f, 4f};
        float[] mean = {2f, 3f};
        float[] inv = {0.5f, 2f};
        float[] gamma = {0f, 3f, 1f};
        float[] beta = {0f, 0f, 1f, -10f};
        float[] out = new float[4];
        BatchNorm.normalize(0, 2, 2, z, 0, 2, mean, inv, gamma, 1, beta, 2, null, 0, 0, out, 0, 2, true);
        // row 0: 3·(1−2)·0.5 + 1 = −0.5 → 0;  1·(2−3)·2 − 10 = −12 → 0
        // row 1: 3·(3−2)·0.5 + 1 = 2.5;        1·(4−3)·2 − 10 = −8 → 0
        assertArrayEquals(new float[] {0f, 0f, 2.5f, 0f}, out);
        BatchNorm.normalize(0, 2, 2, z, 0, 2, mean, inv, gamma, 1, beta, 2, null, 0, 0, out, 0, 2, false);
        assertArrayEquals(new float[] {-0.5f, -12f, 2.5f, -8f}, out);
    }
}
