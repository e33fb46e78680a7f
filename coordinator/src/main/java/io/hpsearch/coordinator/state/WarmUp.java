package io.hpsearch.coordinator.state;

import io.hpsearch.coordinator.dispatch.Lease;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.ConstantSchedule;
import io.hpsearch.protocol.v1.DataSpec;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.FineRangeSpec;
import io.hpsearch.protocol.v1.JournalEntry;
import io.hpsearch.protocol.v1.NetworkSpec;
import io.hpsearch.protocol.v1.Parameter;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.SamplerKind;
import io.hpsearch.protocol.v1.Scale;
import io.hpsearch.protocol.v1.ScheduleSpec;
import io.hpsearch.protocol.v1.SearchSpace;
import io.hpsearch.protocol.v1.TopKQuery;
import io.hpsearch.protocol.v1.TrainingSpec;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;

/**
 * Runs the coordinator's per-trial code (trial generation, the queue, leases, results, the
 * leaderboard, the journal entries' protobuf encoding) a few thousand times on a throw-away,
 * in-memory state before the coordinator starts. Without it the first leases of the first campaign
 * run that code interpreted while the JIT compiles it, and take tens of milliseconds instead of
 * well under one; a worker waits for each of them.
 */
public final class WarmUp {
    private WarmUp() {
    }

    /** Dispatches {@code trials} trials of a two-phase campaign through a fresh state; returns how many it recorded. */
    public static int run(int trials) {
        CoordinatorState state = new CoordinatorState("W-", 3);
        long[] seq = {0};
        long sum = 0; // of what the JIT must not optimise away
        int coarse = Math.max(2, trials * 3 / 4);
        CampaignSpec spec = campaign(coarse, Math.max(1, trials - coarse));
        apply(state, seq, JournalEntry.newBuilder()
                .setCampaignSubmitted(JournalEntry.CampaignSubmitted.newBuilder().setSpec(spec)));
        CampaignRun run = state.campaign(spec.getName()).orElseThrow();
        for (var step = run.next(); step.isPresent(); step = run.next()) {
            if (!(step.get() instanceof CampaignRun.StartPhase sp)) break;
            apply(state, seq, JournalEntry.newBuilder().setPhaseStarted(JournalEntry.PhaseStarted.newBuilder()
                    .setCampaign(spec.getName()).setPhase(sp.phase()).setSpace(sp.space())));
            while (true) {
                var next = state.dispatch().next(c -> true, p -> true);
                if (next.isEmpty()) break;
                var id = next.get().trial().getId();
                String leaseId = "W-" + (seq[0] + 1);
                apply(state, seq, JournalEntry.newBuilder().setTrialLeased(JournalEntry.TrialLeased.newBuilder()
                        .setId(id).setLeaseId(leaseId).setWorkerId("warm-up").setAttempt(1)));
                Lease l = state.dispatch().leaseById(leaseId).orElseThrow();
                sum += l.toWire(1000).toByteArray().length;
                double acc = (id.getIndex() % 97) / 100.0;
                TrialResult r = TrialResult.newBuilder().setId(id).setStatus(TrialStatus.TRIAL_STATUS_COMPLETED)
                        .setLeaseId(leaseId).setWorkerId("warm-up").addAllParams(l.trial().getParamsList())
                        .setValidation(Evaluation.newBuilder().setAccuracy(acc).setLoss(1 - acc)).build();
                JournalEntry e = apply(state, seq, JournalEntry.newBuilder()
                        .setTrialRecorded(JournalEntry.TrialRecorded.newBuilder().setResult(r)));
                sum += e.toByteArray().length;
            }
        }
        sum += run.topK(TopKQuery.newBuilder().setK(5).build()).getRankedCount();
        if (sum == 0) throw new IllegalStateException("warm-up dispatched nothing");
        return run.results().size();
    }

    private static JournalEntry apply(CoordinatorState state, long[] seq, JournalEntry.Builder b) {
        JournalEntry e = b.setSequence(++seq[0]).setEpochMillis(0).build();
        state.apply(e, System.nanoTime());
        return e;
    }

    /** The warm-up's campaign "warm-up": λ and η, a random coarse phase and a fine phase refined from it. */
    public static CampaignSpec campaign(int coarse, int fine) {
        return CampaignSpec.newBuilder().setName("warm-up").setSeed(1)
                .setData(DataSpec.getDefaultInstance())
                .setNetwork(NetworkSpec.newBuilder().addHidden(50).addHidden(50))
                .setTraining(TrainingSpec.newBuilder().setBatchSize(100).setEpochs(1).setThreads(1)
                        .setSchedule(ScheduleSpec.newBuilder().setConstant(ConstantSchedule.newBuilder().setEta(0.01))))
                .setSearch(SearchSpace.newBuilder()
                        .addDimensions(Dimension.newBuilder().setParameter(Parameter.PARAMETER_LAMBDA)
                                .setScale(Scale.SCALE_LOG_UNIFORM).setMin(1e-5).setMax(1e-1).setName("lambda"))
                        .addDimensions(Dimension.newBuilder().setParameter(Parameter.PARAMETER_ETA)
                                .setScale(Scale.SCALE_LOG_UNIFORM).setMin(1e-3).setMax(1e-1).setName("eta")))
                .addPhases(PhaseSpec.newBuilder().setName("coarse").setSampler(SamplerKind.SAMPLER_KIND_RANDOM)
                        .setTrials(coarse))
                .addPhases(PhaseSpec.newBuilder().setName("fine").setSampler(SamplerKind.SAMPLER_KIND_RANDOM)
                        .setTrials(fine).setFine(FineRangeSpec.newBuilder().setFromPhase("coarse").setTopN(3)
                                .setMargin(0.1).setMinWidth(0.05)))
                .setTopK(5).setMaxAttempts(3)
                .build();
    }
}
