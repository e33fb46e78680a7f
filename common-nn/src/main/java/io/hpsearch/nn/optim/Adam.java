package io.hpsearch.nn.optim;

import io.hpsearch.nn.Gradients;
import io.hpsearch.nn.Parameter;

import java.util.List;

/**
 * Adam (Kingma &amp; Ba 2015) with bias correction: m ← β₁ m + (1−β₁) g, v ← β₂ v + (1−β₂) g²,
 * m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ), θ ← θ − η m̂ / (√v̂ + ε), t counting updates from 1.
 */
public final class Adam implements Optimizer {
    private final List<Parameter> parameters;
    private final double beta1, beta2, epsilon;
    private final double[][] m, v;
    private long t;

    public Adam(List<Parameter> parameters, double beta1, double beta2, double epsilon) {
        this.parameters = List.copyOf(parameters);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.m = new double[parameters.size()][];
        this.v = new double[parameters.size()][];
        for (int p = 0; p < m.length; p++) {
            m[p] = new double[parameters.get(p).count()];
            v[p] = new double[parameters.get(p).count()];
        }
    }

    @Override
    public void step(Gradients gradients, double eta) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        for (int p = 0; p < parameters.size(); p++) {
            double[] theta = parameters.get(p).data();
            double[] g = gradients.get(p).data;
            double[] mp = m[p], vp = v[p];
            for (int i = 0; i < theta.length; i++) {
                mp[i] = beta1 * mp[i] + (1 - beta1) * g[i];
                vp[i] = beta2 * vp[i] + (1 - beta2) * g[i] * g[i];
                double mHat = mp[i] / c1;
                double vHat = vp[i] / c2;
                theta[i] -= eta * mHat / (Math.sqrt(vHat) + epsilon);
            }
        }
    }
}
