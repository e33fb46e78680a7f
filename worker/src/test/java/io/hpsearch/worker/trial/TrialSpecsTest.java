package io.hpsearch.worker.trial;

import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.Initialization;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.train.BnStatistics;
import io.hpsearch.nn.train.OptimizerConfig;
import io.hpsearch.nn.train.ScheduleConfig;
import io.hpsearch.nn.train.TrainEvaluation;
import io.hpsearch.nn.train.TrainingConfig;
import io.hpsearch.protocol.v1.ConstantSchedule;
import io.hpsearch.protocol.v1.CyclicalSchedule;
import io.hpsearch.protocol.v1.InitKind;
import io.hpsearch.protocol.v1.InitSpec;
import io.hpsearch.protocol.v1.NetworkSpec;
import io.hpsearch.protocol.v1.OptimizerKind;
import io.hpsearch.protocol.v1.OptimizerSpec;
import io.hpsearch.protocol.v1.ScheduleSpec;
import io.hpsearch.protocol.v1.StepSchedule;
import io.hpsearch.protocol.v1.TrainingSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialSpecsTest {

    // ---- networks: every option, both ways ----------------------------------------------------

    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of(NetworkSpec.newBuilder().addHidden(50).addHidden(30)
                                .setBatchNorm(io.hpsearch.protocol.v1.BatchNormMode.BATCH_NORM_MODE_BEFORE_RELU)
                                .setInit(InitSpec.newBuilder().setKind(InitKind.INIT_KIND_HE)).setBnAlpha(0.9).build(),
                        new NetworkConfig(784, new int[] {50, 30}, 10, BatchNormMode.BEFORE_RELU, Initialization.HE, 0.9)),
                Arguments.of(NetworkSpec.newBuilder().addHidden(7)
                                .setBatchNorm(io.hpsearch.protocol.v1.BatchNormMode.BATCH_NORM_MODE_AFTER_RELU)
                                .setInit(InitSpec.newBuilder().setKind(InitKind.INIT_KIND_XAVIER)).setBnAlpha(0.5).build(),
                        new NetworkConfig(784, new int[] {7}, 10, BatchNormMode.AFTER_RELU, Initialization.XAVIER, 0.5)),
                Arguments.of(NetworkSpec.newBuilder()
                                .setBatchNorm(io.hpsearch.protocol.v1.BatchNormMode.BATCH_NORM_MODE_OFF)
                                .setInit(InitSpec.newBuilder().setKind(InitKind.INIT_KIND_NORMAL).setSigma(1e-3))
                                .setBnAlpha(0.0).build(),
                        new NetworkConfig(784, new int[0], 10, BatchNormMode.OFF, Initialization.normal(1e-3), 0.0)));
    }

    @ParameterizedTest
    @MethodSource("networks")
    void networkSpecsConvertBothWays(NetworkSpec spec, NetworkConfig expected) {
        NetworkConfig config = TrialSpecs.network(spec, 784, 10);
        assertEquals(expected, config);
        assertArrayEquals(expected.hidden(), config.hidden());
        assertEquals(spec, TrialSpecs.toSpec(config));
    }

    // ---- training: every option, both ways ----------------------------------------------------

    static TrainingSpec.Builder baseTraining() {
        return TrainingSpec.newBuilder().setLambda(1e-3).setBatchSize(100).setEpochs(4)
                .setSchedule(ScheduleSpec.newBuilder().setConstant(ConstantSchedule.newBuilder().setEta(0.01)))
                .setOptimizer(OptimizerSpec.newBuilder().setKind(OptimizerKind.OPTIMIZER_KIND_SGD))
                .setTestStatistics(io.hpsearch.protocol.v1.BnStatistics.BN_STATISTICS_MOVING_AVERAGE)
                .setPreciseSamples(0).setFlip(false).setTrainSubset(0).setSeed(17).setThreads(1)
                .setTrainEvaluation(io.hpsearch.protocol.v1.TrainEvaluation.TRAIN_EVALUATION_EVERY_EPOCH);
    }

    static TrainingConfig baseConfig(UnaryOperator<Object[]> change) {
        Object[] f = {1e-3, 100, 4, new ScheduleConfig.Constant(0.01), OptimizerConfig.SGD, BnStatistics.MOVING_AVERAGE,
                0, false, 0, 17L, 1, TrainEvaluation.EVERY_EPOCH};
        f = change.apply(f);
        return new TrainingConfig((double) f[0], (int) f[1], (int) f[2], (ScheduleConfig) f[3], (OptimizerConfig) f[4],
                (BnStatistics) f[5], (int) f[6], (boolean) f[7], (int) f[8], (long) f[9], (int) f[10],
                (TrainEvaluation) f[11]);
    }

    static UnaryOperator<Object[]> set(int index, Object value) {
        return f -> {
            f[index] = value;
            return f;
        };
    }

    static Stream<Arguments> trainings() {
        return Stream.of(
                Arguments.of("base", baseTraining().build(), baseConfig(f -> f)),
                Arguments.of("lambda", baseTraining().setLambda(0.25).build(), baseConfig(set(0, 0.25))),
                Arguments.of("batch", baseTraining().setBatchSize(7).build(), baseConfig(set(1, 7))),
                Arguments.of("epochs", baseTraining().setEpochs(12).build(), baseConfig(set(2, 12))),
                Arguments.of("step schedule", baseTraining().setSchedule(ScheduleSpec.newBuilder().setStep(
                                StepSchedule.newBuilder().setEta(0.1).setFactor(0.5).setEveryEpochs(2.5))).build(),
                        baseConfig(set(3, new ScheduleConfig.StepDecay(0.1, 0.5, 2.5)))),
                Arguments.of("cyclical in updates", baseTraining().setEpochs(0).setSchedule(ScheduleSpec.newBuilder()
                                .setCyclical(CyclicalSchedule.newBuilder().setEtaMin(1e-5).setEtaMax(1e-1)
                                        .setStepUpdates(900).setCycles(3).setMaxDecay(1.0))).build(),
                        baseConfig(f -> {
                            f[2] = 0;
                            f[3] = new ScheduleConfig.Cyclical(1e-5, 1e-1, 900, 0, 3, 1.0);
                            return f;
                        })),
                Arguments.of("cyclical in epochs, decaying", baseTraining().setSchedule(ScheduleSpec.newBuilder()
                                .setCyclical(CyclicalSchedule.newBuilder().setEtaMin(1e-4).setEtaMax(1e-2)
                                        .setStepEpochs(2.0).setCycles(2).setMaxDecay(0.7))).build(),
                        baseConfig(set(3, new ScheduleConfig.Cyclical(1e-4, 1e-2, 0, 2.0, 2, 0.7)))),
                Arguments.of("momentum", baseTraining().setOptimizer(OptimizerSpec.newBuilder()
                                .setKind(OptimizerKind.OPTIMIZER_KIND_MOMENTUM).setMomentum(0.8)).build(),
                        baseConfig(set(4, new OptimizerConfig(OptimizerConfig.Kind.MOMENTUM, 0.8, 0, 0, 0)))),
                Arguments.of("adam", baseTraining().setOptimizer(OptimizerSpec.newBuilder()
                                .setKind(OptimizerKind.OPTIMIZER_KIND_ADAM).setBeta1(0.8).setBeta2(0.99).setEpsilon(1e-7)).build(),
                        baseConfig(set(4, new OptimizerConfig(OptimizerConfig.Kind.ADAM, 0, 0.8, 0.99, 1e-7)))),
                Arguments.of("precise statistics", baseTraining()
                                .setTestStatistics(io.hpsearch.protocol.v1.BnStatistics.BN_STATISTICS_PRECISE)
                                .setPreciseSamples(5000).build(),
                        baseConfig(f -> {
                            f[5] = BnStatistics.PRECISE;
                            f[6] = 5000;
                            return f;
                        })),
                Arguments.of("flip", baseTraining().setFlip(true).build(), baseConfig(set(7, true))),
                Arguments.of("train subset", baseTraining().setTrainSubset(2000).build(), baseConfig(set(8, 2000))),
                Arguments.of("seed", baseTraining().setSeed(-5L).build(), baseConfig(set(9, -5L))),
                Arguments.of("threads", baseTraining().setThreads(3).build(), baseConfig(set(10, 3))),
                Arguments.of("training set measured at the end only", baseTraining()
                                .setTrainEvaluation(io.hpsearch.protocol.v1.TrainEvaluation.TRAIN_EVALUATION_LAST_EPOCH).build(),
                        baseConfig(set(11, TrainEvaluation.LAST_EPOCH))));
    }

    @Test
    void aSpecWithoutTheTrainEvaluationMeasuresEveryEpochAsBefore() {
        TrainingSpec old = baseTraining().clearTrainEvaluation().build();
        assertEquals(TrainEvaluation.EVERY_EPOCH, TrialSpecs.training(old, 0).trainEvaluation());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trainings")
    void trainingSpecsConvertBothWays(String name, TrainingSpec spec, TrainingConfig expected) {
        TrainingConfig config = TrialSpecs.training(spec, 0);
        assertEquals(expected, config);
        assertEquals(spec, TrialSpecs.toSpec(config));
    }

    @Test
    void workerThreadsReplaceTheSpecsThreads() {
        TrainingSpec spec = baseTraining().setThreads(8).build();
        assertEquals(2, TrialSpecs.training(spec, 2).threads());
        assertEquals(8, TrialSpecs.training(spec, 0).threads());
    }

    // ---- what a worker cannot run ---------------------------------------------------------------

    static Stream<Arguments> badTrainings() {
        return Stream.of(
                Arguments.of(baseTraining().clearSchedule().build(), "training.schedule: not set"),
                Arguments.of(baseTraining().setSchedule(ScheduleSpec.getDefaultInstance()).build(), "training.schedule"),
                Arguments.of(baseTraining().clearOptimizer().build(), "training.optimizer: not set"),
                Arguments.of(baseTraining().setOptimizer(OptimizerSpec.getDefaultInstance()).build(),
                        "training.optimizer.kind: not set"),
                Arguments.of(baseTraining().setOptimizer(OptimizerSpec.newBuilder().setKindValue(42)).build(),
                        "training.optimizer.kind: unknown value 42"),
                Arguments.of(baseTraining().setTestStatistics(io.hpsearch.protocol.v1.BnStatistics.BN_STATISTICS_UNSPECIFIED).build(),
                        "training.test_statistics: not set"),
                Arguments.of(baseTraining().setBatchSize(0).build(), "batch size must be positive: 0"),
                Arguments.of(baseTraining().setLambda(-1).build(), "lambda must be >= 0"),
                Arguments.of(baseTraining().setEpochs(0).build(), "epochs must be positive"),
                Arguments.of(baseTraining().setSchedule(ScheduleSpec.newBuilder()
                                .setConstant(ConstantSchedule.newBuilder().setEta(0))).build(),
                        "training.schedule.constant: eta must be positive"),
                Arguments.of(baseTraining().setSchedule(ScheduleSpec.newBuilder().setCyclical(CyclicalSchedule.newBuilder()
                                .setEtaMin(1e-5).setEtaMax(1e-1).setStepUpdates(100).setCycles(0).setMaxDecay(1))).build(),
                        "training.schedule.cyclical: cycles must be positive"),
                Arguments.of(baseTraining().setOptimizer(OptimizerSpec.newBuilder()
                                .setKind(OptimizerKind.OPTIMIZER_KIND_ADAM)).build(),
                        "training.optimizer: Adam needs"),
                Arguments.of(baseTraining().setThreads(0).build(), "threads must be positive"));
    }

    @ParameterizedTest
    @MethodSource("badTrainings")
    void trainingSpecsAWorkerCannotRunAreRefusedByField(TrainingSpec spec, String message) {
        TrialSpecException e = assertThrows(TrialSpecException.class, () -> TrialSpecs.training(spec, 0));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void networkSpecsAWorkerCannotRunAreRefusedByField() {
        NetworkSpec good = (NetworkSpec) networks().findFirst().orElseThrow().get()[0];
        assertMessage("network.batch_norm: not set", good.toBuilder().clearBatchNorm().build());
        assertMessage("network.batch_norm: unknown value 9", good.toBuilder().setBatchNormValue(9).build());
        assertMessage("network.init.kind: not set", good.toBuilder().clearInit().build());
        assertMessage("network.init: sigma must be a positive number",
                good.toBuilder().setInit(InitSpec.newBuilder().setKind(InitKind.INIT_KIND_NORMAL)).build());
        assertMessage("network: hidden layer sizes must be positive", good.toBuilder().setHidden(0, 0).build());
        assertMessage("network: BN alpha must be in [0, 1)", good.toBuilder().setBnAlpha(1.0).build());
    }

    private static void assertMessage(String expected, NetworkSpec spec) {
        TrialSpecException e = assertThrows(TrialSpecException.class, () -> TrialSpecs.network(spec, 784, 10));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
