package io.hpsearch.nn.optim;

import io.hpsearch.nn.Gradients;
import io.hpsearch.nn.Parameter;
import io.hpsearch.nn.train.OptimizerConfig;

import java.util.List;

/**
 * An update rule. One instance serves one network for one run: it may keep per-parameter state
 * (velocities, moments) sized from the parameter list it was created for.
 */
public interface Optimizer {

    /** Applies one update with learning rate {@code eta}, in place on the parameters' arrays. */
    void step(Gradients gradients, double eta);

    /** The optimiser a config asks for, bound to these parameters. */
    static Optimizer create(OptimizerConfig config, List<Parameter> parameters) {
        return switch (config.kind()) {
            case SGD -> new Sgd(parameters);
            case MOMENTUM -> new Momentum(parameters, config.momentum());
            case ADAM -> new Adam(parameters, config.beta1(), config.beta2(), config.epsilon());
        };
    }
}
