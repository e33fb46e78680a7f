package io.hpsearch.nn.kernels;

import java.util.Arrays;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;

/**
 * A rows×cols float matrix embedded at a random offset, with a random leading dimension, in an
 * array whose other elements are NaN: a kernel that reads outside the region turns its output into
 * NaN, and one that writes outside the region is caught by {@link #paddingIntact()}.
 */
final class Mat {
    final float[] data;
    final int off;
    final int ld;
    final int rows;
    final int cols;

    private Mat(float[] data, int off, int ld, int rows, int cols) {
        this.data = data;
        this.off = off;
        this.ld = ld;
        this.rows = rows;
        this.cols = cols;
    }

    /** Values uniform in [−1, 1); padding NaN. */
    static Mat random(Random rnd, int rows, int cols) {
        Mat x = nan(rnd, rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x.set(i, j, rnd.nextFloat() * 2f - 1f);
            }
        }
        return x;
    }

    /** Region and padding all NaN (an output that overwrite mode must not read). */
    static Mat nan(Random rnd, int rows, int cols) {
        int off = rnd.nextInt(6);
        int ld = cols + rnd.nextInt(4);
        float[] data = new float[off + rows * ld + rnd.nextInt(5) + 1];
        Arrays.fill(data, Float.NaN);
        return new Mat(data, off, ld, rows, cols);
    }

    float get(int i, int j) {
        return data[off + i * ld + j];
    }

    void set(int i, int j, float v) {
        data[off + i * ld + j] = v;
    }

    Mat copy() {
        return new Mat(data.clone(), off, ld, rows, cols);
    }

    DMatrixRMaj toDouble() {
        DMatrixRMaj d = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                d.set(i, j, get(i, j));
            }
        }
        return d;
    }

    DMatrixRMaj absToDouble() {
        DMatrixRMaj d = toDouble();
        for (int i = 0; i < d.data.length; i++) {
            d.data[i] = Math.abs(d.data[i]);
        }
        return d;
    }

    /** True when every element outside the region is still NaN. */
    boolean paddingIntact() {
        for (int idx = 0; idx < data.length; idx++) {
            int rel = idx - off;
            boolean inside = rel >= 0 && rel / ld < rows && rel % ld < cols;
            if (!inside && !Float.isNaN(data[idx])) {
                return false;
            }
        }
        return true;
    }
}
