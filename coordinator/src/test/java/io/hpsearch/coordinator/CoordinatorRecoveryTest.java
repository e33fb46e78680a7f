package io.hpsearch.coordinator;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.hpsearch.coordinator.journal.Journal;
import io.hpsearch.coordinator.journal.JournalCorruptException;
import io.hpsearch.coordinator.journal.JournalReader;
import io.hpsearch.coordinator.journal.JournalRecord;
import io.hpsearch.coordinator.state.CoordinatorState;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.CancelAck;
import io.hpsearch.protocol.v1.CancelCampaign;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.EpochMetrics;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.JournalEntry;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.StatusQuery;
import io.hpsearch.protocol.v1.SubmitCampaign;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TopKQuery;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialProgress;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import io.hpsearch.protocol.v1.WorkLease;
import io.hpsearch.protocol.v1.WorkRequest;
import io.hpsearch.protocol.v1.WorkerInfo;
import io.hpsearch.protocol.wire.ToCoordinator;
import io.hpsearch.protocol.wire.ToWorker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinator with a journal, in one local actor system with scripted workers (test probes
 * speaking the wire records): restarts from the journal, retries, lease expiry, duplicates. The
 * same with real processes and {@code kill -9} is in the deploy module's fault-injection test.
 */
class CoordinatorRecoveryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final ActorTestKit kit = ActorTestKit.create(ConfigFactory.parseString("akka.actor.provider = local"));
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        kit.shutdownTestKit();
    }

    private static Coordinator.Settings settings() {
        return Coordinator.Settings.defaults().withPark(Duration.ofMillis(50)).withIdleRetry(Duration.ofMillis(20));
    }

    /** A coordinator carrying on from the journal in {@code dir}. */
    private ActorRef<ToCoordinator> open(Coordinator.Settings settings) throws IOException {
        CoordinatorState.Opened o = CoordinatorState.open(dir, Journal.Options.DEFAULT, settings.leasePrefix(),
                settings.defaultAttempts(), "test", System.nanoTime());
        return kit.spawn(Coordinator.create(settings, o.state(), o.journal()));
    }

    /** Stops the coordinator (which closes its journal). */
    private void stop(ActorRef<ToCoordinator> coordinator) {
        kit.stop(coordinator, TIMEOUT);
    }

    private static WorkerInfo info(String id) {
        return WorkerInfo.newBuilder().setWorkerId(id).setHost("127.0.0.1").setSlots(2).build();
    }

    /** A scripted worker: a probe that asks for work and answers leases. */
    private final class Worker {
        final String id;
        final TestProbe<ToWorker> probe = kit.createTestProbe();

        Worker(String id) {
            this.id = id;
        }

        /** Asks for up to {@code n} trials; returns the leases (empty after an Idle). */
        List<WorkLease> ask(ActorRef<ToCoordinator> c, int n) {
            c.tell(new ToCoordinator.RequestWork(WorkRequest.newBuilder().setWorker(info(id)).setFreeSlots(n).build(),
                    probe.ref()));
            List<WorkLease> got = new ArrayList<>();
            while (got.size() < n) {
                ToWorker m = probe.receiveMessage(TIMEOUT);
                if (m instanceof ToWorker.Idle) break;
                got.add(assertInstanceOf(ToWorker.Lease.class, m).lease());
                if (got.size() < n && probe.receiveSeveralMessages(0, Duration.ZERO).isEmpty()) {
                    // the rest of one answer arrives together; nothing more is coming
                    try {
                        ToWorker more = probe.receiveMessage(Duration.ofMillis(30));
                        if (more instanceof ToWorker.Idle) break;
                        got.add(assertInstanceOf(ToWorker.Lease.class, more).lease());
                    } catch (AssertionError none) {
                        break;
                    }
                }
            }
            return got;
        }

        /** Sends a result and waits for its acknowledgement. */
        void report(ActorRef<ToCoordinator> c, TrialResult r) {
            c.tell(new ToCoordinator.Result(r, probe.ref()));
            ToWorker m = probe.receiveMessage(TIMEOUT);
            while (!(m instanceof ToWorker.Ack)) m = probe.receiveMessage(TIMEOUT); // a Cancel may cross it
            assertEquals(r.getId(), ((ToWorker.Ack) m).ack().getId());
        }

        /** Trains and reports trials until the campaign has ended. */
        void runToEnd(ActorRef<ToCoordinator> c, String campaign, Function<WorkLease, TrialResult> train) {
            for (int round = 0; round < 500; round++) {
                List<WorkLease> leases = ask(c, 2);
                if (leases.isEmpty()) {
                    if (!active(status(c, campaign))) return;
                    continue;
                }
                for (WorkLease l : leases) report(c, train.apply(l));
            }
            throw new AssertionError("campaign did not end");
        }
    }

    private CampaignAck submit(ActorRef<ToCoordinator> c, CampaignSpec spec) {
        TestProbe<CampaignAck> p = kit.createTestProbe();
        c.tell(new ToCoordinator.Submit(SubmitCampaign.newBuilder().setSpec(spec).build(), p.ref()));
        return p.receiveMessage(TIMEOUT);
    }

    private CancelAck cancel(ActorRef<ToCoordinator> c, String campaign, String reason) {
        TestProbe<CancelAck> p = kit.createTestProbe();
        c.tell(new ToCoordinator.Cancel(CancelCampaign.newBuilder().setCampaign(campaign).setReason(reason).build(), p.ref()));
        return p.receiveMessage(TIMEOUT);
    }

    private CampaignStatus status(ActorRef<ToCoordinator> c, String campaign) {
        TestProbe<StatusAnswer> p = kit.createTestProbe();
        c.tell(new ToCoordinator.Status(StatusQuery.newBuilder().setCampaign(campaign).build(), p.ref()));
        return p.receiveMessage(TIMEOUT).getCampaigns(0);
    }

    private static boolean active(CampaignStatus s) {
        return s.getState() == CampaignState.CAMPAIGN_STATE_PENDING || s.getState() == CampaignState.CAMPAIGN_STATE_RUNNING;
    }

    private List<TrialResult> table(ActorRef<ToCoordinator> c, String campaign) {
        TestProbe<TopKAnswer> p = kit.createTestProbe();
        c.tell(new ToCoordinator.TopK(TopKQuery.newBuilder().setCampaign(campaign).setK(1000).build(), p.ref()));
        return p.receiveMessage(TIMEOUT).getRankedList();
    }

    private static TrialResult train(WorkLease l) {
        return TestCampaigns.train(l, "w");
    }

    /** Ranked (trial, values, accuracy) rows, without who ran them or under which lease. */
    private static List<TrialResult> rows(List<TrialResult> table) {
        return table.stream().map(r -> r.toBuilder().clearWorkerId().clearLeaseId().build()).toList();
    }

    private List<TrialResult> undisturbed(CampaignSpec spec) {
        ActorRef<ToCoordinator> c = kit.spawn(Coordinator.create(settings()));
        assertTrue(submit(c, spec).getAccepted());
        new Worker("ref").runToEnd(c, spec.getName(), CoordinatorRecoveryTest::train);
        List<TrialResult> t = table(c, spec.getName());
        kit.stop(c, TIMEOUT);
        return t;
    }

    private List<JournalEntry> journal() throws IOException {
        return JournalReader.readAll(dir.resolve(Journal.FILE_NAME)).stream().map(JournalRecord::entry).toList();
    }

    @Test
    void aRestartCarriesOnWithoutLosingOrRepeatingATrial() throws IOException {
        CampaignSpec spec = TestCampaigns.twoPhase("restart", 7, 8, 4);
        List<TrialResult> reference = undisturbed(spec);
        assertEquals(12, reference.size());

        ActorRef<ToCoordinator> c = open(settings());
        assertTrue(submit(c, spec).getAccepted());
        Worker a = new Worker("a");
        List<WorkLease> first = a.ask(c, 2);
        for (WorkLease l : first) a.report(c, train(l));
        List<WorkLease> second = a.ask(c, 2);
        for (WorkLease l : second) a.report(c, train(l));
        List<WorkLease> inFlight = a.ask(c, 2); // leased, never reported before the "crash"
        assertEquals(2, inFlight.size());
        stop(c);

        CoordinatorState.Opened reopened = CoordinatorState.open(dir, Journal.Options.DEFAULT, "L-", 3, "test", System.nanoTime());
        assertEquals(2, reopened.voidedLeases());
        ActorRef<ToCoordinator> c2 = kit.spawn(Coordinator.create(settings(), reopened.state(), reopened.journal()));
        CampaignStatus st = status(c2, "restart");
        assertEquals(4, st.getPhases(0).getCompleted());
        assertEquals(4, st.getPhases(0).getPending(), "the voided leases' trials are queued again");

        // the old holder of a voided lease reports late: accepted once, not run again
        a.report(c2, train(inFlight.get(0)));
        Worker b = new Worker("b");
        Set<TrialId> leasedAfter = new HashSet<>();
        b.runToEnd(c2, "restart", l -> {
            leasedAfter.add(l.getTrial().getId());
            return train(l);
        });
        for (WorkLease done : first) assertFalse(leasedAfter.contains(done.getTrial().getId()), "re-ran a finished trial");
        assertFalse(leasedAfter.contains(inFlight.get(0).getTrial().getId()), "re-ran the trial reported late");
        assertTrue(leasedAfter.contains(inFlight.get(1).getTrial().getId()), "the other voided lease ran again");

        assertEquals(rows(reference), rows(table(c2, "restart")));
        assertEquals(CampaignState.CAMPAIGN_STATE_COMPLETED, status(c2, "restart").getState());

        // and a result sent twice is in the table once
        a.report(c2, train(first.get(0)));
        assertEquals(12, table(c2, "restart").size());
        stop(c2);

        // lease ids never repeat across the restart: they are the journal sequences of their leases
        Set<String> leaseIds = new HashSet<>();
        for (JournalEntry e : journal()) {
            if (e.hasTrialLeased()) assertTrue(leaseIds.add(e.getTrialLeased().getLeaseId()));
        }

        // the offline read sees the same table
        CoordinatorState.Read offline = CoordinatorState.read(dir, 3);
        assertEquals(rows(reference), rows(offline.state().campaign("restart").orElseThrow()
                .topK(TopKQuery.newBuilder().setCampaign("restart").setK(1000).build()).getRankedList()));
    }

    @Test
    void aJournalThatEndsBeforeTheNextPhaseIsCaughtUpOnStart() throws IOException {
        CampaignSpec spec = TestCampaigns.twoPhase("catch-up", 3, 4, 2);
        List<TrialResult> reference = undisturbed(spec);
        ActorRef<ToCoordinator> c = open(settings());
        assertTrue(submit(c, spec).getAccepted());
        new Worker("a").runToEnd(c, "catch-up", CoordinatorRecoveryTest::train);
        stop(c);

        // keep the journal up to the last coarse result, as if the coordinator died right after it
        List<JournalEntry> all = journal();
        int lastCoarse = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).hasTrialRecorded() && all.get(i).getTrialRecorded().getResult().getId().getPhaseOrdinal() == 0) {
                lastCoarse = i;
            }
        }
        assertTrue(all.get(lastCoarse + 1).hasPhaseStarted(), "the fine phase starts right after the last coarse result");
        Path cut = dir.resolve("cut");
        try (Journal j = new Journal(cut, r -> { })) {
            for (JournalEntry e : all.subList(0, lastCoarse + 1)) j.append(e);
        }
        CoordinatorState.Opened o = CoordinatorState.open(cut, Journal.Options.DEFAULT, "L-", 3, "test", System.nanoTime());
        ActorRef<ToCoordinator> c2 = kit.spawn(Coordinator.create(settings(), o.state(), o.journal()));
        CampaignStatus st = status(c2, "catch-up");
        assertEquals("fine", st.getCurrentPhase());
        assertEquals(2, st.getPhases(1).getPending());
        new Worker("b").runToEnd(c2, "catch-up", CoordinatorRecoveryTest::train);
        assertEquals(rows(reference), rows(table(c2, "catch-up")));
    }

    /** What a worker reports for a trial it stopped after {@code epochs} epochs. */
    private static TrialResult stopped(WorkLease l, String worker, int epochs, String reason) {
        TrialResult.Builder b = TrialResult.newBuilder().setId(l.getTrial().getId())
                .setStatus(TrialStatus.TRIAL_STATUS_CANCELLED).setLeaseId(l.getLeaseId()).setWorkerId(worker)
                .addAllParams(l.getTrial().getParamsList()).setEpochs(epochs).setError(reason);
        for (int e = 1; e <= epochs; e++) {
            b.addCurves(EpochMetrics.newBuilder().setEpoch(e)
                    .setValidation(Evaluation.newBuilder().setAccuracy(0.5 + e / 100.0)));
        }
        return b.build();
    }

    private static int sum(CampaignStatus s, java.util.function.ToIntFunction<PhaseStatus> count) {
        return s.getPhasesList().stream().mapToInt(count).sum();
    }

    private static int done(CampaignStatus s) {
        return sum(s, p -> p.getCompleted() + p.getDiverged() + p.getFailed() + p.getCancelled());
    }

    @Test
    void theTrialsRunningWhenTheirCampaignIsCancelledAreRecordedWithWhatTheyRan() throws IOException {
        CampaignSpec spec = TestCampaigns.twoPhase("stop", 5, 6, 2);
        ActorRef<ToCoordinator> c = open(settings());
        assertTrue(submit(c, spec).getAccepted());
        Worker a = new Worker("a");
        List<WorkLease> leases = a.ask(c, 2);
        a.report(c, train(leases.get(0)));
        WorkLease stopping = leases.get(1);
        WorkLease finishing = a.ask(c, 1).get(0);

        CancelAck ack = cancel(c, "stop", "changed my mind");
        assertTrue(ack.getCancelled());
        // what hpsearch cancel reports: counted as the cancellation happened
        assertEquals(2, sum(ack.getStatus(), PhaseStatus::getRunning), "the trials being stopped");
        assertEquals(1, done(ack.getStatus()), "the trial reported before the cancel");
        Set<String> told = new HashSet<>();
        for (int i = 0; i < 2; i++) told.add(a.probe.expectMessageClass(ToWorker.Cancel.class, TIMEOUT).cancel().getLeaseId());
        assertEquals(Set.of(stopping.getLeaseId(), finishing.getLeaseId()), told);
        CampaignStatus during = status(c, "stop");
        assertEquals(CampaignState.CAMPAIGN_STATE_CANCELLED, during.getState());
        assertEquals(2, sum(during, PhaseStatus::getRunning), "still running until their workers answer");
        assertEquals(0, sum(during, PhaseStatus::getPending), "the trials no one ran are dropped");

        // one stops after 3 epochs; the other had finished before the cancel reached its worker
        a.report(c, stopped(stopping, a.id, 3, "changed my mind"));
        a.report(c, train(finishing));
        CampaignStatus after = status(c, "stop");
        assertEquals(1, after.getPhases(0).getCancelled());
        assertEquals(2, after.getPhases(0).getCompleted());
        assertEquals(3, done(after), "every trial that was leased has an outcome");
        assertEquals(0, sum(after, PhaseStatus::getRunning) + sum(after, PhaseStatus::getPending));
        assertEquals(CampaignState.CAMPAIGN_STATE_CANCELLED, after.getState());

        List<TrialResult> t = table(c, "stop");
        assertEquals(done(after), t.size(), "one row per trial with an outcome");
        TrialResult cancelled = t.stream().filter(r -> r.getStatus() == TrialStatus.TRIAL_STATUS_CANCELLED)
                .findFirst().orElseThrow();
        assertEquals(stopping.getTrial().getId(), cancelled.getId());
        assertEquals(3, cancelled.getCurvesCount(), "the epochs it ran before it stopped");
        // a report sent again is in the table once
        a.report(c, stopped(stopping, a.id, 3, "changed my mind"));
        assertEquals(3, table(c, "stop").size());
        stop(c);

        // the journal holds the same: a restart shows the same counts and table
        ActorRef<ToCoordinator> c2 = open(settings());
        assertEquals(after.toBuilder().clearElapsedSeconds().build(), status(c2, "stop").toBuilder().clearElapsedSeconds().build());
        assertEquals(t, table(c2, "stop"));
    }

    @Test
    void aTrialOfACancelledCampaignWhoseReportNeverCameIsRecordedCancelledAfterARestart() throws IOException {
        CampaignSpec spec = TestCampaigns.twoPhase("silent", 5, 4, 2);
        ActorRef<ToCoordinator> c = open(settings());
        assertTrue(submit(c, spec).getAccepted());
        Worker a = new Worker("a");
        List<WorkLease> leases = a.ask(c, 2);
        a.report(c, train(leases.get(0)));
        assertTrue(cancel(c, "silent", "").getCancelled());
        // the coordinator stops before the worker answers the cancel: the journal ends with the
        // cancel and the trial's lease, as a journal of an earlier version does
        stop(c);

        ActorRef<ToCoordinator> c2 = open(settings());
        CampaignStatus st = status(c2, "silent");
        assertEquals(1, st.getPhases(0).getCompleted());
        assertEquals(1, st.getPhases(0).getCancelled(), st.toString());
        assertEquals(0, sum(st, PhaseStatus::getRunning) + sum(st, PhaseStatus::getPending));
        TrialResult r = table(c2, "silent").stream().filter(x -> x.getStatus() == TrialStatus.TRIAL_STATUS_CANCELLED)
                .findFirst().orElseThrow();
        assertEquals(leases.get(1).getTrial().getId(), r.getId());
        assertEquals(0, r.getCurvesCount());
        assertTrue(r.getError().contains("restarted"), r.getError());
        // the old holder's late report changes nothing
        a.report(c2, stopped(leases.get(1), a.id, 2, "campaign cancelled"));
        assertEquals(2, table(c2, "silent").size());
        stop(c2);
        // recorded once: a second restart adds nothing
        ActorRef<ToCoordinator> c3 = open(settings());
        assertEquals(2, table(c3, "silent").size());
        assertEquals(1, journal().stream().filter(e -> e.hasTrialRecorded()
                && e.getTrialRecorded().getResult().getStatus() == TrialStatus.TRIAL_STATUS_CANCELLED).count());
    }

    @Test
    void aTrialOfACancelledCampaignWhoseWorkerIsLostIsRecordedCancelled() throws IOException {
        CampaignSpec spec = TestCampaigns.twoPhase("lost", 5, 4, 2);
        ActorRef<ToCoordinator> c = open(settings());
        assertTrue(submit(c, spec).getAccepted());
        Worker a = new Worker("a");
        WorkLease lease = a.ask(c, 1).get(0);
        assertTrue(cancel(c, "lost", "enough").getCancelled());
        a.probe.expectMessageClass(ToWorker.Cancel.class, TIMEOUT);
        a.probe.stop(); // its worker goes away without answering

        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        CampaignStatus st = status(c, "lost");
        while (sum(st, PhaseStatus::getCancelled) == 0 && System.nanoTime() < deadline) st = status(c, "lost");
        assertEquals(1, st.getPhases(0).getCancelled(), st.toString());
        assertEquals(0, sum(st, PhaseStatus::getRunning));
        TrialResult r = table(c, "lost").get(0);
        assertEquals(lease.getTrial().getId(), r.getId());
        assertEquals(TrialStatus.TRIAL_STATUS_CANCELLED, r.getStatus());
        assertTrue(r.getError().contains("enough") && r.getError().contains("lost with its worker"), r.getError());
    }

    @Test
    void aTrialItsWorkerStopsForItsOwnReasonsRunsAgain() throws IOException {
        CampaignSpec spec = TestCampaigns.twoPhase("restarted-worker", 5, 1, 1);
        ActorRef<ToCoordinator> c = open(settings());
        assertTrue(submit(c, spec).getAccepted());
        Worker a = new Worker("a");
        WorkLease first = a.ask(c, 1).get(0);
        a.report(c, stopped(first, a.id, 1, "worker stopped"));
        CampaignStatus st = status(c, "restarted-worker");
        assertEquals(0, done(st), "not an outcome: the campaign still wants the trial");
        assertEquals(1, st.getPhases(0).getPending());
        WorkLease again = a.ask(c, 1).get(0);
        assertEquals(first.getTrial().getId(), again.getTrial().getId());
        assertEquals(1, again.getAttempt(), "a stop on the worker's side uses no attempt");
    }

    private static TrialResult failed(WorkLease l, String worker, String message) {
        return TrialResult.newBuilder().setId(l.getTrial().getId()).setStatus(TrialStatus.TRIAL_STATUS_FAILED)
                .setLeaseId(l.getLeaseId()).setWorkerId(worker).addAllParams(l.getTrial().getParamsList())
                .setError(message).build();
    }

    @Test
    void aTrialThatThrowsIsRetriedOnAnotherWorkerThenRecordedFailed() throws IOException {
        CampaignSpec spec = TestCampaigns.twoPhase("throws", 5, 1, 1).toBuilder().setMaxAttempts(3).build();
        ActorRef<ToCoordinator> c = open(settings());
        assertTrue(submit(c, spec).getAccepted());
        Worker first = new Worker("a");
        Worker other = new Worker("b");
        List<WorkLease> got = first.ask(c, 1); // the campaign's only coarse trial
        assertEquals(1, got.size());
        assertTrue(other.ask(c, 1).isEmpty()); // makes itself known
        WorkLease l1 = got.get(0);
        assertEquals(1, l1.getAttempt());
        first.report(c, failed(l1, first.id, "java.lang.IllegalStateException: boom 1"));

        // the worker it failed on is passed over while another one is known
        assertTrue(first.ask(c, 1).isEmpty(), "retried on the worker it failed on");
        List<WorkLease> retry = other.ask(c, 1);
        assertEquals(1, retry.size());
        assertEquals(l1.getTrial().getId(), retry.get(0).getTrial().getId());
        assertEquals(2, retry.get(0).getAttempt());
        other.report(c, failed(retry.get(0), other.id, "java.lang.IllegalStateException: boom 2"));

        // it failed everywhere: any worker may take the last attempt
        List<WorkLease> last = first.ask(c, 1);
        assertEquals(1, last.size());
        assertEquals(3, last.get(0).getAttempt());
        first.report(c, failed(last.get(0), first.id, "java.lang.IllegalStateException: boom 3"));

        CampaignStatus st = status(c, "throws");
        assertEquals(1, st.getPhases(0).getFailed());
        List<TrialResult> table = table(c, "throws");
        TrialResult r = table.stream().filter(t -> t.getId().getPhase().equals("coarse")).findFirst().orElseThrow();
        assertEquals(TrialStatus.TRIAL_STATUS_FAILED, r.getStatus());
        assertEquals("java.lang.IllegalStateException: boom 3", r.getError());
        stop(c);

        List<JournalEntry> j = journal();
        long releases = j.stream().filter(e -> e.hasLeaseReleased()
                && e.getLeaseReleased().getReason() == JournalEntry.LeaseReleased.Reason.REASON_TRIAL_FAILED).count();
        assertEquals(3, releases);
        assertTrue(j.stream().anyMatch(e -> e.hasTrialRecorded()
                && e.getTrialRecorded().getResult().getStatus() == TrialStatus.TRIAL_STATUS_FAILED));
    }

    @Test
    void aCampaignWithoutMaxAttemptsKeepsTheCoordinatorsItWasSubmittedToAcrossARestartWithAnother() throws IOException {
        // hpsearch coordinator --max-attempts 5, and a campaign file that sets none
        Coordinator.Settings five = new Coordinator.Settings(settings().leaseMillis(), settings().idleRetry(),
                settings().park(), settings().tick(), 5, settings().nanoTime(), settings().clock(), settings().leasePrefix(), settings().build());
        CampaignSpec spec = TestCampaigns.twoPhase("attempts", 5, 1, 1).toBuilder().clearMaxAttempts().build();
        ActorRef<ToCoordinator> c = open(five);
        assertTrue(submit(c, spec).getAccepted());
        Worker a = new Worker("a");
        WorkLease lease = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            lease = a.ask(c, 1).get(0);
            assertEquals(attempt, lease.getAttempt());
            a.report(c, failed(lease, a.id, "java.lang.IllegalStateException: boom " + attempt));
        }
        WorkLease fourth = a.ask(c, 1).get(0); // still queued under 5 attempts; running at the "crash"
        assertEquals(4, fourth.getAttempt());
        stop(c);

        // started again with the default --max-attempts 3: the journal is what ran, not damage
        CoordinatorState.Opened o = CoordinatorState.open(dir, Journal.Options.DEFAULT, "L-", 3, "test", System.nanoTime());
        ActorRef<ToCoordinator> c2 = kit.spawn(Coordinator.create(settings(), o.state(), o.journal()));
        CampaignStatus st = status(c2, "attempts");
        assertEquals(1, st.getPhases(0).getPending(), "the trial that was running is queued again: " + st);
        assertEquals(0, st.getPhases(0).getFailed());
        WorkLease again = a.ask(c2, 1).get(0);
        assertEquals(fourth.getTrial().getId(), again.getTrial().getId());
        assertEquals(4, again.getAttempt(), "the voided lease used no attempt");
        a.report(c2, failed(again, a.id, "java.lang.IllegalStateException: boom 4"));
        WorkLease last = a.ask(c2, 1).get(0);
        assertEquals(5, last.getAttempt(), "the campaign still has the 5 attempts it was submitted with");
        a.report(c2, failed(last, a.id, "java.lang.IllegalStateException: boom 5"));
        assertEquals(1, status(c2, "attempts").getPhases(0).getFailed(), "out of its 5 attempts");
    }

    @Test
    void aJournalThatDidNotRecordMaxAttemptsIsReadWhateverTheLimitItRanUnder() throws IOException {
        // a coordinator with --max-attempts 5 ran a campaign that sets none ...
        Coordinator.Settings five = new Coordinator.Settings(settings().leaseMillis(), settings().idleRetry(),
                settings().park(), settings().tick(), 5, settings().nanoTime(), settings().clock(), settings().leasePrefix(), settings().build());
        ActorRef<ToCoordinator> c = open(five);
        assertTrue(submit(c, TestCampaigns.twoPhase("old", 5, 1, 1).toBuilder().clearMaxAttempts().build()).getAccepted());
        Worker a = new Worker("a");
        for (int attempt = 1; attempt <= 3; attempt++) {
            a.report(c, failed(a.ask(c, 1).get(0), a.id, "java.lang.IllegalStateException: boom " + attempt));
        }
        WorkLease fourth = a.ask(c, 1).get(0);
        assertEquals(4, fourth.getAttempt());
        stop(c);
        // ... and wrote its journal as versions before max_attempts was journaled with every campaign did
        Path old = dir.resolveSibling(dir.getFileName() + "-old");
        try (Journal rewritten = new Journal(old, rec -> { })) {
            for (JournalEntry e : journal()) {
                if (e.hasCampaignSubmitted()) {
                    assertEquals(5, e.getCampaignSubmitted().getSpec().getMaxAttempts());
                    e = e.toBuilder().setCampaignSubmitted(e.getCampaignSubmitted().toBuilder()
                            .setSpec(e.getCampaignSubmitted().getSpec().toBuilder().clearMaxAttempts())).build();
                }
                rewritten.append(e);
            }
        }

        // opened by a coordinator with the default 3: the releases past 3 are what ran, not damage
        CoordinatorState.Read read = CoordinatorState.read(old, 3);
        assertEquals(null, read.read().damage());
        CoordinatorState.Opened o = CoordinatorState.open(old, Journal.Options.DEFAULT, "L-", 3, "test", System.nanoTime());
        ActorRef<ToCoordinator> c2 = kit.spawn(Coordinator.create(settings(), o.state(), o.journal()));
        assertEquals(1, status(c2, "old").getPhases(0).getPending(), "the trial that was running is queued again");
        WorkLease again = a.ask(c2, 1).get(0);
        assertEquals(fourth.getTrial().getId(), again.getTrial().getId());
        // this coordinator's limit from now on: the trial has had its 3, and more
        a.report(c2, failed(again, a.id, "java.lang.IllegalStateException: boom 4"));
        assertEquals(1, status(c2, "old").getPhases(0).getFailed(), "out of attempts under this coordinator's limit");
    }

    @Test
    void aCampaignWhoseEveryTrialFailedEndsFailedAndOneWithAResultCompleted() throws IOException {
        ActorRef<ToCoordinator> c = open(settings());
        Worker a = new Worker("a");
        for (String name : List.of("nothing", "something")) {
            assertTrue(submit(c, TestCampaigns.twoPhase(name, 5, 1, 1).toBuilder().setMaxAttempts(1).build()).getAccepted());
            WorkLease coarse = a.ask(c, 1).get(0);
            a.report(c, failed(coarse, a.id, "java.lang.IllegalStateException: no data"));
            WorkLease fine = a.ask(c, 1).get(0);
            a.report(c, name.equals("nothing") ? failed(fine, a.id, "java.lang.IllegalStateException: no data") : train(fine));
        }
        assertEquals(CampaignState.CAMPAIGN_STATE_FAILED, status(c, "nothing").getState());
        assertEquals(CampaignState.CAMPAIGN_STATE_COMPLETED, status(c, "something").getState());
        stop(c);
        // as journaled: a restart knows it
        ActorRef<ToCoordinator> again = open(settings());
        assertEquals(CampaignState.CAMPAIGN_STATE_FAILED, status(again, "nothing").getState());
    }

    @Test
    void aDivergedTrialIsAResultAndIsNotRetried() throws IOException {
        CampaignSpec spec = TestCampaigns.twoPhase("nan", 5, 2, 1);
        ActorRef<ToCoordinator> c = open(settings());
        assertTrue(submit(c, spec).getAccepted());
        Worker a = new Worker("a");
        List<WorkLease> leases = a.ask(c, 2);
        assertEquals(2, leases.size());
        a.report(c, train(leases.get(0)).toBuilder().setStatus(TrialStatus.TRIAL_STATUS_DIVERGED)
                .setError("loss became NaN in epoch 1").build());
        a.report(c, train(leases.get(1)));
        CampaignStatus st = status(c, "nan");
        assertEquals(1, st.getPhases(0).getDiverged());
        assertEquals(1, st.getPhases(0).getCompleted());
        assertEquals("fine", st.getCurrentPhase(), "the coarse phase is over: nothing retried");
    }

    @Test
    void aLeaseWithoutProgressExpiresAndItsTrialRunsAgain() throws IOException {
        Coordinator.Settings s = settings().withLeaseTimeout(Duration.ofMillis(400));
        CampaignSpec spec = TestCampaigns.twoPhase("expiry", 5, 2, 1);
        ActorRef<ToCoordinator> c = open(s);
        assertTrue(submit(c, spec).getAccepted());
        Worker a = new Worker("a");
        List<WorkLease> leases = a.ask(c, 2);
        assertEquals(2, leases.size());
        // leases.get(0) reports an epoch every 100 ms; leases.get(1) stays silent
        for (int i = 0; i < 8; i++) {
            c.tell(new ToCoordinator.Progress(TrialProgress.newBuilder().setId(leases.get(0).getTrial().getId())
                    .setLeaseId(leases.get(0).getLeaseId())
                    .setEpoch(io.hpsearch.protocol.v1.EpochMetrics.newBuilder().setEpoch(i + 1)).build()));
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        ToWorker.Cancel cancel = a.probe.expectMessageClass(ToWorker.Cancel.class, TIMEOUT);
        assertEquals(leases.get(1).getLeaseId(), cancel.cancel().getLeaseId());
        a.probe.expectNoMessage(Duration.ofMillis(200)); // and nothing for the trial that reports progress

        Worker b = new Worker("b");
        List<WorkLease> again = b.ask(c, 2);
        assertEquals(1, again.size());
        assertEquals(leases.get(1).getTrial().getId(), again.get(0).getTrial().getId());
        assertEquals(2, again.get(0).getAttempt());
        stop(c);
        assertTrue(journal().stream().anyMatch(e -> e.hasLeaseReleased()
                && e.getLeaseReleased().getReason() == JournalEntry.LeaseReleased.Reason.REASON_LEASE_EXPIRED));
    }

    @Test
    void aRecordThatDoesNotFitStopsTheStartNamingItsOffset() throws IOException {
        try (Journal j = new Journal(dir, r -> { })) {
            j.append(JournalEntry.newBuilder().setSequence(1).setEpochMillis(1)
                    .setCampaignSubmitted(JournalEntry.CampaignSubmitted.newBuilder()
                            .setSpec(TestCampaigns.twoPhase("x", 1, 2, 1))).build());
            j.append(JournalEntry.newBuilder().setSequence(2).setEpochMillis(2)
                    .setTrialRecorded(JournalEntry.TrialRecorded.newBuilder().setResult(TrialResult.newBuilder()
                            .setId(TrialId.newBuilder().setCampaign("nobody").setPhase("coarse")))).build());
        }
        long offset = JournalReader.readAll(dir.resolve(Journal.FILE_NAME)).get(1).offset();
        JournalCorruptException e = assertThrows(JournalCorruptException.class,
                () -> CoordinatorState.open(dir, Journal.Options.DEFAULT, "L-", 3, "test", 0));
        assertEquals(offset, e.offset());
        assertTrue(e.getMessage().contains("byte offset " + offset), e.getMessage());
        assertTrue(e.getMessage().contains("no campaign nobody"), e.getMessage());
        // the refused journal is not left open: a second try fails the same way, not with "in use"
        assertThrows(JournalCorruptException.class, () -> CoordinatorState.open(dir, Journal.Options.DEFAULT, "L-", 3, "test", 0));
    }
}
