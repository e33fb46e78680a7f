package io.hpsearch.nn;

import org.ejml.data.DMatrixRMaj;

import java.util.List;

/**
 * Gradients of the cost with respect to every parameter of a network, in the order and shapes of
 * {@link Network#parameters()}.
 */
public final class Gradients {
    private final List<Parameter> parameters;
    private final DMatrixRMaj[] values;

    /** Gradients for {@code parameters}, one matrix of the same shape each, in the same order. */
    public Gradients(List<Parameter> parameters, DMatrixRMaj[] values) {
        if (parameters.size() != values.length) throw new IllegalArgumentException("one gradient per parameter");
        for (int i = 0; i < values.length; i++) {
            Parameter p = parameters.get(i);
            if (values[i].numRows != p.rows() || values[i].numCols != p.cols()) {
                throw new IllegalArgumentException("gradient of " + p.name() + " has the wrong shape");
            }
        }
        this.parameters = List.copyOf(parameters);
        this.values = values.clone();
    }

    public int size() {
        return values.length;
    }

    /** Gradient of parameter {@code i} (same index as in {@link Network#parameters()}); mutable. */
    public DMatrixRMaj get(int i) {
        return values[i];
    }

    /** Gradient of the parameter with this name ({@code W1}, {@code gamma2}, …). */
    public DMatrixRMaj get(String name) {
        for (int i = 0; i < values.length; i++) {
            if (parameters.get(i).name().equals(name)) return values[i];
        }
        throw new IllegalArgumentException("no parameter named " + name);
    }

    public String name(int i) {
        return parameters.get(i).name();
    }

    /** A deep copy, e.g. to tamper with in a test without touching the original. */
    public Gradients copy() {
        DMatrixRMaj[] c = new DMatrixRMaj[values.length];
        for (int i = 0; i < c.length; i++) c[i] = values[i].copy();
        return new Gradients(parameters, c);
    }
}
