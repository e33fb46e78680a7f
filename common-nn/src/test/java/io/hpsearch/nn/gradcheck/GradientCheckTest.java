package io.hpsearch.nn.gradcheck;

import io.hpsearch.nn.Batch;
import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.Gradients;
import io.hpsearch.nn.Network;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.TestDataSets;
import io.hpsearch.nn.data.DataSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradientCheckTest {
    private static final DataSet DATA = TestDataSets.noise(40, 30, 5, 11);
    private static final int[] WIDTHS = {12, 10, 9, 8};

    static Stream<Arguments> shapes() {
        List<Arguments> all = new ArrayList<>();
        for (int k = 1; k <= 4; k++) {
            for (BatchNormMode mode : BatchNormMode.values()) all.add(Arguments.of(k, mode));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} hidden, {1}")
    @MethodSource("shapes")
    void analyticGradientsMatchNumericalOnes(int hiddenLayers, BatchNormMode mode) {
        NetworkConfig config = NetworkConfig.of(DATA.dim(), Arrays.copyOf(WIDTHS, hiddenLayers), 5, mode);
        GradientCheckReport report = GradientCheck.run(DATA, 15, 20, config, 3, 0.01);
        System.out.print(hiddenLayers + " hidden, " + mode + ":\n" + report.toTable());

        List<String> expected = expectedTensors(hiddenLayers, mode);
        assertEquals(expected, report.tensors().stream().map(GradientCheckReport.TensorError::name).toList());
        for (GradientCheckReport.TensorError t : report.tensors()) {
            // A tensor whose gradient is all zero would make the check vacuous.
            assertTrue(t.maxAbsGradient() > 1e-4, t.name() + " has no gradient to check");
        }
        assertTrue(report.passes(1e-6), "max relative error " + report.maxError() + "\n" + report.toTable());
        assertEquals(15, report.dims());
        assertEquals(20, report.samples());
    }

    private static List<String> expectedTensors(int hidden, BatchNormMode mode) {
        List<String> names = new ArrayList<>();
        for (int l = 1; l <= hidden; l++) {
            names.add("W" + l);
            if (mode != BatchNormMode.BEFORE_RELU) names.add("b" + l);
            if (mode != BatchNormMode.OFF) {
                names.add("gamma" + l);
                names.add("beta" + l);
            }
        }
        names.add("W" + (hidden + 1));
        names.add("b" + (hidden + 1));
        return names;
    }

    @Test
    void aWrongGradientIsCaught() {
        NetworkConfig config = NetworkConfig.of(10, new int[] {8, 6}, 5, BatchNormMode.BEFORE_RELU);
        Network net = new Network(config, 5);
        Batch batch = Batch.reduced(DATA, 10, 20);
        Gradients right = net.backward(net.forward(batch.features(), true), batch.labels(), 0.01);
        Gradients wrong = right.copy();
        // One entry off by 1 %: a plausible bug, e.g. a missing 1/n somewhere in one unit.
        wrong.get("gamma2").data[3] *= 1.01;

        GradientCheckReport good = GradientCheck.compare(net, batch.features(), batch.labels(), 0.01, GradientCheck.DEFAULT_STEP, right);
        GradientCheckReport bad = GradientCheck.compare(net, batch.features(), batch.labels(), 0.01, GradientCheck.DEFAULT_STEP, wrong);
        assertTrue(good.passes(1e-6), good.toTable());
        assertTrue(!bad.passes(1e-3), bad.toTable());
        assertTrue(bad.tensor("gamma2").maxError() > 1e-3, bad.toTable());
        assertTrue(bad.tensor("W1").maxError() < 1e-6, bad.toTable());
    }

    @Test
    void aMissingRegularisationTermIsCaught() {
        NetworkConfig config = NetworkConfig.of(10, new int[] {8}, 5, BatchNormMode.OFF);
        Network net = new Network(config, 9);
        Batch batch = Batch.reduced(DATA, 10, 20);
        // Gradients of the cost without λ, checked against the cost with λ.
        Gradients noPenalty = net.backward(net.forward(batch.features(), true), batch.labels(), 0.0);
        GradientCheckReport report = GradientCheck.compare(net, batch.features(), batch.labels(), 0.1, GradientCheck.DEFAULT_STEP, noPenalty);
        assertTrue(report.tensor("W1").maxError() > 1e-3, report.toTable());
        assertTrue(report.tensor("b1").maxError() < 1e-6, report.toTable());
    }

    @Test
    void theCheckLeavesTheNetworkUnchanged() {
        NetworkConfig config = NetworkConfig.of(10, new int[] {8}, 5, BatchNormMode.AFTER_RELU);
        Network net = new Network(config, 9);
        Batch batch = Batch.reduced(DATA, 10, 20);
        double before = net.cost(batch.features(), batch.labels(), 0.01);
        GradientCheck.check(net, batch.features(), batch.labels(), 0.01, GradientCheck.DEFAULT_STEP);
        assertEquals(before, net.cost(batch.features(), batch.labels(), 0.01), 0.0);
    }

    /**
     * A ReLU input placed 1e-9 from zero: any step h above that puts c(θ + h) and c(θ − h) on two
     * linear pieces of the cost, and a plain centred difference is then wrong by O(1) for every
     * weight into that unit. The check must still see that the analytic gradient is right.
     */
    @Test
    void aReluInputNextToItsKinkDoesNotSpoilTheCheck() {
        NetworkConfig config = NetworkConfig.of(10, new int[] {8}, 5, BatchNormMode.OFF);
        Network net = new Network(config, 4);
        Batch batch = Batch.reduced(DATA, 10, 20);
        double[] w = net.parameter("W1").data();
        double[] b = net.parameter("b1").data();
        int unit = 2;
        double s = 0;
        for (int j = 0; j < 10; j++) s += batch.features().get(0, j) * w[j * 8 + unit];
        b[unit] = 1e-9 - s; // sample 0's input to ReLU unit 2 is now 1e-9

        double plain = 0; // what one centred difference of the full cost says for b1[unit]
        double h = 1e-5;
        double original = b[unit];
        b[unit] = original + h;
        double up = net.cost(batch.features(), batch.labels(), 0.01);
        b[unit] = original - h;
        double down = net.cost(batch.features(), batch.labels(), 0.01);
        b[unit] = original;
        plain = (up - down) / (2 * h);
        Gradients analytic = net.backward(net.forward(batch.features(), true), batch.labels(), 0.01);
        assertTrue(GradientCheck.relativeError(analytic.get("b1").data[unit], plain) > 1e-3,
                "the set-up must put a kink inside ±h (plain difference " + plain + ")");

        GradientCheckReport report = GradientCheck.check(net, batch.features(), batch.labels(), 0.01,
                GradientCheck.DEFAULT_STEP);
        assertTrue(report.passes(1e-6), report.toTable());
    }

    @Test
    void riddersExtrapolationReachesRoundingLevel() {
        // d/dx sin at 1 from centred quotients starting at h = 0.1, where one quotient is off by 1e-3.
        double d = GradientCheck.ridders(h -> (Math.sin(1 + h) - Math.sin(1 - h)) / (2 * h), 0.1);
        assertEquals(Math.cos(1), d, 1e-12);
        double e = GradientCheck.ridders(h -> (Math.exp(3 * (2 + h)) - Math.exp(3 * (2 - h))) / (2 * h), 0.01);
        assertEquals(3 * Math.exp(6), e, 1e-10 * 3 * Math.exp(6));
    }

    @Test
    void relativeErrorFollowsItsDefinition() {
        assertEquals(0.0, GradientCheck.relativeError(0, 0), 0.0);
        assertEquals(1.0 / 3.0, GradientCheck.relativeError(1, 2), 1e-15);
        assertEquals(1e-11 / 1e-10, GradientCheck.relativeError(1e-11, 0), 1e-15);
    }
}
