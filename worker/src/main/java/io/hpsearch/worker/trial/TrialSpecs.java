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

import java.util.function.Supplier;

/**
 * Conversions between the wire specs of a trial ({@code hpsearch.v1.NetworkSpec},
 * {@code TrainingSpec}) and the records of the network core ({@link NetworkConfig},
 * {@link TrainingConfig}).
 *
 * <p>Nothing is defaulted: an enum left at {@code *_UNSPECIFIED}, an unset schedule or an enum
 * value this worker does not know (sent by a newer coordinator) is refused with a
 * {@link TrialSpecException} naming the field, because guessing would train a different network
 * than the campaign asked for and rank it in the same table. Numeric fields are taken as they are
 * (proto3 cannot tell 0 from unset); the core's records check their ranges, and their messages
 * are prefixed with the field path.
 *
 * <p>{@code TrainingSpec.threads} is the campaign's wish; a worker passes its own
 * {@code --threads-per-trial} instead, since it knows its cores (a run's numbers do not depend on
 * the thread count).
 */
public final class TrialSpecs {
    private TrialSpecs() {
    }

    // ---- wire → core ----------------------------------------------------------------------

    /**
     * The network of a trial; input width and class count come from the data set.
     *
     * @throws TrialSpecException naming the offending field
     */
    public static NetworkConfig network(NetworkSpec spec, int inputDim, int classes) {
        int[] hidden = spec.getHiddenList().stream().mapToInt(Integer::intValue).toArray();
        BatchNormMode bn = batchNorm(spec);
        Initialization init = initialization(spec.getInit());
        return checked("network", () -> new NetworkConfig(inputDim, hidden, classes, bn, init, spec.getBnAlpha()));
    }

    /**
     * The training options of a trial.
     *
     * @param threads threads of the trial's pool; {@code ≤ 0} takes {@code spec.threads}
     * @throws TrialSpecException naming the offending field
     */
    public static TrainingConfig training(TrainingSpec spec, int threads) {
        if (!spec.hasSchedule()) throw new TrialSpecException("training.schedule: not set");
        if (!spec.hasOptimizer()) throw new TrialSpecException("training.optimizer: not set");
        ScheduleConfig schedule = schedule(spec.getSchedule());
        OptimizerConfig optimizer = optimizer(spec.getOptimizer());
        BnStatistics stats = switch (spec.getTestStatistics()) {
            case BN_STATISTICS_MOVING_AVERAGE -> BnStatistics.MOVING_AVERAGE;
            case BN_STATISTICS_PRECISE -> BnStatistics.PRECISE;
            default -> throw unknown("training.test_statistics", spec.getTestStatisticsValue());
        };
        TrainEvaluation trainEvaluation = switch (spec.getTrainEvaluation()) {
            case TRAIN_EVALUATION_UNSPECIFIED, TRAIN_EVALUATION_EVERY_EPOCH -> TrainEvaluation.EVERY_EPOCH;
            case TRAIN_EVALUATION_LAST_EPOCH -> TrainEvaluation.LAST_EPOCH;
            default -> throw unknown("training.train_evaluation", spec.getTrainEvaluationValue());
        };
        int t = threads > 0 ? threads : spec.getThreads();
        return checked("training", () -> new TrainingConfig(spec.getLambda(), spec.getBatchSize(), spec.getEpochs(),
                schedule, optimizer, stats, spec.getPreciseSamples(), spec.getFlip(), spec.getTrainSubset(),
                spec.getSeed(), t, trainEvaluation));
    }

    /** @throws TrialSpecException naming the offending field */
    public static ScheduleConfig schedule(ScheduleSpec spec) {
        switch (spec.getKindCase()) {
            case CONSTANT: {
                ConstantSchedule c = spec.getConstant();
                return checked("training.schedule.constant", () -> new ScheduleConfig.Constant(c.getEta()));
            }
            case STEP: {
                StepSchedule s = spec.getStep();
                return checked("training.schedule.step",
                        () -> new ScheduleConfig.StepDecay(s.getEta(), s.getFactor(), s.getEveryEpochs()));
            }
            case CYCLICAL: {
                CyclicalSchedule c = spec.getCyclical();
                return checked("training.schedule.cyclical", () -> new ScheduleConfig.Cyclical(c.getEtaMin(),
                        c.getEtaMax(), c.getStepUpdates(), c.getStepEpochs(), c.getCycles(), c.getMaxDecay()));
            }
            default:
                // KIND_NOT_SET, or a schedule kind added by a newer coordinator (an unknown field).
                throw new TrialSpecException("training.schedule: no schedule this worker knows is set"
                        + (spec.getUnknownFields().asMap().isEmpty() ? "" : " (it holds unknown fields "
                        + spec.getUnknownFields().asMap().keySet() + ": a newer coordinator?)"));
        }
    }

    /** @throws TrialSpecException naming the offending field */
    public static OptimizerConfig optimizer(OptimizerSpec spec) {
        OptimizerConfig.Kind kind = switch (spec.getKind()) {
            case OPTIMIZER_KIND_SGD -> OptimizerConfig.Kind.SGD;
            case OPTIMIZER_KIND_MOMENTUM -> OptimizerConfig.Kind.MOMENTUM;
            case OPTIMIZER_KIND_ADAM -> OptimizerConfig.Kind.ADAM;
            default -> throw unknown("training.optimizer.kind", spec.getKindValue());
        };
        return checked("training.optimizer", () -> new OptimizerConfig(kind, spec.getMomentum(), spec.getBeta1(),
                spec.getBeta2(), spec.getEpsilon()));
    }

    /** @throws TrialSpecException naming the offending field */
    public static Initialization initialization(InitSpec spec) {
        return switch (spec.getKind()) {
            case INIT_KIND_HE -> Initialization.HE;
            case INIT_KIND_XAVIER -> Initialization.XAVIER;
            case INIT_KIND_NORMAL -> checked("network.init", () -> Initialization.normal(spec.getSigma()));
            default -> throw unknown("network.init.kind", spec.getKindValue());
        };
    }

    private static BatchNormMode batchNorm(NetworkSpec spec) {
        return switch (spec.getBatchNorm()) {
            case BATCH_NORM_MODE_OFF -> BatchNormMode.OFF;
            case BATCH_NORM_MODE_BEFORE_RELU -> BatchNormMode.BEFORE_RELU;
            case BATCH_NORM_MODE_AFTER_RELU -> BatchNormMode.AFTER_RELU;
            default -> throw unknown("network.batch_norm", spec.getBatchNormValue());
        };
    }

    // ---- core → wire ----------------------------------------------------------------------

    /** The wire form of a network's shape (input width and classes are the data set's). */
    public static NetworkSpec toSpec(NetworkConfig config) {
        NetworkSpec.Builder b = NetworkSpec.newBuilder().setBnAlpha(config.bnAlpha());
        for (int h : config.hidden()) b.addHidden(h);
        b.setBatchNorm(switch (config.batchNorm()) {
            case OFF -> io.hpsearch.protocol.v1.BatchNormMode.BATCH_NORM_MODE_OFF;
            case BEFORE_RELU -> io.hpsearch.protocol.v1.BatchNormMode.BATCH_NORM_MODE_BEFORE_RELU;
            case AFTER_RELU -> io.hpsearch.protocol.v1.BatchNormMode.BATCH_NORM_MODE_AFTER_RELU;
        });
        Initialization init = config.init();
        b.setInit(switch (init.kind()) {
            case HE -> InitSpec.newBuilder().setKind(InitKind.INIT_KIND_HE);
            case XAVIER -> InitSpec.newBuilder().setKind(InitKind.INIT_KIND_XAVIER);
            case NORMAL -> InitSpec.newBuilder().setKind(InitKind.INIT_KIND_NORMAL).setSigma(init.sigma());
        });
        return b.build();
    }

    /** The wire form of training options. */
    public static TrainingSpec toSpec(TrainingConfig config) {
        return TrainingSpec.newBuilder()
                .setLambda(config.lambda())
                .setBatchSize(config.batchSize())
                .setEpochs(config.epochs())
                .setSchedule(toSpec(config.schedule()))
                .setOptimizer(toSpec(config.optimizer()))
                .setTestStatistics(config.testStatistics() == BnStatistics.PRECISE
                        ? io.hpsearch.protocol.v1.BnStatistics.BN_STATISTICS_PRECISE
                        : io.hpsearch.protocol.v1.BnStatistics.BN_STATISTICS_MOVING_AVERAGE)
                .setPreciseSamples(config.preciseSamples())
                .setFlip(config.flip())
                .setTrainSubset(config.trainSubset())
                .setSeed(config.seed())
                .setThreads(config.threads())
                .setTrainEvaluation(config.trainEvaluation() == TrainEvaluation.LAST_EPOCH
                        ? io.hpsearch.protocol.v1.TrainEvaluation.TRAIN_EVALUATION_LAST_EPOCH
                        : io.hpsearch.protocol.v1.TrainEvaluation.TRAIN_EVALUATION_EVERY_EPOCH)
                .build();
    }

    public static ScheduleSpec toSpec(ScheduleConfig schedule) {
        ScheduleSpec.Builder b = ScheduleSpec.newBuilder();
        if (schedule instanceof ScheduleConfig.Constant c) {
            b.setConstant(ConstantSchedule.newBuilder().setEta(c.eta()));
        } else if (schedule instanceof ScheduleConfig.StepDecay s) {
            b.setStep(StepSchedule.newBuilder().setEta(s.eta()).setFactor(s.factor()).setEveryEpochs(s.everyEpochs()));
        } else if (schedule instanceof ScheduleConfig.Cyclical c) {
            b.setCyclical(CyclicalSchedule.newBuilder().setEtaMin(c.etaMin()).setEtaMax(c.etaMax())
                    .setStepUpdates(c.stepUpdates()).setStepEpochs(c.stepEpochs()).setCycles(c.cycles())
                    .setMaxDecay(c.maxDecay()));
        } else {
            throw new IllegalArgumentException("schedule without a wire form: " + schedule);
        }
        return b.build();
    }

    public static OptimizerSpec toSpec(OptimizerConfig optimizer) {
        return OptimizerSpec.newBuilder()
                .setKind(switch (optimizer.kind()) {
                    case SGD -> OptimizerKind.OPTIMIZER_KIND_SGD;
                    case MOMENTUM -> OptimizerKind.OPTIMIZER_KIND_MOMENTUM;
                    case ADAM -> OptimizerKind.OPTIMIZER_KIND_ADAM;
                })
                .setMomentum(optimizer.momentum()).setBeta1(optimizer.beta1()).setBeta2(optimizer.beta2())
                .setEpsilon(optimizer.epsilon())
                .build();
    }

    // ---- helpers ----------------------------------------------------------------------------

    static TrialSpecException unknown(String field, int value) {
        return new TrialSpecException(field + ": " + (value == 0 ? "not set"
                : "unknown value " + value + " (a newer coordinator than this worker?)"));
    }

    /** Runs a core constructor, turning its range check into an error that names the field. */
    static <T> T checked(String field, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new TrialSpecException(field + ": " + e.getMessage(), e);
        }
    }
}
