package io.hpsearch.nn;

import org.ejml.data.DMatrixRMaj;

/**
 * Batch normalisation of one hidden layer's m units, with learnable scale γ (starts at 1) and
 * shift β (starts at 0).
 *
 * <p>Training mode normalises with the batch mean and the <em>biased</em> batch variance
 * (divide by n), x̂ = (x − μ) / √(σ² + ε). Test mode uses stored statistics: exponential moving
 * averages updated after each training batch, or "precise" ones set after training.
 *
 * <p>ε = {@value #EPSILON} (PyTorch's default) sits inside the square root. It guards columns
 * whose values are all (nearly) equal, such as a ReLU unit that fires for one sample of the batch in
 * AFTER_RELU mode: with a much smaller ε such a column is scaled by up to 1/√ε, the cost becomes
 * violently curved in every weight below it, and training and the gradient check both suffer. The
 * analytic gradient includes ε exactly.
 */
public final class BatchNorm {
    public static final double EPSILON = 1e-5;

    private final int units;
    private final DMatrixRMaj gamma;
    private final DMatrixRMaj beta;
    private final double[] averageMean;
    private final double[] averageVariance;
    private boolean averagesSet;

    /** What the backward pass needs from a training-mode forward pass. */
    public record Cache(DMatrixRMaj input, DMatrixRMaj normalised, double[] mean, double[] variance,
                        double[] inverseStd) {
    }

    BatchNorm(int units) {
        this.units = units;
        this.gamma = new DMatrixRMaj(1, units);
        this.beta = new DMatrixRMaj(1, units);
        java.util.Arrays.fill(gamma.data, 1.0);
        // Before any training batch, test mode is the identity normalisation.
        this.averageMean = new double[units];
        this.averageVariance = new double[units];
        java.util.Arrays.fill(averageVariance, 1.0);
    }

    public int units() { return units; }

    DMatrixRMaj gamma() { return gamma; }

    DMatrixRMaj beta() { return beta; }

    /** The test-time mean (moving average or precise); a copy. */
    public double[] testMean() { return averageMean.clone(); }

    /** The test-time variance (moving average or precise); a copy. */
    public double[] testVariance() { return averageVariance.clone(); }

    /** Training mode: normalise with the batch's own statistics, write γ x̂ + β into {@code out}. */
    Cache forwardTraining(DMatrixRMaj x, DMatrixRMaj out) {
        int n = x.numRows;
        double[] xd = x.data;
        double[] mean = new double[units];
        double[] variance = new double[units];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < units; j++) mean[j] += xd[i * units + j];
        }
        for (int j = 0; j < units; j++) mean[j] /= n;
        // Two passes (mean first, then squared deviations) so the variance has no cancellation.
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < units; j++) {
                double d = xd[i * units + j] - mean[j];
                variance[j] += d * d;
            }
        }
        for (int j = 0; j < units; j++) variance[j] /= n;
        double[] inverseStd = new double[units];
        for (int j = 0; j < units; j++) inverseStd[j] = 1.0 / Math.sqrt(variance[j] + EPSILON);
        DMatrixRMaj normalised = new DMatrixRMaj(n, units);
        normalise(x, mean, inverseStd, normalised, out);
        return new Cache(x, normalised, mean, variance, inverseStd);
    }

    /** Test mode: normalise with the stored statistics. */
    void forwardTest(DMatrixRMaj x, DMatrixRMaj out) {
        double[] inverseStd = new double[units];
        for (int j = 0; j < units; j++) inverseStd[j] = 1.0 / Math.sqrt(averageVariance[j] + EPSILON);
        normalise(x, averageMean, inverseStd, null, out);
    }

    private void normalise(DMatrixRMaj x, double[] mean, double[] inverseStd, DMatrixRMaj normalised, DMatrixRMaj out) {
        int n = x.numRows;
        out.reshape(n, units);
        double[] xd = x.data, od = out.data, g = gamma.data, b = beta.data;
        double[] nd = normalised == null ? null : normalised.data;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < units; j++) {
                int p = i * units + j;
                double h = (xd[p] - mean[j]) * inverseStd[j];
                if (nd != null) nd[p] = h;
                od[p] = g[j] * h + b[j];
            }
        }
    }

    /**
     * Backward through γ x̂ + β and the normalisation. Writes ∂c/∂γ and ∂c/∂β and returns ∂c/∂x:
     * with ĝ = g ⊙ γ, ∂c/∂x = (1/√(σ²+ε)) (ĝ − mean(ĝ) − x̂ ⊙ mean(ĝ ⊙ x̂)), means over the batch.
     */
    DMatrixRMaj backward(Cache cache, DMatrixRMaj g, DMatrixRMaj gradGamma, DMatrixRMaj gradBeta) {
        int n = g.numRows;
        double[] gd = g.data, xh = cache.normalised().data, gm = gamma.data;
        double[] dg = gradGamma.data, db = gradBeta.data;
        java.util.Arrays.fill(dg, 0.0);
        java.util.Arrays.fill(db, 0.0);
        double[] meanG = new double[units];
        double[] meanGX = new double[units];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < units; j++) {
                int p = i * units + j;
                dg[j] += gd[p] * xh[p];
                db[j] += gd[p];
            }
        }
        // ĝ = g γ column-wise, so its means are γ times those of g.
        for (int j = 0; j < units; j++) {
            meanG[j] = gm[j] * db[j] / n;
            meanGX[j] = gm[j] * dg[j] / n;
        }
        DMatrixRMaj dx = new DMatrixRMaj(n, units);
        double[] dd = dx.data, is = cache.inverseStd();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < units; j++) {
                int p = i * units + j;
                dd[p] = is[j] * (gd[p] * gm[j] - meanG[j] - xh[p] * meanGX[j]);
            }
        }
        return dx;
    }

    /** μ_avg ← α μ_avg + (1 − α) μ_batch (likewise σ²); the first batch sets them outright. */
    void updateAverages(Cache cache, double alpha) {
        if (!averagesSet) {
            System.arraycopy(cache.mean(), 0, averageMean, 0, units);
            System.arraycopy(cache.variance(), 0, averageVariance, 0, units);
            averagesSet = true;
            return;
        }
        for (int j = 0; j < units; j++) {
            averageMean[j] = alpha * averageMean[j] + (1 - alpha) * cache.mean()[j];
            averageVariance[j] = alpha * averageVariance[j] + (1 - alpha) * cache.variance()[j];
        }
    }

    /** Replaces the test statistics (precise BN). */
    void setTestStatistics(double[] mean, double[] variance) {
        System.arraycopy(mean, 0, averageMean, 0, units);
        System.arraycopy(variance, 0, averageVariance, 0, units);
        averagesSet = true;
    }
}
