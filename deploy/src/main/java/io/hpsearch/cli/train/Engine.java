package io.hpsearch.cli.train;

import io.hpsearch.cli.UserError;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.fast.FastTrainer;
import io.hpsearch.nn.train.Trainer;
import io.hpsearch.nn.train.TrainingConfig;
import io.hpsearch.nn.train.TrainingListener;
import io.hpsearch.nn.train.TrainingResult;

import java.util.Locale;

/** Which network core trains: the float32 vector core, or the double-precision reference. */
public enum Engine {
    FAST, REFERENCE;

    /** Parses the value of {@code --engine}. */
    public static Engine parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "fast" -> FAST;
            case "reference" -> REFERENCE;
            default -> throw new UserError("--engine must be 'fast' or 'reference', got '" + text + "'");
        };
    }

    public TrainingResult train(NetworkConfig network, DataSplit data, TrainingConfig config, TrainingListener listener) {
        return this == FAST ? new FastTrainer().train(network, data, config, listener)
                : new Trainer().train(network, data, config, listener);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
