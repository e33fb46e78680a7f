package io.hpsearch.coordinator.sampling;

import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.Scale;
import io.hpsearch.protocol.v1.SearchSpace;

import java.util.SplittableRandom;

/**
 * Proposes the values of a phase's trials. A sampler is immutable; the values of trial
 * {@code index} depend only on the index and the generator handed in, which
 * {@link TrialGenerator} seeds from (campaign seed, phase, index), so trials can be generated in
 * any order, any number of times.
 */
public interface Sampler {
    /** Most trials a phase may hold. */
    int MAX_TRIALS = 100_000;

    /** Number of trials in the phase. */
    int trials();

    /**
     * The values of trial {@code index} (0 ≤ index &lt; {@link #trials()}), one per dimension of the
     * space, in its order, not yet rounded for integer parameters.
     *
     * @param rng the trial's own generator; samplers that need no randomness ignore it
     */
    double[] values(int index, SplittableRandom rng);

    /** The sampler a phase asks for, over {@code space}. */
    static Sampler of(PhaseSpec phase, SearchSpace space) {
        return switch (phase.getSampler()) {
            case SAMPLER_KIND_RANDOM -> new RandomSampler(space, phase.getTrials());
            case SAMPLER_KIND_GRID -> new GridSampler(space, phase.getGridPoints(), phase.getTrials());
            default -> throw new IllegalArgumentException("phase " + phase.getName() + ": no sampler");
        };
    }

    /** Position of {@code v} on the dimension's axis: log10 for log-uniform, the value itself otherwise. */
    static double toAxis(Dimension d, double v) {
        return d.getScale() == Scale.SCALE_LOG_UNIFORM ? Math.log10(v) : v;
    }

    /** Inverse of {@link #toAxis}. */
    static double fromAxis(Dimension d, double x) {
        return d.getScale() == Scale.SCALE_LOG_UNIFORM ? Math.pow(10, x) : x;
    }

    /** Checks a continuous dimension's bounds: finite, min &lt; max, and min &gt; 0 on a log scale. */
    static void checkRange(Dimension d) {
        switch (d.getScale()) {
            case SCALE_LOG_UNIFORM, SCALE_UNIFORM -> {
                if (!(Double.isFinite(d.getMin()) && Double.isFinite(d.getMax()) && d.getMin() < d.getMax())) {
                    throw new IllegalArgumentException(d.getName() + ": need min < max, got [" + d.getMin() + ", "
                            + d.getMax() + "]");
                }
                if (d.getScale() == Scale.SCALE_LOG_UNIFORM && !(d.getMin() > 0)) {
                    throw new IllegalArgumentException(d.getName() + ": min must be positive on a log scale: "
                            + d.getMin());
                }
            }
            case SCALE_CHOICE -> {
                if (d.getChoicesCount() == 0) throw new IllegalArgumentException(d.getName() + ": no choices");
            }
            default -> throw new IllegalArgumentException(d.getName() + ": no scale");
        }
    }
}
