package io.hpsearch.coordinator.sampling;

import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.Parameter;
import io.hpsearch.protocol.v1.Scale;
import io.hpsearch.protocol.v1.SearchSpace;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplersTest {
    static Dimension log(String name, double min, double max) {
        return Dimension.newBuilder().setParameter(Parameter.PARAMETER_LAMBDA).setName(name)
                .setScale(Scale.SCALE_LOG_UNIFORM).setMin(min).setMax(max).build();
    }

    static Dimension uniform(String name, double min, double max) {
        return Dimension.newBuilder().setParameter(Parameter.PARAMETER_MOMENTUM).setName(name)
                .setScale(Scale.SCALE_UNIFORM).setMin(min).setMax(max).build();
    }

    static Dimension choice(String name, double... values) {
        Dimension.Builder b = Dimension.newBuilder().setParameter(Parameter.PARAMETER_BATCH_SIZE).setName(name)
                .setScale(Scale.SCALE_CHOICE);
        for (double v : values) b.addChoices(v);
        return b.build();
    }

    static SearchSpace space(Dimension... dims) {
        return SearchSpace.newBuilder().addAllDimensions(List.of(dims)).build();
    }

    @Test
    void logUniformDrawsAreUniformInLogSpace() {
        // 1e-5 … 1e-1: four decades. Log-uniform puts a quarter of the draws in each decade;
        // linear-uniform draws would put ~90 % in the last one.
        Dimension d = log("lambda", 1e-5, 1e-1);
        SplittableRandom rng = new SplittableRandom(12345);
        int n = 40_000;
        int[] decades = new int[4];
        for (int i = 0; i < n; i++) {
            double v = RandomSampler.draw(d, rng);
            assertTrue(v >= 1e-5 && v <= 1e-1, "out of range: " + v);
            decades[Math.min(3, (int) Math.floor(Math.log10(v) + 5))]++;
        }
        for (int k = 0; k < 4; k++) {
            double share = (double) decades[k] / n;
            assertEquals(0.25, share, 0.015, "decade " + k + ": " + share);
        }
    }

    @Test
    void uniformDrawsAreUniformOnTheLine() {
        Dimension d = uniform("m", 0.5, 0.9);
        SplittableRandom rng = new SplittableRandom(7);
        int n = 40_000;
        int[] bins = new int[4];
        for (int i = 0; i < n; i++) {
            double v = RandomSampler.draw(d, rng);
            assertTrue(v >= 0.5 && v <= 0.9);
            bins[Math.min(3, (int) ((v - 0.5) / 0.1))]++;
        }
        for (int b : bins) assertEquals(0.25, (double) b / n, 0.015);
    }

    @Test
    void choicesAreEquallyLikely() {
        Dimension d = choice("batch", 50, 100, 200);
        SplittableRandom rng = new SplittableRandom(99);
        int[] counts = new int[3];
        int n = 30_000;
        for (int i = 0; i < n; i++) {
            double v = RandomSampler.draw(d, rng);
            counts[v == 50 ? 0 : v == 100 ? 1 : v == 200 ? 2 : -1]++;
        }
        for (int c : counts) assertEquals(1.0 / 3, (double) c / n, 0.015);
    }

    @Test
    void randomSamplerDependsOnlyOnTheGenerator() {
        RandomSampler s = new RandomSampler(space(log("a", 1e-4, 1), uniform("b", 0, 1), choice("c", 1, 2)), 10);
        assertEquals(10, s.trials());
        assertArrayEquals(s.values(3, new SplittableRandom(5)), s.values(3, new SplittableRandom(5)));
        assertThrows(IndexOutOfBoundsException.class, () -> s.values(10, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> new RandomSampler(space(log("a", 1e-4, 1)), 0));
        assertThrows(IllegalArgumentException.class, () -> new RandomSampler(space(log("a", 1e-4, 1)), Sampler.MAX_TRIALS + 1));
        assertThrows(IllegalArgumentException.class, () -> new RandomSampler(space(log("a", 0, 1)), 3));
        assertThrows(IllegalArgumentException.class, () -> new RandomSampler(space(uniform("a", 1, 1)), 3));
    }

    @Test
    void gridValuesAreLogSpacedWithBothEnds() {
        double[] v = GridSampler.values(log("lambda", 1e-5, 1e-1), 5);
        assertArrayEquals(new double[] {1e-5, 1e-4, 1e-3, 1e-2, 1e-1}, v, 1e-15);
        double[] w = GridSampler.values(log("eta", 0.001, 0.064), 7); // ratio 2
        for (int i = 1; i < w.length; i++) assertEquals(2.0, w[i] / w[i - 1], 1e-12);
        assertArrayEquals(new double[] {0.0, 0.25, 0.5, 0.75, 1.0}, GridSampler.values(uniform("u", 0, 1), 5), 1e-15);
        // one point: the middle of the axis (the geometric mean on a log scale)
        assertEquals(1e-3, GridSampler.values(log("l", 1e-5, 1e-1), 1)[0], 1e-15);
        assertEquals(0.5, GridSampler.values(uniform("u", 0, 1), 1)[0], 1e-15);
        assertArrayEquals(new double[] {50, 100}, GridSampler.values(choice("c", 50, 100), 9));
    }

    @Test
    void gridIsTheCrossedProduct() {
        SearchSpace s = space(log("lambda", 1e-4, 1e-2), choice("batch", 50, 100), uniform("m", 0, 1));
        GridSampler g = new GridSampler(s, 3, 0);
        assertEquals(3 * 2 * 3, g.trials());
        Set<List<Double>> seen = new HashSet<>();
        for (int i = 0; i < g.trials(); i++) {
            double[] v = g.values(i, null);
            seen.add(List.of(v[0], v[1], v[2]));
        }
        Set<List<Double>> expected = new HashSet<>();
        for (double a : new double[] {1e-4, 1e-3, 1e-2})
            for (double b : new double[] {50, 100})
                for (double c : new double[] {0, 0.5, 1})
                    expected.add(List.of(a, b, c));
        assertEquals(expected.size(), seen.size());
        for (List<Double> e : expected) {
            assertTrue(seen.stream().anyMatch(x -> Math.abs(x.get(0) - e.get(0)) < 1e-15 && x.get(1).equals(e.get(1))
                    && x.get(2).equals(e.get(2))), "missing " + e);
        }
        // last dimension varies fastest
        assertEquals(0.0, g.values(0, null)[2]);
        assertEquals(0.5, g.values(1, null)[2]);
        assertEquals(100.0, g.values(3, null)[1]);
    }

    @Test
    void cappedGridTakesAnEvenlyStridedSubset() {
        SearchSpace s = space(uniform("a", 0, 9));
        GridSampler g = new GridSampler(s, 10, 5); // values 0..9, keep every second
        assertEquals(5, g.trials());
        assertEquals(10, g.product());
        for (int i = 0; i < 5; i++) assertEquals(2.0 * i, g.values(i, null)[0], 1e-12);
        assertEquals(10, new GridSampler(s, 10, 50).trials()); // a cap above the product is the product
        assertThrows(IllegalArgumentException.class, () -> new GridSampler(space(uniform("a", 0, 1), uniform("b", 0, 1),
                uniform("c", 0, 1)), 100, 0));
        assertEquals(1000, new GridSampler(space(uniform("a", 0, 1), uniform("b", 0, 1), uniform("c", 0, 1)), 100, 1000).trials());
    }
}
