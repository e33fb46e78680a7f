package io.hpsearch.nn.data;

import java.util.List;
import java.util.Objects;

/**
 * A data set as published: its official training and test parts, not yet split into training and
 * validation and not standardised (see {@link Preprocessing}).
 *
 * @param classNames display names of the classes, indexed by label
 */
public record OfficialSplit(DataSet train, DataSet test, List<String> classNames) {
    public OfficialSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        classNames = List.copyOf(classNames);
        if (train.dim() != test.dim()) {
            throw new IllegalArgumentException("train and test differ in dimension: " + train.dim() + ", " + test.dim());
        }
        if (train.classes() != test.classes() || classNames.size() != train.classes()) {
            throw new IllegalArgumentException("class counts differ: train " + train.classes() + ", test "
                    + test.classes() + ", names " + classNames.size());
        }
    }
}
