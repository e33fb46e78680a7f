package io.hpsearch.nn;

import io.hpsearch.nn.data.DataSet;
import org.ejml.data.DMatrixRMaj;

/** Samples gathered from a data set into a double matrix (one row per sample) and their labels. */
public record Batch(DMatrixRMaj features, int[] labels) {

    public int size() {
        return labels.length;
    }

    /** Samples {@code order[from..to)} of {@code data}, in that order. */
    public static Batch gather(DataSet data, int[] order, int from, int to) {
        int n = to - from, dim = data.dim();
        DMatrixRMaj x = new DMatrixRMaj(n, dim);
        int[] y = new int[n];
        float[] f = data.features();
        int[] labels = data.labels();
        for (int r = 0; r < n; r++) {
            int s = order[from + r];
            int src = s * dim, dst = r * dim;
            for (int j = 0; j < dim; j++) x.data[dst + j] = f[src + j];
            y[r] = labels[s];
        }
        return new Batch(x, y);
    }

    /** Samples {@code [from, to)} of {@code data}. */
    public static Batch rows(DataSet data, int from, int to) {
        int n = to - from, dim = data.dim();
        DMatrixRMaj x = new DMatrixRMaj(n, dim);
        float[] f = data.features();
        int base = from * dim;
        for (int p = 0, len = n * dim; p < len; p++) x.data[p] = f[base + p];
        int[] y = new int[n];
        System.arraycopy(data.labels(), from, y, 0, n);
        return new Batch(x, y);
    }

    /** The first {@code dims} features of samples {@code [0, samples)} (the gradient check's reduced problem). */
    public static Batch reduced(DataSet data, int dims, int samples) {
        if (dims <= 0 || dims > data.dim()) throw new IllegalArgumentException("dims must be in [1, " + data.dim() + "]: " + dims);
        if (samples <= 0 || samples > data.size()) {
            throw new IllegalArgumentException("samples must be in [1, " + data.size() + "]: " + samples);
        }
        DMatrixRMaj x = new DMatrixRMaj(samples, dims);
        for (int i = 0; i < samples; i++) {
            for (int j = 0; j < dims; j++) x.data[i * dims + j] = data.feature(i, j);
        }
        int[] y = new int[samples];
        System.arraycopy(data.labels(), 0, y, 0, samples);
        return new Batch(x, y);
    }
}
