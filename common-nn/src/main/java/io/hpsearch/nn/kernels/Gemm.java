package io.hpsearch.nn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-threaded, allocation-free float32 matrix products for the batch-as-rows MLP layout.
 *
 * <h2>Layout</h2>
 * Every matrix is a row-major region of a {@code float[]}: element (i, j) of a matrix passed as
 * {@code (x, xOff, ldx)} is {@code x[xOff + i * ldx + j]}; {@code ldx} (the leading dimension) is
 * at least the number of columns, so a matrix can be a block of a larger one. Nothing outside C's
 * region is written. The products may read up to one vector past the end of a C row (elements of
 * the same array that follow it, never past the array's end); those lanes are discarded, so their
 * values, and concurrent writes to them by other threads, cannot change the result. Per thread,
 * one vector of staging is allocated on first use; after that the products allocate nothing.
 *
 * <h2>The three products</h2>
 * <ul>
 *   <li>{@link #mulNN}: C (m×n) = A (m×k) · B (k×n) — forward pass {@code H = X·W} with
 *       {@code W} stored in×out.</li>
 *   <li>{@link #mulNT}: C (m×n) = A (m×k) · Bᵀ where B is stored n×k — backward pass
 *       {@code dX = dH·Wᵀ} with the same in×out {@code W}.</li>
 *   <li>{@link #mulTN}: C (m×n) = Aᵀ · B where A is stored k×m and B k×n — weight gradient
 *       {@code dW = Xᵀ·dH}, written directly in W's in×out layout.</li>
 * </ul>
 * So the recommended weight layout is in×out row-major ({@code W[in][out]}): all three products of
 * a layer then need no transposed copy kept by the caller. {@link #mulPackedRows} is the forward
 * product with A's rows taken from anywhere through a table of offsets (a shuffled batch read in
 * place in its data set).
 *
 * <h2>How it works</h2>
 * B (or Bᵀ) is first packed into a panel buffer ({@link #packB}/{@link #packBt}): column panels of
 * 2 vectors width (3 for the last when the count is odd, 1 when there is a single vector; 4 with
 * AVX-512 where the count allows, see {@link #panelVectors}), each
 * stored k × width contiguously and zero-padded to whole vectors. This makes the inner loop of
 * every product the same contiguous, unit-stride stream regardless of how B was stored, and
 * removes column tails from the inner loop (only the final store is partial). Packing costs k·n
 * copies against m·k·n multiply-adds, about 1 % at m = 100. The main micro-kernel keeps a 6-row ×
 * 2-vector block of C in registers (12 accumulators + 2 B vectors + 1 broadcast, one AVX2 register
 * to spare: a 4 × 3 block that uses all 16 made the JIT spill and ran at half the speed; the 6 × 2
 * one runs near the FMA units' peak when its operands are in L1; AVX-512's 32 registers take a
 * 6-row × 4-vector block); a 3-panel takes a 3 × 3 kernel,
 * 4-row remainders 4-row kernels, and single rows a 1-row path. k is processed in blocks of at
 * most {@link #KC} for cache reuse (see {@code tiles}).
 *
 * <h2>Row blocks and determinism</h2>
 * {@link #mulPacked} and {@link #mulPackedTransA} compute only rows {@code [r0, r1)} of C from a
 * packed B that several threads may share read-only. Every element of C is computed as one chain
 * of {@code fma} over p = 0, 1, …, k−1 in that order, starting from zero (overwrite) or from the old
 * C value (accumulate), whichever kernel (6-, 4- or 3-row tile or 1-row tail) handles its row and however
 * k is blocked. The result is therefore bit-identical for every split of the rows into blocks, and for any number of threads.
 * Lanes are independent columns, so the result does not depend on the vector width either.
 *
 * <p>Hot loops are small methods called once per row tile so that the JIT compiles them as
 * ordinary methods (an on-stack-replaced loop runs many times slower).
 */
public final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector on this machine (8 for AVX2, 16 for AVX-512). */
    public static final int V = S.length();
    /** Rows of C per call of the main micro-kernel (then 4-row and 1-row tails). */
    static final int MR = 6;
    /** Rows of C per row block (see {@code tiles}), a multiple of {@link #MR}. */
    static final int RB = 96;
    /**
     * Whether column panels are 4 vectors wide where the count allows ({@link #panelVectors}): with
     * AVX-512 the JIT has 32 vector registers, enough for a 6-row × 4-vector block of C.
     */
    static final boolean WIDE_PANELS = V >= 16;
    /**
     * Largest block of k per pass: a panel's k-block stays in L1 while it meets every row tile
     * (256 × 2 vectors: 16 KiB with AVX2, 32 KiB with AVX-512; 4-vector panels take 160 × 64
     * floats, 40 KiB: at 256 rows, 64 KiB, the product by a 3072-row panel ran at 72 GFLOP/s
     * instead of 88 in {@code GemmBenchmark.prepacked}).
     */
    static final int KC = WIDE_PANELS ? 160 : 256;
    /**
     * Largest block of k when A's rows come through a table ({@link #mulPackedRows}: a shuffled
     * batch read in place in its data set, from memory rather than cache). Short blocks cut each
     * sample into many short runs, which the hardware prefetchers follow badly: on the CIFAR shape
     * (two halves of 1536 inputs) an epoch took 0.46–0.48 s with blocks of at most 256 and
     * 0.40–0.43 s with whole halves. The panel then streams from L2, which keeps up.
     */
    static final int KC_ROWS = 1536;

    private Gemm() {
    }

    /** Columns of a k×n operand after padding to whole vectors. */
    public static int paddedCols(int n) {
        return (n + V - 1) / V * V;
    }

    /** Floats a packed panel of a k×n operand needs (the {@code scratch} size of the mul methods). */
    public static int packedSize(int k, int n) {
        return k * paddedCols(n);
    }

    /**
     * Width, in vectors, of the column panel that starts at vector {@code v} of {@code nv}: two
     * vectors (16 floats on AVX2, the widest that leaves the 6-row kernel a spare register), and
     * three for the last panel when {@code nv} is odd (50 columns: 16 + 16 + 24, not 64), taken
     * by a 3-row × 3-vector kernel: a one-vector panel needs a load per multiply-add and ran at
     * little more than half the speed. A single vector stays one panel.
     *
     * <p>With AVX-512, panels are 4 vectors wide where that leaves no single vector (4, or 6 and
     * more, vectors left): a 50-column layer (4 vectors of 16) is then one panel, so the product
     * reads A once instead of twice and each broadcast of an A element feeds 4 multiply-adds
     * instead of 2. On the project's Intel machine (GemmBenchmark.prepacked) that took X·W₁ on the
     * CIFAR shape from 76 to 88 GFLOP/s, Xᵀ·dZ from 89 to 105 and dZ·Wᵀ from 93 to 119. Every
     * element is still the same fma chain, so results do not change by a bit.
     */
    static int panelVectors(int nv, int v) {
        int rest = nv - v;
        if (WIDE_PANELS && (rest == 4 || rest >= 6)) {
            return 4;
        }
        return rest == 3 ? 3 : Math.min(2, rest);
    }

    /**
     * Packs B (k×n, row-major at {@code b[bOff + p*ldb + j]}) into {@code panel}, which must hold
     * {@link #packedSize}(k, n) floats.
     */
    public static void packB(int k, int n, float[] b, int bOff, int ldb, float[] panel) {
        packBRows(0, k, k, n, b, bOff, ldb, panel);
    }

    /**
     * Packs rows {@code [p0, p1)} of B (k×n) into their places in the panel of {@link #packB}; the
     * other rows' places are left alone, so threads can pack disjoint row ranges of one operand
     * (e.g. each thread the rows of a gradient it has just computed). Packing all ranges gives
     * exactly the panel of {@link #packB}.
     */
    public static void packBRows(int p0, int p1, int k, int n, float[] b, int bOff, int ldb, float[] panel) {
        checkRows(p0, p1);
        if (p1 > k) {
            throw new IllegalArgumentException("row range [" + p0 + ", " + p1 + ") exceeds k = " + k);
        }
        checkRegion("B", b, bOff + p0 * ldb, ldb, p1 - p0, n);
        checkLength("panel", panel, packedSize(k, n));
        int nv = paddedCols(n) / V;
        for (int v0 = 0; v0 < nv; ) {
            int w = panelVectors(nv, v0);
            int width = w * V;
            int j0 = v0 * V;
            int cols = Math.min(width, n - j0);
            int base = k * j0;
            if (cols == width) {
                packFull(p0, p1, w, b, bOff + j0, ldb, panel, base);
            } else {
                // The panel's whole vectors a vector at a time, then the ragged columns one by one.
                int whole = cols / V * V;
                for (int p = p0; p < p1; p++) {
                    int dst = base + p * width;
                    int src = bOff + p * ldb + j0;
                    for (int t = 0; t < whole; t += V) {
                        FloatVector.fromArray(S, b, src + t).intoArray(panel, dst + t);
                    }
                    for (int t = whole; t < cols; t++) {
                        panel[dst + t] = b[src + t];
                    }
                    for (int t = cols; t < width; t++) {
                        panel[dst + t] = 0f;
                    }
                }
            }
            v0 += w;
        }
    }

    /** Rows [p0, p1) of a full-width panel of w vectors, a vector at a time (a copy call per row and panel cost more than the copy). */
    private static void packFull(int p0, int p1, int w, float[] b, int src, int ldb, float[] panel, int base) {
        int width = w * V;
        for (int p = p0; p < p1; p++) {
            int s = src + p * ldb;
            int d = base + p * width;
            for (int v = 0; v < width; v += V) {
                FloatVector.fromArray(S, b, s + v).intoArray(panel, d + v);
            }
        }
    }

    /**
     * Packs the k×n operand B given as its transpose: {@code bt} holds an n×k row-major matrix
     * (element (p, j) of B is {@code bt[btOff + j*ldbt + p]}). {@code panel} must hold
     * {@link #packedSize}(k, n) floats.
     */
    public static void packBt(int k, int n, float[] bt, int btOff, int ldbt, float[] panel) {
        checkRegion("Bt", bt, btOff, ldbt, n, k);
        checkLength("panel", panel, packedSize(k, n));
        int nv = paddedCols(n) / V;
        for (int v0 = 0; v0 < nv; ) {
            int w = panelVectors(nv, v0);
            int width = w * V;
            int j0 = v0 * V;
            int cols = Math.min(width, n - j0);
            int base = k * j0;
            // Read each source row once (contiguous in p) and scatter it down one panel column.
            for (int t = 0; t < cols; t++) {
                int src = btOff + (j0 + t) * ldbt;
                int dst = base + t;
                for (int p = 0; p < k; p++) {
                    panel[dst + p * width] = bt[src + p];
                }
            }
            for (int t = cols; t < width; t++) {
                for (int p = 0; p < k; p++) {
                    panel[base + t + p * width] = 0f;
                }
            }
            v0 += w;
        }
    }

    /** C = A·B (or C += A·B when {@code accumulate}); {@code scratch} holds {@link #packedSize}(k, n). */
    public static void mulNN(int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc,
                             boolean accumulate, float[] scratch) {
        packB(k, n, b, bOff, ldb, scratch);
        mulPacked(0, m, n, k, a, aOff, lda, scratch, c, cOff, ldc, accumulate);
    }

    /**
     * C = A·Bᵀ (or +=), A m×k, B stored n×k; {@code scratch} holds {@link #packedSize}(k, n).
     */
    public static void mulNT(int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc,
                             boolean accumulate, float[] scratch) {
        packBt(k, n, b, bOff, ldb, scratch);
        mulPacked(0, m, n, k, a, aOff, lda, scratch, c, cOff, ldc, accumulate);
    }

    /**
     * C = Aᵀ·B (or +=), A stored k×m, B k×n, C m×n; {@code scratch} holds
     * {@link #packedSize}(k, n).
     */
    public static void mulTN(int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc,
                             boolean accumulate, float[] scratch) {
        packB(k, n, b, bOff, ldb, scratch);
        mulPackedTransA(0, m, n, k, a, aOff, lda, scratch, c, cOff, ldc, accumulate);
    }

    /**
     * Rows {@code [r0, r1)} of C = A·P, where A is row-major with k columns (row i at
     * {@code a[aOff + i*lda]}) and P is a panel made by {@link #packB} or {@link #packBt} for
     * (k, n). Row indices are absolute: row i of C is at {@code c[cOff + i*ldc]}. The panel is only
     * read, so threads may share it.
     */
    public static void mulPacked(int r0, int r1, int n, int k,
                                 float[] a, int aOff, int lda,
                                 float[] panel,
                                 float[] c, int cOff, int ldc,
                                 boolean accumulate) {
        checkRows(r0, r1);
        if (r0 == r1 || n == 0) {
            return;
        }
        checkRegion("A", a, aOff + r0 * lda, lda, r1 - r0, k);
        checkRegion("C", c, cOff + r0 * ldc, ldc, r1 - r0, n);
        checkLength("panel", panel, packedSize(k, n));
        tiles(r0, r1, n, k, a, aOff, lda, null, panel, c, cOff, ldc, accumulate);
    }

    /**
     * Rows {@code [r0, r1)} of C = Aᵀ·P, where A is stored k×m row-major (C row i is column i of
     * A: element (p, i) at {@code a[aOff + p*lda + i]}) and P a panel for (k, n). Splitting C's rows
     * across threads splits A's columns.
     */
    public static void mulPackedTransA(int r0, int r1, int n, int k,
                                       float[] a, int aOff, int lda,
                                       float[] panel,
                                       float[] c, int cOff, int ldc,
                                       boolean accumulate) {
        checkRows(r0, r1);
        if (r0 == r1 || n == 0) {
            return;
        }
        checkRegion("A", a, aOff + r0, lda, k, r1 - r0);
        checkRegion("C", c, cOff + r0 * ldc, ldc, r1 - r0, n);
        checkLength("panel", panel, packedSize(k, n));
        // Element (i, p) of Aᵀ is at aOff + p*lda + i: the samples' table of mulPackedTransARows.
        int[] pt = SAMPLES.get();
        if (pt.length < k) {
            pt = new int[k];
            SAMPLES.set(pt);
        }
        for (int p = 0; p < k; p++) {
            pt[p] = aOff + p * lda;
        }
        transRowTiles(r0, r1, n, k, a, pt, panel, c, cOff, ldc, accumulate);
    }

    /**
     * {@link #mulPacked} with A's rows anywhere in {@code a}: row i of A starts at
     * {@code a[aRows[i]]} (e.g. samples of a data set in a shuffled order, multiplied in place
     * instead of copied into a batch first). Same numbers as {@link #mulPacked} on the gathered rows.
     */
    public static void mulPackedRows(int r0, int r1, int n, int k,
                                     float[] a, int[] aRows,
                                     float[] panel,
                                     float[] c, int cOff, int ldc,
                                     boolean accumulate) {
        checkRows(r0, r1);
        if (r0 == r1 || n == 0) {
            return;
        }
        checkTable(a, aRows, r0, r1, k);
        checkRegion("C", c, cOff + r0 * ldc, ldc, r1 - r0, n);
        checkLength("panel", panel, packedSize(k, n));
        tiles(r0, r1, n, k, a, 0, 0, aRows, panel, c, cOff, ldc, accumulate);
    }

    /**
     * {@link #mulPackedTransA} with A's rows anywhere in {@code a}: row p of A (a sample) starts at
     * {@code a[aRows[p]]}, so C row i is column i of the samples, read in place (the weight
     * gradient Xᵀ·dZ of a shuffled batch, without a copy of the batch). Same numbers as {@link
     * #mulPackedTransA} on the gathered rows.
     */
    public static void mulPackedTransARows(int r0, int r1, int n, int k,
                                           float[] a, int[] aRows,
                                           float[] panel,
                                           float[] c, int cOff, int ldc,
                                           boolean accumulate) {
        checkRows(r0, r1);
        if (r0 == r1 || n == 0) {
            return;
        }
        // Each sample must hold columns [r0, r1): the table's rows checked from r0 on, for r1 - r0 floats.
        if (aRows.length < k) {
            throw new IndexOutOfBoundsException("row table of " + aRows.length + " entries, needs " + k);
        }
        for (int p = 0; p < k; p++) {
            long o = (long) aRows[p] + r0;
            if (aRows[p] < 0 || o + (r1 - r0) > a.length) {
                throw new IndexOutOfBoundsException("row " + p + " at offset " + aRows[p] + " (columns " + r0 + ".." + r1
                        + ") exceeds array of " + a.length);
            }
        }
        checkRegion("C", c, cOff + r0 * ldc, ldc, r1 - r0, n);
        checkLength("panel", panel, packedSize(k, n));
        transRowTiles(r0, r1, n, k, a, aRows, panel, c, cOff, ldc, accumulate);
    }

    /** Fails fast unless rows [r0, r1) of the table each start a run of {@code len} floats inside {@code a}. */
    private static void checkTable(float[] a, int[] rows, int r0, int r1, int len) {
        if (rows.length < r1) {
            throw new IndexOutOfBoundsException("row table of " + rows.length + " entries, needs " + r1);
        }
        for (int i = r0; i < r1; i++) {
            int o = rows[i];
            if (o < 0 || (long) o + len > a.length) {
                throw new IndexOutOfBoundsException("row " + i + " at offset " + o + " (+" + len + ") exceeds array of " + a.length);
            }
        }
    }

    /**
     * Drives the micro-kernels for C = A·P: row i of A starts at {@code a[tab[i]]}, or at {@code
     * a[aOff + i*lda]} without a table. k is cut into blocks of at most {@link #KC} ({@link
     * #KC_ROWS} through a table); within a k-block, C's rows are taken in blocks of at most {@link
     * #RB}, and each column panel meets every row tile of the row block in turn, so the panel's
     * k-block stays in L1 while A's row block is read from L2.
     *
     * <p>C is zeroed first unless accumulating, and every block starts its accumulators from the C
     * the previous block stored (so that k-blocks continue one fma chain without a branch between
     * a zero and a loaded start, which defeats the JIT's vector unboxing): every element is the same
     * single fma chain as without blocking, and the block sizes and the row tile that handles an
     * element do not change a bit of the result.
     */
    private static void tiles(int r0, int r1, int n, int k,
                              float[] a, int aOff, int lda,
                              int[] tab,
                              float[] panel,
                              float[] c, int cOff, int ldc,
                              boolean accumulate) {
        if (!accumulate) {
            for (int i = r0; i < r1; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
        }
        if (k == 0) {
            return;
        }
        int nv = paddedCols(n) / V;
        // Kernels load and compute whole vectors; the lanes past column n are read from whatever
        // follows in the array (the next row, or padding), never mix with other lanes and are never
        // stored. Rows whose last vector would run past the end of the array use the 1-row path,
        // which falls back to scalar code for that vector.
        int fullRows = r1;
        while (fullRows > r0 && cOff + (fullRows - 1) * ldc + nv * V > c.length) {
            fullRows--;
        }
        float[] t = STAGE.get();
        int kcMax = tab != null ? KC_ROWS : KC;
        int blocks = (k + kcMax - 1) / kcMax;
        int kc = (k + blocks - 1) / blocks; // equal blocks: 784 = 4 × 196 rather than 3 × 256 + 16
        for (int p0 = 0; p0 < k; p0 += kc) {
            int kl = Math.min(kc, k - p0);
            for (int b0 = r0; b0 < r1; b0 += RB) {
                int b1 = Math.min(r1, b0 + RB);
                int full = Math.min(b1, fullRows);
                for (int v0 = 0; v0 < nv; ) {
                    int w = panelVectors(nv, v0);
                    int j0 = v0 * V;
                    int cols = Math.min(w * V, n - j0);
                    int bi = k * j0 + p0 * w * V;
                    int i = b0;
                    if (w == 3) {
                        for (; i + 3 <= full; i += 3) {
                            k3x3(kl, a, rowStart(tab, aOff, lda, i) + p0, rowStart(tab, aOff, lda, i + 1) + p0,
                                    rowStart(tab, aOff, lda, i + 2) + p0, panel, bi, c, cOff + i * ldc + j0, ldc, cols, t);
                        }
                    }
                    for (; i + MR <= full && w != 3; i += MR) {
                        int ci = cOff + i * ldc + j0;
                        int a0 = rowStart(tab, aOff, lda, i) + p0, a1 = rowStart(tab, aOff, lda, i + 1) + p0;
                        int a2 = rowStart(tab, aOff, lda, i + 2) + p0, a3 = rowStart(tab, aOff, lda, i + 3) + p0;
                        int a4 = rowStart(tab, aOff, lda, i + 4) + p0, a5 = rowStart(tab, aOff, lda, i + 5) + p0;
                        if (w == 4) {
                            k6x4(kl, a, a0, a1, a2, a3, a4, a5, panel, bi, c, ci, ldc, cols, t);
                        } else if (w == 2) {
                            k6x2(kl, a, a0, a1, a2, a3, a4, a5, panel, bi, c, ci, ldc, cols, t);
                        } else {
                            k6x1(kl, a, a0, a1, a2, a3, a4, a5, panel, bi, c, ci, ldc, cols, t);
                        }
                    }
                    for (; i + 4 <= full && w != 3; i += 4) {
                        int ci = cOff + i * ldc + j0;
                        int a0 = rowStart(tab, aOff, lda, i) + p0, a1 = rowStart(tab, aOff, lda, i + 1) + p0;
                        int a2 = rowStart(tab, aOff, lda, i + 2) + p0, a3 = rowStart(tab, aOff, lda, i + 3) + p0;
                        if (w == 4) {
                            k4x4(kl, a, a0, a1, a2, a3, panel, bi, c, ci, ldc, cols, t);
                        } else if (w == 2) {
                            k4x2(kl, a, a0, a1, a2, a3, panel, bi, c, ci, ldc, cols, t);
                        } else {
                            k4x1(kl, a, a0, a1, a2, a3, panel, bi, c, ci, ldc, cols, t);
                        }
                    }
                    for (; i < b1; i++) {
                        int ai = rowStart(tab, aOff, lda, i) + p0;
                        int ci = cOff + i * ldc + j0;
                        for (int v = 0; v < w; v++) {
                            int cv = ci + v * V;
                            if (cv + V <= c.length) {
                                k1x1(kl, a, ai, panel, bi + v * V, w * V, c, cv, cols - v * V, t);
                            } else {
                                scalarChains(kl, a, ai, panel, bi + v * V, w * V, c, cv, cols - v * V);
                            }
                        }
                    }
                    v0 += w;
                }
            }
        }
    }

    /** Where row i of A starts: through the table, or strided. */
    private static int rowStart(int[] tab, int aOff, int lda, int i) {
        return tab != null ? tab[i] : aOff + i * lda;
    }

    /** 6 rows × 2 vectors of C: 12 accumulators, 2 panel vectors and 1 broadcast (15 of the 16 AVX2 registers). */
    private static void k6x2(int k, float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + V);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + V);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + V);
        FloatVector c30 = FloatVector.fromArray(S, c, r3), c31 = FloatVector.fromArray(S, c, r3 + V);
        FloatVector c40 = FloatVector.fromArray(S, c, r4), c41 = FloatVector.fromArray(S, c, r4 + V);
        FloatVector c50 = FloatVector.fromArray(S, c, r5), c51 = FloatVector.fromArray(S, c, r5 + V);
        for (int p = 0; p < k; p++) {
            int bo = bi + p * (2 * V);
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + V);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        if (cols >= 2 * V) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + V);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + V);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + V);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + V);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + V);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + V);
        } else {
            // Partial last panel: through the staging tile, so no vector is passed to a method
            // (a vector argument of a call the JIT does not inline is boxed: garbage per call).
            c00.intoArray(t, 0);
            c01.intoArray(t, V);
            c10.intoArray(t, 2 * V);
            c11.intoArray(t, 3 * V);
            c20.intoArray(t, 4 * V);
            c21.intoArray(t, 5 * V);
            c30.intoArray(t, 6 * V);
            c31.intoArray(t, 7 * V);
            c40.intoArray(t, 8 * V);
            c41.intoArray(t, 9 * V);
            c50.intoArray(t, 10 * V);
            c51.intoArray(t, 11 * V);
            copyOut(t, 6, 2 * V, c, ci, ldc, cols);
        }
    }

    /** 6 rows × 4 vectors of C where there are 32 vector registers (AVX-512): 24 accumulators, 4 panel vectors and 1 broadcast; a 50-column layer is one panel, so A is read once and every broadcast feeds 4 multiply-adds instead of 2. */
    private static void k6x4(int k, float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + V), c02 = FloatVector.fromArray(S, c, ci + 2 * V), c03 = FloatVector.fromArray(S, c, ci + 3 * V);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + V), c12 = FloatVector.fromArray(S, c, r1 + 2 * V), c13 = FloatVector.fromArray(S, c, r1 + 3 * V);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + V), c22 = FloatVector.fromArray(S, c, r2 + 2 * V), c23 = FloatVector.fromArray(S, c, r2 + 3 * V);
        FloatVector c30 = FloatVector.fromArray(S, c, r3), c31 = FloatVector.fromArray(S, c, r3 + V), c32 = FloatVector.fromArray(S, c, r3 + 2 * V), c33 = FloatVector.fromArray(S, c, r3 + 3 * V);
        FloatVector c40 = FloatVector.fromArray(S, c, r4), c41 = FloatVector.fromArray(S, c, r4 + V), c42 = FloatVector.fromArray(S, c, r4 + 2 * V), c43 = FloatVector.fromArray(S, c, r4 + 3 * V);
        FloatVector c50 = FloatVector.fromArray(S, c, r5), c51 = FloatVector.fromArray(S, c, r5 + V), c52 = FloatVector.fromArray(S, c, r5 + 2 * V), c53 = FloatVector.fromArray(S, c, r5 + 3 * V);
        for (int p = 0; p < k; p++) {
            int bo = bi + p * (4 * V);
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + V);
            FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, pb, bo + 3 * V);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            c53 = x.fma(b3, c53);
        }
        if (cols >= 4 * V) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + V);
            c02.intoArray(c, ci + 2 * V);
            c03.intoArray(c, ci + 3 * V);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + V);
            c12.intoArray(c, r1 + 2 * V);
            c13.intoArray(c, r1 + 3 * V);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + V);
            c22.intoArray(c, r2 + 2 * V);
            c23.intoArray(c, r2 + 3 * V);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + V);
            c32.intoArray(c, r3 + 2 * V);
            c33.intoArray(c, r3 + 3 * V);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + V);
            c42.intoArray(c, r4 + 2 * V);
            c43.intoArray(c, r4 + 3 * V);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + V);
            c52.intoArray(c, r5 + 2 * V);
            c53.intoArray(c, r5 + 3 * V);
        } else {
            c00.intoArray(t, 0);
            c01.intoArray(t, V);
            c02.intoArray(t, 2 * V);
            c03.intoArray(t, 3 * V);
            c10.intoArray(t, 4 * V);
            c11.intoArray(t, 5 * V);
            c12.intoArray(t, 6 * V);
            c13.intoArray(t, 7 * V);
            c20.intoArray(t, 8 * V);
            c21.intoArray(t, 9 * V);
            c22.intoArray(t, 10 * V);
            c23.intoArray(t, 11 * V);
            c30.intoArray(t, 12 * V);
            c31.intoArray(t, 13 * V);
            c32.intoArray(t, 14 * V);
            c33.intoArray(t, 15 * V);
            c40.intoArray(t, 16 * V);
            c41.intoArray(t, 17 * V);
            c42.intoArray(t, 18 * V);
            c43.intoArray(t, 19 * V);
            c50.intoArray(t, 20 * V);
            c51.intoArray(t, 21 * V);
            c52.intoArray(t, 22 * V);
            c53.intoArray(t, 23 * V);
            copyOut(t, 6, 4 * V, c, ci, ldc, cols);
        }
    }

    /** 4 rows × 4 vectors of C, for a 4-row remainder of a 4-vector panel. */
    private static void k4x4(int k, float[] a, int a0, int a1, int a2, int a3,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + V), c02 = FloatVector.fromArray(S, c, ci + 2 * V), c03 = FloatVector.fromArray(S, c, ci + 3 * V);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + V), c12 = FloatVector.fromArray(S, c, r1 + 2 * V), c13 = FloatVector.fromArray(S, c, r1 + 3 * V);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + V), c22 = FloatVector.fromArray(S, c, r2 + 2 * V), c23 = FloatVector.fromArray(S, c, r2 + 3 * V);
        FloatVector c30 = FloatVector.fromArray(S, c, r3), c31 = FloatVector.fromArray(S, c, r3 + V), c32 = FloatVector.fromArray(S, c, r3 + 2 * V), c33 = FloatVector.fromArray(S, c, r3 + 3 * V);
        for (int p = 0; p < k; p++) {
            int bo = bi + p * (4 * V);
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + V);
            FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, pb, bo + 3 * V);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        if (cols >= 4 * V) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + V);
            c02.intoArray(c, ci + 2 * V);
            c03.intoArray(c, ci + 3 * V);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + V);
            c12.intoArray(c, r1 + 2 * V);
            c13.intoArray(c, r1 + 3 * V);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + V);
            c22.intoArray(c, r2 + 2 * V);
            c23.intoArray(c, r2 + 3 * V);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + V);
            c32.intoArray(c, r3 + 2 * V);
            c33.intoArray(c, r3 + 3 * V);
        } else {
            c00.intoArray(t, 0);
            c01.intoArray(t, V);
            c02.intoArray(t, 2 * V);
            c03.intoArray(t, 3 * V);
            c10.intoArray(t, 4 * V);
            c11.intoArray(t, 5 * V);
            c12.intoArray(t, 6 * V);
            c13.intoArray(t, 7 * V);
            c20.intoArray(t, 8 * V);
            c21.intoArray(t, 9 * V);
            c22.intoArray(t, 10 * V);
            c23.intoArray(t, 11 * V);
            c30.intoArray(t, 12 * V);
            c31.intoArray(t, 13 * V);
            c32.intoArray(t, 14 * V);
            c33.intoArray(t, 15 * V);
            copyOut(t, 4, 4 * V, c, ci, ldc, cols);
        }
    }

    /**
     * The driver of the transposed products ({@link #mulPackedTransA}, its samples' offsets in a
     * table, and {@link #mulPackedTransARows}): element (i, p) of Aᵀ is {@code a[pt[p] + i]}, so
     * a tile's six rows are six neighbouring floats of each sample. Blocked as {@link #tiles}; in
     * a single k-block overwriting C (the weight gradient: k is the batch) the main kernels start
     * from zero and the other tiles are zeroed just before theirs, rather than all of C first
     * (zeroing each 6-row tile before its kernel instead cost about 50 µs of a CIFAR step). The 6-row tiles of 1-, 2- and 4-vector panels and
     * the 3-row tiles of a 3-vector one have kernels of their own; other rows (tails) go one row
     * and one vector at a time. Every element is the same fma chain
     * over p as in {@link #tiles}.
     */
    private static void transRowTiles(int r0, int r1, int n, int k,
                                      float[] a, int[] pt,
                                      float[] panel,
                                      float[] c, int cOff, int ldc,
                                      boolean accumulate) {
        boolean fresh = !accumulate && k <= KC;
        if (!accumulate && (!fresh || k == 0)) {
            for (int i = r0; i < r1; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
        }
        if (k == 0) {
            return;
        }
        int nv = paddedCols(n) / V;
        int fullRows = r1;
        while (fullRows > r0 && cOff + (fullRows - 1) * ldc + nv * V > c.length) {
            fullRows--;
        }
        float[] t = STAGE.get();
        int blocks = (k + KC - 1) / KC;
        int kc = (k + blocks - 1) / blocks;
        for (int p0 = 0; p0 < k; p0 += kc) {
            int kl = Math.min(kc, k - p0);
            for (int b0 = r0; b0 < r1; b0 += RB) {
                int b1 = Math.min(r1, b0 + RB);
                int full = Math.min(b1, fullRows);
                for (int v0 = 0; v0 < nv; ) {
                    int w = panelVectors(nv, v0);
                    int j0 = v0 * V;
                    int cols = Math.min(w * V, n - j0);
                    int bi = k * j0 + p0 * w * V;
                    int i = b0;
                    if (w == 3) {
                        for (; i + 3 <= full; i += 3) {
                            int ci = cOff + i * ldc + j0;
                            if (fresh) {
                                zero(c, ci, ldc, 3, cols);
                            }
                            k3x3t(kl, a, pt, p0, i, panel, bi, c, ci, ldc, cols, t);
                        }
                    }
                    for (; i + MR <= full && w != 3; i += MR) {
                        int ci = cOff + i * ldc + j0;
                        if (w == 4) {
                            if (fresh) {
                                k6x4tz(kl, a, pt, p0, i, panel, bi, c, ci, ldc, cols, t);
                            } else {
                                k6x4t(kl, a, pt, p0, i, panel, bi, c, ci, ldc, cols, t);
                            }
                        } else if (w == 2) {
                            if (fresh) {
                                k6x2tz(kl, a, pt, p0, i, panel, bi, c, ci, ldc, cols, t);
                            } else {
                                k6x2t(kl, a, pt, p0, i, panel, bi, c, ci, ldc, cols, t);
                            }
                        } else {
                            if (fresh) {
                                zero(c, ci, ldc, MR, cols);
                            }
                            k6x1t(kl, a, pt, p0, i, panel, bi, c, ci, ldc, cols, t);
                        }
                    }
                    for (; i < b1; i++) {
                        int ci = cOff + i * ldc + j0;
                        if (fresh) {
                            zero(c, ci, ldc, 1, cols);
                        }
                        for (int v = 0; v < w; v++) {
                            int cv = ci + v * V;
                            if (cv + V <= c.length) {
                                k1x1t(kl, a, pt, p0, i, panel, bi + v * V, w * V, c, cv, cols - v * V, t);
                            } else {
                                scalarChainsT(kl, a, pt, p0, i, panel, bi + v * V, w * V, c, cv, cols - v * V);
                            }
                        }
                    }
                    v0 += w;
                }
            }
        }
    }

    /** {@link #k3x3} with sample p of A at {@code a[pt[po + p]]} (a 3-vector last panel). */
    private static void k3x3t(int k, float[] a, int[] pt, int po, int ai,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = r1 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + V), c02 = FloatVector.fromArray(S, c, ci + 2 * V);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + V), c12 = FloatVector.fromArray(S, c, r1 + 2 * V);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + V), c22 = FloatVector.fromArray(S, c, r2 + 2 * V);
        for (int p = 0; p < k; p++) {
            int bo = bi + p * (3 * V);
            int ao = pt[po + p] + ai;
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + V);
            FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * V);
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
        }
        if (cols >= 3 * V) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + V);
            c02.intoArray(c, ci + 2 * V);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + V);
            c12.intoArray(c, r1 + 2 * V);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + V);
            c22.intoArray(c, r2 + 2 * V);
        } else {
            c00.intoArray(t, 0);
            c01.intoArray(t, V);
            c02.intoArray(t, 2 * V);
            c10.intoArray(t, 3 * V);
            c11.intoArray(t, 4 * V);
            c12.intoArray(t, 5 * V);
            c20.intoArray(t, 6 * V);
            c21.intoArray(t, 7 * V);
            c22.intoArray(t, 8 * V);
            copyOut(t, 3, 3 * V, c, ci, ldc, cols);
        }
    }

    /** {@link #k1x1} with sample p of A at {@code a[pt[po + p]]}: one row of C is column {@code ai} of the samples. */
    private static void k1x1t(int k, float[] a, int[] pt, int po, int ai,
                              float[] pb, int bi, int stride,
                              float[] c, int ci, int cols, float[] t) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci);
        for (int p = 0; p < k; p++) {
            c0 = FloatVector.broadcast(S, a[pt[po + p] + ai]).fma(FloatVector.fromArray(S, pb, bi + p * stride), c0);
        }
        if (cols >= V) {
            c0.intoArray(c, ci);
        } else {
            c0.intoArray(t, 0);
            copyOut(t, 1, V, c, ci, 0, cols);
        }
    }

    /** The same fma chains as {@link #k1x1t} for the {@code valid} columns, one scalar at a time. */
    private static void scalarChainsT(int k, float[] a, int[] pt, int po, int ai,
                                      float[] pb, int bi, int stride,
                                      float[] c, int ci, int valid) {
        for (int l = 0; l < valid; l++) {
            float x = c[ci + l];
            for (int p = 0; p < k; p++) {
                x = Math.fma(a[pt[po + p] + ai], pb[bi + p * stride + l], x);
            }
            c[ci + l] = x;
        }
    }

    /**
     * 6 rows × 4 vectors of C = Aᵀ·P with sample p of A at {@code a[pt[po + p]]}: C's rows are six
     * neighbouring columns {@code ai…ai+5} of each sample (as {@link #k6x4}).
     */
    private static void k6x4t(int k, float[] a, int[] pt, int po, int ai,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + V), c02 = FloatVector.fromArray(S, c, ci + 2 * V), c03 = FloatVector.fromArray(S, c, ci + 3 * V);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + V), c12 = FloatVector.fromArray(S, c, r1 + 2 * V), c13 = FloatVector.fromArray(S, c, r1 + 3 * V);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + V), c22 = FloatVector.fromArray(S, c, r2 + 2 * V), c23 = FloatVector.fromArray(S, c, r2 + 3 * V);
        FloatVector c30 = FloatVector.fromArray(S, c, r3), c31 = FloatVector.fromArray(S, c, r3 + V), c32 = FloatVector.fromArray(S, c, r3 + 2 * V), c33 = FloatVector.fromArray(S, c, r3 + 3 * V);
        FloatVector c40 = FloatVector.fromArray(S, c, r4), c41 = FloatVector.fromArray(S, c, r4 + V), c42 = FloatVector.fromArray(S, c, r4 + 2 * V), c43 = FloatVector.fromArray(S, c, r4 + 3 * V);
        FloatVector c50 = FloatVector.fromArray(S, c, r5), c51 = FloatVector.fromArray(S, c, r5 + V), c52 = FloatVector.fromArray(S, c, r5 + 2 * V), c53 = FloatVector.fromArray(S, c, r5 + 3 * V);
        for (int p = 0; p < k; p++) {
            int bo = bi + p * (4 * V);
            int ao = pt[po + p] + ai;
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + V);
            FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, pb, bo + 3 * V);
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            c53 = x.fma(b3, c53);
        }
        if (cols >= 4 * V) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + V);
            c02.intoArray(c, ci + 2 * V);
            c03.intoArray(c, ci + 3 * V);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + V);
            c12.intoArray(c, r1 + 2 * V);
            c13.intoArray(c, r1 + 3 * V);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + V);
            c22.intoArray(c, r2 + 2 * V);
            c23.intoArray(c, r2 + 3 * V);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + V);
            c32.intoArray(c, r3 + 2 * V);
            c33.intoArray(c, r3 + 3 * V);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + V);
            c42.intoArray(c, r4 + 2 * V);
            c43.intoArray(c, r4 + 3 * V);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + V);
            c52.intoArray(c, r5 + 2 * V);
            c53.intoArray(c, r5 + 3 * V);
        } else {
            c00.intoArray(t, 0);
            c01.intoArray(t, V);
            c02.intoArray(t, 2 * V);
            c03.intoArray(t, 3 * V);
            c10.intoArray(t, 4 * V);
            c11.intoArray(t, 5 * V);
            c12.intoArray(t, 6 * V);
            c13.intoArray(t, 7 * V);
            c20.intoArray(t, 8 * V);
            c21.intoArray(t, 9 * V);
            c22.intoArray(t, 10 * V);
            c23.intoArray(t, 11 * V);
            c30.intoArray(t, 12 * V);
            c31.intoArray(t, 13 * V);
            c32.intoArray(t, 14 * V);
            c33.intoArray(t, 15 * V);
            c40.intoArray(t, 16 * V);
            c41.intoArray(t, 17 * V);
            c42.intoArray(t, 18 * V);
            c43.intoArray(t, 19 * V);
            c50.intoArray(t, 20 * V);
            c51.intoArray(t, 21 * V);
            c52.intoArray(t, 22 * V);
            c53.intoArray(t, 23 * V);
            copyOut(t, 6, 4 * V, c, ci, ldc, cols);
        }
    }

    /** {@link #k6x4t} starting from zero instead of C (a single k-block overwriting C). */
    private static void k6x4tz(int k, float[] a, int[] pt, int po, int ai,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S), c53 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            int bo = bi + p * (4 * V);
            int ao = pt[po + p] + ai;
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + V);
            FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, pb, bo + 3 * V);
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            c53 = x.fma(b3, c53);
        }
        if (cols >= 4 * V) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + V);
            c02.intoArray(c, ci + 2 * V);
            c03.intoArray(c, ci + 3 * V);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + V);
            c12.intoArray(c, r1 + 2 * V);
            c13.intoArray(c, r1 + 3 * V);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + V);
            c22.intoArray(c, r2 + 2 * V);
            c23.intoArray(c, r2 + 3 * V);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + V);
            c32.intoArray(c, r3 + 2 * V);
            c33.intoArray(c, r3 + 3 * V);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + V);
            c42.intoArray(c, r4 + 2 * V);
            c43.intoArray(c, r4 + 3 * V);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + V);
            c52.intoArray(c, r5 + 2 * V);
            c53.intoArray(c, r5 + 3 * V);
        } else {
            c00.intoArray(t, 0);
            c01.intoArray(t, V);
            c02.intoArray(t, 2 * V);
            c03.intoArray(t, 3 * V);
            c10.intoArray(t, 4 * V);
            c11.intoArray(t, 5 * V);
            c12.intoArray(t, 6 * V);
            c13.intoArray(t, 7 * V);
            c20.intoArray(t, 8 * V);
            c21.intoArray(t, 9 * V);
            c22.intoArray(t, 10 * V);
            c23.intoArray(t, 11 * V);
            c30.intoArray(t, 12 * V);
            c31.intoArray(t, 13 * V);
            c32.intoArray(t, 14 * V);
            c33.intoArray(t, 15 * V);
            c40.intoArray(t, 16 * V);
            c41.intoArray(t, 17 * V);
            c42.intoArray(t, 18 * V);
            c43.intoArray(t, 19 * V);
            c50.intoArray(t, 20 * V);
            c51.intoArray(t, 21 * V);
            c52.intoArray(t, 22 * V);
            c53.intoArray(t, 23 * V);
            copyOut(t, 6, 4 * V, c, ci, ldc, cols);
        }
    }

    /** {@link #k6x2t} starting from zero instead of C. */
    private static void k6x2tz(int k, float[] a, int[] pt, int po, int ai,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            int bo = bi + p * (2 * V);
            int ao = pt[po + p] + ai;
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + V);
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        if (cols >= 2 * V) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + V);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + V);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + V);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + V);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + V);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + V);
        } else {
            c00.intoArray(t, 0);
            c01.intoArray(t, V);
            c10.intoArray(t, 2 * V);
            c11.intoArray(t, 3 * V);
            c20.intoArray(t, 4 * V);
            c21.intoArray(t, 5 * V);
            c30.intoArray(t, 6 * V);
            c31.intoArray(t, 7 * V);
            c40.intoArray(t, 8 * V);
            c41.intoArray(t, 9 * V);
            c50.intoArray(t, 10 * V);
            c51.intoArray(t, 11 * V);
            copyOut(t, 6, 2 * V, c, ci, ldc, cols);
        }
    }

    /** {@link #k6x4t} for a single-vector panel (as {@link #k6x1}). */
    private static void k6x1t(int k, float[] a, int[] pt, int po, int ai,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci);
        FloatVector c10 = FloatVector.fromArray(S, c, r1);
        FloatVector c20 = FloatVector.fromArray(S, c, r2);
        FloatVector c30 = FloatVector.fromArray(S, c, r3);
        FloatVector c40 = FloatVector.fromArray(S, c, r4);
        FloatVector c50 = FloatVector.fromArray(S, c, r5);
        for (int p = 0; p < k; p++) {
            int bo = bi + p * (1 * V);
            int ao = pt[po + p] + ai;
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            c00 = x.fma(b0, c00);
            x = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x.fma(b0, c10);
            x = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x.fma(b0, c20);
            x = FloatVector.broadcast(S, a[ao + 3]);
            c30 = x.fma(b0, c30);
            x = FloatVector.broadcast(S, a[ao + 4]);
            c40 = x.fma(b0, c40);
            x = FloatVector.broadcast(S, a[ao + 5]);
            c50 = x.fma(b0, c50);
        }
        if (cols >= 1 * V) {
            c00.intoArray(c, ci);
            c10.intoArray(c, r1);
            c20.intoArray(c, r2);
            c30.intoArray(c, r3);
            c40.intoArray(c, r4);
            c50.intoArray(c, r5);
        } else {
            c00.intoArray(t, 0);
            c10.intoArray(t, V);
            c20.intoArray(t, 2 * V);
            c30.intoArray(t, 3 * V);
            c40.intoArray(t, 4 * V);
            c50.intoArray(t, 5 * V);
            copyOut(t, 6, 1 * V, c, ci, ldc, cols);
        }
    }

    /** {@link #k6x4t} for a 2-vector panel (as {@link #k6x2}). */
    private static void k6x2t(int k, float[] a, int[] pt, int po, int ai,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + V);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + V);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + V);
        FloatVector c30 = FloatVector.fromArray(S, c, r3), c31 = FloatVector.fromArray(S, c, r3 + V);
        FloatVector c40 = FloatVector.fromArray(S, c, r4), c41 = FloatVector.fromArray(S, c, r4 + V);
        FloatVector c50 = FloatVector.fromArray(S, c, r5), c51 = FloatVector.fromArray(S, c, r5 + V);
        for (int p = 0; p < k; p++) {
            int bo = bi + p * (2 * V);
            int ao = pt[po + p] + ai;
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + V);
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        if (cols >= 2 * V) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + V);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + V);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + V);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + V);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + V);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + V);
        } else {
            c00.intoArray(t, 0);
            c01.intoArray(t, V);
            c10.intoArray(t, 2 * V);
            c11.intoArray(t, 3 * V);
            c20.intoArray(t, 4 * V);
            c21.intoArray(t, 5 * V);
            c30.intoArray(t, 6 * V);
            c31.intoArray(t, 7 * V);
            c40.intoArray(t, 8 * V);
            c41.intoArray(t, 9 * V);
            c50.intoArray(t, 10 * V);
            c51.intoArray(t, 11 * V);
            copyOut(t, 6, 2 * V, c, ci, ldc, cols);
        }
    }

    /** Zeroes a rows × cols region of C (before a kernel that starts from C, in a fresh product). */
    private static void zero(float[] c, int ci, int ldc, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(c, ci + r * ldc, ci + r * ldc + cols, 0f);
        }
    }

    /** 6 rows × 1 vector of C, for the last panel when the vector count is odd. */
    private static void k6x1(int k, float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector c0 = FloatVector.fromArray(S, c, ci);
        FloatVector c1 = FloatVector.fromArray(S, c, r1);
        FloatVector c2 = FloatVector.fromArray(S, c, r2);
        FloatVector c3 = FloatVector.fromArray(S, c, r3);
        FloatVector c4 = FloatVector.fromArray(S, c, r4);
        FloatVector c5 = FloatVector.fromArray(S, c, r5);
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bi + p * V);
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + p]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + p]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + p]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + p]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + p]).fma(b0, c5);
        }
        if (cols >= V) {
            c0.intoArray(c, ci);
            c1.intoArray(c, r1);
            c2.intoArray(c, r2);
            c3.intoArray(c, r3);
            c4.intoArray(c, r4);
            c5.intoArray(c, r5);
        } else {
            c0.intoArray(t, 0);
            c1.intoArray(t, V);
            c2.intoArray(t, 2 * V);
            c3.intoArray(t, 3 * V);
            c4.intoArray(t, 4 * V);
            c5.intoArray(t, 5 * V);
            copyOut(t, 6, V, c, ci, ldc, cols);
        }
    }

    /** 3 rows × 3 vectors of C, for a 3-vector last panel: 9 accumulators, 3 panel vectors and 1 broadcast. */
    private static void k3x3(int k, float[] a, int a0, int a1, int a2,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = r1 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + V), c02 = FloatVector.fromArray(S, c, ci + 2 * V);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + V), c12 = FloatVector.fromArray(S, c, r1 + 2 * V);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + V), c22 = FloatVector.fromArray(S, c, r2 + 2 * V);
        for (int p = 0; p < k; p++) {
            int bo = bi + p * (3 * V);
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + V);
            FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * V);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
        }
        if (cols >= 3 * V) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + V);
            c02.intoArray(c, ci + 2 * V);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + V);
            c12.intoArray(c, r1 + 2 * V);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + V);
            c22.intoArray(c, r2 + 2 * V);
        } else {
            c00.intoArray(t, 0);
            c01.intoArray(t, V);
            c02.intoArray(t, 2 * V);
            c10.intoArray(t, 3 * V);
            c11.intoArray(t, 4 * V);
            c12.intoArray(t, 5 * V);
            c20.intoArray(t, 6 * V);
            c21.intoArray(t, 7 * V);
            c22.intoArray(t, 8 * V);
            copyOut(t, 3, 3 * V, c, ci, ldc, cols);
        }
    }

    /** 4 rows × 2 vectors of C, for a 4-row remainder (100 = 16 × 6 + 4). */
    private static void k4x2(int k, float[] a, int a0, int a1, int a2, int a3,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + V);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + V);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + V);
        FloatVector c30 = FloatVector.fromArray(S, c, r3), c31 = FloatVector.fromArray(S, c, r3 + V);
        for (int p = 0; p < k; p++) {
            int bo = bi + p * (2 * V);
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + V);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        if (cols >= 2 * V) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + V);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + V);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + V);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + V);
        } else {
            c00.intoArray(t, 0);
            c01.intoArray(t, V);
            c10.intoArray(t, 2 * V);
            c11.intoArray(t, 3 * V);
            c20.intoArray(t, 4 * V);
            c21.intoArray(t, 5 * V);
            c30.intoArray(t, 6 * V);
            c31.intoArray(t, 7 * V);
            copyOut(t, 4, 2 * V, c, ci, ldc, cols);
        }
    }

    /** 4 rows × 1 vector of C. */
    private static void k4x1(int k, float[] a, int a0, int a1, int a2, int a3,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci);
        FloatVector c1 = FloatVector.fromArray(S, c, ci + ldc);
        FloatVector c2 = FloatVector.fromArray(S, c, ci + 2 * ldc);
        FloatVector c3 = FloatVector.fromArray(S, c, ci + 3 * ldc);
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bi + p * V);
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + p]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + p]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + p]).fma(b0, c3);
        }
        if (cols >= V) {
            c0.intoArray(c, ci);
            c1.intoArray(c, ci + ldc);
            c2.intoArray(c, ci + 2 * ldc);
            c3.intoArray(c, ci + 3 * ldc);
        } else {
            c0.intoArray(t, 0);
            c1.intoArray(t, V);
            c2.intoArray(t, 2 * V);
            c3.intoArray(t, 3 * V);
            copyOut(t, 4, V, c, ci, ldc, cols);
        }
    }

    /**
     * One row × one vector of C for row tails; {@code stride} is the panel width in floats. Same
     * fma chain per element as the 4-row kernels, so a row's result does not depend on which
     * kernel computed it.
     */
    private static void k1x1(int k, float[] a, int ai,
                             float[] pb, int bi, int stride,
                             float[] c, int ci, int cols, float[] t) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci);
        for (int p = 0; p < k; p++) {
            c0 = FloatVector.broadcast(S, a[ai + p]).fma(FloatVector.fromArray(S, pb, bi + p * stride), c0);
        }
        if (cols >= V) {
            c0.intoArray(c, ci);
        } else {
            c0.intoArray(t, 0);
            copyOut(t, 1, V, c, ci, 0, cols);
        }
    }

    /** The same fma chains as {@link #k1x1} for the {@code valid} columns, one scalar at a time. */
    private static void scalarChains(int k, float[] a, int ai,
                                     float[] pb, int bi, int stride,
                                     float[] c, int ci, int valid) {
        for (int l = 0; l < valid; l++) {
            float x = c[ci + l];
            for (int p = 0; p < k; p++) {
                x = Math.fma(a[ai + p], pb[bi + p * stride + l], x);
            }
            c[ci + l] = x;
        }
    }

    /**
     * Copies the first {@code cols} columns of a {@code rows × width} staging tile to C. Partial
     * vectors go through staging: JDK 17 compiles a masked store (on AVX2) or a lane-by-lane read
     * into code that boxes the vector, one allocation per call, and only C's region may be written
     * (other threads may own what follows it).
     */
    private static void copyOut(float[] t, int rows, int width, float[] c, int ci, int ldc, int cols) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(t, r * width, c, ci + r * ldc, cols);
        }
    }

    /** Per thread, the sample offsets of a strided {@link #mulPackedTransA}; grown to the largest k seen. */
    private static final ThreadLocal<int[]> SAMPLES = ThreadLocal.withInitial(() -> new int[0]);

    /** One tile of staging per thread (6 rows × 4 vectors), allocated on the thread's first product only. */
    private static final ThreadLocal<float[]> STAGE = ThreadLocal.withInitial(() -> new float[MR * 4 * V]);

    static void checkRows(int r0, int r1) {
        if (r0 < 0 || r1 < r0) {
            throw new IllegalArgumentException("bad row range [" + r0 + ", " + r1 + ")");
        }
    }

    /** Fails fast, before any write, when a rows×cols region with leading dimension ld leaves x. */
    static void checkRegion(String name, float[] x, int off, int ld, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(name + ": negative shape " + rows + "×" + cols);
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        if (ld < cols && rows > 1) {
            throw new IllegalArgumentException(name + ": leading dimension " + ld + " < columns " + cols);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length) {
            throw new IndexOutOfBoundsException(name + ": region " + rows + "×" + cols + " at offset " + off
                    + " (ld " + ld + ") exceeds array of " + x.length);
        }
    }

    static void checkLength(String name, float[] x, int needed) {
        if (x.length < needed) {
            throw new IllegalArgumentException(name + " holds " + x.length + " floats, needs " + needed);
        }
    }
}
