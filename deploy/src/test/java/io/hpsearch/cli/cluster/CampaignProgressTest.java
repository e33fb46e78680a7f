package io.hpsearch.cli.cluster;

import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.TrialResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CampaignProgressTest {
    private static CampaignStatus status(CampaignState state, int coarseDone, int finePlanned, double elapsed) {
        return CampaignStatus.newBuilder().setCampaign("c").setState(state).setCurrentPhase(finePlanned > 0 ? "fine" : "coarse")
                .setElapsedSeconds(elapsed)
                .addPhases(PhaseStatus.newBuilder().setName("coarse").setRequested(12).setPlanned(12)
                        .setCompleted(Math.max(0, coarseDone - 1)).setFailed(coarseDone > 0 ? 1 : 0))
                .addPhases(PhaseStatus.newBuilder().setName("fine").setRequested(4).setPlanned(finePlanned))
                .build();
    }

    @Test
    void theTotalCountsAPhaseAsItsSpecAsksUntilTheCoordinatorHasSizedIt() {
        assertEquals(12 + 4, CampaignProgress.total(status(CampaignState.CAMPAIGN_STATE_RUNNING, 3, 0, 1)));
        // a refined phase's size, once known, replaces what its spec asked for
        assertEquals(12 + 5, CampaignProgress.total(status(CampaignState.CAMPAIGN_STATE_RUNNING, 12, 5, 1)));
        // a full grid asks for no fixed count: nothing to add until it is sized
        CampaignStatus grid = CampaignStatus.newBuilder().addPhases(PhaseStatus.newBuilder().setName("grid")).build();
        assertEquals(0, CampaignProgress.total(grid));
    }

    @Test
    void theEndLineCountsTheTrialsByOutcome() {
        CampaignStatus end = CampaignStatus.newBuilder().setCampaign("c").setState(CampaignState.CAMPAIGN_STATE_CANCELLED)
                .addPhases(PhaseStatus.newBuilder().setName("coarse").setCompleted(10).setDiverged(1).setFailed(1))
                .addPhases(PhaseStatus.newBuilder().setName("fine").setCompleted(2).setCancelled(2)).build();
        assertEquals("16 trials: 12 completed, 1 diverged, 1 failed, 2 cancelled", CampaignProgress.outcomes(end));
        CampaignStatus one = CampaignStatus.newBuilder()
                .addPhases(PhaseStatus.newBuilder().setName("coarse").setCompleted(1)).build();
        assertEquals("1 trial: 1 completed", CampaignProgress.outcomes(one));
    }

    @Test
    void withoutATerminalItPrintsOneLinePerChange() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CampaignProgress p = new CampaignProgress("c", new PrintStream(bytes, true, StandardCharsets.UTF_8), false)) {
            p.update(status(CampaignState.CAMPAIGN_STATE_PENDING, 0, 0, 0));
            p.update(status(CampaignState.CAMPAIGN_STATE_RUNNING, 0, 0, 1));
            p.update(status(CampaignState.CAMPAIGN_STATE_RUNNING, 0, 0, 2)); // nothing changed but the time
            p.update(status(CampaignState.CAMPAIGN_STATE_RUNNING, 4, 0, 8).toBuilder()
                    .setBest(TrialResult.newBuilder().setValidation(Evaluation.newBuilder().setAccuracy(0.8512))).build());
        }
        assertEquals(List.of(
                "c: 0/16 trials, waiting for a worker, 0s elapsed",
                "c: 0/16 trials, phase coarse, no result yet, 1s elapsed",
                "c: 4/16 trials, phase coarse, best val acc 0.8512, 8s elapsed, about 24s left"),
                bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void onceClosedItPrintsNothingMore() {
        // a follower stopped by Ctrl-C closes it before its last message, while the main thread may still update it
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CampaignProgress p = new CampaignProgress("c", new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        p.update(status(CampaignState.CAMPAIGN_STATE_RUNNING, 0, 0, 1));
        p.close();
        p.update(status(CampaignState.CAMPAIGN_STATE_RUNNING, 4, 0, 8));
        p.notice("lost the coordinator");
        p.close();
        assertEquals(List.of("c: 0/16 trials, phase coarse, no result yet, 1s elapsed"),
                bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void aCampaignWhoseTrialsWaitSaysWhatForInTheCoordinatorsWords() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String noData = "no worker can load data set cifar10 (worker 10.0.0.2:25521: cannot load data set cifar10, "
                + "validation 5000: no directory /data/cifar-10-batches-bin)";
        try (CampaignProgress p = new CampaignProgress("c", new PrintStream(bytes, true, StandardCharsets.UTF_8), false)) {
            p.update(status(CampaignState.CAMPAIGN_STATE_PENDING, 0, 0, 1).toBuilder()
                    .setWaiting("queued behind earlier campaigns (a, b)").build());
            p.update(status(CampaignState.CAMPAIGN_STATE_PENDING, 0, 0, 2).toBuilder().setWaiting(noData).build());
            // trials done, the rest waiting: the phase and the reason
            p.update(status(CampaignState.CAMPAIGN_STATE_RUNNING, 3, 0, 5).toBuilder().setWaiting(noData).build());
        }
        assertEquals(List.of(
                "c: 0/16 trials, queued behind earlier campaigns (a, b), 1s elapsed",
                "c: 0/16 trials, " + noData + ", 2s elapsed",
                "c: 3/16 trials, phase coarse, no result yet; " + noData + ", 5s elapsed, about 22s left"),
                bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void anEndedCampaignShowsNoTimeLeftAndCountsOnlyThePhasesItStarted() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // cancelled in its coarse phase: two trials are still being stopped, the fine phase never started
        CampaignStatus stopping = status(CampaignState.CAMPAIGN_STATE_CANCELLED, 10, 0, 8);
        stopping = stopping.toBuilder().setPhases(0, stopping.getPhases(0).toBuilder().setRunning(2)).build();
        assertEquals(12, CampaignProgress.total(stopping), "what status counts as planned");
        try (CampaignProgress p = new CampaignProgress("c", new PrintStream(bytes, true, StandardCharsets.UTF_8), false)) {
            p.update(stopping);
            p.update(status(CampaignState.CAMPAIGN_STATE_CANCELLED, 12, 0, 9));
        }
        assertEquals(List.of(
                "c: 10/12 trials, cancelled, waiting for 2 running trial(s) to stop, no result yet, 8s elapsed",
                "c: 12/12 trials, cancelled, no result yet, 9s elapsed"),
                bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void aNoticeGetsALineOfItsOwnAndTheProgressIsShownAgainAfterIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CampaignProgress p = new CampaignProgress("c", new PrintStream(bytes, true, StandardCharsets.UTF_8), false)) {
            p.update(status(CampaignState.CAMPAIGN_STATE_RUNNING, 0, 0, 1));
            p.notice("lost the coordinator");
            p.update(status(CampaignState.CAMPAIGN_STATE_RUNNING, 0, 0, 30)); // unchanged, but after the notice
            p.update(status(CampaignState.CAMPAIGN_STATE_RUNNING, 0, 0, 31));
        }
        assertEquals(List.of(
                "c: 0/16 trials, phase coarse, no result yet, 1s elapsed",
                "lost the coordinator",
                "c: 0/16 trials, phase coarse, no result yet, 30s elapsed"),
                bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
