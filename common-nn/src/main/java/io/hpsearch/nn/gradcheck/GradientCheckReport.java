package io.hpsearch.nn.gradcheck;

import java.util.List;
import java.util.Locale;

/**
 * Result of a gradient check: relative errors ε = |g_a − g_n| / max(1e-10, |g_a| + |g_n|) per
 * parameter tensor and overall.
 *
 * @param tensors  one row per parameter tensor, in the network's parameter order
 * @param maxError the largest ε over all parameters
 * @param step     the largest finite-difference step h₀ (quotients at h₀, h₀/1.4, … are extrapolated)
 * @param dims     input dimensions of the reduced problem
 * @param samples  samples of the reduced problem
 */
public record GradientCheckReport(List<TensorError> tensors, double maxError, double step, int dims, int samples) {

    /**
     * @param maxAbsGradient largest |g_a| in the tensor, to show the scale the errors are relative to
     */
    public record TensorError(String name, int count, double maxError, double meanError, double maxAbsGradient) {
    }

    public GradientCheckReport {
        tensors = List.copyOf(tensors);
    }

    /** True when every relative error is at most {@code tolerance} (and none is NaN). */
    public boolean passes(double tolerance) {
        return maxError <= tolerance;
    }

    public TensorError tensor(String name) {
        for (TensorError t : tensors) if (t.name().equals(name)) return t;
        throw new IllegalArgumentException("no tensor named " + name);
    }

    /** A plain-text table: one line per tensor, then the overall maximum. */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "gradient check: %d samples, %d dims, h0 = %.1e (Ridders extrapolation)%n", samples, dims, step));
        sb.append(String.format(Locale.ROOT, "%-8s %8s %12s %12s %12s%n", "tensor", "count", "max rel err", "mean rel err",
                "max |grad|"));
        for (TensorError t : tensors) {
            sb.append(String.format(Locale.ROOT, "%-8s %8d %12.3e %12.3e %12.3e%n",
                    t.name(), t.count(), t.maxError(), t.meanError(), t.maxAbsGradient()));
        }
        sb.append(String.format(Locale.ROOT, "%-8s %8s %12.3e%n", "overall", "", maxError));
        return sb.toString();
    }
}
