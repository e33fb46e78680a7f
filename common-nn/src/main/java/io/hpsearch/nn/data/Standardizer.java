package io.hpsearch.nn.data;

/**
 * Per-feature standardisation {@code x' = (x − mean_j) / std_j} with the mean and (population)
 * standard deviation of one data set — the training part — applied unchanged to any other data set
 * of the same dimension (validation, test).
 *
 * <p>A feature whose standard deviation is below {@link #MIN_STD} (constant in the training data,
 * e.g. an always-black MNIST corner pixel) is divided by 1 instead, so it becomes {@code x − mean}
 * (0 on the training data) rather than infinity or NaN.
 */
public final class Standardizer {
    /** Standard deviations below this are replaced by 1. */
    public static final double MIN_STD = 1e-8;

    private final float[] mean;
    private final float[] std;

    private Standardizer(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
    }

    /** Statistics of {@code data} (computed in double precision, two passes). */
    public static Standardizer fit(DataSet data) {
        int n = data.size();
        int dim = data.dim();
        if (n == 0) throw new DataSetException("cannot standardise with statistics of an empty data set: " + data);
        float[] x = data.features();
        double[] sum = new double[dim];
        for (int i = 0; i < n; i++) {
            int row = i * dim;
            for (int j = 0; j < dim; j++) sum[j] += x[row + j];
        }
        double[] mu = new double[dim];
        for (int j = 0; j < dim; j++) mu[j] = sum[j] / n;
        double[] sq = new double[dim];
        for (int i = 0; i < n; i++) {
            int row = i * dim;
            for (int j = 0; j < dim; j++) {
                double d = x[row + j] - mu[j];
                sq[j] += d * d;
            }
        }
        float[] mean = new float[dim];
        float[] std = new float[dim];
        for (int j = 0; j < dim; j++) {
            double s = Math.sqrt(sq[j] / n);
            mean[j] = (float) mu[j];
            std[j] = s < MIN_STD ? 1f : (float) s;
        }
        return new Standardizer(mean, std);
    }

    public int dim() {
        return mean.length;
    }

    /** Per-feature means (a copy). */
    public float[] mean() {
        return mean.clone();
    }

    /** Per-feature divisors: the standard deviations, with 1 where they were below {@link #MIN_STD} (a copy). */
    public float[] std() {
        return std.clone();
    }

    /** {@code data} standardised, as a new data set; {@code data} is unchanged. */
    public DataSet apply(DataSet data) {
        return data.withFeatures(transform(data, data.features().clone()));
    }

    /** Standardises a data set whose feature array nobody else holds, without a copy. */
    DataSet applyInPlace(DataSet data) {
        transform(data, data.features());
        return data;
    }

    private float[] transform(DataSet data, float[] x) {
        if (data.dim() != mean.length) {
            throw new IllegalArgumentException("standardiser fitted on " + mean.length + " features, data has " + data.dim());
        }
        int dim = mean.length;
        for (int row = 0; row < x.length; row += dim) {
            for (int j = 0; j < dim; j++) x[row + j] = (x[row + j] - mean[j]) / std[j];
        }
        return x;
    }
}
