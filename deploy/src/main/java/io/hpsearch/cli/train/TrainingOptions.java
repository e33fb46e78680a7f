package io.hpsearch.cli.train;

import io.hpsearch.cli.CoreBudget;
import io.hpsearch.cli.UserError;
import io.hpsearch.nn.train.BnStatistics;
import io.hpsearch.nn.train.OptimizerConfig;
import io.hpsearch.nn.train.ScheduleConfig;
import io.hpsearch.nn.train.TrainEvaluation;
import io.hpsearch.nn.train.TrainingConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The training recipe: penalty, schedule, optimiser, batch, BN test statistics, augmentation,
 * seed and threads. Every check names the option, so a bad value is refused before any data is read.
 */
public final class TrainingOptions {
    @Option(names = "--lambda", paramLabel = "L", defaultValue = "0.005",
            description = "L2 penalty λ on the weights (default: ${DEFAULT-VALUE}).")
    double lambda;

    @Option(names = "--schedule", paramLabel = "cyclic|constant|step", defaultValue = "cyclic",
            description = "Learning-rate schedule (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--eta-min", paramLabel = "A", defaultValue = "1e-5",
            description = "Cyclic: lowest learning rate η_min (default: ${DEFAULT-VALUE}).")
    double etaMin;

    @Option(names = "--eta-max", paramLabel = "B", defaultValue = "1e-1",
            description = "Cyclic: peak learning rate η_max (default: ${DEFAULT-VALUE}).")
    double etaMax;

    @Option(names = "--cycles", paramLabel = "C", defaultValue = "2",
            description = "Cyclic: number of cycles (default: ${DEFAULT-VALUE}).")
    int cycles;

    @Option(names = "--step-epochs", paramLabel = "S", defaultValue = "5",
            description = "Cyclic: half-cycle n_s in epochs (default: ${DEFAULT-VALUE}).")
    double stepEpochs;

    @Option(names = "--step-updates", paramLabel = "N", defaultValue = "0",
            description = "Cyclic: half-cycle n_s in updates, instead of --step-epochs.")
    long stepUpdates;

    @Option(names = "--eta-max-decay", paramLabel = "D", defaultValue = "1",
            description = "Cyclic: η_max is multiplied by D each cycle (default: ${DEFAULT-VALUE}, no decay).")
    double etaMaxDecay;

    @Option(names = "--eta", paramLabel = "E", defaultValue = "0.01",
            description = "Constant and step schedules: the learning rate (default: ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--decay-factor", paramLabel = "F", defaultValue = "0.1",
            description = "Step schedule: factor applied every --decay-every epochs (default: ${DEFAULT-VALUE}).")
    double decayFactor;

    @Option(names = "--decay-every", paramLabel = "E", defaultValue = "10",
            description = "Step schedule: epochs between decays (default: ${DEFAULT-VALUE}).")
    double decayEvery;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "0",
            description = "Constant and step schedules: epochs to train (a cyclic schedule sets its own length).")
    int epochs;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "100",
            description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--optimizer", paramLabel = "sgd|momentum|adam", defaultValue = "sgd",
            description = "Update rule (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9",
            description = "Momentum coefficient for --optimizer momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--beta1", paramLabel = "B", defaultValue = "0.9",
            description = "Adam's decay of its gradient average, for --optimizer adam (default: ${DEFAULT-VALUE}).")
    double beta1;

    @Option(names = "--beta2", paramLabel = "B", defaultValue = "0.999",
            description = "Adam's decay of its squared-gradient average, for --optimizer adam (default: ${DEFAULT-VALUE}).")
    double beta2;

    @Option(names = "--epsilon", paramLabel = "E", defaultValue = "1e-8",
            description = "Adam's term added to the root of the squared-gradient average, for --optimizer adam "
                    + "(default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--bn-stats", paramLabel = "ema|precise", defaultValue = "ema",
            description = "BN statistics at test time: moving averages or precise (recomputed) (default: ${DEFAULT-VALUE}).")
    String bnStats;

    @Option(names = "--precise-samples", paramLabel = "N", defaultValue = "10000",
            description = "Training samples for precise BN statistics, 0 for all (default: ${DEFAULT-VALUE}).")
    int preciseSamples;

    @Option(names = "--flip", description = "Random horizontal flips of the training images.")
    boolean flip;

    @Option(names = "--train-subset", paramLabel = "N", defaultValue = "0",
            description = "Train on the first N training samples only (default: all).")
    int trainSubset;

    @Option(names = "--train-eval", paramLabel = "epoch|end", defaultValue = "epoch",
            description = "Measure cost, loss and accuracy on the training set after every epoch, or after the last "
                    + "one only (a pass over the training set costs about a third of an epoch's updates) "
                    + "(default: ${DEFAULT-VALUE}).")
    String trainEval;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of initialisation, shuffling and augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "Threads of the training run (default: ${DEFAULT-VALUE}).")
    int threads;

    /** The command these options are mixed into: tells an option given on the command line from its default. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    public long seed() {
        return seed;
    }

    /** Checks the options that do not depend on the data, naming the first bad one. */
    public void validate() {
        requireFinite("--lambda", lambda);
        if (lambda < 0) throw new UserError("--lambda must be >= 0, got " + lambda);
        if (batch <= 0) throw new UserError("--batch must be positive, got " + batch);
        // a typo's thousands of threads would each be started, and wait at every step for a core
        CoreBudget.checkCount("--threads", threads);
        if (trainSubset < 0) throw new UserError("--train-subset must be >= 0, got " + trainSubset);
        if (preciseSamples < 0) throw new UserError("--precise-samples must be >= 0, got " + preciseSamples);
        if (epochs < 0) throw new UserError("--epochs must be >= 0, got " + epochs);
        scheduleConfig();
        optimizerConfig();
        bnStatistics();
        trainEvaluation();
    }

    public ScheduleConfig scheduleConfig() {
        switch (schedule.trim().toLowerCase(Locale.ROOT)) {
            case "cyclic", "cyclical", "clr" -> {
                requirePositive("--eta-min", etaMin);
                requirePositive("--eta-max", etaMax);
                if (etaMin > etaMax) {
                    throw new UserError("--eta-min (" + etaMin + ") must not exceed --eta-max (" + etaMax + ")");
                }
                if (cycles <= 0) throw new UserError("--cycles must be positive, got " + cycles);
                // 0 is the default's "not given" (n_s from --step-epochs), not a value to take
                if (stepUpdates < 0 || (stepUpdates == 0 && given("--step-updates"))) {
                    throw new UserError("--step-updates must be positive, got " + stepUpdates);
                }
                if (stepUpdates == 0) requirePositive("--step-epochs", stepEpochs);
                if (!(etaMaxDecay > 0 && etaMaxDecay <= 1)) {
                    throw new UserError("--eta-max-decay must be in (0, 1], got " + etaMaxDecay);
                }
                if (epochs > 0) {
                    throw new UserError("--epochs has no effect under a cyclic schedule (it lasts --cycles x 2 x "
                            + "--step-epochs); set --cycles, or use --schedule constant or step");
                }
                if (given("--step-epochs") && given("--step-updates")) {
                    throw new UserError("--step-epochs and --step-updates both set the half-cycle n_s; give one");
                }
                refuseGiven("has no effect under a cyclic schedule, which runs from --eta-min to --eta-max; "
                        + "use --schedule constant or step", "--eta");
                refuseGiven("has no effect under a cyclic schedule (--eta-max-decay lowers its peak each cycle); "
                        + "use --schedule step", "--decay-factor", "--decay-every");
                return new ScheduleConfig.Cyclical(etaMin, etaMax, stepUpdates, stepEpochs, cycles, etaMaxDecay);
            }
            case "constant" -> {
                refuseGiven("is for a cyclic schedule, not a 'constant' one; use --eta, or --schedule cyclic", CYCLIC_ONLY);
                refuseGiven("is for a step schedule, not a 'constant' one; use --schedule step", "--decay-factor",
                        "--decay-every");
                requirePositive("--eta", eta);
                requireEpochs();
                return new ScheduleConfig.Constant(eta);
            }
            case "step" -> {
                refuseGiven("is for a cyclic schedule, not a 'step' one; use --eta, --decay-factor and --decay-every, "
                        + "or --schedule cyclic", CYCLIC_ONLY);
                requirePositive("--eta", eta);
                if (!(decayFactor > 0 && decayFactor <= 1)) {
                    throw new UserError("--decay-factor must be in (0, 1], got " + decayFactor);
                }
                requirePositive("--decay-every", decayEvery);
                requireEpochs();
                return new ScheduleConfig.StepDecay(eta, decayFactor, decayEvery);
            }
            default -> throw new UserError("--schedule must be cyclic, constant or step, got '" + schedule + "'");
        }
    }

    public OptimizerConfig optimizerConfig() {
        OptimizerConfig base;
        try {
            base = OptimizerConfig.parse(optimizer);
        } catch (IllegalArgumentException e) {
            throw new UserError("--optimizer: " + e.getMessage());
        }
        if (base.kind() != OptimizerConfig.Kind.MOMENTUM) {
            refuseGiven("is used only with --optimizer momentum", "--momentum");
        }
        if (base.kind() != OptimizerConfig.Kind.ADAM) {
            refuseGiven("is used only with --optimizer adam", "--beta1", "--beta2", "--epsilon");
        }
        if (base.kind() == OptimizerConfig.Kind.MOMENTUM) {
            if (!(momentum >= 0 && momentum < 1)) throw new UserError("--momentum must be in [0, 1), got " + momentum);
            return new OptimizerConfig(OptimizerConfig.Kind.MOMENTUM, momentum, 0, 0, 0);
        }
        if (base.kind() == OptimizerConfig.Kind.ADAM) {
            if (!(beta1 >= 0 && beta1 < 1)) throw new UserError("--beta1 must be in [0, 1), got " + beta1);
            if (!(beta2 >= 0 && beta2 < 1)) throw new UserError("--beta2 must be in [0, 1), got " + beta2);
            requirePositive("--epsilon", epsilon);
            return new OptimizerConfig(OptimizerConfig.Kind.ADAM, 0, beta1, beta2, epsilon);
        }
        return base;
    }

    public TrainEvaluation trainEvaluation() {
        return switch (trainEval.trim().toLowerCase(Locale.ROOT)) {
            case "epoch" -> TrainEvaluation.EVERY_EPOCH;
            case "end" -> TrainEvaluation.LAST_EPOCH;
            default -> throw new UserError("--train-eval must be 'epoch' or 'end', got '" + trainEval + "'");
        };
    }

    public BnStatistics bnStatistics() {
        BnStatistics stats = switch (bnStats.trim().toLowerCase(Locale.ROOT)) {
            case "ema", "moving-average" -> BnStatistics.MOVING_AVERAGE;
            case "precise" -> BnStatistics.PRECISE;
            default -> throw new UserError("--bn-stats must be 'ema' or 'precise', got '" + bnStats + "'");
        };
        if (stats != BnStatistics.PRECISE) refuseGiven("is used only with --bn-stats precise", "--precise-samples");
        return stats;
    }

    /**
     * The training configuration for a training set of {@code trainSize} samples (before any
     * subset): checks the options that depend on its size.
     */
    public TrainingConfig toConfig(int trainSize) {
        validate();
        if (trainSubset > trainSize) {
            throw new UserError("--train-subset (" + trainSubset + ") is larger than the training set (" + trainSize + " samples)");
        }
        int used = trainSubset > 0 ? trainSubset : trainSize;
        if (batch > used) {
            throw new UserError("--batch (" + batch + ") is larger than the training set (" + used + " samples)");
        }
        return new TrainingConfig(lambda, batch, epochs, scheduleConfig(), optimizerConfig(), bnStatistics(),
                Math.min(preciseSamples, used), flip, trainSubset, seed, threads, trainEvaluation());
    }

    /** The hyperparameters these options set, for result files. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lambda", lambda);
        ScheduleConfig s = scheduleConfig();
        if (s instanceof ScheduleConfig.Cyclical c) {
            m.put("schedule", "cyclic");
            m.put("eta_min", c.etaMin());
            m.put("eta_max", c.etaMax());
            m.put("step_epochs", c.stepUpdates() > 0 ? null : c.stepEpochs());
            m.put("step_updates", c.stepUpdates() > 0 ? c.stepUpdates() : null);
            m.put("cycles", c.cycles());
            m.put("eta_max_decay", c.maxDecay());
        } else if (s instanceof ScheduleConfig.StepDecay d) {
            m.put("schedule", "step");
            m.put("eta", d.eta());
            m.put("decay_factor", d.factor());
            m.put("decay_every", d.everyEpochs());
        } else if (s instanceof ScheduleConfig.Constant c) {
            m.put("schedule", "constant");
            m.put("eta", c.eta());
        }
        m.put("batch", batch);
        m.put("optimizer", optimizerConfig().toString());
        if (optimizerConfig().kind() == OptimizerConfig.Kind.MOMENTUM) m.put("momentum", momentum);
        if (optimizerConfig().kind() == OptimizerConfig.Kind.ADAM) {
            m.put("beta1", beta1);
            m.put("beta2", beta2);
            m.put("epsilon", epsilon);
        }
        m.put("bn_stats", bnStatistics() == BnStatistics.PRECISE ? "precise" : "ema");
        if (bnStatistics() == BnStatistics.PRECISE) m.put("precise_samples", preciseSamples);
        m.put("flip", flip);
        m.put("train_subset", trainSubset);
        m.put("train_eval", trainEvaluation() == TrainEvaluation.LAST_EPOCH ? "end" : "epoch");
        m.put("seed", seed);
        m.put("threads", threads);
        return m;
    }

    /** The options only a cyclic schedule reads. */
    private static final String[] CYCLIC_ONLY = {"--eta-min", "--eta-max", "--cycles", "--step-epochs", "--step-updates",
            "--eta-max-decay"};

    /**
     * Refuses any of {@code options} given on the command line: the recipe chosen would not read
     * it, and a run that silently trained without what was asked for would mislead.
     */
    private void refuseGiven(String why, String... options) {
        for (String option : options) {
            if (given(option)) throw new UserError(option + " " + why);
        }
    }

    private boolean given(String option) {
        return command != null && command.commandLine().getParseResult() != null
                && command.commandLine().getParseResult().hasMatchedOption(option);
    }

    private void requireEpochs() {
        if (epochs <= 0) throw new UserError("--epochs must be positive for a '" + schedule + "' schedule, got " + epochs);
    }

    private static void requirePositive(String option, double v) {
        requireFinite(option, v);
        if (v <= 0) throw new UserError(option + " must be positive, got " + v);
    }

    private static void requireFinite(String option, double v) {
        if (!Double.isFinite(v)) throw new UserError(option + " must be a finite number, got " + v);
    }
}
