package io.hpsearch.coordinator;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.SubmitCampaign;
import io.hpsearch.protocol.v1.WorkRequest;
import io.hpsearch.protocol.v1.WorkerInfo;
import io.hpsearch.protocol.wire.ToCoordinator;
import io.hpsearch.protocol.wire.ToWorker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A coordinator that comes back from a pause (a frozen process): the work requests it finds then
 * were sent while it was paused, often by worker nodes that have since downed themselves, and are
 * answered "ask again" rather than leased to no one. The pause is made on the coordinator's own
 * clock (its {@code nanoTime}), which the test moves on while the real ticks keep coming.
 */
class CoordinatorPauseTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final ActorTestKit kit = ActorTestKit.create(ConfigFactory.parseString("akka.actor.provider = local"));

    @AfterEach
    void stop() {
        kit.shutdownTestKit();
    }

    private static ToCoordinator.RequestWork request(TestProbe<ToWorker> worker) {
        return new ToCoordinator.RequestWork(WorkRequest.newBuilder().setWorker(WorkerInfo.newBuilder().setWorkerId("w")
                .setHost("127.0.0.1").setSlots(1)).setFreeSlots(1).build(), worker.ref());
    }

    @Test
    void workRequestsFoundOnComingBackFromAPauseAreAnsweredAskAgainAndServedAfterIt() throws Exception {
        AtomicLong clock = new AtomicLong(System.nanoTime());
        Coordinator.Settings defaults = Coordinator.Settings.defaults();
        Coordinator.Settings settings = new Coordinator.Settings(defaults.leaseMillis(), Duration.ofMillis(500),
                Duration.ofMillis(200), defaults.tick(), 3, clock::get, defaults.clock(), "L-", defaults.build());
        ActorRef<ToCoordinator> c = kit.spawn(Coordinator.create(settings));
        TestProbe<CampaignAck> ack = kit.createTestProbe();
        c.tell(new ToCoordinator.Submit(SubmitCampaign.newBuilder().setSpec(TestCampaigns.twoPhase("paused", 5, 4, 2))
                .build(), ack.ref()));
        assertTrue(ack.receiveMessage(TIMEOUT).getAccepted());
        TestProbe<ToWorker> worker = kit.createTestProbe();

        c.tell(request(worker));
        assertInstanceOf(ToWorker.Lease.class, worker.receiveMessage(TIMEOUT), "served before the pause");

        clock.addAndGet(Duration.ofSeconds(20).toNanos()); // frozen for 20 s, as the coordinator sees it
        c.tell(request(worker));
        ToWorker.Idle held = assertInstanceOf(ToWorker.Idle.class, worker.receiveMessage(TIMEOUT), "a lease just after the pause");
        assertEquals("the coordinator was paused; ask again", held.noWork().getReason());
        assertEquals(500, held.noWork().getRetryAfterMillis());

        // the ticks have seen the gap by now; until AFTER_PAUSE has passed, still "ask again"
        Thread.sleep(300);
        c.tell(request(worker));
        assertInstanceOf(ToWorker.Idle.class, worker.receiveMessage(TIMEOUT), "a lease within AFTER_PAUSE of the pause");

        clock.addAndGet(Coordinator.AFTER_PAUSE.toNanos() + Duration.ofMillis(100).toNanos());
        Thread.sleep(300); // a tick at the new time, less than PAUSE after the one before
        c.tell(request(worker));
        assertInstanceOf(ToWorker.Lease.class, worker.receiveMessage(TIMEOUT), "served again after the pause");
    }
}
