package io.hpsearch.nn;

import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.ImageShape;

import java.util.Random;

/** Small data sets built in the tests, a pure function of their seed. */
public final class TestDataSets {
    private TestDataSets() {
    }

    /** Standard-normal features, uniformly random labels: nothing to learn, good for gradient checks. */
    public static DataSet noise(int n, int dim, int classes, long seed) {
        Random rng = new Random(seed);
        float[] f = new float[n * dim];
        for (int i = 0; i < f.length; i++) f[i] = (float) rng.nextGaussian();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = rng.nextInt(classes);
        return new DataSet("noise", f, y, dim, classes, null);
    }

    /**
     * Gaussian blobs: class c has its centre at a random point of norm about {@code separation}
     * and unit-variance noise around it, so a linear classifier separates them well.
     */
    public static DataSet blobs(int n, int dim, int classes, double separation, long seed) {
        return blobs(n, dim, classes, separation, seed, null);
    }

    public static DataSet blobs(int n, int dim, int classes, double separation, long seed, ImageShape shape) {
        Random rng = new Random(seed);
        double[][] centres = new double[classes][dim];
        for (double[] c : centres) {
            for (int j = 0; j < dim; j++) c[j] = rng.nextGaussian() * separation / Math.sqrt(dim);
        }
        float[] f = new float[n * dim];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(classes);
            for (int j = 0; j < dim; j++) f[i * dim + j] = (float) (centres[y[i]][j] + rng.nextGaussian());
        }
        return new DataSet("blobs", f, y, dim, classes, shape);
    }
}
