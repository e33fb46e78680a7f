package io.hpsearch.coordinator.state;

import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.ConfusionMatrix;
import io.hpsearch.protocol.v1.ConstantSchedule;
import io.hpsearch.protocol.v1.DataSpec;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.EpochMetrics;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.JournalEntry;
import io.hpsearch.protocol.v1.NetworkSpec;
import io.hpsearch.protocol.v1.Parameter;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.SamplerKind;
import io.hpsearch.protocol.v1.Scale;
import io.hpsearch.protocol.v1.ScheduleSpec;
import io.hpsearch.protocol.v1.SearchSpace;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TopKQuery;
import io.hpsearch.protocol.v1.TrainingSpec;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Top-k answers in pages: a campaign's results with their curves outgrow one remote message
 * (Artery drops anything over its frame), so the coordinator answers a page at a time.
 */
class CampaignRunTopKTest {
    private static final int TRIALS = 30, EPOCHS = 400;

    /** A one-phase campaign whose every trial completed with {@link #EPOCHS} epochs of curves. */
    private static CampaignRun campaign() {
        CampaignSpec spec = CampaignSpec.newBuilder().setName("big").setSeed(1).setData(DataSpec.getDefaultInstance())
                .setNetwork(NetworkSpec.newBuilder().addHidden(8))
                .setTraining(TrainingSpec.newBuilder().setBatchSize(10).setEpochs(EPOCHS).setThreads(1)
                        .setSchedule(ScheduleSpec.newBuilder().setConstant(ConstantSchedule.newBuilder().setEta(0.01))))
                .setSearch(SearchSpace.newBuilder().addDimensions(Dimension.newBuilder()
                        .setParameter(Parameter.PARAMETER_LAMBDA).setScale(Scale.SCALE_LOG_UNIFORM)
                        .setMin(1e-5).setMax(1e-1).setName("lambda")))
                .addPhases(PhaseSpec.newBuilder().setName("coarse").setSampler(SamplerKind.SAMPLER_KIND_RANDOM)
                        .setTrials(TRIALS))
                .setTopK(5).setMaxAttempts(3).build();
        CoordinatorState state = new CoordinatorState("L-", 3);
        long[] seq = {0};
        apply(state, seq, JournalEntry.newBuilder().setCampaignSubmitted(JournalEntry.CampaignSubmitted.newBuilder().setSpec(spec)));
        CampaignRun run = state.campaign("big").orElseThrow();
        var start = (CampaignRun.StartPhase) run.next().orElseThrow();
        apply(state, seq, JournalEntry.newBuilder().setPhaseStarted(JournalEntry.PhaseStarted.newBuilder()
                .setCampaign("big").setPhase(start.phase()).setSpace(start.space())));
        while (true) {
            var next = state.dispatch().next(c -> true, p -> true);
            if (next.isEmpty()) break;
            var id = next.get().trial().getId();
            String lease = "L-" + (seq[0] + 1);
            apply(state, seq, JournalEntry.newBuilder().setTrialLeased(JournalEntry.TrialLeased.newBuilder()
                    .setId(id).setLeaseId(lease).setWorkerId("w").setAttempt(1)));
            double acc = 0.5 + (id.getIndex() * 7 % TRIALS) / 100.0;
            TrialResult.Builder r = TrialResult.newBuilder().setId(id).setStatus(TrialStatus.TRIAL_STATUS_COMPLETED)
                    .setLeaseId(lease).setWorkerId("w").setEpochs(EPOCHS)
                    .setValidation(Evaluation.newBuilder().setAccuracy(acc).setLoss(1 - acc))
                    .setTestConfusion(ConfusionMatrix.newBuilder().setClasses(2).addCounts(5).addCounts(1).addCounts(2).addCounts(7));
            for (int e = 1; e <= EPOCHS; e++) {
                r.addCurves(EpochMetrics.newBuilder().setEpoch(e).setUpdates(e * 100L).setLearningRate(0.01 / e)
                        .setTrain(Evaluation.newBuilder().setCost(1.0 / e).setLoss(0.9 / e).setAccuracy(acc - 1.0 / (e + 10)))
                        .setValidation(Evaluation.newBuilder().setCost(1.1 / e).setLoss(1.0 / e).setAccuracy(acc - 1.0 / (e + 9)))
                        .setSeconds(e * 0.25));
            }
            apply(state, seq, JournalEntry.newBuilder().setTrialRecorded(JournalEntry.TrialRecorded.newBuilder().setResult(r)));
        }
        assertEquals(TRIALS, run.results().size());
        return run;
    }

    private static void apply(CoordinatorState state, long[] seq, JournalEntry.Builder b) {
        state.apply(b.setSequence(++seq[0]).setEpochMillis(0).build(), System.nanoTime());
    }

    @Test
    void aLongAnswerComesInPagesEachUnderTheBudgetThatTogetherAreTheWholeRanking() {
        CampaignRun run = campaign();
        TopKQuery all = TopKQuery.newBuilder().setCampaign("big").setK(1_000).build();
        TopKAnswer whole = run.topK(all);
        assertEquals(TRIALS, whole.getRankedCount());
        int budget = 64 * 1024;
        assertTrue(whole.getSerializedSize() > 4 * budget, "the test needs results larger than a few pages: "
                + whole.getSerializedSize());

        List<TrialResult> paged = new ArrayList<>();
        int pages = 0;
        TopKAnswer page;
        do {
            page = run.topK(all.toBuilder().setOffset(paged.size()).build(), budget);
            pages++;
            assertTrue(page.getRankedCount() > 0, "every page holds a result");
            assertTrue(page.getSerializedSize() <= budget + 64, "page " + pages + ": " + page.getSerializedSize() + " bytes");
            assertEquals(TRIALS, page.getTotal());
            paged.addAll(page.getRankedList());
        } while (page.getMore());
        assertTrue(pages >= 4, pages + " pages");
        assertEquals(whole.getRankedList(), paged, "the pages in order are the ranking, curves and all");
    }

    @Test
    void aResultLargerThanTheBudgetStillComesAloneAndTheTopKStopsAtK() {
        CampaignRun run = campaign();
        TopKAnswer one = run.topK(TopKQuery.newBuilder().setK(3).build(), 1_000);
        assertEquals(1, one.getRankedCount());
        assertTrue(one.getMore());
        assertEquals(EPOCHS, one.getRanked(0).getCurvesCount());
        TopKAnswer last = run.topK(TopKQuery.newBuilder().setK(3).setOffset(2).build(), 1_000);
        assertEquals(1, last.getRankedCount());
        assertFalse(last.getMore(), "the third of k = 3 is the last");
        assertEquals(run.topK(TopKQuery.newBuilder().setK(3).build()).getRanked(2), last.getRanked(0));
    }

    @Test
    void aTableAndAStatusGetTheResultsWithoutTheirCurves() {
        CampaignRun run = campaign();
        TopKAnswer full = run.topK(TopKQuery.newBuilder().setK(1_000).build());
        TopKAnswer lean = run.topK(TopKQuery.newBuilder().setK(1_000).setWithoutCurves(true).build(), 64 * 1024);
        assertFalse(lean.getMore(), "without curves every result fits one page: " + lean.getSerializedSize());
        assertEquals(full.getRankedCount(), lean.getRankedCount());
        for (int i = 0; i < full.getRankedCount(); i++) {
            TrialResult f = full.getRanked(i), l = lean.getRanked(i);
            assertEquals(0, l.getCurvesCount());
            assertFalse(l.hasTestConfusion());
            assertEquals(f.toBuilder().clearCurves().clearTestConfusion().build(), l);
        }
        TrialResult best = run.status(0).getBest();
        assertEquals(full.getRanked(0).getId(), best.getId());
        assertEquals(0, best.getCurvesCount(), "a status is polled twice a second: no curves in it");
        assertFalse(best.hasTestConfusion());
    }

    @Test
    void theSpecComesOnlyWhenAskedForWithThePhasesRangesSetOnIt() {
        CampaignRun run = campaign();
        assertFalse(run.topK(TopKQuery.newBuilder().setK(1).build()).hasSpec(), "a table needs no spec");
        TopKAnswer withSpec = run.topK(TopKQuery.newBuilder().setK(1).setWithSpec(true).build());
        assertEquals(run.spec(), withSpec.getSpec());
        // the started phase carries the ranges its trials were drawn from: any of them can be generated again
        assertTrue(withSpec.getSpec().getPhases(0).hasSpace(), withSpec.getSpec().toString());
        assertEquals(withSpec.getSpec().getSearch(), withSpec.getSpec().getPhases(0).getSpace());
    }

    @Test
    void pagesOfARunningCampaignAskedForBetweenNewResultsRankThemAsASortOfAllWould() {
        // results --top N (or --out) of a running campaign asks for a page, a few results are
        // recorded, it asks for the next: the new ones are merged into the ranking (sorting it all
        // again for each page made 200 pages of 100,000 results take 25 s in the coordinator)
        int trials = 20_000, pages = 200;
        CampaignSpec spec = CampaignSpec.newBuilder().setName("many").setSeed(1).setData(DataSpec.getDefaultInstance())
                .setNetwork(NetworkSpec.newBuilder().addHidden(8))
                .setTraining(TrainingSpec.newBuilder().setBatchSize(10).setEpochs(1).setThreads(1)
                        .setSchedule(ScheduleSpec.newBuilder().setConstant(ConstantSchedule.newBuilder().setEta(0.01))))
                .setSearch(SearchSpace.newBuilder().addDimensions(Dimension.newBuilder()
                        .setParameter(Parameter.PARAMETER_LAMBDA).setScale(Scale.SCALE_LOG_UNIFORM)
                        .setMin(1e-5).setMax(1e-1).setName("lambda")))
                .addPhases(PhaseSpec.newBuilder().setName("coarse").setSampler(SamplerKind.SAMPLER_KIND_RANDOM)
                        .setTrials(trials))
                .setTopK(5).setMaxAttempts(3).build();
        CoordinatorState state = new CoordinatorState("L-", 3);
        long[] seq = {0};
        apply(state, seq, JournalEntry.newBuilder().setCampaignSubmitted(JournalEntry.CampaignSubmitted.newBuilder().setSpec(spec)));
        CampaignRun run = state.campaign("many").orElseThrow();
        var start = (CampaignRun.StartPhase) run.next().orElseThrow();
        apply(state, seq, JournalEntry.newBuilder().setPhaseStarted(JournalEntry.PhaseStarted.newBuilder()
                .setCampaign("many").setPhase(start.phase()).setSpace(start.space())));
        java.util.function.IntFunction<TrialResult> result = i -> {
            double acc = (i * 7919L % 1000) / 1000.0;
            return TrialResult.newBuilder().setId(io.hpsearch.protocol.v1.TrialId.newBuilder().setCampaign("many")
                            .setPhase("coarse").setPhaseOrdinal(0).setIndex(i))
                    .setStatus(i % 97 == 0 ? TrialStatus.TRIAL_STATUS_FAILED : TrialStatus.TRIAL_STATUS_COMPLETED)
                    .setValidation(Evaluation.newBuilder().setAccuracy(acc).setLoss(1 - acc + (i % 13) / 100.0)).build();
        };
        int recorded = trials - pages;
        for (int i = 0; i < recorded; i++) assertTrue(run.record(result.apply(i)));
        TopKQuery all = TopKQuery.newBuilder().setCampaign("many").setK(1_000_000).setWithoutCurves(true).build();
        assertEquals(recorded, run.topK(all, 128 * 1024).getTotal());

        int offset = 0;
        for (int p = 0; p < pages; p++) {
            assertTrue(run.record(result.apply(recorded + p)));
            TopKAnswer page = run.topK(all.toBuilder().setOffset(offset).build(), 128 * 1024);
            assertEquals(recorded + p + 1, page.getTotal());
            offset += page.getRankedCount() / 4;
        }

        List<TrialResult> sorted = new ArrayList<>(run.results());
        sorted.sort(io.hpsearch.coordinator.leaderboard.Leaderboard.ORDER);
        assertEquals(sorted, run.topK(all).getRankedList(), "the ranking merged result by result is the sorted one");
    }
}
