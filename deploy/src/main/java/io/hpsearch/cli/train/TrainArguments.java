package io.hpsearch.cli.train;

import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.Initialization;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.data.ImageShape;
import io.hpsearch.nn.data.SyntheticData;
import io.hpsearch.nn.train.BnStatistics;
import io.hpsearch.nn.train.OptimizerConfig;
import io.hpsearch.nn.train.ScheduleConfig;
import io.hpsearch.nn.train.TrainEvaluation;
import io.hpsearch.nn.train.TrainingConfig;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.worker.data.DataKey;
import io.hpsearch.worker.trial.TrialSpecs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code hpsearch train} options that train a campaign's trial again, on one machine: the
 * same data split, network, recipe and seed, so the same numbers (the fast core's results do not
 * depend on the thread count or the machine's vector width, and {@code train} runs that core by
 * default).
 *
 * <p>The trial's specs go through the converters a worker uses ({@link TrialSpecs}, {@link DataKey})
 * and the options are written from what they give, so what is rendered is what a worker trains.
 * Numbers are written with {@link Double#toString}, which reads back to the same double. Left out:
 * {@code --threads} (it changes no number; a worker uses its own) and {@code --data-dir} (the
 * machine's business).
 */
public final class TrainArguments {
    /** Arguments a POSIX shell passes through unquoted. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.,:=+/@%-]+");

    private TrainArguments() {
    }

    /**
     * The options, one per element, without the leading {@code train}.
     *
     * @throws io.hpsearch.worker.trial.TrialSpecException a spec a worker would refuse too
     */
    public static List<String> of(TrialSpec trial) {
        List<String> a = new ArrayList<>();
        DataKey data = DataKey.of(trial.getData());
        a.add("--dataset");
        a.add(data.synthetic() == null ? data.name() : synthetic(data.synthetic(), data.seed()));
        a.add("--val");
        a.add(Integer.toString(data.validationSize()));
        if (!trial.getData().getFingerprint().isEmpty()) {
            // the campaign's workers refused another copy; so does train
            a.add("--data-fingerprint");
            a.add(trial.getData().getFingerprint());
        }

        // the input width and class count come from the data, and no option sets them
        NetworkConfig network = TrialSpecs.network(trial.getNetwork(), 1, 2);
        a.add("--hidden");
        a.add(network.hidden().length == 0 ? "none"
                : String.join(",", Arrays.stream(network.hidden()).mapToObj(Integer::toString).toList()));
        if (network.batchNorm() == BatchNormMode.OFF) {
            a.add("--no-bn");
        } else {
            a.add("--bn");
            a.add(network.batchNorm() == BatchNormMode.AFTER_RELU ? "after" : "before");
            a.add("--bn-alpha");
            a.add(number(network.bnAlpha()));
        }
        a.add("--init");
        a.add(init(network.init()));

        TrainingConfig t = TrialSpecs.training(trial.getTraining(), 1);
        a.add("--lambda");
        a.add(number(t.lambda()));
        schedule(t, a);
        a.add("--batch");
        a.add(Integer.toString(t.batchSize()));
        optimizer(t.optimizer(), a);
        if (t.testStatistics() == BnStatistics.PRECISE) {
            a.add("--bn-stats");
            a.add("precise");
            a.add("--precise-samples");
            a.add(Integer.toString(t.preciseSamples()));
        }
        if (t.flip()) a.add("--flip");
        if (t.trainSubset() > 0) {
            a.add("--train-subset");
            a.add(Integer.toString(t.trainSubset()));
        }
        a.add("--train-eval");
        a.add(t.trainEvaluation() == TrainEvaluation.LAST_EPOCH ? "end" : "epoch");
        a.add("--seed");
        a.add(Long.toString(t.seed()));
        return a;
    }

    /** {@code hpsearch train …} as one line for a POSIX shell. */
    public static String commandLine(TrialSpec trial) {
        StringBuilder line = new StringBuilder("hpsearch train");
        for (String arg : of(trial)) line.append(' ').append(quote(arg));
        return line.toString();
    }

    static String quote(String arg) {
        return PLAIN.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    private static void schedule(TrainingConfig t, List<String> a) {
        ScheduleConfig s = t.schedule();
        if (s instanceof ScheduleConfig.Cyclical c) {
            a.add("--schedule");
            a.add("cyclic");
            a.add("--eta-min");
            a.add(number(c.etaMin()));
            a.add("--eta-max");
            a.add(number(c.etaMax()));
            a.add("--cycles");
            a.add(Integer.toString(c.cycles()));
            if (c.stepUpdates() > 0) {
                a.add("--step-updates");
                a.add(Long.toString(c.stepUpdates()));
            } else {
                a.add("--step-epochs");
                a.add(number(c.stepEpochs()));
            }
            a.add("--eta-max-decay");
            a.add(number(c.maxDecay()));
            return; // the cycles set the length: train refuses --epochs here
        }
        if (s instanceof ScheduleConfig.StepDecay d) {
            a.add("--schedule");
            a.add("step");
            a.add("--eta");
            a.add(number(d.eta()));
            a.add("--decay-factor");
            a.add(number(d.factor()));
            a.add("--decay-every");
            a.add(number(d.everyEpochs()));
        } else if (s instanceof ScheduleConfig.Constant c) {
            a.add("--schedule");
            a.add("constant");
            a.add("--eta");
            a.add(number(c.eta()));
        } else {
            throw new IllegalArgumentException("a schedule train has no options for: " + s);
        }
        a.add("--epochs");
        a.add(Integer.toString(t.epochs()));
    }

    private static void optimizer(OptimizerConfig o, List<String> a) {
        a.add("--optimizer");
        a.add(o.kind().name().toLowerCase(Locale.ROOT));
        switch (o.kind()) {
            case SGD -> { }
            case MOMENTUM -> {
                a.add("--momentum");
                a.add(number(o.momentum()));
            }
            case ADAM -> {
                a.add("--beta1");
                a.add(number(o.beta1()));
                a.add("--beta2");
                a.add(number(o.beta2()));
                a.add("--epsilon");
                a.add(number(o.epsilon()));
            }
        }
    }

    private static String init(Initialization init) {
        return switch (init.kind()) {
            case HE -> "he";
            case XAVIER -> "xavier";
            case NORMAL -> "sigma:" + number(init.sigma());
        };
    }

    /** The synthetic set's options as {@code --dataset} reads them, every one spelt out, its seed included. */
    private static String synthetic(SyntheticData.Spec s, long seed) {
        StringBuilder b = new StringBuilder("synthetic:train=").append(s.trainSamples())
                .append(",test=").append(s.testSamples())
                .append(",dim=").append(s.dim())
                .append(",classes=").append(s.classes())
                .append(",clusters=").append(s.clustersPerClass())
                .append(",sep=").append(number(s.separation()));
        ImageShape shape = s.imageShape();
        if (shape != null) b.append(",image=").append(shape.channels()).append('x').append(shape.height()).append('x').append(shape.width());
        return b.append(",seed=").append(seed).toString();
    }

    /** The shortest decimal that reads back as the same double. */
    private static String number(double v) {
        return Double.toString(v);
    }
}
