package io.hpsearch.coordinator;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.hpsearch.coordinator.state.CoordinatorState;
import io.hpsearch.protocol.BuildInfo;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.StatusQuery;
import io.hpsearch.protocol.v1.SubmitCampaign;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import io.hpsearch.protocol.v1.WorkLease;
import io.hpsearch.protocol.v1.WorkRequest;
import io.hpsearch.protocol.v1.WorkerHeartbeat;
import io.hpsearch.protocol.v1.WorkerInfo;
import io.hpsearch.protocol.wire.ToCoordinator;
import io.hpsearch.protocol.wire.ToWorker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A coordinator that knows its training code leases only to workers with the same code and records
 * only results trained by it, so that no table mixes trials of two codes.
 */
class CoordinatorCodeCheckTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String OURS = "aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11";
    private static final String THEIRS = "bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22";
    private final ActorTestKit kit = ActorTestKit.create(ConfigFactory.parseString("akka.actor.provider = local"));

    @AfterEach
    void stop() {
        kit.shutdownTestKit();
    }

    private static WorkerInfo worker(String id, String code) {
        return WorkerInfo.newBuilder().setWorkerId(id).setHost("10.0.0.9").setSlots(1).setVersion("0.9")
                .setCodeFingerprint(code).build();
    }

    private static ToCoordinator.RequestWork request(WorkerInfo info, TestProbe<ToWorker> worker) {
        return new ToCoordinator.RequestWork(WorkRequest.newBuilder().setWorker(info).setFreeSlots(1).build(), worker.ref());
    }

    private ActorRef<ToCoordinator> coordinator(BuildInfo build) {
        ActorRef<ToCoordinator> c = kit.spawn(Coordinator.create(Coordinator.Settings.defaults()
                .withPark(Duration.ZERO).withBuild(build)));
        TestProbe<CampaignAck> ack = kit.createTestProbe();
        c.tell(submit("coded", build.codeFingerprint(), ack));
        CampaignAck a = ack.receiveMessage(TIMEOUT);
        assertTrue(a.getAccepted(), a.getError());
        return c;
    }

    private static ToCoordinator.Submit submit(String name, String clientCode, TestProbe<CampaignAck> ack) {
        return new ToCoordinator.Submit(SubmitCampaign.newBuilder().setSpec(TestCampaigns.twoPhase(name, 3, 4, 2))
                .setClientVersion("0.9").setClientCodeFingerprint(clientCode).build(), ack.ref());
    }

    private StatusAnswer status(ActorRef<ToCoordinator> c) {
        TestProbe<StatusAnswer> p = kit.createTestProbe();
        c.tell(new ToCoordinator.Status(StatusQuery.newBuilder().build(), p.ref()));
        return p.receiveMessage(TIMEOUT);
    }

    private static int done(CampaignStatus c) {
        int n = 0;
        for (PhaseStatus p : c.getPhasesList()) n += p.getCompleted() + p.getDiverged() + p.getFailed() + p.getCancelled();
        return n;
    }

    private static TrialResult result(WorkLease lease, String workerId, String code) {
        return TrialResult.newBuilder().setId(lease.getTrial().getId()).setStatus(TrialStatus.TRIAL_STATUS_COMPLETED)
                .setLeaseId(lease.getLeaseId()).setWorkerId(workerId).setEpochs(1).setCodeFingerprint(code).build();
    }

    @Test
    void aWorkerWithOtherTrainingCodeIsRefusedAndNamedWhileTheCampaignWaits() {
        ActorRef<ToCoordinator> c = coordinator(new BuildInfo("1.0", OURS));
        TestProbe<ToWorker> other = kit.createTestProbe();
        c.tell(request(worker("10.0.0.9:4000#7", THEIRS), other));
        ToWorker.Refused refused = assertInstanceOf(ToWorker.Refused.class, other.receiveMessage(TIMEOUT));
        String reason = refused.refused().getReason();
        assertTrue(reason.contains("training code bb22bb22bb22") && reason.contains("training code aa11aa11aa11"), reason);
        assertEquals(OURS, refused.refused().getCoordinatorCodeFingerprint());
        assertEquals("1.0", refused.refused().getCoordinatorVersion());

        // not a worker of this coordinator: not listed, and the campaign says why it waits
        StatusAnswer s = status(c);
        assertEquals(0, s.getWorkersCount(), s.toString());
        String waiting = s.getCampaigns(0).getWaiting();
        assertTrue(waiting.startsWith("waiting for a worker to join; refused for other training code"), waiting);
        assertTrue(waiting.contains("10.0.0.9:4000 (hpsearch 0.9, training code bb22bb22bb22)"), waiting);

        // its heartbeats are answered the same way, and a worker older than the check (no code) too
        c.tell(new ToCoordinator.Heartbeat(WorkerHeartbeat.newBuilder().setWorker(worker("10.0.0.9:4000#7", THEIRS))
                .build(), other.ref()));
        assertInstanceOf(ToWorker.Refused.class, other.receiveMessage(TIMEOUT));
        TestProbe<ToWorker> old = kit.createTestProbe();
        c.tell(request(worker("10.0.0.8:4000#1", ""), old));
        assertTrue(assertInstanceOf(ToWorker.Refused.class, old.receiveMessage(TIMEOUT)).refused().getReason()
                .contains("training code unknown"));

        // a worker with the coordinator's code gets the trial
        TestProbe<ToWorker> same = kit.createTestProbe();
        c.tell(request(worker("10.0.0.7:4000#1", OURS), same));
        assertInstanceOf(ToWorker.Lease.class, same.receiveMessage(TIMEOUT));
        other.expectNoMessage(Duration.ofMillis(200));
        assertEquals(1, status(c).getWorkersCount());
    }

    @Test
    void aResultTrainedByOtherCodeIsNotRecorded() {
        ActorRef<ToCoordinator> c = coordinator(new BuildInfo("1.0", OURS));
        TestProbe<ToWorker> same = kit.createTestProbe();
        c.tell(request(worker("10.0.0.7:4000#1", OURS), same));
        WorkLease lease = assertInstanceOf(ToWorker.Lease.class, same.receiveMessage(TIMEOUT)).lease();

        // e.g. a worker that trained it for this coordinator's journal under another build, before a restart
        TestProbe<ToWorker> other = kit.createTestProbe();
        c.tell(new ToCoordinator.Result(result(lease, "10.0.0.9:4000#7", THEIRS), other.ref()));
        assertInstanceOf(ToWorker.Refused.class, other.receiveMessage(TIMEOUT), "not acknowledged: refused");
        assertEquals(0, done(status(c).getCampaigns(0)), "not recorded");

        c.tell(new ToCoordinator.Result(result(lease, "10.0.0.7:4000#1", OURS), same.ref()));
        assertInstanceOf(ToWorker.Ack.class, same.receiveMessage(TIMEOUT));
        assertEquals(1, done(status(c).getCampaigns(0)), "recorded");
    }

    @Test
    void aCampaignFromAClientOfOtherCodeIsRefused() {
        ActorRef<ToCoordinator> c = coordinator(new BuildInfo("1.0", OURS));
        TestProbe<CampaignAck> ack = kit.createTestProbe();
        c.tell(submit("from-other-code", THEIRS, ack));
        CampaignAck refused = ack.receiveMessage(TIMEOUT);
        assertTrue(!refused.getAccepted(), refused.toString());
        assertEquals("this client runs hpsearch 0.9, training code bb22bb22bb22, the coordinator hpsearch 1.0, "
                + "training code aa11aa11aa11: submit the campaign with the coordinator's build", refused.getError());
        c.tell(submit("from-an-older-client", "", ack));
        assertTrue(ack.receiveMessage(TIMEOUT).getError().contains("training code unknown"));
        assertEquals(1, status(c).getCampaignsCount(), "only the helper's campaign");
    }

    @Test
    void aCoordinatorRestartedOnOtherCodeWarnsOfTheRunningCampaignsWithResultsOfTheOld() {
        BuildInfo old = new BuildInfo("1.0", OURS);
        CoordinatorState state = new CoordinatorState("L-", 3);
        ActorRef<ToCoordinator> c = kit.spawn(Coordinator.create(Coordinator.Settings.defaults().withPark(Duration.ZERO)
                .withBuild(old), state, null));
        TestProbe<CampaignAck> ack = kit.createTestProbe();
        c.tell(submit("upgraded", OURS, ack));
        assertTrue(ack.receiveMessage(TIMEOUT).getAccepted());
        TestProbe<ToWorker> w = kit.createTestProbe();
        c.tell(request(worker("10.0.0.7:4000#1", OURS), w));
        WorkLease lease = assertInstanceOf(ToWorker.Lease.class, w.receiveMessage(TIMEOUT)).lease();
        c.tell(new ToCoordinator.Result(result(lease, "10.0.0.7:4000#1", OURS), w.ref()));
        assertInstanceOf(ToWorker.Ack.class, w.receiveMessage(TIMEOUT));

        assertEquals(List.of("campaign upgraded has 1 by training code aa11aa11aa11 of its 1 results, not by this "
                        + "coordinator's bb22bb22bb22; its remaining trials run on bb22bb22bb22, so its table will mix them "
                        + "(cancel it and launch it again under another name to keep one code)"),
                CoordinatorNode.otherCode(state, new BuildInfo("1.1", THEIRS)));
        assertEquals(List.of(), CoordinatorNode.otherCode(state, old), "the same code");
        assertEquals(List.of(), CoordinatorNode.otherCode(state, BuildInfo.unchecked("dev")), "a code not known");
    }

    @Test
    void aCoordinatorThatDoesNotKnowItsCodeTakesEveryWorker() {
        ActorRef<ToCoordinator> c = coordinator(BuildInfo.unchecked("dev"));
        TestProbe<ToWorker> any = kit.createTestProbe();
        c.tell(request(worker("10.0.0.9:4000#7", THEIRS), any));
        WorkLease lease = assertInstanceOf(ToWorker.Lease.class, any.receiveMessage(TIMEOUT)).lease();
        c.tell(new ToCoordinator.Result(result(lease, "10.0.0.9:4000#7", ""), any.ref()));
        assertInstanceOf(ToWorker.Ack.class, any.receiveMessage(TIMEOUT));
    }
}
