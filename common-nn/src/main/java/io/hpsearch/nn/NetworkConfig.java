package io.hpsearch.nn;

import java.util.Arrays;
import java.util.Objects;

/**
 * Shape of a k-layer fully connected network: {@code inputDim → hidden[0] → … → classes}, ReLU
 * between layers, softmax output.
 *
 * @param bnAlpha momentum of the exponential moving averages of the BN statistics
 *                (μ_avg ← α μ_avg + (1 − α) μ_batch)
 */
public record NetworkConfig(int inputDim, int[] hidden, int classes, BatchNormMode batchNorm,
                            Initialization init, double bnAlpha) {
    public static final double DEFAULT_BN_ALPHA = 0.9;

    public NetworkConfig {
        Objects.requireNonNull(hidden, "hidden");
        Objects.requireNonNull(batchNorm, "batchNorm");
        Objects.requireNonNull(init, "init");
        hidden = hidden.clone();
        if (inputDim <= 0) throw new IllegalArgumentException("input dimension must be positive: " + inputDim);
        if (classes < 2) throw new IllegalArgumentException("need at least 2 classes: " + classes);
        for (int h : hidden) {
            if (h <= 0) throw new IllegalArgumentException("hidden layer sizes must be positive: " + Arrays.toString(hidden));
        }
        if (!(bnAlpha >= 0 && bnAlpha < 1)) throw new IllegalArgumentException("BN alpha must be in [0, 1): " + bnAlpha);
    }

    public static NetworkConfig of(int inputDim, int[] hidden, int classes, BatchNormMode batchNorm) {
        return new NetworkConfig(inputDim, hidden, classes, batchNorm, Initialization.HE, DEFAULT_BN_ALPHA);
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** Number of affine layers (hidden layers + output layer). */
    public int layers() {
        return hidden.length + 1;
    }

    /** Width of the output of affine layer {@code l} (0-based). */
    public int outputsOf(int layer) {
        return layer < hidden.length ? hidden[layer] : classes;
    }

    /** Width of the input of affine layer {@code l} (0-based). */
    public int inputsOf(int layer) {
        return layer == 0 ? inputDim : hidden[layer - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkConfig c && inputDim == c.inputDim && Arrays.equals(hidden, c.hidden)
                && classes == c.classes && batchNorm == c.batchNorm && init.equals(c.init)
                && Double.compare(bnAlpha, c.bnAlpha) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(inputDim, Arrays.hashCode(hidden), classes, batchNorm, init, bnAlpha);
    }

    @Override
    public String toString() {
        return "NetworkConfig[" + inputDim + " → " + Arrays.toString(hidden) + " → " + classes + ", bn=" + batchNorm
                + ", init=" + init + ", alpha=" + bnAlpha + "]";
    }
}
