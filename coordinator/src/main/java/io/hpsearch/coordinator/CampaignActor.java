package io.hpsearch.coordinator;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
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
import io.hpsearch.protocol.wire.ToCoordinator;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One campaign: runs its phases in order. A phase's trials come from {@link TrialGenerator} and
 * are handed to the coordinator's queue ({@link Coordinator.Enqueue}); results come back as
 * {@link Record}; when every trial of a phase has a result, the next phase starts — a fine phase
 * first gets its ranges from {@link FineRange} over the earlier phase's ranking — and after the
 * last phase the campaign is COMPLETED. After each change it sends the coordinator a
 * {@link CampaignStatus} snapshot ({@link Coordinator.CampaignChanged}), from which status
 * queries are answered; top-k queries come here. It keeps running after the end, to answer them.
 */
public final class CampaignActor extends AbstractBehavior<CampaignActor.Command> {
    public interface Command {
    }

    /** The outcome of one of the campaign's trials (each trial is recorded at most once). */
    public record Record(TrialResult result) implements Command {
    }

    public record TopK(TopKQuery query, ActorRef<TopKAnswer> replyTo) implements Command {
    }

    /** Stop: no further phases, later results are ignored. */
    public record Cancel(String reason) implements Command {
    }

    public static Behavior<Command> create(CampaignSpec spec, ActorRef<ToCoordinator> coordinator, Clock clock) {
        return Behaviors.setup(ctx -> new CampaignActor(ctx, spec, coordinator, clock));
    }

    /**
     * Checks what can be checked at submission and returns the number of trials known then (the
     * first phase's, plus any later phase not narrowed from an earlier one).
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
            if (p.hasFine() && !p.hasSpace()) {
                if (!names.contains(p.getFine().getFromPhase()) || p.getFine().getFromPhase().equals(p.getName())) {
                    throw new IllegalArgumentException("phase " + p.getName() + " narrows from "
                            + p.getFine().getFromPhase() + ", which is not an earlier phase");
                }
                continue;
            }
            planned += TrialGenerator.trialCount(spec, p);
        }
        return planned;
    }

    private static final class Phase {
        int planned;
        int completed, diverged, failed, cancelled;
        boolean started;

        int finished() {
            return completed + diverged + failed + cancelled;
        }
    }

    private final ActorRef<ToCoordinator> coordinator;
    private final long startedMillis;
    private final Clock clock;
    private CampaignSpec spec;
    private final Phase[] phases;
    private int current = 0;
    private CampaignState state = CampaignState.CAMPAIGN_STATE_PENDING;
    private final List<TrialResult> results = new ArrayList<>();
    private final Set<TrialKey> recorded = new HashSet<>();
    private Leaderboard board; // null when results changed since it was built
    private TrialResult best;
    private double endedSeconds = -1;

    private CampaignActor(ActorContext<Command> ctx, CampaignSpec spec, ActorRef<ToCoordinator> coordinator, Clock clock) {
        super(ctx);
        this.spec = spec;
        this.coordinator = coordinator;
        this.clock = clock;
        this.startedMillis = clock.millis();
        this.phases = new Phase[spec.getPhasesCount()];
        for (int i = 0; i < phases.length; i++) {
            phases[i] = new Phase();
            PhaseSpec ps = spec.getPhases(i);
            // known before the phase starts unless its ranges come from an earlier phase
            if (!ps.hasFine() || ps.hasSpace()) phases[i].planned = TrialGenerator.trialCount(spec, ps);
        }
        startPhase(0);
        advance();
        publish();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Record.class, this::onRecord)
                .onMessage(TopK.class, this::onTopK)
                .onMessage(Cancel.class, this::onCancel)
                .build();
    }

    private boolean active() {
        return state == CampaignState.CAMPAIGN_STATE_PENDING || state == CampaignState.CAMPAIGN_STATE_RUNNING;
    }

    private Behavior<Command> onRecord(Record m) {
        TrialResult r = m.result();
        TrialId id = r.getId();
        if (!active() || id.getPhaseOrdinal() < 0 || id.getPhaseOrdinal() >= phases.length || !recorded.add(TrialKey.of(id))) {
            return this;
        }
        Phase p = phases[id.getPhaseOrdinal()];
        switch (r.getStatus()) {
            case TRIAL_STATUS_COMPLETED -> p.completed++;
            case TRIAL_STATUS_DIVERGED -> p.diverged++;
            case TRIAL_STATUS_CANCELLED -> p.cancelled++;
            default -> p.failed++;
        }
        results.add(r);
        board = null;
        if (best == null || Leaderboard.ORDER.compare(r, best) < 0) best = r;
        state = CampaignState.CAMPAIGN_STATE_RUNNING;
        advance();
        publish();
        return this;
    }

    /** Starts the following phases while the current one is done. */
    private void advance() {
        while (active() && phases[current].started && phases[current].finished() >= phases[current].planned) {
            if (current + 1 == phases.length) {
                state = CampaignState.CAMPAIGN_STATE_COMPLETED;
                endedSeconds = (clock.millis() - startedMillis) / 1000.0;
                return;
            }
            current++;
            startPhase(current);
        }
    }

    private void startPhase(int ordinal) {
        PhaseSpec phase = spec.getPhases(ordinal);
        if (phase.hasFine() && !phase.hasSpace()) {
            String from = phase.getFine().getFromPhase();
            PhaseSpec source = spec.getPhases(TrialGenerator.ordinal(spec, from));
            SearchSpace narrowed = FineRange.narrow(TrialGenerator.space(spec, source), phase.getFine(),
                    leaderboard().top(Integer.MAX_VALUE, from));
            phase = phase.toBuilder().setSpace(narrowed).build();
            spec = spec.toBuilder().setPhases(ordinal, phase).build();
        }
        Phase p = phases[ordinal];
        p.planned = TrialGenerator.trialCount(spec, phase);
        p.started = true;
        if (p.planned == 0) return;
        List<TrialSpec> trials = new ArrayList<>(p.planned);
        for (int i = 0; i < p.planned; i++) trials.add(TrialGenerator.trial(spec, phase, i));
        coordinator.tell(new Coordinator.Enqueue(spec.getName(), List.copyOf(trials)));
    }

    private Leaderboard leaderboard() {
        if (board == null) board = Leaderboard.of(results);
        return board;
    }

    private Behavior<Command> onTopK(TopK m) {
        TopKQuery q = m.query();
        int k = q.getK() > 0 ? q.getK() : (spec.getTopK() > 0 ? spec.getTopK() : 10);
        List<TrialResult> top = q.getPhase().isEmpty() ? leaderboard().top(k) : leaderboard().top(k, q.getPhase());
        TopKAnswer.Builder a = TopKAnswer.newBuilder().setCampaign(spec.getName()).addAllRanked(top)
                .setTotal(results.size());
        if (!q.getPhase().isEmpty() && spec.getPhasesList().stream().noneMatch(p -> p.getName().equals(q.getPhase()))) {
            a.setError("campaign " + spec.getName() + " has no phase " + q.getPhase());
        }
        m.replyTo().tell(a.build());
        return this;
    }

    private Behavior<Command> onCancel(Cancel m) {
        if (!active()) return this;
        state = CampaignState.CAMPAIGN_STATE_CANCELLED;
        endedSeconds = (clock.millis() - startedMillis) / 1000.0;
        publish();
        return this;
    }

    private void publish() {
        coordinator.tell(new Coordinator.CampaignChanged(status()));
    }

    private CampaignStatus status() {
        CampaignStatus.Builder s = CampaignStatus.newBuilder().setCampaign(spec.getName()).setState(state)
                .setCurrentPhase(spec.getPhases(current).getName()).setStartedEpochMillis(startedMillis)
                .setElapsedSeconds(endedSeconds >= 0 ? endedSeconds : (clock.millis() - startedMillis) / 1000.0);
        for (int i = 0; i < phases.length; i++) {
            PhaseSpec ps = spec.getPhases(i);
            Phase p = phases[i];
            PhaseStatus.Builder b = PhaseStatus.newBuilder().setName(ps.getName()).setPlanned(p.planned)
                    .setCompleted(p.completed).setDiverged(p.diverged).setFailed(p.failed).setCancelled(p.cancelled);
            if (!ps.hasFine() || ps.hasSpace()) b.setSpace(TrialGenerator.space(spec, ps));
            s.addPhases(b);
        }
        if (best != null && best.getStatus() == io.hpsearch.protocol.v1.TrialStatus.TRIAL_STATUS_COMPLETED) s.setBest(best);
        return s.build();
    }
}
