package io.hpsearch.nn.optim;

import io.hpsearch.nn.Gradients;
import io.hpsearch.nn.Parameter;

import java.util.List;

/** Heavy-ball momentum: v ← μ v − η g; θ ← θ + v, with v starting at 0. */
public final class Momentum implements Optimizer {
    private final List<Parameter> parameters;
    private final double mu;
    private final double[][] velocity;

    public Momentum(List<Parameter> parameters, double mu) {
        this.parameters = List.copyOf(parameters);
        this.mu = mu;
        this.velocity = new double[parameters.size()][];
        for (int t = 0; t < velocity.length; t++) velocity[t] = new double[parameters.get(t).count()];
    }

    @Override
    public void step(Gradients gradients, double eta) {
        for (int t = 0; t < parameters.size(); t++) {
            double[] theta = parameters.get(t).data();
            double[] g = gradients.get(t).data;
            double[] v = velocity[t];
            for (int i = 0; i < theta.length; i++) {
                v[i] = mu * v[i] - eta * g[i];
                theta[i] += v[i];
            }
        }
    }
}
