package io.hpsearch.nn;

import org.ejml.data.DMatrixRMaj;

/**
 * One learnable tensor of a network, named as in the reports ({@code W1}, {@code b1},
 * {@code gamma1}, {@code beta1}, …, layers counted from 1). {@link #data()} is a live view: writing
 * to it changes the network, which is how optimisers update and the gradient check perturbs.
 *
 * @param layer 1-based index of the affine layer (or hidden layer, for γ and β) it belongs to
 */
public record Parameter(String name, Kind kind, int layer, DMatrixRMaj value) {
    public enum Kind {
        /** Weights: the only tensors the L2 penalty λ Σ‖W‖² applies to. */
        WEIGHT,
        BIAS,
        /** BN scale γ. */
        GAMMA,
        /** BN shift β. */
        BETA
    }

    /** The backing array, row-major; a view, not a copy. */
    public double[] data() {
        return value.data;
    }

    public int count() {
        return value.getNumElements();
    }

    public int rows() {
        return value.numRows;
    }

    public int cols() {
        return value.numCols;
    }
}
