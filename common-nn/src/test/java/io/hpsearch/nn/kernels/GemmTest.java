package io.hpsearch.nn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.api.Test;

class GemmTest {

    enum Variant { NN, NT, TN }

    private static final int[] MS = {1, 3, 4, 5, 6, 7, 10, 11, 17, 101};
    // 50 and 57 are one 4-vector panel with AVX-512; 100 and 130 are 4 + 3 and 4 + 2 + 3 vectors.
    private static final int[] NS = {1, 2, 7, 8, 9, 10, 15, 16, 17, 24, 33, 50, 57, 100, 130};
    private static final int[] KS = {1, 7, 17, 100, 784};

    /** Operands of one product, stored as the variant wants them. */
    private record Case(Variant variant, int m, int n, int k, Mat a, Mat b) {
        static Case random(Random rnd, Variant v, int m, int n, int k) {
            Mat a = v == Variant.TN ? Mat.random(rnd, k, m) : Mat.random(rnd, m, k);
            Mat b = v == Variant.NT ? Mat.random(rnd, n, k) : Mat.random(rnd, k, n);
            return new Case(v, m, n, k, a, b);
        }

        void run(Mat c, boolean accumulate) {
            float[] scratch = new float[Gemm.packedSize(k, n)];
            switch (variant) {
                case NN -> Gemm.mulNN(m, n, k, a.data, a.off, a.ld, b.data, b.off, b.ld, c.data, c.off, c.ld, accumulate, scratch);
                case NT -> Gemm.mulNT(m, n, k, a.data, a.off, a.ld, b.data, b.off, b.ld, c.data, c.off, c.ld, accumulate, scratch);
                case TN -> Gemm.mulTN(m, n, k, a.data, a.off, a.ld, b.data, b.off, b.ld, c.data, c.off, c.ld, accumulate, scratch);
            }
        }

        float[] pack() {
            float[] panel = new float[Gemm.packedSize(k, n)];
            if (variant == Variant.NT) {
                Gemm.packBt(k, n, b.data, b.off, b.ld, panel);
            } else {
                Gemm.packB(k, n, b.data, b.off, b.ld, panel);
            }
            return panel;
        }

        void runRows(int r0, int r1, float[] panel, Mat c, boolean accumulate) {
            if (variant == Variant.TN) {
                Gemm.mulPackedTransA(r0, r1, n, k, a.data, a.off, a.ld, panel, c.data, c.off, c.ld, accumulate);
            } else {
                Gemm.mulPacked(r0, r1, n, k, a.data, a.off, a.ld, panel, c.data, c.off, c.ld, accumulate);
            }
        }

        /** The EJML double-precision product of the float operands, and the same of |A|, |B|. */
        DMatrixRMaj[] reference() {
            DMatrixRMaj r = new DMatrixRMaj(m, n);
            DMatrixRMaj abs = new DMatrixRMaj(m, n);
            switch (variant) {
                case NN -> {
                    CommonOps_DDRM.mult(a.toDouble(), b.toDouble(), r);
                    CommonOps_DDRM.mult(a.absToDouble(), b.absToDouble(), abs);
                }
                case NT -> {
                    CommonOps_DDRM.multTransB(a.toDouble(), b.toDouble(), r);
                    CommonOps_DDRM.multTransB(a.absToDouble(), b.absToDouble(), abs);
                }
                case TN -> {
                    CommonOps_DDRM.multTransA(a.toDouble(), b.toDouble(), r);
                    CommonOps_DDRM.multTransA(a.absToDouble(), b.absToDouble(), abs);
                }
            }
            return new DMatrixRMaj[] {r, abs};
        }
    }

    /**
     * Float rounding of a k-term fma chain grows like √k times the unit roundoff times the sum of
     * |terms| in practice; 8× that is far above what correct code produces and far below the error
     * of dropping or doubling a single term.
     */
    private static void assertClose(Case cs, Mat c, Mat c0, boolean accumulate) {
        DMatrixRMaj[] ref = cs.reference();
        double eps = Math.ulp(1f) / 2;
        for (int i = 0; i < cs.m; i++) {
            for (int j = 0; j < cs.n; j++) {
                double expected = ref[0].get(i, j) + (accumulate ? c0.get(i, j) : 0);
                double scale = ref[1].get(i, j) + (accumulate ? Math.abs(c0.get(i, j)) : 0);
                double tol = 8 * Math.sqrt(cs.k + 1.0) * eps * scale + 1e-30;
                double err = Math.abs(c.get(i, j) - expected);
                if (!(err <= tol)) {
                    fail(cs.variant + " m=" + cs.m + " n=" + cs.n + " k=" + cs.k + " acc=" + accumulate
                            + ": C[" + i + "][" + j + "] = " + c.get(i, j) + ", expected " + expected
                            + " (tolerance " + tol + ")");
                }
            }
        }
        assertTrue(c.paddingIntact(), "wrote outside C's region");
    }

    private static void check(Random rnd, Variant v, int m, int n, int k) {
        Case cs = Case.random(rnd, v, m, n, k);
        // Overwrite: C starts as NaN, so reading the old C would show.
        Mat c = Mat.nan(rnd, m, n);
        cs.run(c, false);
        assertClose(cs, c, null, false);
        // Accumulate onto random values.
        Mat c0 = Mat.random(rnd, m, n);
        Mat c1 = c0.copy();
        cs.run(c1, true);
        assertClose(cs, c1, c0, true);
    }

    @Test
    void allVariantsMatchEjmlOnRaggedShapes() {
        Random rnd = new Random(1);
        for (Variant v : Variant.values()) {
            for (int m : MS) {
                for (int n : NS) {
                    for (int k : KS) {
                        check(rnd, v, m, n, k);
                    }
                }
            }
        }
    }

    @Test
    void networkShapesMatchEjml() {
        Random rnd = new Random(2);
        // Forward X·W and backward dH·Wᵀ for the Fashion-MNIST and CIFAR shapes, eval chunks.
        int[][] shapes = {{100, 50, 784}, {100, 50, 3072}, {100, 50, 50}, {100, 10, 50}, {1000, 50, 784}};
        for (int[] s : shapes) {
            check(rnd, Variant.NN, s[0], s[1], s[2]);
            check(rnd, Variant.NT, s[0], s[1], s[2]);
        }
        // Weight gradients Xᵀ·dH.
        check(rnd, Variant.TN, 784, 50, 100);
        check(rnd, Variant.TN, 3072, 50, 100);
        check(rnd, Variant.TN, 50, 10, 100);
        // dX = dH·Wᵀ of a hidden layer: n = 784 output columns.
        check(rnd, Variant.NT, 100, 784, 50);
    }

    @Test
    void agreesWithEjmlFloatProduct() {
        Random rnd = new Random(3);
        int m = 37;
        int n = 50;
        int k = 784;
        FMatrixRMaj a = new FMatrixRMaj(m, k);
        FMatrixRMaj b = new FMatrixRMaj(k, n);
        for (int i = 0; i < a.data.length; i++) {
            a.data[i] = rnd.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.data.length; i++) {
            b.data[i] = rnd.nextFloat() - 0.5f;
        }
        FMatrixRMaj expected = new FMatrixRMaj(m, n);
        CommonOps_FDRM.mult(a, b, expected);
        float[] c = new float[m * n];
        Gemm.mulNN(m, n, k, a.data, 0, k, b.data, 0, n, c, 0, n, false, new float[Gemm.packedSize(k, n)]);
        // Both are float sums of 784 terms of size ≤ 0.25 in different orders.
        assertArrayEquals(expected.data, c, 2e-4f);
    }

    @Test
    void emptySumOverwritesWithZeroAndAccumulateLeavesC() {
        float[] c = {Float.NaN, Float.NaN, 5f, 6f};
        float[] a = new float[0];
        float[] b = new float[0];
        Gemm.mulNN(2, 1, 0, a, 0, 0, b, 0, 1, c, 0, 1, false, new float[0]);
        assertArrayEquals(new float[] {0f, 0f, 5f, 6f}, c);
        Gemm.mulNN(2, 2, 0, a, 0, 0, b, 0, 2, c, 0, 2, true, new float[0]);
        assertArrayEquals(new float[] {0f, 0f, 5f, 6f}, c);
    }

    /**
     * The documented order of operations, exactly: each element is one float fma chain over p in
     * order, starting from 0 or the old C. Holds across the k-blocks (k > 256) and column tails.
     */
    @Test
    void everyElementIsOneFmaChainInOrder() {
        Random rnd = new Random(6);
        int[][] shapes = {{5, 17, 3072}, {9, 50, 784}, {6, 10, 257}, {3, 9, 100}};
        for (Variant v : Variant.values()) {
            for (int[] s : shapes) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                Case cs = Case.random(rnd, v, m, n, k);
                for (boolean acc : new boolean[] {false, true}) {
                    Mat c0 = Mat.random(rnd, m, n);
                    Mat c = c0.copy();
                    cs.run(c, acc);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float e = acc ? c0.get(i, j) : 0f;
                            for (int p = 0; p < k; p++) {
                                float aip = v == Variant.TN ? cs.a.get(p, i) : cs.a.get(i, p);
                                float bpj = v == Variant.NT ? cs.b.get(j, p) : cs.b.get(p, j);
                                e = Math.fma(aip, bpj, e);
                            }
                            assertEquals(e, c.get(i, j), 0f, v + " " + m + "x" + n + "x" + k + " acc=" + acc + " at " + i + "," + j);
                        }
                    }
                }
            }
        }
    }

    /** Every split of C's rows into blocks gives bit-identical results to the whole. */
    @Test
    void rowBlocksAreBitIdenticalToTheWhole() {
        Random rnd = new Random(4);
        int[][] shapes = {{101, 50, 784}, {100, 10, 50}, {37, 17, 33}, {784, 50, 100}, {9, 57, 7}};
        for (Variant v : Variant.values()) {
            for (int[] s : shapes) {
                Case cs = Case.random(rnd, v, s[0], s[1], s[2]);
                float[] panel = cs.pack();
                for (boolean acc : new boolean[] {false, true}) {
                    Mat start = Mat.random(rnd, s[0], s[1]);
                    Mat whole = start.copy();
                    cs.runRows(0, s[0], panel, whole, acc);
                    for (int trial = 0; trial < 5; trial++) {
                        Mat parts = start.copy();
                        int r = 0;
                        while (r < s[0]) {
                            int r1 = Math.min(s[0], r + 1 + rnd.nextInt(trial == 0 ? 3 : 40));
                            cs.runRows(r, r1, panel, parts, acc);
                            r = r1;
                        }
                        assertArrayEquals(whole.data, parts.data, v + " " + s[0] + "x" + s[1] + "x" + s[2]);
                    }
                }
            }
        }
    }

    /** The packed panel is shared read-only by threads each computing its own row block. */
    @Test
    void threadsSharingOnePanelReproduceSingleThread() throws Exception {
        Random rnd = new Random(5);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (Variant v : Variant.values()) {
                int m = v == Variant.TN ? 784 : 1000;
                int k = v == Variant.TN ? 100 : 784;
                Case cs = Case.random(rnd, v, m, 50, k);
                float[] panel = cs.pack();
                Mat single = Mat.nan(rnd, m, 50);
                cs.runRows(0, m, panel, single, false);
                for (int threads = 2; threads <= 3; threads++) {
                    Mat multi = single.copy();
                    java.util.Arrays.fill(multi.data, Float.NaN);
                    List<Future<?>> fs = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        int r0 = m * t / threads;
                        int r1 = m * (t + 1) / threads;
                        fs.add(pool.submit(() -> cs.runRows(r0, r1, panel, multi, false)));
                    }
                    for (Future<?> f : fs) {
                        f.get();
                    }
                    assertArrayEquals(single.data, multi.data, v + " with " + threads + " threads");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * {@code rows} rows of {@code width} random floats scattered in a shuffled order through a
     * larger pool ({@code tab[r]}: where row r starts), and the same rows gathered in order.
     */
    private record Scattered(float[] pool, int[] tab, float[] gathered) {
        static Scattered random(Random rnd, int rows, int width) {
            int poolRows = rows + 5;
            float[] pool = new float[poolRows * width + 3];
            for (int i = 0; i < pool.length; i++) {
                pool[i] = rnd.nextFloat() * 2f - 1f;
            }
            int[] perm = new int[poolRows];
            for (int i = 0; i < poolRows; i++) {
                perm[i] = i;
            }
            for (int i = poolRows - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int x = perm[i];
                perm[i] = perm[j];
                perm[j] = x;
            }
            int[] tab = new int[rows];
            float[] gathered = new float[rows * width];
            for (int r = 0; r < rows; r++) {
                tab[r] = 3 + perm[r] * width - (perm[r] == 0 ? 3 : 0);
                System.arraycopy(pool, tab[r], gathered, r * width, width);
            }
            return new Scattered(pool, tab, gathered);
        }
    }

    /**
     * The row-table product reads A's rows in place (shuffled, from a larger array) and gives
     * exactly the numbers of the strided product on the gathered copy, for any split of C's rows.
     */
    @Test
    void rowTableProductMatchesStridedOneOnTheGatheredRows() {
        Random rnd = new Random(9);
        int[] ms = {1, 4, 5, 6, 7, 10, 13, 100};
        int[] ns = {1, 7, 8, 9, 16, 17, 50, 100};
        int[] ks = {1, 7, 100, 300, 1700}; // 1700: more than one k-block of a row table
        for (int m : ms) {
            for (int n : ns) {
                for (int k : ks) {
                    {
                        // The stored A: m × k, rows scattered through a pool of random floats.
                        Scattered sc = Scattered.random(rnd, m, k);
                        float[] pool = sc.pool(), gathered = sc.gathered();
                        int[] tab = sc.tab();
                        int width = k;
                        Mat b = Mat.random(rnd, k, n);
                        float[] panel = new float[Gemm.packedSize(k, n)];
                        Gemm.packB(k, n, b.data, b.off, b.ld, panel);
                        for (boolean acc : new boolean[] {false, true}) {
                            Mat want = Mat.random(rnd, m, n);
                            Mat got = want.copy();
                            Mat parts = want.copy();
                            Gemm.mulPacked(0, m, n, k, gathered, 0, width, panel, want.data, want.off, want.ld, acc);
                            Gemm.mulPackedRows(0, m, n, k, pool, tab, panel, got.data, got.off, got.ld, acc);
                            String what = "m=" + m + " n=" + n + " k=" + k + " acc=" + acc;
                            assertArrayEquals(want.data, got.data, what);
                            int r = 0;
                            while (r < m) {
                                int r1 = Math.min(m, r + 1 + rnd.nextInt(14));
                                Gemm.mulPackedRows(r, r1, n, k, pool, tab, panel, parts.data, parts.off, parts.ld, acc);
                                r = r1;
                            }
                            assertArrayEquals(want.data, parts.data, "split " + what);
                        }
                    }
                }
            }
        }
    }

    /**
     * The weight gradient of samples read in place: Aᵀ·P with sample p of A at {@code pool[tab[p]]}
     * gives exactly the numbers of the strided product on the gathered samples, for any split of
     * C's rows (each one a range of the samples' columns).
     */
    @Test
    void transposedRowTableProductMatchesStridedOneOnTheGatheredRows() {
        Random rnd = new Random(10);
        int[] ms = {1, 3, 4, 5, 6, 7, 10, 13, 100}; // rows of C: columns of the samples
        int[] ns = {1, 7, 8, 9, 16, 17, 24, 50, 100};
        int[] ks = {1, 7, 100, 300}; // samples; 300: more than one k-block
        for (int m : ms) {
            for (int n : ns) {
                for (int k : ks) {
                    int width = m + 2; // each sample is wider than the columns taken
                    Scattered sc = Scattered.random(rnd, k, width);
                    float[] pool = sc.pool(), gathered = sc.gathered();
                    int[] tab = sc.tab();
                    Mat b = Mat.random(rnd, k, n);
                    float[] panel = new float[Gemm.packedSize(k, n)];
                    Gemm.packB(k, n, b.data, b.off, b.ld, panel);
                    for (boolean acc : new boolean[] {false, true}) {
                        Mat want = Mat.random(rnd, m, n);
                        Mat got = want.copy();
                        Mat parts = want.copy();
                        Gemm.mulPackedTransA(0, m, n, k, gathered, 0, width, panel, want.data, want.off, want.ld, acc);
                        Gemm.mulPackedTransARows(0, m, n, k, pool, tab, panel, got.data, got.off, got.ld, acc);
                        String what = "m=" + m + " n=" + n + " k=" + k + " acc=" + acc;
                        assertArrayEquals(want.data, got.data, what);
                        int r = 0;
                        while (r < m) {
                            int r1 = Math.min(m, r + 1 + rnd.nextInt(14));
                            Gemm.mulPackedTransARows(r, r1, n, k, pool, tab, panel, parts.data, parts.off, parts.ld, acc);
                            r = r1;
                        }
                        assertArrayEquals(want.data, parts.data, "split " + what);
                    }
                }
            }
        }
    }

    @Test
    void transposedRowTableRejectsSamplesTooShortForTheColumns() {
        float[] pool = new float[40];
        float[] panel = new float[Gemm.packedSize(2, 3)];
        float[] c = new float[10 * 3 + 2 * Gemm.V];
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.mulPackedTransARows(0, 10, 3, 2, pool, new int[] {0, 35}, panel, c, 0, 3, false));
        assertTrue(e.getMessage().contains("row 1 at offset 35"), e.getMessage());
    }

    @Test
    void packedSizeIsWholeVectorsPerRow() {
        assertEquals(0, Gemm.packedSize(5, 0));
        assertEquals(3 * Gemm.V, Gemm.packedSize(3, 1));
        assertEquals(784 * Gemm.paddedCols(50), Gemm.packedSize(784, 50));
        assertTrue(Gemm.paddedCols(50) >= 50 && Gemm.paddedCols(50) % Gemm.V == 0);
    }

    @Test
    void panelWidthsCoverTheVectorsWithASingleOnlyWhenThereIsOne() {
        int widest = Gemm.WIDE_PANELS ? 4 : 3;
        for (int nv = 1; nv <= 20; nv++) {
            int v = 0;
            while (v < nv) {
                int w = Gemm.panelVectors(nv, v);
                assertTrue(w >= 1 && w <= widest, "nv=" + nv + ": panel of " + w);
                if (w == 1) assertEquals(1, nv, "a single vector only when there is one: nv=" + nv);
                if (w == 3) assertEquals(nv, v + w, "a 3-vector panel comes last: nv=" + nv);
                if (w == 4) assertTrue(Gemm.WIDE_PANELS);
                v += w;
            }
            assertEquals(nv, v);
        }
        if (Gemm.WIDE_PANELS) {
            assertEquals(4, Gemm.panelVectors(4, 0), "a 50-column layer (4 vectors of 16) is one panel");
        }
    }

    @Test
    void rejectsRegionsOutsideTheArrays() {
        float[] a = new float[10 * 8];
        float[] b = new float[8 * 5];
        float[] c = new float[10 * 5];
        float[] scratch = new float[Gemm.packedSize(8, 5)];
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.mulNN(11, 5, 8, a, 0, 8, b, 0, 5, c, 0, 5, false, scratch));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.mulNN(10, 5, 8, a, 0, 8, b, 1, 5, c, 0, 5, false, scratch));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.mulNN(10, 5, 8, a, 0, 8, b, 0, 5, c, 0, 5, false, new float[3]));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.mulPacked(3, 2, 5, 8, a, 0, 8, scratch, c, 0, 5, false));
    }
}
