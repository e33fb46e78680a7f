package io.hpsearch.worker;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hpsearch.protocol.BuildInfo;
import io.hpsearch.protocol.ClusterConfig;
import io.hpsearch.protocol.v1.CancelTrial;
import io.hpsearch.protocol.v1.NoWork;
import io.hpsearch.protocol.v1.TrialProgress;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialResultAck;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.protocol.v1.TrialStatus;
import io.hpsearch.protocol.v1.WorkLease;
import io.hpsearch.protocol.wire.ToCoordinator;
import io.hpsearch.protocol.wire.ToWorker;
import io.hpsearch.worker.data.DataSetCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The worker in its own actor system, against a scripted coordinator in a second real actor system
 * on 127.0.0.1: every message crosses Artery TCP and the wire serializers. The coordinator is a
 * test probe registered under {@link ToCoordinator#KEY}; the test plays its part of the
 * conversation by hand.
 */
class WorkerClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<ActorTestKit> coordinators = new ArrayList<>();
    private WorkerNode node;

    @AfterEach
    void tearDown() {
        if (node != null) node.close();
        for (ActorTestKit kit : coordinators) kit.shutdownTestKit();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A coordinator node (its own seed) with a probe registered as the coordinator. */
    private TestProbe<ToCoordinator> coordinator(int port) {
        // The cluster's own settings (the join check refuses nodes whose downing settings differ).
        Config config = ClusterConfig.node(ClusterConfig.ROLE_COORDINATOR, "127.0.0.1", port,
                List.of(ClusterConfig.address("127.0.0.1", port)), ConfigFactory.parseString("akka.loglevel = WARNING"));
        ActorTestKit kit = ActorTestKit.create(WorkerNode.SYSTEM_NAME, config);
        coordinators.add(kit);
        TestProbe<ToCoordinator> probe = kit.createTestProbe(ToCoordinator.class);
        kit.system().receptionist().tell(Receptionist.register(ToCoordinator.KEY, probe.ref()));
        return probe;
    }

    private WorkerNode worker(int coordinatorPort, int slots, DataSetCache data, Duration rejoinAfter) {
        WorkerNode.Options options = new WorkerNode.Options("127.0.0.1", 0, List.of("127.0.0.1:" + coordinatorPort),
                slots, 1, BuildInfo.unchecked("test"), rejoinAfter);
        return WorkerNode.start(options, data, s -> s.withTimings(Duration.ofSeconds(3), Duration.ofMillis(100),
                Duration.ofMillis(500), Duration.ofSeconds(1), rejoinAfter), ConfigFactory.parseString("akka.loglevel = WARNING"));
    }

    /** Receives until a message of {@code type} matching {@code test} arrives; the others are kept in {@code seen}. */
    private static <T extends ToCoordinator> T await(TestProbe<ToCoordinator> probe, Class<T> type, Predicate<T> test,
                                                    List<ToCoordinator> seen) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            ToCoordinator m = probe.receiveMessage(Duration.ofNanos(deadline - System.nanoTime()));
            if (type.isInstance(m) && test.test(type.cast(m))) return type.cast(m);
            seen.add(m);
        }
        fail("no " + type.getSimpleName() + " within " + WAIT);
        return null;
    }

    private static <T extends ToCoordinator> T await(TestProbe<ToCoordinator> probe, Class<T> type) {
        return await(probe, type, m -> true, new ArrayList<>());
    }

    private static ToWorker.Lease lease(String id, TrialSpec trial) {
        return new ToWorker.Lease(WorkLease.newBuilder().setLeaseId(id).setTrial(trial).setAttempt(1)
                .setLeaseMillis(60_000).build());
    }

    private static ToWorker.Ack ack(TrialResult r) {
        return new ToWorker.Ack(TrialResultAck.newBuilder().setId(r.getId()).setLeaseId(r.getLeaseId()).build());
    }

    @Test
    void pullsTrainsStreamsProgressAndResendsResultsUntilAcknowledged() throws Exception {
        int port = freePort();
        TestProbe<ToCoordinator> coordinator = coordinator(port);
        node = worker(port, 2, DataSetCache.inDirectory(null), Duration.ofMinutes(5));

        List<ToCoordinator> before = new ArrayList<>();
        ToCoordinator.RequestWork ask = await(coordinator, ToCoordinator.RequestWork.class, r -> true, before);
        assertEquals(2, ask.request().getFreeSlots());
        assertEquals(2, ask.request().getWorker().getSlots());
        assertEquals(1, ask.request().getWorker().getThreadsPerTrial());
        assertTrue(ask.request().getWorker().getWorkerId().startsWith("127.0.0.1:"), ask.request().getWorker().getWorkerId());
        ActorRef<ToWorker> worker = ask.replyTo();
        worker.tell(lease("l1", TestTrials.blobsTrial("c", 0, 3)));
        worker.tell(lease("l2", TestTrials.blobsTrial("c", 1, 2)));

        List<ToCoordinator> seen = new ArrayList<>();
        ToCoordinator.Result r1 = await(coordinator, ToCoordinator.Result.class,
                r -> r.result().getLeaseId().equals("l1"), seen);
        ToCoordinator.Result r2 = r1;
        if (seen.stream().noneMatch(m -> m instanceof ToCoordinator.Result)) {
            r2 = await(coordinator, ToCoordinator.Result.class, r -> r.result().getLeaseId().equals("l2"), seen);
        } else {
            r2 = (ToCoordinator.Result) seen.stream().filter(m -> m instanceof ToCoordinator.Result).findFirst().orElseThrow();
        }
        for (ToCoordinator.Result r : List.of(r1, r2)) {
            TrialResult t = r.result();
            assertEquals(TrialStatus.TRIAL_STATUS_COMPLETED, t.getStatus(), t.getError());
            assertEquals(ask.request().getWorker().getWorkerId(), t.getWorkerId());
            assertTrue(t.getValidation().getAccuracy() > 0.9, "validation accuracy " + t.getValidation().getAccuracy());
        }
        assertEquals(3, r1.result().getEpochs());
        assertEquals("l2", r2.result().getLeaseId());
        assertEquals(2, r2.result().getEpochs());
        List<TrialProgress> progress = seen.stream().filter(m -> m instanceof ToCoordinator.Progress)
                .map(m -> ((ToCoordinator.Progress) m).progress()).toList();
        assertEquals(3, progress.stream().filter(p -> p.getLeaseId().equals("l1")).count(), "one progress per epoch");
        assertEquals(2, progress.stream().filter(p -> p.getLeaseId().equals("l2")).count(), "one progress per epoch");
        before.addAll(seen);
        assertTrue(before.stream().anyMatch(m -> m instanceof ToCoordinator.Heartbeat
                && ((ToCoordinator.Heartbeat) m).heartbeat().getWorker().getWorkerId()
                .equals(ask.request().getWorker().getWorkerId())), "heartbeats: " + before);

        // Only l2 is acknowledged: l1 keeps coming back, l2 does not.
        r2.replyTo().tell(ack(r2.result()));
        List<ToCoordinator> later = new ArrayList<>();
        ToCoordinator.Result again = await(coordinator, ToCoordinator.Result.class,
                r -> r.result().getLeaseId().equals("l1"), later);
        assertEquals(r1.result(), again.result());
        again.replyTo().tell(ack(again.result()));

        // With both slots free it asks again; an Idle makes it wait retry_after_millis.
        ToCoordinator.RequestWork next = await(coordinator, ToCoordinator.RequestWork.class);
        assertEquals(2, next.request().getFreeSlots());
        assertEquals(1, next.request().getWorker().getDataFingerprintsCount(), "the blobs copy is reported");
        next.replyTo().tell(new ToWorker.Idle(NoWork.newBuilder().setRetryAfterMillis(1500).build()));
        long idleAt = System.nanoTime();
        later.clear();
        await(coordinator, ToCoordinator.RequestWork.class, r -> true, later);
        long waitedMillis = (System.nanoTime() - idleAt) / 1_000_000;
        assertTrue(waitedMillis >= 1400, "waited " + waitedMillis + " ms after NoWork(1500)");
        assertTrue(later.stream().noneMatch(m -> m instanceof ToCoordinator.Result), "acknowledged results are not re-sent: " + later);
    }

    @Test
    void missingDataAndForeignFingerprintsAreReportedNotRunAndBadSpecsFail(@TempDir Path empty) {
        int port = freePort0();
        TestProbe<ToCoordinator> coordinator = coordinator(port);
        node = worker(port, 1, DataSetCache.inDirectory(empty), Duration.ofMinutes(5));

        ToCoordinator.RequestWork ask = await(coordinator, ToCoordinator.RequestWork.class);
        TrialSpec fashion = TestTrials.trial("fm", 0, TestTrials.fashionMnist(5000),
                TestTrials.network(io.hpsearch.protocol.v1.BatchNormMode.BATCH_NORM_MODE_BEFORE_RELU, 10),
                TestTrials.training(0, 0.01, 1, 100, 1000));
        ask.replyTo().tell(lease("m1", fashion));
        ToCoordinator.DataMissing missing = await(coordinator, ToCoordinator.DataMissing.class);
        assertEquals("fm", missing.report().getCampaign());
        assertEquals("m1", missing.report().getLeaseId());
        assertTrue(missing.report().getError().contains(empty.toString()), missing.report().getError());
        assertEquals(ask.request().getWorker().getWorkerId(), missing.report().getWorker().getWorkerId());

        String foreign = "ab".repeat(32);
        TrialSpec blobs = TestTrials.blobsTrial("other", 0, 1);
        TrialSpec wrongData = blobs.toBuilder().setData(blobs.getData().toBuilder().setFingerprint(foreign)).build();
        await(coordinator, ToCoordinator.RequestWork.class).replyTo().tell(lease("m2", wrongData));
        ToCoordinator.DataMissing mismatch = await(coordinator, ToCoordinator.DataMissing.class);
        assertEquals("other", mismatch.report().getCampaign());
        assertEquals(foreign, mismatch.report().getFingerprint());
        assertTrue(mismatch.report().getError().contains(foreign), mismatch.report().getError());

        TrialSpec bad = blobs.toBuilder().setTraining(blobs.getTraining().toBuilder().setBatchSize(0)).build();
        await(coordinator, ToCoordinator.RequestWork.class).replyTo().tell(lease("m3", bad));
        List<ToCoordinator> seen = new ArrayList<>();
        ToCoordinator.Result failed = await(coordinator, ToCoordinator.Result.class, r -> true, seen);
        assertEquals(TrialStatus.TRIAL_STATUS_FAILED, failed.result().getStatus());
        assertTrue(failed.result().getError().contains("batch size must be positive"), failed.result().getError());
        assertTrue(seen.stream().noneMatch(m -> m instanceof ToCoordinator.Result));
    }

    @Test
    void aCancelledTrialIsReportedCancelled() {
        int port = freePort0();
        TestProbe<ToCoordinator> coordinator = coordinator(port);
        node = worker(port, 1, DataSetCache.inDirectory(null), Duration.ofMinutes(5));

        ToCoordinator.RequestWork ask = await(coordinator, ToCoordinator.RequestWork.class);
        TrialSpec longTrial = TestTrials.blobsTrial("c", 9, 500);
        ask.replyTo().tell(lease("x1", longTrial));
        await(coordinator, ToCoordinator.Progress.class);
        ask.replyTo().tell(new ToWorker.Cancel(CancelTrial.newBuilder().setId(longTrial.getId()).setLeaseId("x1")
                .setReason("campaign cancelled").build()));
        ToCoordinator.Result r = await(coordinator, ToCoordinator.Result.class);
        assertEquals(TrialStatus.TRIAL_STATUS_CANCELLED, r.result().getStatus());
        assertTrue(r.result().getEpochs() >= 1 && r.result().getEpochs() < 500, "epochs " + r.result().getEpochs());
        assertEquals(r.result().getEpochs(), r.result().getCurvesCount());
    }

    @Test
    void keepsAskingWhileTheCoordinatorIsDownAndResumesWithoutARestart() {
        int port = freePort0();
        TestProbe<ToCoordinator> first = coordinator(port);
        node = worker(port, 1, DataSetCache.inDirectory(null), Duration.ofSeconds(2));
        ToCoordinator.RequestWork firstAsk = await(first, ToCoordinator.RequestWork.class);
        // a trial whose result the first coordinator never acknowledges
        firstAsk.replyTo().tell(lease("r0", TestTrials.blobsTrial("before-restart", 0, 1)));
        ToCoordinator.Result unacknowledged = await(first, ToCoordinator.Result.class);

        coordinators.remove(0).shutdownTestKit();
        // Down for a while: the worker must neither stop nor need a restart.
        sleep(4000);
        TestProbe<ToCoordinator> second = coordinator(port);
        // the new actor system sends the result the old one kept
        List<ToCoordinator> seen = new ArrayList<>();
        ToCoordinator.Result resent = await(second, ToCoordinator.Result.class, m -> m.result().getLeaseId().equals("r0"), seen);
        assertEquals(unacknowledged.result(), resent.result());
        resent.replyTo().tell(ack(resent.result()));
        ToCoordinator.RequestWork ask = seen.stream().filter(m -> m instanceof ToCoordinator.RequestWork)
                .map(m -> (ToCoordinator.RequestWork) m).findFirst()
                .orElseGet(() -> await(second, ToCoordinator.RequestWork.class));
        ask.replyTo().tell(lease("r1", TestTrials.blobsTrial("after-restart", 0, 1)));
        ToCoordinator.Result r = await(second, ToCoordinator.Result.class);
        assertEquals(TrialStatus.TRIAL_STATUS_COMPLETED, r.result().getStatus(), r.result().getError());
        assertTrue(node.incarnations() >= 2, "the node rejoined with a fresh actor system");
    }

    @Test
    void anIdleWorkerFindsACoordinatorStoppedCleanlyAndStartedAgainWithoutWaitingOutRejoinAfter() {
        int port = freePort0();
        TestProbe<ToCoordinator> first = coordinator(port);
        node = worker(port, 1, DataSetCache.inDirectory(null), Duration.ofMinutes(5));
        await(first, ToCoordinator.RequestWork.class);

        // stopped as Ctrl-C stops it: it leaves the cluster, so no Split Brain Resolver downs the worker
        coordinators.remove(0).shutdownTestKit();
        sleep(1000);
        TestProbe<ToCoordinator> second = coordinator(port);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            ToCoordinator m;
            try {
                m = second.receiveMessage(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (AssertionError timeout) {
                break;
            }
            if (m instanceof ToCoordinator.RequestWork) {
                assertTrue(node.incarnations() >= 2, "the node rejoined with a fresh actor system");
                return;
            }
        }
        fail("an idle worker did not find the restarted coordinator within 30 s (rejoin-after is 5 minutes)");
    }

    private static int freePort0() {
        try {
            return freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
