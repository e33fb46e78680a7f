package io.hpsearch.nn.fast;

import io.hpsearch.nn.train.OptimizerConfig;

/**
 * The update rules of {@link io.hpsearch.nn.optim} in float over one flat parameter array, the
 * same equations per element (see {@link io.hpsearch.nn.optim.Sgd}, {@link
 * io.hpsearch.nn.optim.Momentum}, {@link io.hpsearch.nn.optim.Adam}). The reference ones walk a
 * list of double tensors; these take an element range so a team can split one update, and keep
 * their state (velocity, moments) in arrays made once.
 *
 * <p>Use: {@link #begin} once per update on one thread (it advances Adam's step count), then
 * {@link #update} over ranges that together cover the array exactly once.
 */
public abstract class FloatOptimizer {
    protected float eta;

    /** The optimiser a config asks for, for a parameter array of {@code size} floats. */
    public static FloatOptimizer create(OptimizerConfig config, int size) {
        return switch (config.kind()) {
            case SGD -> new Sgd();
            case MOMENTUM -> new Momentum(size, (float) config.momentum());
            case ADAM -> new Adam(size, config.beta1(), config.beta2(), config.epsilon());
        };
    }

    /** Starts one update with learning rate {@code eta}. */
    public void begin(double eta) {
        this.eta = (float) eta;
    }

    /** Applies the update begun by {@link #begin} to elements {@code [from, to)}. */
    public abstract void update(float[] theta, float[] g, int from, int to);

    /** θ ← θ − η g. */
    static final class Sgd extends FloatOptimizer {
        @Override
        public void update(float[] theta, float[] g, int from, int to) {
            float e = eta;
            for (int i = from; i < to; i++) theta[i] -= e * g[i];
        }
    }

    /** v ← μ v − η g; θ ← θ + v. */
    static final class Momentum extends FloatOptimizer {
        private final float mu;
        private final float[] v;

        Momentum(int size, float mu) {
            this.mu = mu;
            this.v = new float[size];
        }

        @Override
        public void update(float[] theta, float[] g, int from, int to) {
            float e = eta, m = mu;
            float[] vel = v;
            for (int i = from; i < to; i++) {
                float vi = m * vel[i] - e * g[i];
                vel[i] = vi;
                theta[i] += vi;
            }
        }
    }

    /** m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − η m̂ / (√v̂ + ε), t counting updates from 1. */
    static final class Adam extends FloatOptimizer {
        private final double beta1, beta2;
        private final float b1, b2, epsilon;
        private final float[] m, v;
        private long t;
        private float inverseC1, inverseC2;

        Adam(int size, double beta1, double beta2, double epsilon) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.b1 = (float) beta1;
            this.b2 = (float) beta2;
            this.epsilon = (float) epsilon;
            this.m = new float[size];
            this.v = new float[size];
        }

        @Override
        public void begin(double eta) {
            super.begin(eta);
            t++;
            // Bias corrections in double, as in the reference, then used as float factors.
            inverseC1 = (float) (1.0 / (1 - Math.pow(beta1, t)));
            inverseC2 = (float) (1.0 / (1 - Math.pow(beta2, t)));
        }

        @Override
        public void update(float[] theta, float[] g, int from, int to) {
            float e = eta, c1 = inverseC1, c2 = inverseC2, p1 = b1, p2 = b2, q1 = 1 - b1, q2 = 1 - b2, eps = epsilon;
            float[] mm = m, vv = v;
            for (int i = from; i < to; i++) {
                float gi = g[i];
                float mi = p1 * mm[i] + q1 * gi;
                float vi = p2 * vv[i] + q2 * gi * gi;
                mm[i] = mi;
                vv[i] = vi;
                theta[i] -= e * (mi * c1) / ((float) Math.sqrt(vi * c2) + eps);
            }
        }
    }
}
