package io.hpsearch.coordinator.state;

import io.hpsearch.coordinator.dispatch.DispatchQueue;
import io.hpsearch.coordinator.dispatch.Lease;
import io.hpsearch.coordinator.dispatch.TrialKey;
import io.hpsearch.coordinator.journal.Journal;
import io.hpsearch.coordinator.journal.JournalCorruptException;
import io.hpsearch.coordinator.journal.JournalReader;
import io.hpsearch.coordinator.journal.JournalRecord;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.JournalEntry;
import io.hpsearch.protocol.v1.JournalEntry.LeaseReleased.Reason;
import io.hpsearch.protocol.v1.TrialSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the coordinator must not forget: the campaigns ({@link CampaignRun}) and the trial
 * queue with its leases ({@link DispatchQueue}). It changes only by {@link #apply applying}
 * journal entries, live (the coordinator appends an entry to the journal, then applies it) and on
 * replay (the same entries read back), so a restarted coordinator holds the state it had.
 *
 * <p>Each coordinator run starts with a {@code CoordinatorStarted} entry, which voids the leases
 * of earlier runs: their holders belonged to the old cluster. Their trials go back to the queue
 * without using up an attempt; a result still on its way from an old holder is accepted as long
 * as the trial is outstanding.
 *
 * <p>A cancelled campaign's pending trials are dropped, but the trials it was running stay leased
 * until their holders report what they ran before they stopped. A lease of a cancelled campaign
 * that ends without that report (its worker lost, its lease expired or voided by a restart) puts
 * the trial in {@link #stoppedWithoutResult()}, for the coordinator to record it CANCELLED: every
 * trial a campaign leased ends up with exactly one result.
 */
public final class CoordinatorState {
    private final Map<String, CampaignRun> campaigns = new LinkedHashMap<>();
    private final DispatchQueue dispatch;
    private final int defaultAttempts;
    private long lastSequence;
    private final Map<TrialKey, Stopped> stoppedWithoutResult = new LinkedHashMap<>();
    /** Campaigns replayed so far from a journal that did not record their max_attempts. */
    private final Set<String> attemptsUnknown = new HashSet<>();

    /**
     * A trial of a cancelled campaign whose lease ended without a result from its holder.
     *
     * @param why how the lease ended (the release's description)
     */
    public record Stopped(Lease lease, String why) {
    }

    /**
     * @param leasePrefix     prefix of lease ids
     * @param defaultAttempts dispatches of a trial when its campaign sets no {@code max_attempts}
     */
    public CoordinatorState(String leasePrefix, int defaultAttempts) {
        if (defaultAttempts < 1) throw new IllegalArgumentException("defaultAttempts must be ≥ 1");
        this.dispatch = new DispatchQueue(leasePrefix);
        this.defaultAttempts = defaultAttempts;
    }

    /** An entry that contradicts the state it is applied to (a bug, or a journal edited by hand). */
    public static final class InconsistentEntryException extends RuntimeException {
        InconsistentEntryException(String message) {
            super(message);
        }
    }

    public DispatchQueue dispatch() {
        return dispatch;
    }

    public Optional<CampaignRun> campaign(String name) {
        return Optional.ofNullable(campaigns.get(name));
    }

    /** Campaigns in submission order. */
    public Collection<CampaignRun> campaigns() {
        return campaigns.values();
    }

    /**
     * Trials of cancelled campaigns that were running at the cancel and whose lease ended without
     * a result, oldest first: to be recorded CANCELLED (a {@code TrialRecorded} takes a trial out).
     */
    public List<Stopped> stoppedWithoutResult() {
        return List.copyOf(stoppedWithoutResult.values());
    }

    /** Sequence of the last entry applied (0 before any). */
    public long lastSequence() {
        return lastSequence;
    }

    public int maxAttempts(CampaignSpec spec) {
        return spec.getMaxAttempts() > 0 ? spec.getMaxAttempts() : defaultAttempts;
    }

    /** Whether a lease released for this reason counts as one of the trial's attempts. */
    public static boolean countsAsAttempt(Reason reason) {
        return reason != Reason.REASON_DATA_MISSING && reason != Reason.REASON_TRIAL_CANCELLED;
    }

    /**
     * Applies one event.
     *
     * @param nowNanos the coordinator's monotonic clock (queue times of trials)
     * @throws InconsistentEntryException the entry does not fit the state (the state is unchanged
     *                                    unless said otherwise in the message)
     */
    public void apply(JournalEntry e, long nowNanos) {
        if (e.getSequence() <= lastSequence) {
            throw new InconsistentEntryException("sequence " + e.getSequence() + " is not above " + lastSequence);
        }
        try {
            applyEvent(e, nowNanos);
        } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException x) {
            throw new InconsistentEntryException(e.getEventCase() + ": " + x.getMessage());
        }
        lastSequence = e.getSequence();
    }

    private void applyEvent(JournalEntry e, long nowNanos) {
        switch (e.getEventCase()) {
            case CAMPAIGN_SUBMITTED -> {
                CampaignSpec spec = e.getCampaignSubmitted().getSpec();
                if (campaigns.containsKey(spec.getName())) {
                    throw new IllegalStateException("campaign " + spec.getName() + " was already submitted");
                }
                CampaignRun run = new CampaignRun(spec, e.getEpochMillis());
                dispatch.addCampaign(spec.getName(), maxAttempts(spec));
                campaigns.put(spec.getName(), run);
            }
            case PHASE_STARTED -> {
                var p = e.getPhaseStarted();
                CampaignRun run = known(p.getCampaign());
                long generating = System.nanoTime();
                List<TrialSpec> trials = run.startPhase(p.getPhase(), p.getSpace());
                // a trial is there once it is generated: its queue time starts then, not before
                long queued = nowNanos + (System.nanoTime() - generating);
                if (run.active() && dispatch.hasCampaign(run.name())) {
                    for (TrialSpec t : trials) dispatch.enqueue(t, queued);
                }
            }
            case TRIAL_LEASED -> {
                var l = e.getTrialLeased();
                dispatch.leaseTrial(l.getId(), l.getLeaseId(), l.getWorkerId(), nowNanos);
            }
            case LEASE_RELEASED -> {
                var r = e.getLeaseReleased();
                Optional<Lease> lease = dispatch.leaseById(r.getLeaseId());
                if (lease.isEmpty() || !lease.get().id().equals(r.getId())) {
                    throw new IllegalStateException("lease " + r.getLeaseId() + " of trial " + r.getId().getCampaign()
                            + "/" + r.getId().getPhase() + "#" + r.getId().getIndex() + " is not active");
                }
                dispatch.release(r.getLeaseId(), countsAsAttempt(r.getReason()),
                        r.getReason() == Reason.REASON_TRIAL_FAILED, nowNanos);
                stopWithoutResult(lease.get(), r.getError());
            }
            case TRIAL_RECORDED -> {
                var result = e.getTrialRecorded().getResult();
                CampaignRun run = known(result.getId().getCampaign());
                dispatch.complete(result.getId());
                run.record(result);
                stoppedWithoutResult.remove(TrialKey.of(result.getId()));
            }
            case CAMPAIGN_CANCELLED -> {
                CampaignRun run = known(e.getCampaignCancelled().getCampaign());
                dispatch.closeCampaign(run.name());
                run.cancel(e.getEpochMillis(), e.getCampaignCancelled().getReason());
            }
            case CAMPAIGN_FINISHED -> {
                var f = e.getCampaignFinished();
                known(f.getCampaign()).finish(f.getState(), e.getEpochMillis());
            }
            case COORDINATOR_STARTED -> {
                for (Lease l : List.copyOf(dispatch.leases())) {
                    stopWithoutResult(l, "the coordinator restarted before its worker reported it");
                }
                dispatch.releaseAll(nowNanos);
            }
            case EVENT_NOT_SET -> throw new IllegalArgumentException("entry without an event");
        }
    }

    /** Notes a cancelled campaign's trial whose lease ended without a result (no-op for other campaigns). */
    private void stopWithoutResult(Lease l, String why) {
        CampaignRun run = campaigns.get(l.campaign());
        if (run != null && run.state() == CampaignState.CAMPAIGN_STATE_CANCELLED && !run.isRecorded(l.id())) {
            stoppedWithoutResult.put(TrialKey.of(l.id()), new Stopped(l, why));
        }
    }

    private CampaignRun known(String name) {
        CampaignRun run = campaigns.get(name);
        if (run == null) throw new IllegalStateException("no campaign " + name + " was submitted");
        return run;
    }

    // ---- opening a state directory ---------------------------------------------------------------

    /** A journal opened for appending, and the state replayed from it. */
    public record Opened(CoordinatorState state, Journal journal, long replayed, int voidedLeases) {
    }

    /**
     * Opens (or creates) the journal in {@code dir}, replays it into a new state and appends (and
     * applies) a {@code CoordinatorStarted} entry, which voids the leases of the earlier run.
     *
     * @throws JournalCorruptException the journal is damaged in the middle (and repair was not
     *                                 asked for), or an entry does not fit the state before it
     */
    public static Opened open(Path dir, Journal.Options options, String leasePrefix, int defaultAttempts,
                              String version, long nowNanos) throws IOException {
        CoordinatorState state = new CoordinatorState(leasePrefix, defaultAttempts);
        Journal journal;
        try {
            journal = new Journal(dir, options, rec -> state.applyReplayed(rec, dir.resolve(Journal.FILE_NAME), nowNanos));
        } catch (Unfit u) {
            throw u.cause;
        }
        // a cancelled campaign's leases are voided too, but their trials are recorded, not queued
        int voided = (int) state.dispatch.leases().stream()
                .filter(l -> state.campaign(l.campaign()).map(CampaignRun::active).orElse(false)).count();
        JournalEntry started = JournalEntry.newBuilder().setSequence(state.lastSequence + 1)
                .setEpochMillis(System.currentTimeMillis())
                .setCoordinatorStarted(JournalEntry.CoordinatorStarted.newBuilder().setVersion(version)).build();
        try {
            journal.append(started);
            state.apply(started, nowNanos);
            // after the voided leases are queued again, which uses no attempt: under a lower limit
            // than the old run's, a trial with its attempts used up would otherwise fall out of the queue
            state.endReplay();
        } catch (IOException | RuntimeException e) {
            journal.close();
            throw e;
        }
        return new Opened(state, journal, journal.replayedRecords(), voided);
    }

    /** What an offline read found. */
    public record Read(CoordinatorState state, JournalReader.Result read) {
    }

    /**
     * Reads the journal in {@code dir} without changing it or locking it (a coordinator may be
     * running on it): the state as of the last good record. A torn tail or damage in the middle
     * ends the read there; {@link Read#read()} says where.
     *
     * @throws java.nio.file.NoSuchFileException there is no journal in {@code dir}
     * @throws JournalCorruptException           not a journal, or an entry that does not fit
     */
    public static Read read(Path dir, int defaultAttempts) throws IOException {
        Path file = dir.resolve(Journal.FILE_NAME);
        if (!Files.exists(file)) throw new java.nio.file.NoSuchFileException(file.toString(), null, "no journal");
        CoordinatorState state = new CoordinatorState("L-", defaultAttempts);
        long now = System.nanoTime();
        JournalReader.Result r;
        try {
            r = JournalReader.read(file, true, rec -> state.applyReplayed(rec, file, now));
        } catch (Unfit u) {
            throw u.cause;
        }
        state.endReplay();
        return new Read(state, r);
    }

    /** After a replay: the campaigns of an old journal get this coordinator's limit ({@link #applyReplayed}). */
    private void endReplay() {
        for (String name : attemptsUnknown) dispatch.setMaxAttempts(name, defaultAttempts);
        attemptsUnknown.clear();
    }

    /** Carries a JournalCorruptException out of the replay consumer. */
    private static final class Unfit extends RuntimeException {
        final JournalCorruptException cause;

        Unfit(JournalCorruptException cause) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
        }
    }

    private void applyReplayed(JournalRecord rec, Path file, long nowNanos) {
        try {
            apply(rec.entry(), nowNanos);
            JournalEntry e = rec.entry();
            if (e.hasCampaignSubmitted() && e.getCampaignSubmitted().getSpec().getMaxAttempts() == 0) {
                // A journal written before every campaign was journaled with its max_attempts: the
                // limit its coordinator used is unknown, and may have been above this one's. Its
                // releases are taken as they come (each trial it gave up on is in the journal as
                // FAILED), and this coordinator's limit applies from the end of the replay on.
                String name = e.getCampaignSubmitted().getSpec().getName();
                dispatch.setMaxAttempts(name, Integer.MAX_VALUE);
                attemptsUnknown.add(name);
            }
        } catch (InconsistentEntryException x) {
            throw new Unfit(new JournalCorruptException(file, rec.offset(), "journal " + file + ": the record at byte offset "
                    + rec.offset() + " (sequence " + rec.entry().getSequence() + ") does not fit the records before it: "
                    + x.getMessage()));
        }
    }
}
