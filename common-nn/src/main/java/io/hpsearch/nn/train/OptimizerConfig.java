package io.hpsearch.nn.train;

import java.util.Locale;

/**
 * The update rule: plain mini-batch SGD, SGD with (heavy-ball) momentum, or Adam.
 *
 * @param momentum  used by MOMENTUM (v ← μ v − η g; θ ← θ + v)
 * @param beta1     Adam's first-moment decay
 * @param beta2     Adam's second-moment decay
 * @param epsilon   Adam's denominator guard
 */
public record OptimizerConfig(Kind kind, double momentum, double beta1, double beta2, double epsilon) {
    public enum Kind { SGD, MOMENTUM, ADAM }

    public static final OptimizerConfig SGD = new OptimizerConfig(Kind.SGD, 0, 0, 0, 0);
    public static final OptimizerConfig MOMENTUM = new OptimizerConfig(Kind.MOMENTUM, 0.9, 0, 0, 0);
    public static final OptimizerConfig ADAM = new OptimizerConfig(Kind.ADAM, 0, 0.9, 0.999, 1e-8);

    public OptimizerConfig {
        if (kind == null) throw new IllegalArgumentException("optimizer kind missing");
        if (kind == Kind.MOMENTUM && !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1): " + momentum);
        }
        if (kind == Kind.ADAM && !(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && epsilon > 0)) {
            throw new IllegalArgumentException("Adam needs beta1, beta2 in [0, 1) and epsilon > 0");
        }
    }

    /** {@code sgd}, {@code momentum} or {@code adam}, with default coefficients. */
    public static OptimizerConfig parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "sgd" -> SGD;
            case "momentum" -> MOMENTUM;
            case "adam" -> ADAM;
            default -> throw new IllegalArgumentException("unknown optimizer '" + text + "' (sgd, momentum or adam)");
        };
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
