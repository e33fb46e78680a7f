package io.hpsearch.coordinator.sampling;

import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.NetworkSpec;
import io.hpsearch.protocol.v1.ParamValue;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.SamplerKind;
import io.hpsearch.protocol.v1.Scale;
import io.hpsearch.protocol.v1.ScheduleSpec;
import io.hpsearch.protocol.v1.SearchSpace;
import io.hpsearch.protocol.v1.TrainingSpec;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialSpec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * The trials of a campaign, each a pure function of (campaign spec, phase, index).
 *
 * <p>Trial {@code k} of phase {@code p} draws its values from its own generator,
 * {@code new SplittableRandom(seed(campaign.seed, p.name, k, SAMPLING))}, and trains with seed
 * {@code seed(campaign.seed, p.name, k, TRAINING)}; {@link #seed} is a SplitMix64-style hash of
 * its arguments. No state is carried from one trial to the next, so trial {@code k} is the same
 * whichever trials were generated before it, in whatever order, on whichever machine.
 *
 * <p>The recipe of a trial is the campaign's network and training specs with, in this order: the
 * trial's seed; the phase's overrides ({@code epochs}, {@code cycles}, {@code train_subset}, when
 * positive); the sampled values (integers rounded to the nearest integer), in space order.
 *
 * <p>The space of a phase is {@code phase.space} when set, else the campaign's {@code search}. A
 * phase with {@code fine} ranges has no space until the campaign resolves it with
 * {@link FineRange} and sets it on the phase; asking for its trials before that is an error.
 */
public final class TrialGenerator {
    /** Stream of a trial's sampled values. */
    public static final long SAMPLING = 0x5A4D_504C_494E_4701L;
    /** Stream of a trial's training seed. */
    public static final long TRAINING = 0x5452_4149_4E49_4E47L;

    private TrialGenerator() {
    }

    /** Trial {@code index} of the phase named like {@code phase} (whose space, if any, is used). */
    public static TrialSpec trial(CampaignSpec campaign, PhaseSpec phase, int index) {
        int ordinal = ordinal(campaign, phase.getName());
        SearchSpace space = space(campaign, phase);
        Sampler sampler = Sampler.of(phase, space);
        if (index < 0 || index >= sampler.trials()) {
            throw new IndexOutOfBoundsException("phase " + phase.getName() + " has " + sampler.trials()
                    + " trials, no trial " + index);
        }
        double[] values = sampler.values(index, new SplittableRandom(seed(campaign.getSeed(), phase.getName(), index, SAMPLING)));

        NetworkSpec.Builder network = campaign.getNetwork().toBuilder();
        TrainingSpec.Builder training = campaign.getTraining().toBuilder();
        training.setSeed(seed(campaign.getSeed(), phase.getName(), index, TRAINING));
        if (phase.getEpochs() > 0) training.setEpochs(phase.getEpochs());
        if (phase.getCycles() > 0) {
            if (training.getSchedule().getKindCase() != ScheduleSpec.KindCase.CYCLICAL) {
                throw new IllegalArgumentException("phase " + phase.getName() + " sets cycles without a cyclic schedule");
            }
            training.getScheduleBuilder().getCyclicalBuilder().setCycles(phase.getCycles());
        }
        if (phase.getTrainSubset() > 0) training.setTrainSubset(phase.getTrainSubset());

        TrialSpec.Builder trial = TrialSpec.newBuilder()
                .setId(TrialId.newBuilder().setCampaign(campaign.getName()).setPhase(phase.getName())
                        .setPhaseOrdinal(ordinal).setIndex(index));
        for (int i = 0; i < values.length; i++) {
            Dimension d = space.getDimensions(i);
            double v = SearchParameters.normalise(d.getParameter(), values[i]);
            SearchParameters.apply(d.getParameter(), v, network, training);
            trial.addParams(ParamValue.newBuilder().setParameter(d.getParameter()).setName(d.getName()).setValue(v));
        }
        return trial.setData(campaign.getData()).setNetwork(network).setTraining(training).build();
    }

    /** Trial {@code index} of the campaign's phase number {@code ordinal}, as the campaign spec holds it. */
    public static TrialSpec trial(CampaignSpec campaign, int ordinal, int index) {
        return trial(campaign, campaign.getPhases(ordinal), index);
    }

    /** Every trial of the phase, by index. */
    public static List<TrialSpec> trials(CampaignSpec campaign, PhaseSpec phase) {
        int n = trialCount(campaign, phase);
        List<TrialSpec> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) all.add(trial(campaign, phase, i));
        return all;
    }

    /** Number of trials of the phase. */
    public static int trialCount(CampaignSpec campaign, PhaseSpec phase) {
        return Sampler.of(phase, space(campaign, phase)).trials();
    }

    /**
     * Number of trials of the phase as far as it is known before the phase starts: a phase whose
     * ranges come from an earlier one still has its {@code trials} when it samples at random, and a
     * grid of {@code points} per dimension when no dimension is a list of choices (of which the
     * narrowing keeps only those of the earlier phase's best trials). Empty for such a grid.
     */
    public static OptionalInt knownTrialCount(CampaignSpec campaign, PhaseSpec phase) {
        if (phase.hasSpace() || !phase.hasFine()) return OptionalInt.of(trialCount(campaign, phase));
        if (phase.getSampler() == SamplerKind.SAMPLER_KIND_RANDOM) return OptionalInt.of(phase.getTrials());
        // narrowing keeps every dimension of the phase it starts from, with new ranges: the grid's
        // size is that of the first phase of the chain that has ranges of its own
        PhaseSpec root = phase;
        while (!root.hasSpace() && root.hasFine()) root = campaign.getPhases(ordinal(campaign, root.getFine().getFromPhase()));
        SearchSpace dims = space(campaign, root);
        boolean choices = dims.getDimensionsList().stream().anyMatch(d -> d.getScale() == Scale.SCALE_CHOICE);
        return choices ? OptionalInt.empty() : OptionalInt.of(Sampler.of(phase, dims).trials());
    }

    /**
     * The space the phase samples.
     *
     * @throws IllegalStateException for a fine phase whose ranges are not resolved yet
     */
    public static SearchSpace space(CampaignSpec campaign, PhaseSpec phase) {
        if (phase.hasSpace()) return phase.getSpace();
        if (phase.hasFine()) {
            throw new IllegalStateException("phase " + phase.getName() + " takes its ranges from phase "
                    + phase.getFine().getFromPhase() + ", which are not resolved yet");
        }
        return campaign.getSearch();
    }

    /** Position of the named phase in the campaign. */
    public static int ordinal(CampaignSpec campaign, String phase) {
        for (int i = 0; i < campaign.getPhasesCount(); i++) {
            if (campaign.getPhases(i).getName().equals(phase)) return i;
        }
        throw new IllegalArgumentException("campaign " + campaign.getName() + " has no phase " + phase);
    }

    /** A 64-bit hash of (campaign seed, phase name, trial index, stream). */
    public static long seed(long campaignSeed, String phase, int index, long stream) {
        long h = mix(campaignSeed + 0x9E37_79B9_7F4A_7C15L);
        for (byte b : phase.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ (b & 0xFF) ^ 0x100);
        }
        h = mix(h ^ (0xFFFF_FFFFL & index) ^ ((long) phase.length() << 32));
        return mix(h ^ stream);
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
