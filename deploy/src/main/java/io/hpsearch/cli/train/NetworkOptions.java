package io.hpsearch.cli.train;

import io.hpsearch.cli.UserError;
import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.Initialization;
import io.hpsearch.nn.NetworkConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;

/** The options that shape the network, shared by {@code train} and {@code gradcheck}. */
public final class NetworkOptions {
    @Option(names = "--hidden", paramLabel = "N[,N…]|none", defaultValue = "50,50",
            description = "Hidden layer widths, comma-separated, or none for softmax regression (default: ${DEFAULT-VALUE}).")
    String hiddenText;

    @Option(names = "--no-bn", description = "No batch normalisation (plain network).")
    boolean noBn;

    @Option(names = "--bn", paramLabel = "before|after", defaultValue = "before",
            description = "Batch normalisation before or after the ReLU (default: ${DEFAULT-VALUE}).")
    String bnPosition;

    @Option(names = "--bn-alpha", paramLabel = "A", defaultValue = "0.9",
            description = "Momentum α of the BN moving averages (default: ${DEFAULT-VALUE}).")
    double bnAlpha;

    @Option(names = "--init", paramLabel = "he|xavier|sigma:S", defaultValue = "he",
            description = "Weight initialisation (default: ${DEFAULT-VALUE}).")
    String init;

    /** The command these options are mixed into: tells an option given on the command line from its default. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The network for data of {@code inputDim} features and {@code classes} classes. */
    public NetworkConfig toConfig(int inputDim, int classes) {
        int[] hidden = hidden();
        // each layer's weights are one array: a typo's extra digits would fail deep inside the core
        int in = inputDim;
        for (int i = 0; i <= hidden.length; i++) {
            int width = i < hidden.length ? hidden[i] : classes;
            long weights = (long) in * width;
            if (weights > Integer.MAX_VALUE - 8) {
                throw new UserError("--hidden: a layer of " + width + " units on " + in + " inputs has " + weights
                        + " weights, more than one array holds");
            }
            in = width;
        }
        if (!(bnAlpha >= 0 && bnAlpha < 1)) throw new UserError("--bn-alpha must be in [0, 1), got " + bnAlpha);
        return new NetworkConfig(inputDim, hidden, classes, batchNorm(), initialization(), bnAlpha);
    }

    /** The hidden layers' widths; none for {@code none} (a campaign's {@code hidden = []}). */
    public int[] hidden() {
        String text = hiddenText.trim();
        if (text.equalsIgnoreCase("none")) return new int[0];
        String[] parts = text.split(",", -1);
        int[] hidden = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                hidden[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UserError("--hidden: '" + parts[i].trim() + "' is not a layer width (give N[,N…], or none)");
            }
            if (hidden[i] <= 0) throw new UserError("--hidden: every layer width must be positive, got " + hiddenText);
        }
        return hidden;
    }

    public BatchNormMode batchNorm() {
        if (noBn) {
            // a plain network has no BN layer to place or average: a run without what was asked for would mislead
            for (String option : new String[] {"--bn", "--bn-alpha"}) {
                if (given(option)) throw new UserError(option + " has no effect with --no-bn (a network without batch normalisation)");
            }
            return BatchNormMode.OFF;
        }
        return switch (bnPosition.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "before", "before-relu" -> BatchNormMode.BEFORE_RELU;
            case "after", "after-relu" -> BatchNormMode.AFTER_RELU;
            default -> throw new UserError("--bn must be 'before' or 'after', got '" + bnPosition + "'");
        };
    }

    public Initialization initialization() {
        try {
            return Initialization.parse(init);
        } catch (IllegalArgumentException e) {
            throw new UserError("--init: " + e.getMessage());
        }
    }

    private boolean given(String option) {
        return command != null && command.commandLine().getParseResult() != null
                && command.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** The hyperparameters these options set, for result files. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hidden", hidden());
        m.put("batch_norm", batchNorm().name().toLowerCase(java.util.Locale.ROOT));
        if (batchNorm() != BatchNormMode.OFF) m.put("bn_alpha", bnAlpha); // no BN, no moving averages to weigh
        m.put("init", initialization().toString());
        return m;
    }
}
