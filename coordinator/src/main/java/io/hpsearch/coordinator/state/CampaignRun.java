package io.hpsearch.coordinator.state;

import io.hpsearch.coordinator.dispatch.TrialKey;
import io.hpsearch.coordinator.leaderboard.Leaderboard;
import io.hpsearch.coordinator.sampling.FineRange;
import io.hpsearch.coordinator.sampling.TrialGenerator;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.SearchSpace;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TopKQuery;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.protocol.v1.TrialStatus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One campaign's progress: its phases in order, the results recorded so far and their
 * leaderboard. A plain state machine, with no actors and no clock of its own, so that the same
 * code runs live and when a journal is replayed.
 *
 * <p>It changes only through the methods named after journal events ({@link #startPhase},
 * {@link #record}, {@link #cancel}, {@link #finish}). What should happen next is a decision,
 * {@link #next()}: start the following phase (with its ranges; a fine phase's come from
 * {@link FineRange} over the earlier phase's ranking) or finish. The coordinator journals that
 * decision and then applies it; on replay the journaled decision is applied instead, so a fine
 * phase keeps the ranges it had even if the rule's code changed since.
 */
public final class CampaignRun {
    /** A decision of {@link #next()}. */
    public sealed interface Step {
    }

    /** Start phase {@code ordinal} with these ranges. */
    public record StartPhase(int ordinal, String phase, SearchSpace space) implements Step {
    }

    /** Every phase is done: the campaign is COMPLETED. */
    public record Complete() implements Step {
    }

    private static final class Phase {
        int planned;
        int completed, diverged, failed, cancelled;
        boolean started;

        int finished() {
            return completed + diverged + failed + cancelled;
        }
    }

    private CampaignSpec spec;
    private final Phase[] phases;
    private final long startedMillis;
    private long endedMillis = -1;
    private int current = 0;
    private CampaignState state = CampaignState.CAMPAIGN_STATE_PENDING;
    private String cancelReason = "";
    private final List<TrialResult> results = new ArrayList<>();
    private final Set<TrialKey> recorded = new HashSet<>();
    private Leaderboard board = Leaderboard.of(List.of());
    private final List<TrialResult> unranked = new ArrayList<>(); // recorded since the board was built
    private TrialResult best;

    /**
     * A submitted campaign, no phase started yet.
     *
     * @param startedMillis wall-clock time of the submission
     * @throws IllegalArgumentException the spec cannot run (see {@link #plan})
     */
    public CampaignRun(CampaignSpec spec, long startedMillis) {
        plan(spec);
        this.spec = spec;
        this.startedMillis = startedMillis;
        this.phases = new Phase[spec.getPhasesCount()];
        for (int i = 0; i < phases.length; i++) {
            phases[i] = new Phase();
            PhaseSpec ps = spec.getPhases(i);
            // known before the phase starts unless it is a grid over choices narrowed from an earlier phase
            phases[i].planned = TrialGenerator.knownTrialCount(spec, ps).orElse(0);
        }
    }

    /**
     * Checks what can be checked at submission and returns the number of trials known then (every
     * phase's but a grid over choices narrowed from an earlier phase, {@link TrialGenerator#knownTrialCount}).
     *
     * @throws IllegalArgumentException (or IllegalStateException) with a message for the user
     */
    public static int plan(CampaignSpec spec) {
        if (spec.getName().isBlank()) throw new IllegalArgumentException("campaign has no name");
        if (spec.getPhasesCount() == 0) throw new IllegalArgumentException("campaign " + spec.getName() + " has no phases");
        int planned = 0;
        Set<String> names = new HashSet<>();
        for (PhaseSpec p : spec.getPhasesList()) {
            if (!names.add(p.getName())) throw new IllegalArgumentException("phase " + p.getName() + " appears twice");
            if (narrowed(p)) {
                if (!names.contains(p.getFine().getFromPhase()) || p.getFine().getFromPhase().equals(p.getName())) {
                    throw new IllegalArgumentException("phase " + p.getName() + " narrows from "
                            + p.getFine().getFromPhase() + ", which is not an earlier phase");
                }
            }
            planned += TrialGenerator.knownTrialCount(spec, p).orElse(0);
        }
        return planned;
    }

    private static boolean narrowed(PhaseSpec p) {
        return p.hasFine() && !p.hasSpace();
    }

    public String name() {
        return spec.getName();
    }

    /** The spec, with the ranges of the phases started so far set on them. */
    public CampaignSpec spec() {
        return spec;
    }

    public CampaignState state() {
        return state;
    }

    public boolean active() {
        return state == CampaignState.CAMPAIGN_STATE_PENDING || state == CampaignState.CAMPAIGN_STATE_RUNNING;
    }

    /** Results recorded so far, in the order they were recorded. */
    public List<TrialResult> results() {
        return List.copyOf(results);
    }

    public boolean isRecorded(TrialId id) {
        return recorded.contains(TrialKey.of(id));
    }

    /** What should happen next, if anything: the next phase to start, or completion. */
    public Optional<Step> next() {
        if (!active()) return Optional.empty();
        int ordinal;
        if (!phases[current].started) {
            ordinal = current;
        } else if (phases[current].finished() >= phases[current].planned) {
            if (current + 1 == phases.length) return Optional.of(new Complete());
            ordinal = current + 1;
        } else {
            return Optional.empty();
        }
        PhaseSpec phase = spec.getPhases(ordinal);
        SearchSpace space;
        if (narrowed(phase)) {
            String from = phase.getFine().getFromPhase();
            PhaseSpec source = spec.getPhases(TrialGenerator.ordinal(spec, from));
            space = FineRange.narrow(TrialGenerator.space(spec, source), phase.getFine(),
                    leaderboard().top(Integer.MAX_VALUE, from));
        } else {
            space = TrialGenerator.space(spec, phase);
        }
        return Optional.of(new StartPhase(ordinal, phase.getName(), space));
    }

    /**
     * Starts the named phase with these ranges and returns its trials, to be queued.
     *
     * @throws IllegalArgumentException the campaign has no such phase, or it is not the next one
     */
    public List<TrialSpec> startPhase(String phaseName, SearchSpace space) {
        int ordinal = TrialGenerator.ordinal(spec, phaseName);
        boolean expected = phases[current].started ? ordinal == current + 1 : ordinal == current;
        if (!expected) {
            throw new IllegalArgumentException("campaign " + name() + ": phase " + phaseName
                    + " cannot start now (current phase " + spec.getPhases(current).getName() + ")");
        }
        PhaseSpec phase = spec.getPhases(ordinal).toBuilder().setSpace(space).build();
        spec = spec.toBuilder().setPhases(ordinal, phase).build();
        current = ordinal;
        Phase p = phases[ordinal];
        p.planned = TrialGenerator.trialCount(spec, phase);
        p.started = true;
        List<TrialSpec> trials = new ArrayList<>(p.planned);
        for (int i = 0; i < p.planned; i++) trials.add(TrialGenerator.trial(spec, phase, i));
        return trials;
    }

    /**
     * Records a trial's final result. Returns false (and changes nothing) for a campaign that
     * completed or failed, a trial of an unknown or not yet started phase, or a trial already
     * recorded. A cancelled campaign still takes the results of the trials that were running when
     * it was cancelled (what they ran before they stopped).
     */
    public boolean record(TrialResult r) {
        TrialId id = r.getId();
        int ordinal = id.getPhaseOrdinal();
        boolean open = active() || state == CampaignState.CAMPAIGN_STATE_CANCELLED;
        if (!open || ordinal < 0 || ordinal >= phases.length || !phases[ordinal].started
                || !spec.getPhases(ordinal).getName().equals(id.getPhase()) || !recorded.add(TrialKey.of(id))) {
            return false;
        }
        Phase p = phases[ordinal];
        switch (r.getStatus()) {
            case TRIAL_STATUS_COMPLETED -> p.completed++;
            case TRIAL_STATUS_DIVERGED -> p.diverged++;
            case TRIAL_STATUS_CANCELLED -> p.cancelled++;
            default -> p.failed++;
        }
        results.add(r);
        unranked.add(r);
        if (best == null || Leaderboard.ORDER.compare(r, best) < 0) best = r;
        if (active()) state = CampaignState.CAMPAIGN_STATE_RUNNING;
        return true;
    }

    /** The user cancelled the campaign, saying why; no-op if it has ended. */
    public void cancel(long atMillis, String reason) {
        if (!active()) return;
        finish(CampaignState.CAMPAIGN_STATE_CANCELLED, atMillis);
        cancelReason = reason;
    }

    /** Why the campaign was cancelled (empty if it was not, or no reason was given). */
    public String cancelReason() {
        return cancelReason;
    }

    /** The campaign ended in {@code finalState}; no-op if it has ended already. */
    public void finish(CampaignState finalState, long atMillis) {
        if (!active()) return;
        if (finalState == CampaignState.CAMPAIGN_STATE_PENDING || finalState == CampaignState.CAMPAIGN_STATE_RUNNING
                || finalState == CampaignState.CAMPAIGN_STATE_UNSPECIFIED) {
            throw new IllegalArgumentException("not a final state: " + finalState);
        }
        state = finalState;
        endedMillis = atMillis;
    }

    private Leaderboard leaderboard() {
        if (!unranked.isEmpty()) {
            // merged in while they are few (a page of a running campaign's table, asked for after
            // each few new results); sorted with the rest when they are many (a journal replayed)
            board = unranked.size() > results.size() / 4 ? Leaderboard.of(results) : board.with(unranked);
            unranked.clear();
        }
        return board;
    }

    /** The answer to a top-k query. */
    public TopKAnswer topK(TopKQuery q) {
        return topK(q, Integer.MAX_VALUE);
    }

    /**
     * The query's ranked results from its offset, as many as fit in {@code maxBytes} of serialized
     * results (at least one); {@link TopKAnswer#getMore()} says whether the rest of the k is to be
     * asked for. A remote answer must fit the transport's frame, and a campaign's results with
     * their curves can be megabytes.
     */
    public TopKAnswer topK(TopKQuery q, int maxBytes) {
        int k = q.getK() > 0 ? q.getK() : (spec.getTopK() > 0 ? spec.getTopK() : 10);
        List<TrialResult> top = q.getPhase().isEmpty() ? leaderboard().top(k) : leaderboard().top(k, q.getPhase());
        TopKAnswer.Builder a = TopKAnswer.newBuilder().setCampaign(spec.getName()).setTotal(results.size());
        if (q.getWithSpec()) a.setSpec(spec);
        long bytes = 0;
        for (int i = Math.max(0, q.getOffset()); i < top.size(); i++) {
            TrialResult r = q.getWithoutCurves() ? withoutCurves(top.get(i)) : top.get(i);
            bytes += r.getSerializedSize() + 8; // with its field tag and length
            if (bytes > maxBytes && a.getRankedCount() > 0) {
                a.setMore(true);
                break;
            }
            a.addRanked(r);
        }
        if (!q.getPhase().isEmpty() && spec.getPhasesList().stream().noneMatch(p -> p.getName().equals(q.getPhase()))) {
            a.setError("campaign " + spec.getName() + " has no phase " + q.getPhase());
        }
        return a.build();
    }

    /** The result without its per-epoch curves and confusion matrix: what a table or a status shows. */
    public static TrialResult withoutCurves(TrialResult r) {
        return r.getCurvesCount() == 0 && !r.hasTestConfusion() ? r : r.toBuilder().clearCurves().clearTestConfusion().build();
    }

    /** A status snapshot (pending and running counts are the dispatcher's to fill in). */
    public CampaignStatus status(long nowMillis) {
        long end = endedMillis >= 0 ? endedMillis : nowMillis;
        CampaignStatus.Builder s = CampaignStatus.newBuilder().setCampaign(spec.getName()).setState(state)
                .setCurrentPhase(spec.getPhases(current).getName()).setStartedEpochMillis(startedMillis)
                .setElapsedSeconds(Math.max(0, end - startedMillis) / 1000.0);
        if (state == CampaignState.CAMPAIGN_STATE_CANCELLED) s.setCancelReason(cancelReason);
        for (int i = 0; i < phases.length; i++) {
            PhaseSpec ps = spec.getPhases(i);
            Phase p = phases[i];
            PhaseStatus.Builder b = PhaseStatus.newBuilder().setName(ps.getName()).setPlanned(p.planned)
                    .setRequested(ps.getTrials())
                    .setCompleted(p.completed).setDiverged(p.diverged).setFailed(p.failed).setCancelled(p.cancelled);
            if (!narrowed(ps)) b.setSpace(TrialGenerator.space(spec, ps));
            s.addPhases(b);
        }
        // without its curves: a status is polled twice a second by whoever follows the campaign
        if (best != null && best.getStatus() == TrialStatus.TRIAL_STATUS_COMPLETED) s.setBest(withoutCurves(best));
        return s.build();
    }
}
