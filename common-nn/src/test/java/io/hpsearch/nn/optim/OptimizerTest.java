package io.hpsearch.nn.optim;

import io.hpsearch.nn.Gradients;
import io.hpsearch.nn.Parameter;
import io.hpsearch.nn.train.OptimizerConfig;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class OptimizerTest {
    private final Parameter theta = new Parameter("W1", Parameter.Kind.WEIGHT, 1, new DMatrixRMaj(1, 2, true, 1.0, -2.0));
    private final List<Parameter> params = List.of(theta);

    private Gradients grad(double a, double b) {
        return new Gradients(params, new DMatrixRMaj[] {new DMatrixRMaj(1, 2, true, a, b)});
    }

    @Test
    void sgdSubtractsEtaTimesTheGradient() {
        Optimizer sgd = Optimizer.create(OptimizerConfig.SGD, params);
        assertInstanceOf(Sgd.class, sgd);
        sgd.step(grad(0.5, 0.25), 0.1);
        assertEquals(0.95, theta.data()[0], 1e-15);
        assertEquals(-2.025, theta.data()[1], 1e-15);
        sgd.step(grad(-1.0, 0.0), 0.01);
        assertEquals(0.96, theta.data()[0], 1e-15);
        assertEquals(-2.025, theta.data()[1], 1e-15);
    }

    @Test
    void momentumAccumulatesAVelocity() {
        Optimizer mom = Optimizer.create(OptimizerConfig.MOMENTUM, params); // μ = 0.9
        assertInstanceOf(Momentum.class, mom);
        mom.step(grad(0.5, 0.0), 0.1);
        // v = −0.05, θ = 0.95
        assertEquals(0.95, theta.data()[0], 1e-15);
        mom.step(grad(0.5, 0.0), 0.1);
        // v = 0.9 · (−0.05) − 0.05 = −0.095, θ = 0.855
        assertEquals(0.855, theta.data()[0], 1e-15);
        mom.step(grad(0.0, 0.0), 0.1);
        // v = −0.0855, θ = 0.7695: it keeps moving with no gradient
        assertEquals(0.7695, theta.data()[0], 1e-15);
        assertEquals(-2.0, theta.data()[1], 0.0);
    }

    @Test
    void adamUsesBiasCorrectedMoments() {
        Optimizer adam = Optimizer.create(OptimizerConfig.ADAM, params); // β1 0.9, β2 0.999, ε 1e-8
        assertInstanceOf(Adam.class, adam);
        adam.step(grad(0.5, -4.0), 0.1);
        // t = 1: m̂ = g, v̂ = g², so the step is η g / (|g| + ε) ≈ η sign(g) whatever |g|
        assertEquals(1.0 - 0.1 * 0.5 / (0.5 + 1e-8), theta.data()[0], 1e-15);
        assertEquals(-2.0 + 0.1 * 4.0 / (4.0 + 1e-8), theta.data()[1], 1e-15);
        adam.step(grad(0.25, -4.0), 0.1);
        // t = 2: m = 0.07, v = 0.00031225, m̂ = 0.07 / 0.19, v̂ = 0.00031225 / 0.001999
        assertEquals(0.8067820404774624, theta.data()[0], 1e-12);
        // a constant gradient keeps a step of η
        assertEquals(-2.0 + 0.2, theta.data()[1], 1e-9);
    }
}
