package io.hpsearch.coordinator.dispatch;

import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.protocol.v1.WorkLease;

/**
 * One dispatch of a trial to a worker.
 *
 * @param leaseId       unique per coordinator run
 * @param trial         the trial
 * @param attempt       1 for the first dispatch of the trial, 2 for the next, …
 * @param workerId      {@code WorkerInfo.worker_id} of the holder
 * @param enqueuedNanos when the trial was (re-)queued, on the coordinator's nano clock
 * @param leasedNanos   when it was leased
 */
public record Lease(String leaseId, TrialSpec trial, int attempt, String workerId, long enqueuedNanos,
                    long leasedNanos) {
    public TrialId id() {
        return trial.getId();
    }

    public String campaign() {
        return trial.getId().getCampaign();
    }

    /** The message a worker gets. */
    public WorkLease toWire(long leaseMillis) {
        return WorkLease.newBuilder().setLeaseId(leaseId).setTrial(trial).setAttempt(attempt)
                .setLeaseMillis(leaseMillis).build();
    }
}
