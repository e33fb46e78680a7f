package io.hpsearch.nn.optim;

import io.hpsearch.nn.Gradients;
import io.hpsearch.nn.Parameter;

import java.util.List;

/** Plain mini-batch gradient descent: θ ← θ − η g. */
public final class Sgd implements Optimizer {
    private final List<Parameter> parameters;

    public Sgd(List<Parameter> parameters) {
        this.parameters = List.copyOf(parameters);
    }

    @Override
    public void step(Gradients gradients, double eta) {
        for (int t = 0; t < parameters.size(); t++) {
            double[] theta = parameters.get(t).data();
            double[] g = gradients.get(t).data;
            for (int i = 0; i < theta.length; i++) theta[i] -= eta * g[i];
        }
    }
}
