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
 * <p>g_n = (c(θ + h) − c(θ − h)) / 2h, one parameter at a time, the parameter restored exactly
 * afterwards (the difference is summed sample by sample, see {@link #costDifference}). The check runs on a reduced problem so it stays cheap: the first d input dimensions
 * and the first n samples, with a fresh network of input dimension d.
 */
public final class GradientCheck {
    public static final double DEFAULT_STEP = 1e-5;
    /** Floor of the denominator of the relative error, so two zero gradients count as agreeing. */
    public static final double DENOMINATOR_FLOOR = 1e-10;

    private GradientCheck() {
    }

    /** {@link #run(DataSet, int, int, NetworkConfig, long, double, double)} with h = {@value #DEFAULT_STEP}. */
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
        List<GradientCheckReport.TensorError> rows = new ArrayList<>();
        double overall = 0;
        for (int t = 0; t < params.size(); t++) {
            Parameter p = params.get(t);
            double[] theta = p.data();
            double[] ga = analytic.get(t).data;
            double max = 0, sum = 0, maxAbs = 0;
            for (int i = 0; i < theta.length; i++) {
                double original = theta[i];
                theta[i] = original + step;
                double[] lossPlus = net.sampleLosses(net.forward(x, true), labels);
                double penaltyPlus = net.weightPenalty();
                theta[i] = original - step;
                double[] lossMinus = net.sampleLosses(net.forward(x, true), labels);
                double penaltyMinus = net.weightPenalty();
                theta[i] = original;
                double numerical = costDifference(lossPlus, penaltyPlus, lossMinus, penaltyMinus, lambda) / (2 * step);
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
     * c(θ+h) − c(θ−h) with c = mean loss + λ·penalty, summed as Σ_i (l_i⁺ − l_i⁻) / n + λ (P⁺ − P⁻).
     * This equals the difference of the two costs but does not first round each cost to a double
     * of size ~1: per-sample differences are taken while they are still exact-ish, which lowers the
     * rounding noise of g_n by about √n and lets gradients of order 1e-5 be checked to 1e-7.
     */
    static double costDifference(double[] lossPlus, double penaltyPlus, double[] lossMinus, double penaltyMinus,
                                 double lambda) {
        double sum = 0;
        for (int i = 0; i < lossPlus.length; i++) sum += lossPlus[i] - lossMinus[i];
        return sum / lossPlus.length + lambda * (penaltyPlus - penaltyMinus);
    }

    /** ε = |a − n| / max({@value #DENOMINATOR_FLOOR}, |a| + |n|). */
    public static double relativeError(double analytic, double numerical) {
        return Math.abs(analytic - numerical) / Math.max(DENOMINATOR_FLOOR, Math.abs(analytic) + Math.abs(numerical));
    }
}
