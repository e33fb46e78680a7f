package io.hpsearch.worker;

import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Results a worker has sent but the coordinator has not acknowledged, by lease id, oldest first.
 * It belongs to the worker's node, not to one actor system: when the node starts a new actor
 * system to rejoin a restarted coordinator, the new {@link Worker} sends these again, so a trial
 * that finished while the coordinator was away is recorded instead of run a second time.
 * Thread-safe (two incarnations may overlap for a moment).
 */
public final class ResultOutbox {
    private final Map<String, TrialResult> results = new LinkedHashMap<>();

    public synchronized void put(String leaseId, TrialResult result) {
        results.put(leaseId, result);
    }

    public synchronized boolean contains(String leaseId) {
        return results.containsKey(leaseId);
    }

    /**
     * An acknowledgement: removes the result of {@code leaseId}, or, for an acknowledgement that
     * names no lease, every result of the trial.
     */
    public synchronized void acknowledge(String leaseId, TrialId id) {
        if (!leaseId.isEmpty()) {
            results.remove(leaseId);
        } else {
            results.values().removeIf(r -> r.getId().equals(id));
        }
    }

    /** The results waiting, oldest first. */
    public synchronized List<TrialResult> pending() {
        return List.copyOf(results.values());
    }

    public synchronized List<String> leaseIds() {
        return List.copyOf(results.keySet());
    }
}
