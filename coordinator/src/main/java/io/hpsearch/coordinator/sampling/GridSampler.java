package io.hpsearch.coordinator.sampling;

import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.SearchSpace;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The crossed product of per-dimension values: {@code points} values per continuous dimension,
 * evenly spaced on its axis and including both ends (log-spaced, {@code min·(max/min)^(j/(n−1))},
 * for log-uniform dimensions; linear for uniform ones; the midpoint when {@code points} is 1), and
 * every choice of a choice dimension. Combination {@code c} is read in mixed radix with the last
 * dimension varying fastest.
 *
 * <p>The phase has {@code product} trials, or {@code cap} when 0 &lt; cap &lt; product: trial
 * {@code i} is then combination {@code ⌊i · product / cap⌋}, an evenly strided subset.
 */
public final class GridSampler implements Sampler {
    private final List<double[]> axes;
    private final long product;
    private final int trials;

    /**
     * @param points values per continuous dimension (≥ 1)
     * @param cap    at most this many trials; 0: the whole product (which must be ≤ {@link #MAX_TRIALS})
     */
    public GridSampler(SearchSpace space, int points, int cap) {
        if (points < 1) throw new IllegalArgumentException("grid points must be at least 1: " + points);
        if (cap < 0 || cap > MAX_TRIALS) throw new IllegalArgumentException("cap must be in [0, " + MAX_TRIALS + "]: " + cap);
        List<double[]> a = new ArrayList<>();
        for (Dimension d : space.getDimensionsList()) a.add(values(d, points));
        this.axes = List.copyOf(a);
        this.product = product(space, points);
        if (product == Long.MAX_VALUE) throw new IllegalArgumentException("grid of more than 2^63 combinations");
        if (cap == 0 && product > MAX_TRIALS) {
            throw new IllegalArgumentException("grid of " + product + " trials exceeds " + MAX_TRIALS + "; cap it with trials or use fewer points");
        }
        this.trials = (int) (cap == 0 ? product : Math.min(cap, product));
    }

    /** Number of combinations of the full grid (saturating at {@code Long.MAX_VALUE}). */
    public static long product(SearchSpace space, int points) {
        long p = 1;
        for (Dimension d : space.getDimensionsList()) {
            long n = d.getScale() == io.hpsearch.protocol.v1.Scale.SCALE_CHOICE ? d.getChoicesCount() : points;
            if (n != 0 && p > Long.MAX_VALUE / n) return Long.MAX_VALUE;
            p *= n;
        }
        return p;
    }

    /** The grid values of one dimension, ascending for continuous dimensions. */
    public static double[] values(Dimension d, int points) {
        Sampler.checkRange(d);
        if (d.getScale() == io.hpsearch.protocol.v1.Scale.SCALE_CHOICE) {
            return d.getChoicesList().stream().mapToDouble(Double::doubleValue).toArray();
        }
        double lo = Sampler.toAxis(d, d.getMin());
        double hi = Sampler.toAxis(d, d.getMax());
        double[] v = new double[points];
        if (points == 1) {
            v[0] = Sampler.fromAxis(d, (lo + hi) / 2);
            return v;
        }
        for (int j = 0; j < points; j++) {
            v[j] = j == 0 ? d.getMin() : j == points - 1 ? d.getMax() : Sampler.fromAxis(d, lo + (hi - lo) * j / (points - 1));
        }
        return v;
    }

    @Override
    public int trials() {
        return trials;
    }

    /** Size of the full grid. */
    public long product() {
        return product;
    }

    @Override
    public double[] values(int index, SplittableRandom rng) {
        if (index < 0 || index >= trials) throw new IndexOutOfBoundsException("trial " + index + " of " + trials);
        long combination = trials == product ? index : BigInteger.valueOf(index).multiply(BigInteger.valueOf(product))
                .divide(BigInteger.valueOf(trials)).longValueExact();
        double[] v = new double[axes.size()];
        for (int i = v.length - 1; i >= 0; i--) {
            double[] axis = axes.get(i);
            v[i] = axis[(int) (combination % axis.length)];
            combination /= axis.length;
        }
        return v;
    }
}
