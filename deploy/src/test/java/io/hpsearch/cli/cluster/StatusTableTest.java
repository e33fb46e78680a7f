package io.hpsearch.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.WorkerInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusTableTest {
    private static PhaseStatus phase(String name, int planned, int completed, int failed, int running, int pending) {
        return PhaseStatus.newBuilder().setName(name).setPlanned(planned).setCompleted(completed).setFailed(failed)
                .setDiverged(1).setRunning(running).setPending(pending).build();
    }

    /** Submitted in the order b (running, its fine phase not yet sized), a (queued), c (completed, with a
     *  fine phase that never needed sizing), listed out of that order. */
    private static StatusAnswer answer() {
        CampaignStatus running = CampaignStatus.newBuilder().setCampaign("b").setState(CampaignState.CAMPAIGN_STATE_RUNNING)
                .setCurrentPhase("coarse").setStartedEpochMillis(1_000).setElapsedSeconds(75)
                .addPhases(phase("coarse", 12, 7, 1, 2, 1)).addPhases(PhaseStatus.newBuilder().setName("fine"))
                .setBest(TrialResult.newBuilder().setId(TrialId.newBuilder().setCampaign("b").setPhase("coarse").setIndex(4))
                        .setValidation(Evaluation.newBuilder().setAccuracy(0.85125)))
                .build();
        CampaignStatus queued = CampaignStatus.newBuilder().setCampaign("a").setState(CampaignState.CAMPAIGN_STATE_PENDING)
                .setCurrentPhase("coarse").setStartedEpochMillis(2_000).setWaiting("queued behind earlier campaigns (b)")
                .addPhases(PhaseStatus.newBuilder().setName("coarse").setPlanned(5).setPending(5)).build();
        CampaignStatus cancelled = CampaignStatus.newBuilder().setCampaign("c").setState(CampaignState.CAMPAIGN_STATE_CANCELLED)
                .setCurrentPhase("coarse").setStartedEpochMillis(3_000).setElapsedSeconds(3725).setCancelReason("wrong data")
                .addPhases(phase("coarse", 4, 2, 0, 0, 0)).addPhases(PhaseStatus.newBuilder().setName("fine")).build();
        return StatusAnswer.newBuilder().addCampaigns(cancelled).addCampaigns(queued).addCampaigns(running)
                .addWorkers(WorkerInfo.newBuilder().setWorkerId("10.0.0.3:25521#9").setSlots(2).setThreadsPerTrial(1)
                        .setCores(2).addDataFingerprints("f1").addDataFingerprints("f2").setVersion("1.0"))
                .addWorkers(WorkerInfo.newBuilder().setWorkerId("10.0.0.2:25521#4").setSlots(1).setThreadsPerTrial(2)
                        .setCores(2).setVersion("1.0"))
                .build();
    }

    @Test
    void theTableListsCampaignsInSubmissionOrderAndTheWorkers() {
        List<String> lines = new StatusTable(answer()).format(ResultsTable.Format.TABLE).lines().toList();
        assertEquals(List.of("campaign", "state", "phase", "done", "planned", "running", "pending", "failed",
                "best", "val", "acc", "best", "trial", "elapsed"), List.of(lines.get(0).split(" +")));
        // done = completed + diverged + failed + cancelled; "+" while a phase's size is still to come
        assertEquals(List.of("b", "running", "coarse", "9", "12+", "2", "1", "1", "0.8513", "coarse#4", "1m15s"),
                List.of(lines.get(2).split(" +")));
        // a queued campaign shows the phase it starts with
        assertEquals(List.of("a", "pending", "coarse", "0", "5", "0", "5", "0", "-", "-", "0s"), List.of(lines.get(3).split(" +")));
        // an ended campaign shows the phase it ended in, and its unsized phase is not "to come"
        assertEquals(List.of("c", "cancelled", "coarse", "3", "4", "0", "0", "0", "-", "-", "1h02m05s"),
                List.of(lines.get(4).split(" +")));
        // what a waiting campaign waits for; the counts of an ended one add up with the trials it
        // never started
        assertEquals("", lines.get(5));
        assertEquals("a: queued behind earlier campaigns (b)", lines.get(6));
        assertEquals("c: cancelled (wrong data); 1 of its 4 planned trials never started", lines.get(7));
        assertEquals("", lines.get(8));
        assertTrue(lines.get(9).startsWith("worker"), lines.get(9));
        assertEquals(List.of("10.0.0.2:25521", "1", "2", "2", "0", "1.0"), List.of(lines.get(11).split(" +")));
        assertEquals(List.of("10.0.0.3:25521", "2", "1", "2", "2", "1.0"), List.of(lines.get(12).split(" +")));
    }

    @Test
    void jsonHasTheCountsPerPhaseAndNullForNoBest() throws Exception {
        JsonNode root = new ObjectMapper().readTree(new StatusTable(answer()).format(ResultsTable.Format.JSON));
        JsonNode b = root.get("campaigns").get(0);
        assertEquals("b", b.get("campaign").asText());
        assertEquals(9, b.get("done").asInt());
        assertEquals(12, b.get("planned").asInt());
        assertTrue(b.get("more_to_plan").asBoolean());
        assertEquals(0.85125, b.get("best_val_acc").asDouble());
        assertEquals("coarse#4", b.get("best_trial").asText());
        assertEquals("1970-01-01T00:00:01Z", b.get("submitted").asText());
        assertEquals(2, b.get("phases").size());
        assertEquals(7, b.get("phases").get(0).get("completed").asInt());
        assertEquals(0, b.get("never_started").asInt(), "a running campaign's trials are still to come");
        JsonNode a = root.get("campaigns").get(1);
        assertTrue(a.get("best_val_acc").isNull() && a.get("best_trial").isNull(), a.toString());
        assertEquals("queued behind earlier campaigns (b)", a.get("waiting").asText());
        assertTrue(b.get("waiting").isNull(), b.toString());
        assertEquals(1, root.get("campaigns").get(2).get("never_started").asInt());
        assertEquals("coarse", root.get("campaigns").get(2).get("phase").asText(), "the phase it ended in, as in the table");
        assertEquals("wrong data", root.get("campaigns").get(2).get("cancel_reason").asText());
        assertTrue(b.get("cancel_reason").isNull(), b.toString());
        assertEquals(2, root.get("workers").size());
        assertEquals("10.0.0.3:25521#9", root.get("workers").get(1).get("worker_id").asText());
        assertEquals(2, root.get("workers").get(1).get("data_fingerprints").size());
    }

    @Test
    void noCampaignsAndNoWorkersAreSaid() {
        assertEquals("no campaigns\n\nno workers\n", new StatusTable(StatusAnswer.getDefaultInstance()).format(ResultsTable.Format.TABLE));
    }
}
