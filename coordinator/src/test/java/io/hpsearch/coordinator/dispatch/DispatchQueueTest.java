package io.hpsearch.coordinator.dispatch;

import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DispatchQueueTest {
    private static TrialSpec trial(String campaign, int phase, int index) {
        return TrialSpec.newBuilder().setId(TrialId.newBuilder().setCampaign(campaign).setPhase("p" + phase)
                .setPhaseOrdinal(phase).setIndex(index)).build();
    }

    private static String name(Lease l) {
        TrialId id = l.id();
        return id.getCampaign() + "/" + id.getPhaseOrdinal() + "/" + id.getIndex();
    }

    @Test
    void fifoByCampaignThenPhaseThenIndexWithEligibility() {
        DispatchQueue q = new DispatchQueue("L-");
        q.addCampaign("b", 3);
        q.addCampaign("a", 3);
        // enqueued out of order; campaign "b" was added first
        q.enqueue(trial("a", 0, 1), 0);
        q.enqueue(trial("b", 1, 0), 0);
        q.enqueue(trial("b", 0, 2), 0);
        q.enqueue(trial("a", 0, 0), 0);
        q.enqueue(trial("b", 0, 10), 0);
        q.enqueue(trial("b", 0, 2), 0); // already outstanding: ignored
        List<String> order = new ArrayList<>();
        Optional<Lease> l;
        while ((l = q.lease("w", c -> true, 5)).isPresent()) order.add(name(l.get()));
        assertEquals(List.of("b/0/2", "b/0/10", "b/1/0", "a/0/0", "a/0/1"), order);

        DispatchQueue r = new DispatchQueue("L-");
        r.addCampaign("b", 3);
        r.addCampaign("a", 3);
        r.enqueue(trial("b", 0, 0), 0);
        r.enqueue(trial("a", 0, 0), 0);
        assertEquals("a/0/0", name(r.lease("w", c -> !c.equals("b"), 1).orElseThrow()));
        assertTrue(r.lease("w", c -> !c.equals("b"), 1).isEmpty());
    }

    @Test
    void leasesHaveIdsAttemptsAndTimes() {
        DispatchQueue q = new DispatchQueue("X-");
        q.addCampaign("c", 2);
        q.enqueue(trial("c", 0, 0), 100);
        Lease first = q.lease("w1", c -> true, 250).orElseThrow();
        assertEquals("X-1", first.leaseId());
        assertEquals(1, first.attempt());
        assertEquals(100, first.enqueuedNanos());
        assertEquals(250, first.leasedNanos());
        assertEquals(List.of(first), q.leasesOf("w1"));

        // the worker is lost: back in the queue, attempt counted
        List<DispatchQueue.Lost> lost = q.releaseWorker("w1", 300);
        assertEquals(1, lost.size());
        assertTrue(lost.get(0).requeued());
        assertTrue(q.leasesOf("w1").isEmpty());
        Lease second = q.lease("w2", c -> true, 400).orElseThrow();
        assertEquals("X-2", second.leaseId());
        assertEquals(2, second.attempt());
        assertEquals(300, second.enqueuedNanos());

        // max attempts 2 reached: not re-queued, no longer outstanding
        lost = q.releaseWorker("w2", 500);
        assertFalse(lost.get(0).requeued());
        assertFalse(q.isOutstanding(second.id()));
        assertEquals(0, q.pendingCount());
        assertTrue(q.complete(second.id()).isEmpty());
    }

    @Test
    void releaseWithoutCountingRefundsTheAttempt() {
        DispatchQueue q = new DispatchQueue("L-");
        q.addCampaign("c", 1);
        q.enqueue(trial("c", 0, 0), 0);
        Lease l = q.lease("w", c -> true, 1).orElseThrow();
        assertTrue(q.release(l.leaseId(), false, 2).orElseThrow().requeued());
        assertEquals(1, q.lease("w2", c -> true, 3).orElseThrow().attempt());
    }

    @Test
    void aResultCompletesATrialOnceWhoeverHoldsIt() {
        DispatchQueue q = new DispatchQueue("L-");
        q.addCampaign("c", 3);
        q.enqueue(trial("c", 0, 0), 0);
        q.enqueue(trial("c", 0, 1), 0);
        Lease l0 = q.lease("w", c -> true, 1).orElseThrow();
        DispatchQueue.Completion done = q.complete(l0.id()).orElseThrow();
        assertEquals(l0, done.lease());
        assertTrue(q.complete(l0.id()).isEmpty(), "second result ignored");
        // a late result for a re-queued (pending) trial takes it out of the queue
        Lease l1 = q.lease("w", c -> true, 1).orElseThrow();
        q.releaseWorker("w", 2);
        assertEquals(1, q.pendingCount());
        DispatchQueue.Completion late = q.complete(l1.id()).orElseThrow();
        assertNull(late.lease());
        assertEquals(0, q.pendingCount());
        assertTrue(q.lease("w", c -> true, 3).isEmpty());
    }

    @Test
    void closingACampaignDropsItsPendingTrialsAndKeepsItsLeasesUntilTheyEnd() {
        DispatchQueue q = new DispatchQueue("L-");
        q.addCampaign("c", 3);
        q.addCampaign("d", 3);
        for (int i = 0; i < 3; i++) q.enqueue(trial("c", 0, i), 0);
        q.enqueue(trial("d", 0, 0), 0);
        Lease running = q.lease("w", c -> true, 1).orElseThrow();
        Lease stopping = q.lease("v", c -> true, 1).orElseThrow();
        q.closeCampaign("c");
        assertFalse(q.isOutstanding(trial("c", 0, 2).getId()), "a pending trial is dropped");
        assertEquals(0, q.pendingByPhase("c").size());
        // the running trials stay leased: their holders' answers still count
        assertEquals(List.of(running), q.leasesOf("w"));
        assertEquals(2, q.runningByPhase("c").get(0));
        assertEquals(running, q.complete(running.id()).orElseThrow().lease());
        // a lease that ends without an answer does not go back to a closed campaign's queue
        DispatchQueue.Lost lost = q.release(stopping.leaseId(), true, 2).orElseThrow();
        assertFalse(lost.requeued());
        assertFalse(q.isOutstanding(stopping.id()));
        assertEquals("d", q.lease("w", c -> true, 3).orElseThrow().campaign());
        assertEquals(0, q.pendingCount());
    }
}
