package io.hpsearch.coordinator.sampling;

import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.FineRangeSpec;
import io.hpsearch.protocol.v1.ParamValue;
import io.hpsearch.protocol.v1.Scale;
import io.hpsearch.protocol.v1.SearchSpace;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The fine-range rule: the ranges of a fine phase, from the best trials of an earlier (coarse)
 * phase.
 *
 * <p>Take the top {@code n} COMPLETED trials of the coarse phase, best first (the leaderboard's
 * order). For each continuous dimension, work on its axis: {@code x = log10(v)} for a log-uniform
 * dimension, {@code x = v} for a uniform one. With
 * <ul>
 *   <li>{@code lo}, {@code hi}: the smallest and largest {@code x} among those trials,</li>
 *   <li>{@code W}: the width of the coarse range on the axis, {@code x(max) − x(min)},</li>
 *   <li>{@code w = max(hi − lo, minWidth · W)}: the width, at least a fraction {@code minWidth} of
 *       the coarse width (so a single trial, or trials that agree, still give a range),</li>
 *   <li>{@code c = (lo + hi) / 2},</li>
 * </ul>
 * the fine range is {@code [c − w/2 − margin·w, c + w/2 + margin·w]} clipped to the coarse range
 * {@code [x(min), x(max)]}, mapped back from the axis. The scale stays the same. Example (margin
 * 0.25): best λ at 1e-3 and 1e-2 in a coarse 1e-5…1e-1 give 10^-3.25…10^-1.75.
 *
 * <p>A choice dimension keeps the choices that occur among those trials, in the coarse order.
 *
 * <p>With no completed trial in the coarse phase there is nothing to narrow to, and the fine phase
 * samples the coarse ranges unchanged.
 */
public final class FineRange {
    public static final double DEFAULT_MARGIN = 0.25;
    public static final double DEFAULT_MIN_WIDTH = 0.05;

    private FineRange() {
    }

    /**
     * The fine space for {@code spec} from the coarse phase's results.
     *
     * @param coarse the space the coarse phase sampled
     * @param ranked the coarse phase's results, best first ({@code Leaderboard} order); only
     *               COMPLETED ones count, the first {@code spec.top_n} of them
     */
    public static SearchSpace narrow(SearchSpace coarse, FineRangeSpec spec, List<TrialResult> ranked) {
        List<List<ParamValue>> top = new ArrayList<>();
        for (TrialResult r : ranked) {
            if (top.size() == spec.getTopN()) break;
            if (r.getStatus() == TrialStatus.TRIAL_STATUS_COMPLETED) top.add(r.getParamsList());
        }
        if (top.isEmpty()) return coarse;
        return narrow(coarse, top, spec.getMargin(), spec.getMinWidth());
    }

    /**
     * The fine space around the given trials' values (each a trial's parameter list, matched to the
     * dimensions by name).
     */
    public static SearchSpace narrow(SearchSpace coarse, List<List<ParamValue>> trials, double margin, double minWidth) {
        if (trials.isEmpty()) throw new IllegalArgumentException("no trials to narrow to");
        SearchSpace.Builder fine = SearchSpace.newBuilder();
        for (Dimension d : coarse.getDimensionsList()) {
            double[] values = new double[trials.size()];
            for (int t = 0; t < values.length; t++) values[t] = valueOf(d, trials.get(t));
            fine.addDimensions(narrow(d, values, margin, minWidth));
        }
        return fine.build();
    }

    /** One dimension of the rule (see the class comment). */
    public static Dimension narrow(Dimension coarse, double[] values, double margin, double minWidth) {
        Sampler.checkRange(coarse);
        if (values.length == 0) throw new IllegalArgumentException(coarse.getName() + ": no values");
        if (!(margin >= 0 && Double.isFinite(margin))) throw new IllegalArgumentException("margin must be ≥ 0: " + margin);
        if (!(minWidth > 0 && minWidth <= 1)) throw new IllegalArgumentException("min width must be in (0, 1]: " + minWidth);
        if (coarse.getScale() == Scale.SCALE_CHOICE) {
            Set<Double> seen = new LinkedHashSet<>();
            for (double v : values) seen.add(v);
            Dimension.Builder b = coarse.toBuilder().clearChoices();
            for (double c : coarse.getChoicesList()) if (seen.contains(c)) b.addChoices(c);
            if (b.getChoicesCount() == 0) {
                throw new IllegalArgumentException(coarse.getName() + ": none of " + seen + " is a choice");
            }
            return b.build();
        }
        double cLo = Sampler.toAxis(coarse, coarse.getMin());
        double cHi = Sampler.toAxis(coarse, coarse.getMax());
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (coarse.getScale() == Scale.SCALE_LOG_UNIFORM && !(v > 0)) {
                throw new IllegalArgumentException(coarse.getName() + ": " + v + " is not positive");
            }
            double x = Sampler.toAxis(coarse, v);
            if (!Double.isFinite(x)) throw new IllegalArgumentException(coarse.getName() + ": value " + v);
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        double w = Math.max(hi - lo, minWidth * (cHi - cLo));
        double c = (lo + hi) / 2;
        double fLo = Math.max(cLo, c - w / 2 - margin * w);
        double fHi = Math.min(cHi, c + w / 2 + margin * w);
        double min = fLo == cLo ? coarse.getMin() : Sampler.fromAxis(coarse, fLo);
        double max = fHi == cHi ? coarse.getMax() : Sampler.fromAxis(coarse, fHi);
        if (!(min < max)) { // values outside the coarse range: keep the coarse range
            return coarse;
        }
        return coarse.toBuilder().setMin(min).setMax(max).build();
    }

    private static double valueOf(Dimension d, List<ParamValue> params) {
        for (ParamValue p : params) {
            if (p.getName().equals(d.getName())) return p.getValue();
        }
        throw new IllegalArgumentException("a trial has no value for dimension " + d.getName());
    }
}
