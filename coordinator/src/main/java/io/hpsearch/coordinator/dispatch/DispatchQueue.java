package io.hpsearch.coordinator.dispatch;

import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Pending trials of every queued campaign and the leases out on workers. Owned by the coordinator
 * actor (not thread-safe); time comes in as arguments.
 *
 * <p>Order: campaigns in the order they were added; within one, by (phase ordinal, index). A
 * re-queued trial goes back to its place, so it is dispatched before later trials of its campaign.
 * A worker skips the campaigns it is not eligible for.
 *
 * <p>A trial is <em>outstanding</em> from {@link #enqueue} until {@link #complete} accepts a result
 * for it (or its campaign is removed); a result for a trial that is not outstanding is a duplicate
 * (or of a cancelled campaign) and is ignored. Each dispatch is a {@link Lease} with its own id
 * and attempt number; leases are also indexed by worker, so a lost worker's leases can be
 * re-queued at once ({@link #releaseWorker}).
 */
public final class DispatchQueue {
    /** A trial waiting for a worker; {@code attempts} dispatches so far. */
    public record Pending(TrialSpec trial, int attempts, long enqueuedNanos) {
    }

    /** A released lease; {@code requeued} is false when the trial used up its attempts (it is FAILED). */
    public record Lost(Lease lease, boolean requeued) {
    }

    /** A result accepted for an outstanding trial; {@code lease} is null if it was not leased at the time. */
    public record Completion(TrialId id, Lease lease) {
    }

    private static final class CampaignQueue {
        final String name;
        int maxAttempts;
        final TreeMap<Long, Pending> pending = new TreeMap<>();

        CampaignQueue(String name, int maxAttempts) {
            this.name = name;
            this.maxAttempts = maxAttempts;
        }
    }

    private final String leasePrefix;
    private long nextLease = 1;
    private final LinkedHashMap<String, CampaignQueue> campaigns = new LinkedHashMap<>();
    private final Map<String, Lease> leases = new HashMap<>();
    /** Active lease → when its holder last showed it is alive (leased, progress, heartbeat). */
    private final Map<String, Long> lastHeard = new HashMap<>();
    private final Map<String, Set<String>> leasesByWorker = new HashMap<>();
    /** Outstanding trials → id of their active lease, or null while pending. */
    private final Map<TrialKey, String> outstanding = new HashMap<>();
    /** Outstanding trials that threw on some workers → those workers (a retry goes elsewhere if it can). */
    private final Map<TrialKey, Set<String>> failedOn = new HashMap<>();

    /** @param leasePrefix prefix of lease ids, e.g. {@code "L-"} */
    public DispatchQueue(String leasePrefix) {
        this.leasePrefix = leasePrefix;
    }

    private static long key(TrialId id) {
        return ((long) id.getPhaseOrdinal() << 32) | (id.getIndex() & 0xFFFF_FFFFL);
    }

    /** Changes a queued campaign's dispatches per trial (≥ 1), for the releases from now on. */
    public void setMaxAttempts(String campaign, int maxAttempts) {
        if (maxAttempts < 1) throw new IllegalArgumentException("max attempts must be ≥ 1: " + maxAttempts);
        CampaignQueue q = campaigns.get(campaign);
        if (q != null) q.maxAttempts = maxAttempts;
    }

    /** A campaign at the end of the order; {@code maxAttempts} ≥ 1 dispatches per trial. */
    public void addCampaign(String campaign, int maxAttempts) {
        if (maxAttempts < 1) throw new IllegalArgumentException("max attempts must be ≥ 1: " + maxAttempts);
        if (campaigns.containsKey(campaign)) throw new IllegalArgumentException("campaign " + campaign + " exists");
        campaigns.put(campaign, new CampaignQueue(campaign, maxAttempts));
    }

    public boolean hasCampaign(String campaign) {
        return campaigns.containsKey(campaign);
    }

    /** Queues a trial of a known campaign (no-op if it is already outstanding). */
    public void enqueue(TrialSpec trial, long nowNanos) {
        CampaignQueue q = queue(trial.getId().getCampaign());
        TrialKey k = TrialKey.of(trial.getId());
        if (outstanding.containsKey(k)) return;
        outstanding.put(k, null);
        q.pending.put(key(trial.getId()), new Pending(trial, 0, nowNanos));
    }

    /** Leases the first pending trial of the first campaign the worker is eligible for, with the next lease id. */
    public Optional<Lease> lease(String workerId, Predicate<String> eligibleCampaign, long nowNanos) {
        return next(eligibleCampaign, p -> true)
                .map(p -> leaseTrial(p.trial().getId(), leasePrefix + nextLease++, workerId, nowNanos));
    }

    /**
     * The first pending trial, in dispatch order, of a campaign that {@code eligibleCampaign}
     * accepts and that {@code mayTake} accepts; it stays pending (lease it with {@link #leaseTrial}).
     */
    public Optional<Pending> next(Predicate<String> eligibleCampaign, Predicate<Pending> mayTake) {
        for (CampaignQueue q : campaigns.values()) {
            if (q.pending.isEmpty() || !eligibleCampaign.test(q.name)) continue;
            for (Pending p : q.pending.values()) {
                if (mayTake.test(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Leases a pending trial to a worker under the given lease id (unique: the caller's journal
     * sequence, say). Its attempt number is one more than the trial's attempts so far.
     *
     * @throws IllegalArgumentException the trial is not pending, or the lease id is in use
     */
    public Lease leaseTrial(TrialId id, String leaseId, String workerId, long nowNanos) {
        CampaignQueue q = campaigns.get(id.getCampaign());
        Pending p = q == null ? null : q.pending.get(key(id));
        if (p == null) throw new IllegalArgumentException("trial " + TrialKey.of(id) + " is not pending");
        if (leases.containsKey(leaseId)) throw new IllegalArgumentException("lease id " + leaseId + " is in use");
        q.pending.remove(key(id));
        Lease l = new Lease(leaseId, p.trial(), p.attempts() + 1, workerId, p.enqueuedNanos(), nowNanos);
        leases.put(l.leaseId(), l);
        lastHeard.put(l.leaseId(), nowNanos);
        leasesByWorker.computeIfAbsent(workerId, w -> new LinkedHashSet<>()).add(l.leaseId());
        outstanding.put(TrialKey.of(l.id()), l.leaseId());
        return l;
    }

    /** The active lease of an outstanding trial; empty while it is pending or not outstanding. */
    public Optional<Lease> activeLease(TrialId id) {
        String leaseId = outstanding.get(TrialKey.of(id));
        return leaseId == null ? Optional.empty() : Optional.ofNullable(leases.get(leaseId));
    }

    /** The workers on which the trial failed (threw) so far; empty if none, or not outstanding. */
    public Set<String> failedOn(TrialId id) {
        return failedOn.getOrDefault(TrialKey.of(id), Set.of());
    }

    /**
     * A result arrived for {@code id}. If the trial is outstanding it stops being so: its active
     * lease (whoever holds it — a late result from an earlier holder is as good as any) ends, or it
     * leaves the pending queue. Returns empty for a trial that is not outstanding.
     */
    public Optional<Completion> complete(TrialId id) {
        if (!outstanding.containsKey(TrialKey.of(id))) return Optional.empty();
        String leaseId = outstanding.remove(TrialKey.of(id));
        failedOn.remove(TrialKey.of(id));
        Lease l = null;
        if (leaseId != null) {
            l = removeLease(leaseId);
        } else {
            CampaignQueue q = campaigns.get(id.getCampaign());
            if (q != null) q.pending.remove(key(id));
        }
        return Optional.of(new Completion(id, l));
    }

    /**
     * Ends a lease without a result and puts its trial back in the queue. With
     * {@code countAttempt} false the dispatch does not count against the trial's attempts (the
     * worker could not even start it). A trial whose attempts are used up is not re-queued and no
     * longer outstanding: the caller records it as FAILED.
     */
    public Optional<Lost> release(String leaseId, boolean countAttempt, long nowNanos) {
        return release(leaseId, countAttempt, false, nowNanos);
    }

    /**
     * As {@link #release(String, boolean, long)}; with {@code trialFailed} the holder is also
     * remembered in {@link #failedOn} (the trial threw there).
     */
    public Optional<Lost> release(String leaseId, boolean countAttempt, boolean trialFailed, long nowNanos) {
        Lease l = leases.get(leaseId);
        if (l == null) return Optional.empty();
        removeLease(leaseId);
        CampaignQueue q = campaigns.get(l.campaign());
        TrialKey k = TrialKey.of(l.id());
        int attempts = countAttempt ? l.attempt() : l.attempt() - 1;
        if (q == null || attempts >= q.maxAttempts) {
            outstanding.remove(k);
            failedOn.remove(k);
            return Optional.of(new Lost(l, false));
        }
        if (trialFailed) failedOn.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(l.workerId());
        outstanding.put(k, null);
        q.pending.put(key(l.id()), new Pending(l.trial(), attempts, nowNanos));
        return Optional.of(new Lost(l, true));
    }

    /**
     * Puts every lease back in the queue without counting an attempt, whatever its holder: after a
     * coordinator restart, the leases replayed from the journal are void (their holders' results
     * are still accepted while the trial is outstanding).
     */
    public int releaseAll(long nowNanos) {
        int n = 0;
        for (String id : new ArrayList<>(leases.keySet())) {
            if (release(id, false, nowNanos).isPresent()) n++;
        }
        return n;
    }

    /** Releases (counting the attempt) every lease the worker holds, oldest first. */
    public List<Lost> releaseWorker(String workerId, long nowNanos) {
        Set<String> ids = leasesByWorker.get(workerId);
        if (ids == null) return List.of();
        List<Lost> out = new ArrayList<>();
        for (String id : new ArrayList<>(ids)) release(id, true, nowNanos).ifPresent(out::add);
        return out;
    }

    /**
     * Closes a cancelled campaign: its pending trials are dropped (no longer outstanding) and none
     * of its trials is leased again, but its leases stay active until their holders answer, so
     * that what those trials ran before they stopped can still be recorded. A lease of a closed
     * campaign that is released is not re-queued ({@link Lost#requeued()} false).
     */
    public void closeCampaign(String campaign) {
        CampaignQueue q = campaigns.remove(campaign);
        if (q == null) return;
        for (Pending p : q.pending.values()) {
            outstanding.remove(TrialKey.of(p.trial().getId()));
            failedOn.remove(TrialKey.of(p.trial().getId()));
        }
    }

    /** The lease's holder showed it is still working on it (progress or heartbeat); false if not active. */
    public boolean renew(String leaseId, long nowNanos) {
        if (!leases.containsKey(leaseId)) return false;
        lastHeard.put(leaseId, nowNanos);
        return true;
    }

    /** Active leases not heard of for {@code timeoutNanos} or more, oldest lease first. */
    public List<Lease> expired(long nowNanos, long timeoutNanos) {
        List<Lease> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : lastHeard.entrySet()) {
            if (nowNanos - e.getValue() >= timeoutNanos) out.add(leases.get(e.getKey()));
        }
        out.sort(java.util.Comparator.comparingLong(Lease::leasedNanos));
        return out;
    }

    private Lease removeLease(String leaseId) {
        Lease l = leases.remove(leaseId);
        lastHeard.remove(leaseId);
        if (l == null) return null;
        Set<String> ofWorker = leasesByWorker.get(l.workerId());
        if (ofWorker != null) {
            ofWorker.remove(leaseId);
            if (ofWorker.isEmpty()) leasesByWorker.remove(l.workerId());
        }
        return l;
    }

    private CampaignQueue queue(String campaign) {
        CampaignQueue q = campaigns.get(campaign);
        if (q == null) throw new IllegalArgumentException("unknown campaign " + campaign);
        return q;
    }

    public Optional<Lease> leaseById(String leaseId) {
        return Optional.ofNullable(leases.get(leaseId));
    }

    /** The worker's leases, oldest first. */
    public List<Lease> leasesOf(String workerId) {
        Set<String> ids = leasesByWorker.get(workerId);
        if (ids == null) return List.of();
        List<Lease> out = new ArrayList<>(ids.size());
        for (String id : ids) out.add(leases.get(id));
        return out;
    }

    public Collection<Lease> leases() {
        return leases.values();
    }

    public boolean isOutstanding(TrialId id) {
        return outstanding.containsKey(TrialKey.of(id));
    }

    public int pendingCount() {
        int n = 0;
        for (CampaignQueue q : campaigns.values()) n += q.pending.size();
        return n;
    }

    /** Pending trials of the campaign by phase ordinal. */
    public Map<Integer, Integer> pendingByPhase(String campaign) {
        Map<Integer, Integer> out = new HashMap<>();
        CampaignQueue q = campaigns.get(campaign);
        if (q == null) return out;
        for (Pending p : q.pending.values()) out.merge(p.trial().getId().getPhaseOrdinal(), 1, Integer::sum);
        return out;
    }

    /** Leased trials of the campaign by phase ordinal. */
    public Map<Integer, Integer> runningByPhase(String campaign) {
        Map<Integer, Integer> out = new HashMap<>();
        for (Lease l : leases.values()) {
            if (l.campaign().equals(campaign)) out.merge(l.id().getPhaseOrdinal(), 1, Integer::sum);
        }
        return out;
    }

    /** The pending trials of one campaign, in dispatch order (for tests and status). */
    public List<Pending> pendingOf(String campaign) {
        CampaignQueue q = campaigns.get(campaign);
        return q == null ? List.of() : List.copyOf(q.pending.values());
    }
}
