package io.hpsearch.nn.metrics;

/** Cost (loss + λ Σ‖W‖²), mean cross-entropy loss and accuracy of a network on one data set. */
public record Evaluation(double cost, double loss, double accuracy) {
    /** Evaluation of an empty set. */
    public static final Evaluation EMPTY = new Evaluation(Double.NaN, Double.NaN, Double.NaN);
}
