package io.hpsearch.coordinator.sampling;

import io.hpsearch.protocol.v1.BatchNormMode;
import io.hpsearch.protocol.v1.BnStatistics;
import io.hpsearch.protocol.v1.InitKind;
import io.hpsearch.protocol.v1.NetworkSpec;
import io.hpsearch.protocol.v1.OptimizerKind;
import io.hpsearch.protocol.v1.Parameter;
import io.hpsearch.protocol.v1.ScheduleSpec;
import io.hpsearch.protocol.v1.TrainingSpec;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What each searchable {@link Parameter} is: its key in a campaign file, whether it is an integer,
 * the values it may take, which recipes it applies to, and how a sampled value is written into a
 * trial's network and training specs.
 */
public final class SearchParameters {

    /**
     * @param key         the name in a campaign file's {@code search} section
     * @param integer     sampled values are rounded to the nearest integer
     * @param lowest      smallest allowed value
     * @param lowestOpen  {@code lowest} itself is not allowed
     * @param highest     largest allowed value
     * @param highestOpen {@code highest} itself is not allowed
     */
    public record Info(Parameter parameter, String key, boolean integer, double lowest, boolean lowestOpen,
                       double highest, boolean highestOpen) {
        /** Whether {@code v} is an allowed value (integers must be integral). */
        public boolean allows(double v) {
            if (!Double.isFinite(v)) return false;
            if (integer && v != Math.rint(v)) return false;
            if (lowestOpen ? v <= lowest : v < lowest) return false;
            return highestOpen ? v < highest : v <= highest;
        }

        /** The allowed values in words, e.g. {@code "in [0, 1)"} or {@code "an integer ≥ 1"}. */
        public String allowed() {
            if (integer) return "an integer ≥ " + (long) lowest;
            if (highest == Double.POSITIVE_INFINITY) return lowestOpen ? "> " + fmt(lowest) : "≥ " + fmt(lowest);
            return "in " + (lowestOpen ? "(" : "[") + fmt(lowest) + ", " + fmt(highest) + (highestOpen ? ")" : "]");
        }

        private static String fmt(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }
    }

    private static final double INF = Double.POSITIVE_INFINITY;
    private static final Map<Parameter, Info> INFO = new EnumMap<>(Parameter.class);
    private static final Map<String, Parameter> BY_KEY = new LinkedHashMap<>();

    static {
        add(Parameter.PARAMETER_LAMBDA, "lambda", false, 0, false, INF, false);
        add(Parameter.PARAMETER_ETA, "eta", false, 0, true, INF, false);
        add(Parameter.PARAMETER_ETA_MIN, "eta-min", false, 0, true, INF, false);
        add(Parameter.PARAMETER_BATCH_SIZE, "batch", true, 1, false, INF, false);
        add(Parameter.PARAMETER_EPOCHS, "epochs", true, 1, false, INF, false);
        add(Parameter.PARAMETER_CYCLES, "cycles", true, 1, false, INF, false);
        add(Parameter.PARAMETER_STEP_EPOCHS, "step-epochs", false, 0, true, INF, false);
        add(Parameter.PARAMETER_STEP_UPDATES, "step-updates", true, 1, false, INF, false);
        add(Parameter.PARAMETER_MOMENTUM, "momentum", false, 0, false, 1, true);
        add(Parameter.PARAMETER_BETA1, "beta1", false, 0, false, 1, true);
        add(Parameter.PARAMETER_BETA2, "beta2", false, 0, false, 1, true);
        add(Parameter.PARAMETER_EPSILON, "epsilon", false, 0, true, INF, false);
        add(Parameter.PARAMETER_DECAY_FACTOR, "decay-factor", false, 0, true, 1, false);
        add(Parameter.PARAMETER_DECAY_EVERY, "decay-every", false, 0, true, INF, false);
        add(Parameter.PARAMETER_MAX_DECAY, "max-decay", false, 0, true, 1, false);
        add(Parameter.PARAMETER_INIT_SIGMA, "init-sigma", false, 0, true, INF, false);
        add(Parameter.PARAMETER_BN_ALPHA, "bn-alpha", false, 0, false, 1, true);
        add(Parameter.PARAMETER_PRECISE_SAMPLES, "precise-samples", true, 1, false, INF, false);
        add(Parameter.PARAMETER_TRAIN_SUBSET, "train-subset", true, 1, false, INF, false);
    }

    private SearchParameters() {
    }

    private static void add(Parameter p, String key, boolean integer, double lo, boolean loOpen, double hi,
                            boolean hiOpen) {
        INFO.put(p, new Info(p, key, integer, lo, loOpen, hi, hiOpen));
        BY_KEY.put(key, p);
    }

    public static Info info(Parameter p) {
        Info i = INFO.get(p);
        if (i == null) throw new IllegalArgumentException("not a searchable parameter: " + p);
        return i;
    }

    /** The parameter with this campaign-file key ({@code eta-max} is another name for {@code eta}). */
    public static Optional<Parameter> byKey(String key) {
        if (key.equals("eta-max")) return Optional.of(Parameter.PARAMETER_ETA);
        return Optional.ofNullable(BY_KEY.get(key));
    }

    /** Campaign-file keys of every parameter, in enum order. */
    public static Map<String, Parameter> keys() {
        return Collections.unmodifiableMap(BY_KEY);
    }

    /**
     * Why {@code p} cannot vary in a run with this recipe, or empty if it can (e.g. {@code eta-min}
     * needs a cyclical schedule, {@code momentum} the momentum optimizer).
     */
    public static Optional<String> inapplicable(Parameter p, NetworkSpec network, TrainingSpec training) {
        ScheduleSpec.KindCase schedule = training.getSchedule().getKindCase();
        OptimizerKind optimizer = training.getOptimizer().getKind();
        return Optional.ofNullable(switch (p) {
            case PARAMETER_ETA_MIN, PARAMETER_CYCLES, PARAMETER_MAX_DECAY ->
                    schedule == ScheduleSpec.KindCase.CYCLICAL ? null : "needs a cyclic schedule";
            case PARAMETER_STEP_EPOCHS -> schedule != ScheduleSpec.KindCase.CYCLICAL ? "needs a cyclic schedule"
                    : training.getSchedule().getCyclical().getStepUpdates() > 0
                    ? "conflicts with the schedule's step-updates" : null;
            case PARAMETER_STEP_UPDATES -> schedule == ScheduleSpec.KindCase.CYCLICAL ? null : "needs a cyclic schedule";
            case PARAMETER_DECAY_FACTOR, PARAMETER_DECAY_EVERY ->
                    schedule == ScheduleSpec.KindCase.STEP ? null : "needs a step schedule";
            case PARAMETER_EPOCHS -> schedule == ScheduleSpec.KindCase.CYCLICAL
                    ? "has no effect under a cyclic schedule (it sets its own length; search cycles instead)" : null;
            case PARAMETER_MOMENTUM -> optimizer == OptimizerKind.OPTIMIZER_KIND_MOMENTUM ? null
                    : "needs the momentum optimizer";
            case PARAMETER_BETA1, PARAMETER_BETA2, PARAMETER_EPSILON ->
                    optimizer == OptimizerKind.OPTIMIZER_KIND_ADAM ? null : "needs the adam optimizer";
            case PARAMETER_BN_ALPHA -> network.getBatchNorm() == BatchNormMode.BATCH_NORM_MODE_OFF
                    ? "has no effect without batch normalisation" : null;
            case PARAMETER_PRECISE_SAMPLES -> training.getTestStatistics() == BnStatistics.BN_STATISTICS_PRECISE
                    ? null : "needs bn-stats = precise";
            default -> null;
        });
    }

    /** {@code value} rounded as the parameter needs (integers to the nearest integer). */
    public static double normalise(Parameter p, double value) {
        return info(p).integer() ? Math.rint(value) : value;
    }

    /**
     * Writes {@code value} (already {@link #normalise normalised}) into the builders.
     *
     * @throws IllegalArgumentException if the recipe has no place for it (see {@link #inapplicable})
     */
    public static void apply(Parameter p, double value, NetworkSpec.Builder network, TrainingSpec.Builder training) {
        ScheduleSpec.Builder s = training.getScheduleBuilder();
        switch (p) {
            case PARAMETER_LAMBDA -> training.setLambda(value);
            case PARAMETER_ETA -> {
                switch (s.getKindCase()) {
                    case CONSTANT -> s.getConstantBuilder().setEta(value);
                    case STEP -> s.getStepBuilder().setEta(value);
                    case CYCLICAL -> s.getCyclicalBuilder().setEtaMax(value);
                    default -> throw new IllegalArgumentException("eta: the recipe has no schedule");
                }
            }
            case PARAMETER_ETA_MIN -> cyclical(s, p).setEtaMin(value);
            case PARAMETER_BATCH_SIZE -> training.setBatchSize((int) value);
            case PARAMETER_EPOCHS -> training.setEpochs((int) value);
            case PARAMETER_CYCLES -> cyclical(s, p).setCycles((int) value);
            case PARAMETER_STEP_EPOCHS -> cyclical(s, p).setStepEpochs(value);
            case PARAMETER_STEP_UPDATES -> cyclical(s, p).setStepUpdates((long) value);
            case PARAMETER_MOMENTUM -> training.getOptimizerBuilder().setMomentum(value);
            case PARAMETER_BETA1 -> training.getOptimizerBuilder().setBeta1(value);
            case PARAMETER_BETA2 -> training.getOptimizerBuilder().setBeta2(value);
            case PARAMETER_EPSILON -> training.getOptimizerBuilder().setEpsilon(value);
            case PARAMETER_DECAY_FACTOR -> step(s, p).setFactor(value);
            case PARAMETER_DECAY_EVERY -> step(s, p).setEveryEpochs(value);
            case PARAMETER_MAX_DECAY -> cyclical(s, p).setMaxDecay(value);
            case PARAMETER_INIT_SIGMA -> network.getInitBuilder().setKind(InitKind.INIT_KIND_NORMAL).setSigma(value);
            case PARAMETER_BN_ALPHA -> network.setBnAlpha(value);
            case PARAMETER_PRECISE_SAMPLES -> training.setPreciseSamples((int) value);
            case PARAMETER_TRAIN_SUBSET -> training.setTrainSubset((int) value);
            default -> throw new IllegalArgumentException("not a searchable parameter: " + p);
        }
    }

    private static io.hpsearch.protocol.v1.CyclicalSchedule.Builder cyclical(ScheduleSpec.Builder s, Parameter p) {
        if (s.getKindCase() != ScheduleSpec.KindCase.CYCLICAL) {
            throw new IllegalArgumentException(info(p).key() + " needs a cyclic schedule");
        }
        return s.getCyclicalBuilder();
    }

    private static io.hpsearch.protocol.v1.StepSchedule.Builder step(ScheduleSpec.Builder s, Parameter p) {
        if (s.getKindCase() != ScheduleSpec.KindCase.STEP) {
            throw new IllegalArgumentException(info(p).key() + " needs a step schedule");
        }
        return s.getStepBuilder();
    }
}
