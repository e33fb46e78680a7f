package io.hpsearch.nn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ElementwiseTest {

    private static final int[] NS = {1, 2, 7, 8, 9, 10, 15, 16, 17, 33, 50, 57};

    private static float[] randomVector(Random rnd, int n, float scale) {
        float[] v = new float[n];
        for (int j = 0; j < n; j++) {
            v[j] = (rnd.nextFloat() * 2f - 1f) * scale;
        }
        return v;
    }

    @Test
    void addBiasWithAndWithoutReluMatchesScalarOnTheRowRangeOnly() {
        Random rnd = new Random(11);
        for (int n : NS) {
            for (boolean relu : new boolean[] {false, true}) {
                int m = 13;
                Mat h = Mat.random(rnd, m, n);
                Mat before = h.copy();
                int biasOff = 3;
                float[] bias = new float[biasOff + n];
                System.arraycopy(randomVector(rnd, n, 1f), 0, bias, biasOff, n);
                Elementwise.addBias(2, 11, n, h.data, h.off, h.ld, bias, biasOff, relu);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        float expected = before.get(i, j);
                        if (i >= 2 && i < 11) {
                            expected += bias[biasOff + j];
                            if (relu) {
                                expected = Math.max(expected, 0f);
                            }
                        }
                        assertEquals(expected, h.get(i, j), 0f, "n=" + n + " relu=" + relu + " at " + i + "," + j);
                    }
                }
                assertTrue(h.paddingIntact());
            }
        }
    }

    @Test
    void reluBackwardZeroesWhereTheActivationIsNotPositive() {
        Random rnd = new Random(12);
        for (int n : NS) {
            int m = 9;
            Mat g = Mat.random(rnd, m, n);
            Mat act = Mat.random(rnd, m, n);
            // Exact zeros are inactive (the output of max(0, x) for x ≤ 0).
            act.set(0, 0, 0f);
            act.set(m - 1, n - 1, Float.MIN_VALUE);
            Mat before = g.copy();
            Elementwise.reluBackward(0, m, n, g.data, g.off, g.ld, act.data, act.off, act.ld);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float expected = act.get(i, j) > 0f ? before.get(i, j) : 0f;
                    assertEquals(expected, g.get(i, j), 0f);
                }
            }
            assertEquals(0f, g.get(0, 0), 0f);
            assertEquals(before.get(m - 1, n - 1), g.get(m - 1, n - 1), 0f);
            assertTrue(g.paddingIntact());
        }
    }

    @Test
    void columnSumsAreTheRowOrderFloatSumsAndSplitsAreBitIdentical() {
        Random rnd = new Random(13);
        for (int m : new int[] {0, 1, 5, 100, 1000}) {
            for (int n : NS) {
                Mat x = Mat.random(rnd, m, n);
                float[] out = new float[n + 3];
                Arrays.fill(out, Float.NaN); // stale contents are overwritten, edges kept
                Elementwise.columnSums(m, 0, n, x.data, x.off, x.ld, out, 2);
                assertTrue(Float.isNaN(out[1]) && Float.isNaN(out[n + 2]), "wrote outside its columns");
                for (int j = 0; j < n; j++) {
                    float rowOrder = 0f;
                    double s = 0;
                    double abs = 0;
                    for (int i = 0; i < m; i++) {
                        rowOrder += x.get(i, j);
                        s += x.get(i, j);
                        abs += Math.abs(x.get(i, j));
                    }
                    assertEquals(rowOrder, out[2 + j], 0f, "m=" + m + " n=" + n + " col " + j);
                    assertEquals(s, out[2 + j], m * 6e-8 * abs + 1e-30, "m=" + m + " n=" + n + " col " + j);
                }
                // Column blocks of 1..V+2 columns reproduce the whole exactly.
                float[] parts = new float[n + 3];
                Arrays.fill(parts, Float.NaN);
                int c = 0;
                while (c < n) {
                    int c1 = Math.min(n, c + 1 + rnd.nextInt(Gemm.V + 2));
                    Elementwise.columnSums(m, c, c1, x.data, x.off, x.ld, parts, 2);
                    c = c1;
                }
                assertArrayEquals(out, parts);
            }
        }
    }

    /** Double-precision softmax cross-entropy of one row, straight from the definition. */
    private static double referenceLoss(float[] z, int zo, int n, int y, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, z[zo + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(z[zo + j] - max);
        }
        for (int j = 0; j < n; j++) {
            p[j] = Math.exp(z[zo + j] - max) / sum;
        }
        return -Math.log(p[y]);
    }

    @Test
    void softmaxCrossEntropyLossAndGradientMatchTheDefinition() {
        Random rnd = new Random(14);
        for (int n : new int[] {2, 3, 10, 17}) {
            int m = 23;
            Mat z = Mat.random(rnd, m, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    z.set(i, j, z.get(i, j) * 6f);
                }
            }
            int[] labels = new int[m + 1];
            for (int i = 0; i < m; i++) {
                labels[i + 1] = rnd.nextInt(n);
            }
            Mat g = Mat.nan(rnd, m, n);
            float scale = 1f / m;
            double loss = Elementwise.softmaxCrossEntropy(0, m, n, z.data, z.off, z.ld, labels, 1, g.data, g.off, g.ld, scale);
            double expectedLoss = 0;
            double[] p = new double[n];
            for (int i = 0; i < m; i++) {
                int y = labels[i + 1];
                expectedLoss += referenceLoss(z.data, z.off + i * z.ld, n, y, p);
                for (int j = 0; j < n; j++) {
                    double expected = (p[j] - (j == y ? 1 : 0)) * scale;
                    assertEquals(expected, g.get(i, j), 1e-7, "n=" + n + " row " + i + " col " + j);
                }
            }
            // e^x is computed in float (within 1e-7 relative), so is each row's log-sum
            assertEquals(expectedLoss, loss, 1e-7 * m + 1e-7 * Math.abs(expectedLoss));
            assertTrue(g.paddingIntact());
            // Loss only, without a gradient buffer, is the same number.
            assertEquals(loss, Elementwise.softmaxCrossEntropy(0, m, n, z.data, z.off, z.ld, labels, 1, null, 0, 0, 1f), 0.0);
        }
    }

    /** The gradient is the derivative of the loss the kernel itself reports. */
    @Test
    void softmaxCrossEntropyGradientMatchesCentralDifferences() {
        Random rnd = new Random(15);
        int n = 10;
        int m = 4;
        float[] z = new float[m * n];
        for (int i = 0; i < z.length; i++) {
            // Multiples of 2⁻¹⁰ so that z ± h below is exact in float.
            z[i] = (rnd.nextInt(6000) - 3000) / 1024f;
        }
        int[] labels = {3, 0, 9, 3};
        float[] g = new float[m * n];
        Elementwise.softmaxCrossEntropy(0, m, n, z, 0, n, labels, 0, g, 0, n, 1f);
        // The loss is accurate to about 1e-7 (e^x in float): a step of 1/64 keeps that rounding
        // (1e-7 / h) and the central difference's own error (h² times the third derivative) both
        // well below the tolerance.
        float h = 1f / 64;
        for (int idx = 0; idx < z.length; idx++) {
            float saved = z[idx];
            z[idx] = saved + h;
            double up = Elementwise.softmaxCrossEntropy(0, m, n, z, 0, n, labels, 0, null, 0, 0, 1f);
            z[idx] = saved - h;
            double down = Elementwise.softmaxCrossEntropy(0, m, n, z, 0, n, labels, 0, null, 0, 0, 1f);
            z[idx] = saved;
            assertEquals((up - down) / (2 * h), g[idx], 2e-5, "logit " + idx);
        }
    }

    @Test
    void softmaxCrossEntropyIsStableForHugeLogitsAndMayWriteInPlace() {
        float[] z = {1000f, 1001f, -1000f, 0f, 0f, 88.8f};
        int[] labels = {0, 2};
        double loss = Elementwise.softmaxCrossEntropy(0, 2, 3, z, 0, 3, labels, 0, z, 0, 3, 1f);
        double row0 = Math.log(1 + Math.exp(1)) + 0.0; // −log(e⁰ / (e⁰ + e¹)) after subtracting 1001
        double row1 = Math.log(2 + Math.exp(88.8)) - 88.8;
        assertEquals(row0 + row1, loss, 1e-6);
        double p0 = 1 / (1 + Math.E);
        assertEquals(p0 - 1, z[0], 1e-6);
        assertEquals(1 - p0, z[1], 1e-6);
        assertEquals(0f, z[2], 1e-30);
        assertEquals(1 / (2 + Math.exp(88.8)), z[3], 1e-30);
        assertEquals(-2 / (2 + Math.exp(88.8)), z[5], 1e-30);
    }

    @Test
    void floatExpIsWithinOneTenMillionthOfTheExactValue() {
        Random rnd = new Random(17);
        double worst = 0;
        for (int i = 0; i < 1_000_000; i++) {
            float x = -87.3f * rnd.nextFloat();
            double exact = Math.exp(x);
            worst = Math.max(worst, Math.abs(Elementwise.exp(x) - exact) / exact);
        }
        assertTrue(worst < 1e-7, "worst relative error " + worst);
        assertEquals(1f, Elementwise.exp(0f), 0f);
        assertEquals(0f, Elementwise.exp(-100f), 0f);
        assertEquals(0f, Elementwise.exp(Float.NEGATIVE_INFINITY), 0f);
        assertTrue(Float.isNaN(Elementwise.exp(Float.NaN)), "NaN logits must stay NaN, so that a diverged run is seen");
    }

    @Test
    void softmaxRowsSumToOneAndMatchTheDefinition() {
        Random rnd = new Random(16);
        int m = 7;
        int n = 10;
        Mat z = Mat.random(rnd, m, n);
        Mat p = Mat.nan(rnd, m, n);
        Elementwise.softmax(0, m, n, z.data, z.off, z.ld, p.data, p.off, p.ld);
        double[] ref = new double[n];
        for (int i = 0; i < m; i++) {
            referenceLoss(z.data, z.off + i * z.ld, n, 0, ref);
            double sum = 0;
            for (int j = 0; j < n; j++) {
                assertEquals(ref[j], p.get(i, j), 1e-7);
                sum += p.get(i, j);
            }
            assertEquals(1.0, sum, 1e-6);
        }
        assertTrue(p.paddingIntact());
    }

    @Test
    void countCorrectTakesTheFirstMaximum() {
        float[] z = {
            0f, 3f, 1f,
            2f, 2f, 0f,
            5f, -1f, 5.5f,
            1f, 1f, 1f,
        };
        assertEquals(3, Elementwise.countCorrect(0, 4, 3, z, 0, 3, new int[] {1, 0, 2, 1}, 0));
        assertEquals(1, Elementwise.countCorrect(0, 4, 3, z, 0, 3, new int[] {1, 1, 0, 2}, 0));
        assertEquals(1, Elementwise.countCorrect(2, 4, 3, z, 0, 3, new int[] {1, 0, 2, 2}, 0));
    }

    @Test
    void rejectsOutOfRangeLabels() {
        float[] z = new float[6];
        assertThrows(IllegalArgumentException.class,
                () -> Elementwise.softmaxCrossEntropy(0, 2, 3, z, 0, 3, new int[] {0, 3}, 0, null, 0, 0, 1f));
    }
}
