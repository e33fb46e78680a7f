package io.hpsearch.nn.gradcheck;

import io.hpsearch.nn.Batch;
import io.hpsearch.nn.Gradients;
import io.hpsearch.nn.Network;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.Parameter;
import io.hpsearch.nn.data.DataSet;
import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares the network's analytic gradients with centred finite differences of the training-mode
 * cost (loss + λ Σ‖W‖², BN with batch statistics), in double precision, for every parameter.
 *
 * <p>For each parameter entry, centred quotients (c(θ + h) − c(θ − h)) / 2h at h = h₀, h₀/1.4, …
 * are extrapolated to h → 0 ({@link #ridders}); the entry is restored exactly afterwards and the
 * cost differences are summed sample by sample ({@link #costDifference}). Both passes keep the ReLU
 * on/off pattern of the unperturbed pass ({@link Network#forwardOnReluPattern}), so a ReLU input
 * lying closer to zero than h does not put them on different pieces of the cost.
 *
 * <p>What is left is double-precision rounding, about 1e-14 in absolute terms on the reduced
 * problem: a gradient entry that happens to be below ~1e-7 (a data term and the 2λθ term nearly
 * cancelling) can show a relative error above 1e-6 although the two values agree to 1e-14.
 *
 * <p>The check runs on a reduced problem so it stays cheap: the first d input dimensions and the
 * first n samples, with a fresh network of input dimension d.
 */
public final class GradientCheck {
    /** Initial step h₀ of the extrapolation: large enough that rounding does not dominate. */
    public static final double DEFAULT_STEP = 1e-2;
    /** Floor of the denominator of the relative error, so two zero gradients count as agreeing. */
    public static final double DENOMINATOR_FLOOR = 1e-10;

    private GradientCheck() {
    }

    /** {@link #run(DataSet, int, int, NetworkConfig, long, double, double)} with h₀ = {@value #DEFAULT_STEP}. */
    public static GradientCheckReport run(DataSet data, int dims, int samples, NetworkConfig config, long seed,
                                          double lambda) {
        return run(data, dims, samples, config, seed, lambda, DEFAULT_STEP);
    }

    /**
     * Checks a fresh network {@code new Network(config with inputDim = dims, seed)} on the first
     * {@code dims} features of the first {@code samples} samples of {@code data}.
     */
    public static GradientCheckReport run(DataSet data, int dims, int samples, NetworkConfig config, long seed,
                                          double lambda, double step) {
        if (data.classes() > config.classes()) {
            throw new IllegalArgumentException("data set " + data.name() + " has " + data.classes()
                    + " classes, network " + config.classes());
        }
        Batch batch = Batch.reduced(data, dims, samples);
        NetworkConfig reduced = new NetworkConfig(dims, config.hidden(), config.classes(), config.batchNorm(),
                config.init(), config.bnAlpha());
        Network net = new Network(reduced, seed);
        return check(net, batch.features(), batch.labels(), lambda, step);
    }

    /** Checks the network's own analytic gradients on this batch. */
    public static GradientCheckReport check(Network net, DMatrixRMaj x, int[] labels, double lambda, double step) {
        Gradients analytic = net.backward(net.forward(x, true), labels, lambda);
        return compare(net, x, labels, lambda, step, analytic);
    }

    /**
     * Compares given gradients (normally the network's, possibly altered) with numerical ones.
     * The network is left exactly as it was.
     */
    public static GradientCheckReport compare(Network net, DMatrixRMaj x, int[] labels, double lambda, double step,
                                              Gradients analytic) {
        if (!(step > 0 && Double.isFinite(step))) throw new IllegalArgumentException("step h must be positive: " + step);
        List<Parameter> params = net.parameters();
        Network.Pass base = net.forward(x, true);
        List<GradientCheckReport.TensorError> rows = new ArrayList<>();
        double overall = 0;
        for (int t = 0; t < params.size(); t++) {
            Parameter p = params.get(t);
            double[] theta = p.data();
            double[] ga = analytic.get(t).data;
            double max = 0, sum = 0, maxAbs = 0;
            boolean isWeight = p.kind() == Parameter.Kind.WEIGHT;
            for (int i = 0; i < theta.length; i++) {
                final int entry = i;
                double numerical = ridders(h -> difference(net, base, x, labels, lambda, theta, entry, h, isWeight)
                        / (2 * h), step);
                double e = relativeError(ga[i], numerical);
                // NaN must not hide behind Math.max.
                max = Double.isNaN(e) || Double.isNaN(max) ? Double.NaN : Math.max(max, e);
                sum += e;
                maxAbs = Math.max(maxAbs, Math.abs(ga[i]));
            }
            rows.add(new GradientCheckReport.TensorError(p.name(), theta.length, max, sum / theta.length, maxAbs));
            overall = Double.isNaN(max) || Double.isNaN(overall) ? Double.NaN : Math.max(overall, max);
        }
        return new GradientCheckReport(rows, overall, step, x.numCols, x.numRows);
    }

    /**
     * The limit h → 0 of a centred difference quotient D(h) = (c(θ+h) − c(θ−h)) / 2h by Ridders'
     * method: D is evaluated at h₀, h₀/1.4, h₀/1.4², … and Richardson-extrapolated in a Neville
     * tableau (D(h) = c'(θ) + a h² + b h⁴ + …), keeping the entry whose own error estimate is
     * smallest and stopping once the estimates grow again. Each D is still a centred difference;
     * the extrapolation removes the truncation error without pushing h down to where rounding
     * takes over, which a single h cannot do for every parameter at once (some have tiny
     * gradients, some high curvature).
     */
    static double ridders(java.util.function.DoubleUnaryOperator quotient, double h0) {
        final int size = 10;
        final double shrink = 1.4, shrink2 = shrink * shrink, safe = 2.0;
        double[][] a = new double[size][size];
        double h = h0;
        a[0][0] = quotient.applyAsDouble(h);
        double best = a[0][0];
        double error = Double.MAX_VALUE;
        for (int i = 1; i < size; i++) {
            h /= shrink;
            a[0][i] = quotient.applyAsDouble(h);
            double factor = shrink2;
            for (int j = 1; j <= i; j++) {
                a[j][i] = (a[j - 1][i] * factor - a[j - 1][i - 1]) / (factor - 1);
                factor *= shrink2;
                double e = Math.max(Math.abs(a[j][i] - a[j - 1][i]), Math.abs(a[j][i] - a[j - 1][i - 1]));
                if (e <= error) {
                    error = e;
                    best = a[j][i];
                }
            }
            if (Math.abs(a[i][i] - a[i - 1][i - 1]) >= safe * error) break;
        }
        return best;
    }

    /**
     * c(θ+h) − c(θ−h) for one parameter entry, both passes on the ReLU pattern of {@code base}: a
     * ReLU input closer to zero than h would otherwise put the two passes on different linear
     * pieces of the cost, and their difference would say nothing about the gradient at θ.
     */
    private static double difference(Network net, Network.Pass base, DMatrixRMaj x, int[] labels, double lambda,
                                     double[] theta, int i, double h, boolean isWeight) {
        double original = theta[i];
        double up = original + h;
        double down = original - h;
        theta[i] = up;
        Network.Pass plus = net.forwardOnReluPattern(x, base);
        theta[i] = down;
        Network.Pass minus = net.forwardOnReluPattern(x, base);
        theta[i] = original;
        // Only this entry of Σ‖W‖² changes: its difference is (up² − down²), taken directly rather
        // than as the difference of two sums of thousands of squares.
        double penaltyDifference = isWeight ? (up - down) * (up + down) : 0;
        return costDifference(net.sampleLosses(plus, labels), net.sampleLosses(minus, labels),
                penaltyDifference, lambda);
    }

    /**
     * c(θ+h) − c(θ−h) with c = mean loss + λ·penalty, summed as Σ_i (l_i⁺ − l_i⁻) / n + λ (P⁺ − P⁻).
     * This equals the difference of the two costs but does not first round each cost to a double
     * of size ~1: per-sample differences are taken while they are still exact-ish, which lowers the
     * rounding noise of g_n by about √n.
     */
    static double costDifference(double[] lossPlus, double[] lossMinus, double penaltyDifference, double lambda) {
        double sum = 0;
        for (int i = 0; i < lossPlus.length; i++) sum += lossPlus[i] - lossMinus[i];
        return sum / lossPlus.length + lambda * penaltyDifference;
    }

    /** ε = |a − n| / max({@value #DENOMINATOR_FLOOR}, |a| + |n|). */
    public static double relativeError(double analytic, double numerical) {
        return Math.abs(analytic - numerical) / Math.max(DENOMINATOR_FLOOR, Math.abs(analytic) + Math.abs(numerical));
    }
}
