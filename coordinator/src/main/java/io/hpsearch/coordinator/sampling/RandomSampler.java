package io.hpsearch.coordinator.sampling;

import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.SearchSpace;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Independent draws per dimension: log-uniform (uniform in log space, so each decade of
 * [min, max] is equally likely), uniform, or one of the choices with equal probability. Each
 * dimension consumes exactly one draw of the trial's generator, in space order.
 */
public final class RandomSampler implements Sampler {
    private final List<Dimension> dimensions;
    private final int trials;

    public RandomSampler(SearchSpace space, int trials) {
        if (trials < 1 || trials > MAX_TRIALS) {
            throw new IllegalArgumentException("trials must be in [1, " + MAX_TRIALS + "]: " + trials);
        }
        this.dimensions = List.copyOf(space.getDimensionsList());
        dimensions.forEach(Sampler::checkRange);
        this.trials = trials;
    }

    @Override
    public int trials() {
        return trials;
    }

    @Override
    public double[] values(int index, SplittableRandom rng) {
        if (index < 0 || index >= trials) throw new IndexOutOfBoundsException("trial " + index + " of " + trials);
        double[] v = new double[dimensions.size()];
        for (int i = 0; i < v.length; i++) v[i] = draw(dimensions.get(i), rng);
        return v;
    }

    /** One draw from the dimension. */
    public static double draw(Dimension d, SplittableRandom rng) {
        return switch (d.getScale()) {
            case SCALE_CHOICE -> d.getChoices(rng.nextInt(d.getChoicesCount()));
            case SCALE_LOG_UNIFORM, SCALE_UNIFORM -> {
                double lo = Sampler.toAxis(d, d.getMin());
                double hi = Sampler.toAxis(d, d.getMax());
                double x = Sampler.fromAxis(d, lo + rng.nextDouble() * (hi - lo));
                yield Math.min(d.getMax(), Math.max(d.getMin(), x)); // rounding of pow/log
            }
            default -> throw new IllegalArgumentException(d.getName() + ": no scale");
        };
    }
}
