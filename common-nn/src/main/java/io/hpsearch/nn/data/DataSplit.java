package io.hpsearch.nn.data;

import java.util.Objects;

/** Training, validation and test sets of one experiment; validation may be empty (size 0) only if asked for. */
public record DataSplit(DataSet train, DataSet validation, DataSet test) {
    public DataSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
        if (train.dim() != validation.dim() || train.dim() != test.dim()) {
            throw new IllegalArgumentException("train, validation and test differ in dimension: "
                    + train.dim() + ", " + validation.dim() + ", " + test.dim());
        }
    }
}
