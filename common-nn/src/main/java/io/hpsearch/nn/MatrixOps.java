package io.hpsearch.nn;

import org.ejml.data.DMatrixRMaj;

/**
 * The three matrix products of a dense layer, written as plain loops with a fixed summation order.
 *
 * <p>Matrices are row-major, one sample per row. Each output element is accumulated over its
 * reduction index in increasing order, by one thread, whatever the row split: results do not
 * depend on the number of threads. The inner loops are contiguous multiply-adds ("axpy") that C2
 * turns into vector instructions, which is fast enough for the reference network without a BLAS.
 */
public final class MatrixOps {
    private MatrixOps() {
    }

    /**
     * {@code out = a · w + bias} with {@code a} n×in, {@code w} in×m, {@code bias} 1×m or null.
     * out[i][j] = bias[j] + Σ_k a[i][k]·w[k][j], summed in increasing k.
     */
    public static void affine(RowExecutor ex, DMatrixRMaj a, DMatrixRMaj w, DMatrixRMaj bias, DMatrixRMaj out) {
        int n = a.numRows, in = a.numCols, m = w.numCols;
        if (w.numRows != in) throw new IllegalArgumentException("a is " + n + "×" + in + ", w is " + w.numRows + "×" + m);
        out.reshape(n, m);
        double[] ad = a.data, wd = w.data, od = out.data;
        double[] bd = bias == null ? null : bias.data;
        ex.forRows(n, (long) n * in * m, (from, to) -> {
            int i = from;
            // Two samples at a time share the loads of W's rows; each output element still gets
            // its terms added one after the other in increasing k, bit-identical to the plain loop.
            for (; i + 1 < to; i += 2) {
                int o0 = i * m, o1 = o0 + m;
                initRow(od, o0, bd, m);
                initRow(od, o1, bd, m);
                int r0 = i * in, r1 = r0 + in;
                int k = 0;
                for (; k + 3 < in; k += 4) {
                    double a0 = ad[r0 + k], a1 = ad[r0 + k + 1], a2 = ad[r0 + k + 2], a3 = ad[r0 + k + 3];
                    double c0 = ad[r1 + k], c1 = ad[r1 + k + 1], c2 = ad[r1 + k + 2], c3 = ad[r1 + k + 3];
                    int w0 = k * m, w1 = w0 + m, w2 = w1 + m, w3 = w2 + m;
                    for (int j = 0; j < m; j++) {
                        double v0 = wd[w0 + j], v1 = wd[w1 + j], v2 = wd[w2 + j], v3 = wd[w3 + j];
                        od[o0 + j] = od[o0 + j] + a0 * v0 + a1 * v1 + a2 * v2 + a3 * v3;
                        od[o1 + j] = od[o1 + j] + c0 * v0 + c1 * v1 + c2 * v2 + c3 * v3;
                    }
                }
                for (; k < in; k++) {
                    double x = ad[r0 + k], c = ad[r1 + k];
                    int wrow = k * m;
                    for (int j = 0; j < m; j++) {
                        od[o0 + j] += x * wd[wrow + j];
                        od[o1 + j] += c * wd[wrow + j];
                    }
                }
            }
            for (; i < to; i++) {
                int o = i * m;
                initRow(od, o, bd, m);
                int arow = i * in;
                for (int k = 0; k < in; k++) {
                    double aik = ad[arow + k];
                    int wrow = k * m;
                    for (int j = 0; j < m; j++) {
                        od[o + j] += aik * wd[wrow + j];
                    }
                }
            }
        });
    }

    private static void initRow(double[] od, int o, double[] bias, int m) {
        if (bias == null) {
            java.util.Arrays.fill(od, o, o + m, 0.0);
        } else {
            System.arraycopy(bias, 0, od, o, m);
        }
    }

    /**
     * {@code out = aᵀ · g} with {@code a} n×in, {@code g} n×m, out in×m (the weight gradient).
     * out[k][j] = Σ_i a[i][k]·g[i][j], summed in increasing i; split over the rows k of out.
     */
    public static void transposeTimes(RowExecutor ex, DMatrixRMaj a, DMatrixRMaj g, DMatrixRMaj out) {
        int n = a.numRows, in = a.numCols, m = g.numCols;
        if (g.numRows != n) throw new IllegalArgumentException("a has " + n + " rows, g has " + g.numRows);
        out.reshape(in, m);
        double[] ad = a.data, gd = g.data, od = out.data;
        ex.forRows(in, (long) n * in * m, (from, to) -> {
            java.util.Arrays.fill(od, from * m, to * m, 0.0);
            // Blocks of output rows small enough to stay in L1 while all samples stream past.
            int block = Math.max(1, TRANSPOSE_BLOCK_ELEMENTS / Math.max(1, m));
            for (int k0 = from; k0 < to; k0 += block) {
                transposeTimesBlock(ad, gd, od, n, in, m, k0, Math.min(to, k0 + block));
            }
        });
    }

    /** Output rows per block × columns: 32 KB of doubles, about an L1 data cache. */
    private static final int TRANSPOSE_BLOCK_ELEMENTS = 4096;

    private static void transposeTimesBlock(double[] ad, double[] gd, double[] od, int n, int in, int m, int from, int to) {
        int i = 0;
        // Four samples at a time, added in sample order: bit-identical to one at a time.
        for (; i + 3 < n; i += 4) {
            int a0 = i * in, a1 = a0 + in, a2 = a1 + in, a3 = a2 + in;
            int g0 = i * m, g1 = g0 + m, g2 = g1 + m, g3 = g2 + m;
            int k = from;
            // Two output rows at a time share the loads of the four rows of g.
            for (; k + 1 < to; k += 2) {
                double x0 = ad[a0 + k], x1 = ad[a1 + k], x2 = ad[a2 + k], x3 = ad[a3 + k];
                double y0 = ad[a0 + k + 1], y1 = ad[a1 + k + 1], y2 = ad[a2 + k + 1], y3 = ad[a3 + k + 1];
                int o0 = k * m, o1 = o0 + m;
                for (int j = 0; j < m; j++) {
                    double h0 = gd[g0 + j], h1 = gd[g1 + j], h2 = gd[g2 + j], h3 = gd[g3 + j];
                    od[o0 + j] = od[o0 + j] + x0 * h0 + x1 * h1 + x2 * h2 + x3 * h3;
                    od[o1 + j] = od[o1 + j] + y0 * h0 + y1 * h1 + y2 * h2 + y3 * h3;
                }
            }
            for (; k < to; k++) {
                double x0 = ad[a0 + k], x1 = ad[a1 + k], x2 = ad[a2 + k], x3 = ad[a3 + k];
                int o = k * m;
                for (int j = 0; j < m; j++) {
                    od[o + j] = od[o + j] + x0 * gd[g0 + j] + x1 * gd[g1 + j] + x2 * gd[g2 + j] + x3 * gd[g3 + j];
                }
            }
        }
        for (; i < n; i++) {
            int arow = i * in, grow = i * m;
            for (int k = from; k < to; k++) {
                double aik = ad[arow + k];
                int o = k * m;
                for (int j = 0; j < m; j++) {
                    od[o + j] += aik * gd[grow + j];
                }
            }
        }
    }

    /**
     * {@code out = g · wᵀ} with {@code g} n×m, {@code w} in×m, out n×in (the gradient passed back to
     * the layer's input). out[i][k] = Σ_j g[i][j]·w[k][j], summed in increasing j.
     */
    public static void timesTranspose(RowExecutor ex, DMatrixRMaj g, DMatrixRMaj w, DMatrixRMaj out) {
        int n = g.numRows, m = g.numCols, in = w.numRows;
        if (w.numCols != m) throw new IllegalArgumentException("g is " + n + "×" + m + ", w is " + in + "×" + w.numCols);
        out.reshape(n, in);
        double[] gd = g.data, wd = w.data, od = out.data;
        ex.forRows(n, (long) n * in * m, (from, to) -> {
            for (int i = from; i < to; i++) {
                int grow = i * m, o = i * in;
                for (int k = 0; k < in; k++) {
                    int wrow = k * m;
                    double s = 0;
                    for (int j = 0; j < m; j++) {
                        s += gd[grow + j] * wd[wrow + j];
                    }
                    od[o + k] = s;
                }
            }
        });
    }

    /** Column sums of {@code g} (n×m) into a 1×m matrix, summed in increasing row order. */
    public static DMatrixRMaj columnSums(DMatrixRMaj g) {
        int n = g.numRows, m = g.numCols;
        DMatrixRMaj out = new DMatrixRMaj(1, m);
        double[] gd = g.data, od = out.data;
        for (int i = 0; i < n; i++) {
            int row = i * m;
            for (int j = 0; j < m; j++) od[j] += gd[row + j];
        }
        return out;
    }

    /** Σ of the squares of all elements, in index order. */
    public static double sumOfSquares(DMatrixRMaj a) {
        double s = 0;
        for (int i = 0, len = a.getNumElements(); i < len; i++) s += a.data[i] * a.data[i];
        return s;
    }
}
