package io.hpsearch.cli.train;

import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.Initialization;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.data.DataSets;
import io.hpsearch.nn.data.SyntheticData;
import io.hpsearch.nn.train.BnStatistics;
import io.hpsearch.nn.train.OptimizerConfig;
import io.hpsearch.nn.train.ScheduleConfig;
import io.hpsearch.nn.train.TrainEvaluation;
import io.hpsearch.nn.train.TrainingConfig;
import io.hpsearch.protocol.v1.DataSetKind;
import io.hpsearch.protocol.v1.DataSpec;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.worker.data.DataKey;
import io.hpsearch.worker.trial.TrialSpecs;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A trial's recipe written as {@code train} options and read back by {@code train}'s own option
 * parsing gives the network, training and data the worker builds from the same spec.
 */
class TrainArgumentsTest {
    /** Larger than any subset below, so that train's clamping of --precise-samples changes nothing. */
    private static final int TRAIN_SIZE = 50_000;

    private static TrialSpec trial(DataSpec data, NetworkConfig network, TrainingConfig training) {
        return TrialSpec.newBuilder().setData(data).setNetwork(TrialSpecs.toSpec(network))
                .setTraining(TrialSpecs.toSpec(training)).build();
    }

    private static DataSpec named(DataSetKind kind, int validation) {
        // a fingerprint for some, none for the others
        return DataSpec.newBuilder().setKind(kind).setValidationSize(validation)
                .setFingerprint(kind == DataSetKind.DATA_SET_KIND_CIFAR10 ? "" : "ab12").build();
    }

    /** Parses the rendered options as `hpsearch train` does and checks they give what the worker trains. */
    private static void assertTrainsTheSame(TrialSpec trial) {
        List<String> args = TrainArguments.of(trial);
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs(args.toArray(String[]::new));

        NetworkConfig worker = TrialSpecs.network(trial.getNetwork(), 784, 10);
        assertEquals(worker, train.network.toConfig(784, 10), String.join(" ", args));
        assertEquals(canonical(TrialSpecs.training(trial.getTraining(), 1)), canonical(train.training.toConfig(TRAIN_SIZE)),
                String.join(" ", args));

        DataKey expected = DataKey.of(trial.getData());
        assertEquals(expected.validationSize(), train.data.validation, String.join(" ", args));
        String fingerprint = trial.getData().getFingerprint();
        assertEquals(fingerprint.isEmpty() ? null : fingerprint, train.data.fingerprint, String.join(" ", args));
        assertEquals(expected.name(), DataSets.canonicalName(train.data.dataset), String.join(" ", args));
        if (expected.synthetic() != null) {
            String options = train.data.dataset.substring(train.data.dataset.indexOf(':') + 1);
            assertEquals(expected.synthetic(), SyntheticData.parse(options), train.data.dataset);
            assertEquals(expected.seed(), SyntheticData.seed(options).orElseThrow(), train.data.dataset);
        }
    }

    /**
     * The recipe as training reads it, where two configs can differ in what is never read: the
     * half-cycle in epochs beside one in updates (train keeps its default there), and the precise
     * statistics' sample count, which training takes up to the samples it trains on
     * ({@code TrainingPlan.preciseSamples}; train clamps it already) and not at all for moving averages.
     */
    private static TrainingConfig canonical(TrainingConfig c) {
        ScheduleConfig schedule = c.schedule();
        if (schedule instanceof ScheduleConfig.Cyclical s && s.stepUpdates() > 0) {
            schedule = new ScheduleConfig.Cyclical(s.etaMin(), s.etaMax(), s.stepUpdates(), 0, s.cycles(), s.maxDecay());
        }
        int used = c.trainSubset() > 0 ? c.trainSubset() : TRAIN_SIZE;
        int precise = c.testStatistics() != BnStatistics.PRECISE ? 0
                : c.preciseSamples() == 0 ? used : Math.min(c.preciseSamples(), used);
        return new TrainingConfig(c.lambda(), c.batchSize(), c.epochs(), schedule, c.optimizer(), c.testStatistics(),
                precise, c.flip(), c.trainSubset(), c.seed(), c.threads(), c.trainEvaluation());
    }

    private static NetworkConfig network(int[] hidden, BatchNormMode bn, Initialization init, double alpha) {
        return new NetworkConfig(784, hidden, 10, bn, init, alpha);
    }

    @Test
    void everyScheduleOptimizerAndNetworkReadsBackAsTheSameRecipe() {
        DataSpec fashion = named(DataSetKind.DATA_SET_KIND_FASHION_MNIST, 5000);
        NetworkConfig bnBefore = network(new int[] {50, 50}, BatchNormMode.BEFORE_RELU, Initialization.HE, 0.9);
        NetworkConfig bnAfter = network(new int[] {77, 3, 19}, BatchNormMode.AFTER_RELU, Initialization.XAVIER, 0.37);
        NetworkConfig plain = network(new int[] {12}, BatchNormMode.OFF, Initialization.normal(1.234e-4), 0.9);

        // values a log-uniform draw gives: no short decimal, some tiny, some with exponents
        ScheduleConfig cyclicEpochs = new ScheduleConfig.Cyclical(1.0e-5, 0.14890860404420486, 0, 1.0, 2, 1.0);
        ScheduleConfig cyclicUpdates = new ScheduleConfig.Cyclical(3.3e-7, 0.0123456789012345, 450, 0, 3, 0.8123);
        ScheduleConfig constant = new ScheduleConfig.Constant(0.0314159265358979);
        ScheduleConfig step = new ScheduleConfig.StepDecay(0.05, 0.5, 2.5);
        OptimizerConfig momentum = new OptimizerConfig(OptimizerConfig.Kind.MOMENTUM, 0.8765, 0, 0, 0);
        OptimizerConfig adam = new OptimizerConfig(OptimizerConfig.Kind.ADAM, 0, 0.85, 0.9876, 3.0e-7);

        assertTrainsTheSame(trial(fashion, bnBefore, new TrainingConfig(0.00678367639830907, 100, 0, cyclicEpochs,
                OptimizerConfig.SGD, BnStatistics.MOVING_AVERAGE, 10000, false, 10000, 1006682489407824009L, 1,
                TrainEvaluation.LAST_EPOCH)));
        assertTrainsTheSame(trial(named(DataSetKind.DATA_SET_KIND_CIFAR10, 1000), bnAfter, new TrainingConfig(2.0e-9, 64, 0,
                cyclicUpdates, adam, BnStatistics.PRECISE, 2500, true, 0, -8465146986793498482L, 1,
                TrainEvaluation.EVERY_EPOCH)));
        assertTrainsTheSame(trial(named(DataSetKind.DATA_SET_KIND_MNIST, 0), plain, new TrainingConfig(0, 32, 7, constant,
                momentum, BnStatistics.MOVING_AVERAGE, 10000, false, 333, Long.MIN_VALUE, 1, TrainEvaluation.EVERY_EPOCH)));
        NetworkConfig softmaxRegression = network(new int[0], BatchNormMode.BEFORE_RELU, Initialization.HE, 0.9);
        assertTrainsTheSame(trial(fashion, softmaxRegression, new TrainingConfig(0.01, 100, 3, constant,
                OptimizerConfig.SGD, BnStatistics.MOVING_AVERAGE, 10000, false, 0, 5, 1, TrainEvaluation.EVERY_EPOCH)));
        assertTrainsTheSame(trial(fashion, bnBefore, new TrainingConfig(0.1, 250, 12, step, OptimizerConfig.ADAM,
                BnStatistics.PRECISE, 0, false, 20000, 0, 1, TrainEvaluation.LAST_EPOCH)));
    }

    @Test
    void aSyntheticDataSetIsSpeltOutWithItsShapeAndTheCampaignsDataSeed() {
        DataSpec synthetic = DataSpec.newBuilder().setKind(DataSetKind.DATA_SET_KIND_SYNTHETIC).setValidationSize(300)
                .setSynthetic(io.hpsearch.protocol.v1.SyntheticData.newBuilder().setTrainSamples(3000).setTestSamples(500)
                        .setClasses(4).setClustersPerClass(2).setSeparation(2.5).setSeed(-77)
                        .setImageChannels(3).setImageHeight(4).setImageWidth(5))
                .build();
        NetworkConfig net = network(new int[] {16}, BatchNormMode.BEFORE_RELU, Initialization.HE, 0.9);
        TrialSpec trial = trial(synthetic, net, new TrainingConfig(1e-3, 50, 2, new ScheduleConfig.Constant(0.05),
                OptimizerConfig.SGD, BnStatistics.MOVING_AVERAGE, 10000, true, 0, 42, 1, TrainEvaluation.EVERY_EPOCH));
        assertTrainsTheSame(trial);
        // the data's seed is the campaign's (-77), not the run's (42), which train would take without it
        String dataset = TrainArguments.of(trial).get(1);
        assertEquals("synthetic:train=3000,test=500,dim=60,classes=4,clusters=2,sep=2.5,image=3x4x5,seed=-77", dataset);
    }

    @Test
    void quotesOnlyWhatAShellWouldSplitOrExpand() {
        assertEquals("fashion-mnist", TrainArguments.quote("fashion-mnist"));
        assertEquals("-8465146986793498482", TrainArguments.quote("-8465146986793498482"));
        assertEquals("sigma:1.0E-4", TrainArguments.quote("sigma:1.0E-4"));
        assertEquals("'a b'", TrainArguments.quote("a b"));
        assertEquals("'it'\\''s'", TrainArguments.quote("it's"));
        assertEquals("'$HOME'", TrainArguments.quote("$HOME"));
    }
}
