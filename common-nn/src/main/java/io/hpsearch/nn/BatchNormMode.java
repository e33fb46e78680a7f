package io.hpsearch.nn;

/** Where, if anywhere, batch normalisation sits in each hidden layer. */
public enum BatchNormMode {
    /** Plain network: affine, then ReLU. */
    OFF,
    /** affine → BN (γ, β) → ReLU, as in the original BN paper and the reports (default). */
    BEFORE_RELU,
    /** affine → ReLU → BN (γ, β). */
    AFTER_RELU
}
