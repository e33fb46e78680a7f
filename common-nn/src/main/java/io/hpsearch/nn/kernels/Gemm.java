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
 * a layer then need no transposed copy kept by the caller.
 *
 * <h2>How it works</h2>
 * B (or Bᵀ) is first packed into a panel buffer ({@link #packB}/{@link #packBt}): column panels of
 * 1–3 vectors width, each stored k × width contiguously and zero-padded to whole vectors. This makes
 * the inner loop of every product the same contiguous, unit-stride stream regardless of how B was
 * stored, and removes column tails from the inner loop (only the final store is partial). Packing
 * costs k·n copies against m·k·n multiply-adds, about 1 % at m = 100. The micro-kernel keeps a 4-row
 * × 3-vector block of C in registers (12 accumulators + 3 B vectors + 1 broadcast = the 16 AVX2
 * registers); k is processed in blocks of at most {@link #KC} for cache reuse (see {@code tiles}).
 *
 * <h2>Row blocks and determinism</h2>
 * {@link #mulPacked} and {@link #mulPackedTransA} compute only rows {@code [r0, r1)} of C from a
 * packed B that several threads may share read-only. Every element of C is computed as one chain
 * of {@code fma} over p = 0, 1, …, k−1 in that order, starting from zero (overwrite) or from the old
 * C value (accumulate), whichever kernel (4-row tile or 1-row tail) handles its row and however k
 * is blocked. The result is
 * therefore bit-identical for every split of the rows into blocks, and for any number of threads.
 * Lanes are independent columns, so the result does not depend on the vector width either.
 *
 * <p>Hot loops are small methods called once per 4-row tile so that the JIT compiles them as
 * ordinary methods (an on-stack-replaced loop runs many times slower).
 */
public final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector on this machine (8 for AVX2, 16 for AVX-512). */
    public static final int V = S.length();
    /** Rows of C per micro-kernel call. */
    static final int MR = 4;
    /**
     * Largest block of k per pass: a 4-row tile of A (4 × 256 floats) stays in L1 and a block of
     * every panel (256 × 56 floats for n = 50 on AVX2) in L2.
     */
    static final int KC = 256;

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
     * Width, in vectors, of the column panel that starts at vector {@code v} of {@code nv}. Prefers
     * three vectors (the register budget), but splits a remainder of four as 2 + 2 rather than
     * 3 + 1, because a 1-vector panel needs a load per multiply-add and runs at half speed.
     */
    static int panelVectors(int nv, int v) {
        int rest = nv - v;
        if (rest == 4) {
            return 2;
        }
        return Math.min(rest, 3);
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
            for (int p = p0; p < p1; p++) {
                int dst = base + p * width;
                System.arraycopy(b, bOff + p * ldb + j0, panel, dst, cols);
                for (int t = cols; t < width; t++) {
                    panel[dst + t] = 0f;
                }
            }
            v0 += w;
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
        tiles(r0, r1, n, k, a, aOff, lda, 1, panel, c, cOff, ldc, accumulate);
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
        // Element (i, p) of Aᵀ is at aOff + i + p*lda: row stride 1, column stride lda.
        tiles(r0, r1, n, k, a, aOff, 1, lda, panel, c, cOff, ldc, accumulate);
    }

    /**
     * Drives the micro-kernels: A element (i, p) of the left operand is at {@code aOff + i*ars +
     * p*acs}. k is cut into blocks of at most {@link #KC} so that a block of every panel stays in
     * L2 while it is reused by all row tiles; within a block, a 4-row tile of A (at most
     * 4 × KC floats) stays in L1 while it meets each panel in turn, so A is read from memory once
     * (A itself can be megabytes: 1000 × 784 for evaluation, 100 × 3072 for CIFAR).
     *
     * <p>C is zeroed first unless accumulating, and every block starts its accumulators from the C
     * the previous block stored, so every element is the same single fma chain as without
     * blocking: the block size does not change a bit of the result.
     */
    private static void tiles(int r0, int r1, int n, int k,
                              float[] a, int aOff, int ars, int acs,
                              float[] panel,
                              float[] c, int cOff, int ldc,
                              boolean accumulate) {
        if (k == 0) {
            // An empty sum: C = 0 (or unchanged when accumulating).
            if (!accumulate) {
                for (int i = r0; i < r1; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        int nv = paddedCols(n) / V;
        if (!accumulate) {
            // The kernels always start from C (so that k-blocks continue one fma chain without a
            // branch between a zero and a loaded start, which defeats the JIT's vector unboxing).
            for (int i = r0; i < r1; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
        }
        // Kernels load and compute whole vectors; the lanes past column n are read from whatever
        // follows in the array (the next row, or padding), never mix with other lanes and are never
        // stored. Rows whose last vector would run past the end of the array use the 1-row path,
        // which falls back to scalar code for that vector.
        int fullRows = r1;
        while (fullRows > r0 && cOff + (fullRows - 1) * ldc + nv * V > c.length) {
            fullRows--;
        }
        int blocks = (k + KC - 1) / KC;
        int kc = (k + blocks - 1) / blocks; // equal blocks: 784 = 4 × 196 rather than 3 × 256 + 16
        for (int p0 = 0; p0 < k; p0 += kc) {
            int kl = Math.min(kc, k - p0);
            int i = r0;
            for (; i + MR <= fullRows; i += MR) {
                rowTile(MR, nv, k, kl, a, aOff + i * ars + p0 * acs, ars, acs, panel, p0, c, cOff + i * ldc, ldc, n);
            }
            for (; i < r1; i++) {
                rowTile(1, nv, k, kl, a, aOff + i * ars + p0 * acs, ars, acs, panel, p0, c, cOff + i * ldc, ldc, n);
            }
        }
    }

    /** One tile of {@code rows} (4 or 1) rows of C against every panel, for k-block {@code [p0, p0+kl)}. */
    private static void rowTile(int rows, int nv, int k, int kl, float[] a, int ai, int ars, int acs,
                                float[] panel, int p0, float[] c, int ci, int ldc, int n) {
        float[] t = STAGE.get();
        for (int v0 = 0; v0 < nv; ) {
            int w = panelVectors(nv, v0);
            int j0 = v0 * V;
            int cols = Math.min(w * V, n - j0);
            int bi = k * j0 + p0 * w * V;
            if (rows == MR) {
                switch (w) {
                    case 3 -> k4x3(kl, a, ai, ars, acs, panel, bi, c, ci + j0, ldc, cols, t);
                    case 2 -> k4x2(kl, a, ai, ars, acs, panel, bi, c, ci + j0, ldc, cols, t);
                    default -> k4x1(kl, a, ai, ars, acs, panel, bi, c, ci + j0, ldc, cols, t);
                }
            } else {
                for (int v = 0; v < w; v++) {
                    int cv = ci + j0 + v * V;
                    if (cv + V <= c.length) {
                        k1x1(kl, a, ai, acs, panel, bi + v * V, w * V, c, cv, cols - v * V, t);
                    } else {
                        scalarChains(kl, a, ai, acs, panel, bi + v * V, w * V, c, cv, cols - v * V);
                    }
                }
            }
            v0 += w;
        }
    }

    private static void k4x3(int k, float[] a, int ai, int ars, int acs,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + V), c02 = FloatVector.fromArray(S, c, ci + 2 * V);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + V), c12 = FloatVector.fromArray(S, c, r1 + 2 * V);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + V), c22 = FloatVector.fromArray(S, c, r2 + 2 * V);
        FloatVector c30 = FloatVector.fromArray(S, c, r3), c31 = FloatVector.fromArray(S, c, r3 + V), c32 = FloatVector.fromArray(S, c, r3 + 2 * V);
        int a0 = ai, a1 = ai + ars, a2 = ai + 2 * ars, a3 = ai + 3 * ars;
        for (int p = 0; p < k; p++) {
            int bo = bi + p * (3 * V);
            int ao = p * acs;
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + V);
            FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * V);
            FloatVector x = FloatVector.broadcast(S, a[a0 + ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + ao]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a2 + ao]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[a3 + ao]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
        }
        put(c00, c, ci, cols, t);
        put(c01, c, ci + V, cols - V, t);
        put(c02, c, ci + 2 * V, cols - 2 * V, t);
        put(c10, c, r1, cols, t);
        put(c11, c, r1 + V, cols - V, t);
        put(c12, c, r1 + 2 * V, cols - 2 * V, t);
        put(c20, c, r2, cols, t);
        put(c21, c, r2 + V, cols - V, t);
        put(c22, c, r2 + 2 * V, cols - 2 * V, t);
        put(c30, c, r3, cols, t);
        put(c31, c, r3 + V, cols - V, t);
        put(c32, c, r3 + 2 * V, cols - 2 * V, t);
    }

    private static void k4x2(int k, float[] a, int ai, int ars, int acs,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        int r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + V);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + V);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + V);
        FloatVector c30 = FloatVector.fromArray(S, c, r3), c31 = FloatVector.fromArray(S, c, r3 + V);
        int a0 = ai, a1 = ai + ars, a2 = ai + 2 * ars, a3 = ai + 3 * ars;
        for (int p = 0; p < k; p++) {
            int bo = bi + p * (2 * V);
            int ao = p * acs;
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + V);
            FloatVector x = FloatVector.broadcast(S, a[a0 + ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + ao]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + ao]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + ao]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        put(c00, c, ci, cols, t);
        put(c01, c, ci + V, cols - V, t);
        put(c10, c, r1, cols, t);
        put(c11, c, r1 + V, cols - V, t);
        put(c20, c, r2, cols, t);
        put(c21, c, r2 + V, cols - V, t);
        put(c30, c, r3, cols, t);
        put(c31, c, r3 + V, cols - V, t);
    }

    private static void k4x1(int k, float[] a, int ai, int ars, int acs,
                             float[] pb, int bi,
                             float[] c, int ci, int ldc, int cols, float[] t) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci);
        FloatVector c1 = FloatVector.fromArray(S, c, ci + ldc);
        FloatVector c2 = FloatVector.fromArray(S, c, ci + 2 * ldc);
        FloatVector c3 = FloatVector.fromArray(S, c, ci + 3 * ldc);
        int a0 = ai, a1 = ai + ars, a2 = ai + 2 * ars, a3 = ai + 3 * ars;
        for (int p = 0; p < k; p++) {
            int ao = p * acs;
            FloatVector b0 = FloatVector.fromArray(S, pb, bi + p * V);
            c0 = FloatVector.broadcast(S, a[a0 + ao]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + ao]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + ao]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + ao]).fma(b0, c3);
        }
        put(c0, c, ci, cols, t);
        put(c1, c, ci + ldc, cols, t);
        put(c2, c, ci + 2 * ldc, cols, t);
        put(c3, c, ci + 3 * ldc, cols, t);
    }

    /**
     * One row × one vector of C for row tails; {@code stride} is the panel width in floats. Same
     * fma chain per element as the 4-row kernels, so a row's result does not depend on which
     * kernel computed it.
     */
    private static void k1x1(int k, float[] a, int ai, int acs,
                             float[] pb, int bi, int stride,
                             float[] c, int ci, int cols, float[] t) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci);
        for (int p = 0; p < k; p++) {
            c0 = FloatVector.broadcast(S, a[ai + p * acs]).fma(FloatVector.fromArray(S, pb, bi + p * stride), c0);
        }
        put(c0, c, ci, cols, t);
    }

    /** The same fma chains as {@link #k1x1} for the {@code valid} columns, one scalar at a time. */
    private static void scalarChains(int k, float[] a, int ai, int acs,
                                     float[] pb, int bi, int stride,
                                     float[] c, int ci, int valid) {
        for (int l = 0; l < valid; l++) {
            float x = c[ci + l];
            for (int p = 0; p < k; p++) {
                x = Math.fma(a[ai + p * acs], pb[bi + p * stride + l], x);
            }
            c[ci + l] = x;
        }
    }

    /**
     * Stores the first {@code valid} lanes of {@code x} (all when {@code valid >= V}). A partial
     * vector goes through the calling thread's staging array {@code t}: JDK 17 compiles a masked
     * store (on AVX2) or a lane-by-lane read into code that boxes the vector, one allocation per
     * call, and only the region may be written (other threads may own what follows it).
     */
    private static void put(FloatVector x, float[] c, int idx, int valid, float[] t) {
        if (valid >= V) {
            x.intoArray(c, idx);
        } else if (valid > 0) {
            x.intoArray(t, 0);
            System.arraycopy(t, 0, c, idx, valid);
        }
    }

    /** One vector of staging per thread, allocated on the thread's first product only. */
    private static final ThreadLocal<float[]> STAGE = ThreadLocal.withInitial(() -> new float[V]);

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
