package io.hpsearch.coordinator;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import io.hpsearch.coordinator.dispatch.DispatchQueue;
import io.hpsearch.coordinator.dispatch.Lease;
import io.hpsearch.coordinator.stats.CoordinatorStats;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.CancelAck;
import io.hpsearch.protocol.v1.CancelTrial;
import io.hpsearch.protocol.v1.NoWork;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialResultAck;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.protocol.v1.TrialStatus;
import io.hpsearch.protocol.v1.WorkerInfo;
import io.hpsearch.protocol.wire.ToCoordinator;
import io.hpsearch.protocol.wire.ToWorker;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The coordinator: queues campaigns, leases their trials to workers that ask, collects results,
 * answers status and top-k queries. Registers with the Receptionist under {@link #SERVICE_KEY}
 * ({@code ToCoordinator.KEY}). Its remote-facing messages are the {@link ToCoordinator} records of
 * the protocol module (see {@code io.hpsearch.protocol.wire}); {@link Command} are its internal ones.
 *
 * <p>Work pulling: a {@code RequestWork} is answered with up to {@code free_slots} leases from the
 * {@link DispatchQueue} (campaigns in submission order, trials by phase then index). When nothing
 * can be leased to the worker, the request is parked for up to {@link Settings#park} and served
 * as soon as trials arrive (e.g. a fine phase starting); after that it gets {@code Idle}.
 *
 * <p>Eligibility: a worker gets no trials of a campaign whose data fingerprint is set and not
 * among {@code WorkerInfo.data_fingerprints} (a worker that lists no fingerprints is taken to
 * load data on demand and is eligible until it reports {@code DataMissing}), nor of a campaign it
 * reported {@code DataMissing} for.
 *
 * <p>Worker loss: the coordinator watches each worker's reply-to ref; when it stops or its node
 * leaves the cluster, its leases go back to the queue (a trial leased {@code max_attempts} times
 * is recorded FAILED). A result for a trial that is no longer outstanding (already recorded, or of
 * a cancelled campaign) is acknowledged and ignored.
 */
public final class Coordinator extends AbstractBehavior<ToCoordinator> {
    public static final ServiceKey<ToCoordinator> SERVICE_KEY = ToCoordinator.KEY;

    /** Internal messages; never sent between nodes. */
    public interface Command extends ToCoordinator {
    }

    /** A campaign's phase is ready: queue these trials. */
    public record Enqueue(String campaign, List<TrialSpec> trials) implements Command {
    }

    /** A campaign's new status snapshot. */
    public record CampaignChanged(CampaignStatus status) implements Command {
    }

    /** A watched worker ref terminated (actor stopped or node removed). */
    record WorkerGone(String workerId, ActorRef<ToWorker> ref) implements Command {
    }

    enum Tick implements Command {
        INSTANCE
    }

    /**
     * Parameters.
     *
     * @param leaseMillis     told to workers in each lease (lease expiry is not enforced yet)
     * @param idleRetry       {@code NoWork.retry_after_millis}
     * @param park            how long a work request with nothing to lease waits for trials before {@code Idle}
     * @param tick            how often parked requests are checked for expiry
     * @param defaultAttempts max dispatches of a trial when the campaign sets none
     * @param nanoTime        monotonic clock of the histograms and parking
     * @param clock           wall clock of campaign start times
     * @param leasePrefix     prefix of lease ids
     */
    public record Settings(long leaseMillis, Duration idleRetry, Duration park, Duration tick, int defaultAttempts,
                           LongSupplier nanoTime, Clock clock, String leasePrefix) {
        public Settings {
            Objects.requireNonNull(nanoTime);
            Objects.requireNonNull(clock);
            if (defaultAttempts < 1) throw new IllegalArgumentException("defaultAttempts must be ≥ 1");
            if (tick.isZero() || tick.isNegative()) throw new IllegalArgumentException("tick must be > 0");
        }

        public static Settings defaults() {
            return new Settings(600_000, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(100), 3,
                    System::nanoTime, Clock.systemUTC(), "L-");
        }

        public Settings withPark(Duration park) {
            return new Settings(leaseMillis, idleRetry, park, tick, defaultAttempts, nanoTime, clock, leasePrefix);
        }

        public Settings withIdleRetry(Duration idleRetry) {
            return new Settings(leaseMillis, idleRetry, park, tick, defaultAttempts, nanoTime, clock, leasePrefix);
        }
    }

    public static Behavior<ToCoordinator> create(Settings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Coordinator(ctx, timers, settings)));
    }

    public static Behavior<ToCoordinator> create() {
        return create(Settings.defaults());
    }

    private static final class Campaign {
        final CampaignSpec spec;
        final ActorRef<CampaignActor.Command> actor;
        CampaignStatus status;

        Campaign(CampaignSpec spec, ActorRef<CampaignActor.Command> actor) {
            this.spec = spec;
            this.actor = actor;
        }

        boolean active() {
            return status == null || isActive(status.getState());
        }
    }

    private static final class Worker {
        WorkerInfo info;
        ActorRef<ToWorker> ref;
        final Set<String> excluded = new HashSet<>();

        Worker(WorkerInfo info, ActorRef<ToWorker> ref) {
            this.info = info;
            this.ref = ref;
        }
    }

    private record Parked(String workerId, int slots, long receivedNanos) {
    }

    private final Settings settings;
    private final DispatchQueue dispatch;
    private final CoordinatorStats stats = new CoordinatorStats();
    private final LinkedHashMap<String, Campaign> campaigns = new LinkedHashMap<>();
    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Parked> parked = new LinkedHashMap<>();
    private int campaignSeq = 0;

    private Coordinator(ActorContext<ToCoordinator> ctx, TimerScheduler<ToCoordinator> timers, Settings settings) {
        super(ctx);
        this.settings = settings;
        this.dispatch = new DispatchQueue(settings.leasePrefix());
        ctx.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, ctx.getSelf()));
        timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tick());
    }

    @Override
    public Receive<ToCoordinator> createReceive() {
        return newReceiveBuilder()
                .onMessage(ToCoordinator.RequestWork.class, this::onRequestWork)
                .onMessage(ToCoordinator.Result.class, this::onResult)
                .onMessage(ToCoordinator.Progress.class, m -> this)
                .onMessage(ToCoordinator.Heartbeat.class, this::onHeartbeat)
                .onMessage(ToCoordinator.DataMissing.class, this::onDataMissing)
                .onMessage(ToCoordinator.Submit.class, this::onSubmit)
                .onMessage(ToCoordinator.Cancel.class, this::onCancel)
                .onMessage(ToCoordinator.Status.class, this::onStatus)
                .onMessage(ToCoordinator.TopK.class, this::onTopK)
                .onMessage(Enqueue.class, this::onEnqueue)
                .onMessage(CampaignChanged.class, this::onCampaignChanged)
                .onMessage(WorkerGone.class, this::onWorkerGone)
                .onMessage(Tick.class, m -> onTick())
                .build();
    }

    // --- workers ---

    private String workerId(WorkerInfo info, ActorRef<ToWorker> ref) {
        return info.getWorkerId().isEmpty() ? ref.path().toString() : info.getWorkerId();
    }

    /** The worker's entry, created (and its ref watched) on first contact. */
    private Worker worker(WorkerInfo info, ActorRef<ToWorker> ref) {
        String id = workerId(info, ref);
        Worker w = workers.get(id);
        if (w == null) {
            w = new Worker(info, ref);
            workers.put(id, w);
            getContext().watchWith(ref, new WorkerGone(id, ref));
        } else {
            if (!w.ref.equals(ref)) {
                // same worker id, new actor (a restarted worker): the old incarnation's leases are lost
                getContext().unwatch(w.ref);
                requeueLeasesOf(id);
                w.ref = ref;
                getContext().watchWith(ref, new WorkerGone(id, ref));
            }
            if (info.getSlots() > 0 || info.getDataFingerprintsCount() > 0) w.info = info;
        }
        return w;
    }

    private boolean eligible(Worker w, String campaign) {
        if (w.excluded.contains(campaign)) return false;
        Campaign c = campaigns.get(campaign);
        if (c == null) return false;
        String fp = c.spec.getData().getFingerprint();
        if (fp.isEmpty() || w.info.getDataFingerprintsCount() == 0) return true;
        return w.info.getDataFingerprintsList().contains(fp);
    }

    private Behavior<ToCoordinator> onRequestWork(ToCoordinator.RequestWork m) {
        long now = settings.nanoTime().getAsLong();
        Worker w = worker(m.request().getWorker(), m.replyTo());
        String id = workerId(m.request().getWorker(), m.replyTo());
        parked.remove(id);
        int slots = Math.max(1, m.request().getFreeSlots());
        int served = serve(id, w, slots, now);
        if (served == 0) {
            if (settings.park().isZero()) {
                idle(w, "no trial to lease");
            } else {
                parked.put(id, new Parked(id, slots, now));
            }
        }
        return this;
    }

    /** Leases up to {@code slots} trials to the worker; returns how many. */
    private int serve(String id, Worker w, int slots, long requestNanos) {
        int served = 0;
        while (served < slots) {
            long now = settings.nanoTime().getAsLong();
            var lease = dispatch.lease(id, c -> eligible(w, c), now);
            if (lease.isEmpty()) break;
            Lease l = lease.get();
            w.ref.tell(new ToWorker.Lease(l.toWire(settings.leaseMillis())));
            stats.queueWait.recordNanos(now - l.enqueuedNanos());
            // from the moment both the request and the trial were there: a request parked while
            // no trial existed (before a campaign or between phases) is idle time, not dispatch
            stats.dispatchLatency.recordNanos(settings.nanoTime().getAsLong() - Math.max(requestNanos, l.enqueuedNanos()));
            served++;
        }
        return served;
    }

    private void serveParked() {
        if (parked.isEmpty() || dispatch.pendingCount() == 0) return;
        for (Iterator<Parked> it = parked.values().iterator(); it.hasNext(); ) {
            Parked p = it.next();
            Worker w = workers.get(p.workerId());
            if (w == null) {
                it.remove();
                continue;
            }
            if (serve(p.workerId(), w, p.slots(), p.receivedNanos()) > 0) it.remove();
            if (dispatch.pendingCount() == 0) break;
        }
    }

    private void idle(Worker w, String reason) {
        w.ref.tell(new ToWorker.Idle(NoWork.newBuilder().setRetryAfterMillis(settings.idleRetry().toMillis())
                .setReason(reason).build()));
    }

    private Behavior<ToCoordinator> onTick() {
        if (parked.isEmpty()) return this;
        long now = settings.nanoTime().getAsLong();
        long park = settings.park().toNanos();
        for (Iterator<Parked> it = parked.values().iterator(); it.hasNext(); ) {
            Parked p = it.next();
            if (now - p.receivedNanos() < park) continue;
            it.remove();
            Worker w = workers.get(p.workerId());
            if (w != null) idle(w, campaigns.values().stream().anyMatch(Campaign::active)
                    ? "no trial this worker can run now" : "no campaign running");
        }
        return this;
    }

    private Behavior<ToCoordinator> onHeartbeat(ToCoordinator.Heartbeat m) {
        worker(m.heartbeat().getWorker(), m.replyTo());
        return this;
    }

    private Behavior<ToCoordinator> onDataMissing(ToCoordinator.DataMissing m) {
        Worker w = worker(m.report().getWorker(), m.replyTo());
        String id = workerId(m.report().getWorker(), m.replyTo());
        String campaign = m.report().getCampaign();
        w.excluded.add(campaign);
        getContext().getLog().warn("worker {} cannot load the data of campaign {}: {}", id, campaign,
                m.report().getError());
        // every lease the worker holds for that campaign goes back, without counting an attempt
        long now = settings.nanoTime().getAsLong();
        for (Lease l : dispatch.leasesOf(id)) {
            if (l.campaign().equals(campaign)) dispatch.release(l.leaseId(), false, now);
        }
        serveParked();
        return this;
    }

    private Behavior<ToCoordinator> onWorkerGone(WorkerGone m) {
        Worker w = workers.get(m.workerId());
        if (w == null || !w.ref.equals(m.ref())) return this;
        workers.remove(m.workerId());
        parked.remove(m.workerId());
        int n = requeueLeasesOf(m.workerId());
        getContext().getLog().info("worker {} left; {} leases released", m.workerId(), n);
        serveParked();
        return this;
    }

    private int requeueLeasesOf(String workerId) {
        var lost = dispatch.releaseWorker(workerId, settings.nanoTime().getAsLong());
        for (DispatchQueue.Lost l : lost) {
            if (l.requeued()) continue;
            Campaign c = campaigns.get(l.lease().campaign());
            if (c == null) continue;
            TrialSpec t = l.lease().trial();
            c.actor.tell(new CampaignActor.Record(TrialResult.newBuilder().setId(t.getId())
                    .setStatus(TrialStatus.TRIAL_STATUS_FAILED).addAllParams(t.getParamsList())
                    .setWorkerId(workerId).setLeaseId(l.lease().leaseId())
                    .setError("lost with its worker on attempt " + l.lease().attempt() + " of " + maxAttempts(c.spec))
                    .build()));
        }
        return lost.size();
    }

    private Behavior<ToCoordinator> onResult(ToCoordinator.Result m) {
        TrialResult r = m.result();
        m.replyTo().tell(new ToWorker.Ack(TrialResultAck.newBuilder().setId(r.getId()).setLeaseId(r.getLeaseId()).build()));
        var done = dispatch.complete(r.getId());
        if (done.isEmpty()) return this; // already recorded, or its campaign was cancelled
        Lease l = done.get().lease();
        if (l != null) stats.trialDuration.recordNanos(settings.nanoTime().getAsLong() - l.leasedNanos());
        Campaign c = campaigns.get(r.getId().getCampaign());
        if (c != null) c.actor.tell(new CampaignActor.Record(r));
        return this;
    }

    // --- campaigns ---

    private int maxAttempts(CampaignSpec spec) {
        return spec.getMaxAttempts() > 0 ? spec.getMaxAttempts() : settings.defaultAttempts();
    }

    private Behavior<ToCoordinator> onSubmit(ToCoordinator.Submit m) {
        CampaignSpec spec = m.request().getSpec();
        CampaignAck.Builder ack = CampaignAck.newBuilder().setCampaign(spec.getName());
        if (campaigns.containsKey(spec.getName())) {
            m.replyTo().tell(ack.setError("a campaign named " + spec.getName() + " was already submitted").build());
            return this;
        }
        int planned;
        try {
            planned = CampaignActor.plan(spec);
        } catch (RuntimeException e) {
            m.replyTo().tell(ack.setError(e.getMessage() == null ? e.toString() : e.getMessage()).build());
            return this;
        }
        dispatch.addCampaign(spec.getName(), maxAttempts(spec));
        ActorRef<CampaignActor.Command> actor = getContext().spawn(
                CampaignActor.create(spec, getContext().getSelf(), settings.clock()), "campaign-" + (++campaignSeq));
        campaigns.put(spec.getName(), new Campaign(spec, actor));
        m.replyTo().tell(ack.setAccepted(true).setTrialsPlanned(planned).build());
        return this;
    }

    private Behavior<ToCoordinator> onEnqueue(Enqueue m) {
        Campaign c = campaigns.get(m.campaign());
        if (c == null || !c.active() || !dispatch.hasCampaign(m.campaign())) return this;
        long now = settings.nanoTime().getAsLong();
        for (TrialSpec t : m.trials()) dispatch.enqueue(t, now);
        serveParked();
        return this;
    }

    private Behavior<ToCoordinator> onCampaignChanged(CampaignChanged m) {
        Campaign c = campaigns.get(m.status().getCampaign());
        if (c == null) return this;
        // a snapshot sent before a cancel was processed must not bring the campaign back to life
        if (c.status != null && !c.active() && isActive(m.status().getState())) return this;
        c.status = m.status();
        return this;
    }

    private Behavior<ToCoordinator> onCancel(ToCoordinator.Cancel m) {
        String name = m.request().getCampaign();
        CancelAck.Builder ack = CancelAck.newBuilder().setCampaign(name);
        Campaign c = campaigns.get(name);
        if (c == null) {
            m.replyTo().tell(ack.setError("no campaign " + name).build());
            return this;
        }
        if (!c.active()) {
            m.replyTo().tell(ack.setError("campaign " + name + " is already " + stateName(c.status.getState())).build());
            return this;
        }
        String reason = m.request().getReason().isEmpty() ? "campaign cancelled" : m.request().getReason();
        for (Lease l : dispatch.removeCampaign(name)) {
            Worker w = workers.get(l.workerId());
            if (w != null) {
                w.ref.tell(new ToWorker.Cancel(CancelTrial.newBuilder().setId(l.id()).setLeaseId(l.leaseId())
                        .setReason(reason).build()));
            }
        }
        // the status flips now, so a status query right after the ack sees it
        c.status = (c.status == null ? CampaignStatus.newBuilder().setCampaign(name) : c.status.toBuilder())
                .setState(CampaignState.CAMPAIGN_STATE_CANCELLED).build();
        c.actor.tell(new CampaignActor.Cancel(reason));
        m.replyTo().tell(ack.setCancelled(true).build());
        return this;
    }

    static boolean isActive(CampaignState s) {
        return s == CampaignState.CAMPAIGN_STATE_PENDING || s == CampaignState.CAMPAIGN_STATE_RUNNING;
    }

    private static String stateName(CampaignState s) {
        return s.name().replace("CAMPAIGN_STATE_", "").toLowerCase(java.util.Locale.ROOT);
    }

    private Behavior<ToCoordinator> onStatus(ToCoordinator.Status m) {
        StatusAnswer.Builder a = StatusAnswer.newBuilder();
        String name = m.query().getCampaign();
        if (!name.isEmpty() && !campaigns.containsKey(name)) {
            a.setError("no campaign " + name);
        }
        for (Campaign c : campaigns.values()) {
            if (!name.isEmpty() && !c.spec.getName().equals(name)) continue;
            a.addCampaigns(liveStatus(c));
        }
        for (Worker w : workers.values()) a.addWorkers(w.info);
        a.addAllStats(stats.summaries());
        m.replyTo().tell(a.build());
        return this;
    }

    /** The campaign's snapshot with the dispatch figures (running, pending) filled in. */
    private CampaignStatus liveStatus(Campaign c) {
        CampaignStatus s = c.status != null ? c.status
                : CampaignStatus.newBuilder().setCampaign(c.spec.getName()).setState(CampaignState.CAMPAIGN_STATE_PENDING).build();
        Map<Integer, Integer> pending = dispatch.pendingByPhase(c.spec.getName());
        Map<Integer, Integer> running = dispatch.runningByPhase(c.spec.getName());
        CampaignStatus.Builder b = s.toBuilder();
        int runningTotal = 0;
        for (int i = 0; i < b.getPhasesCount(); i++) {
            PhaseStatus.Builder p = b.getPhasesBuilder(i);
            p.setPending(pending.getOrDefault(i, 0)).setRunning(running.getOrDefault(i, 0));
            runningTotal += p.getRunning();
        }
        if (b.getState() == CampaignState.CAMPAIGN_STATE_PENDING && runningTotal > 0) {
            b.setState(CampaignState.CAMPAIGN_STATE_RUNNING);
        }
        if (c.active() && b.getStartedEpochMillis() > 0) {
            b.setElapsedSeconds((settings.clock().millis() - b.getStartedEpochMillis()) / 1000.0);
        }
        return b.build();
    }

    private Behavior<ToCoordinator> onTopK(ToCoordinator.TopK m) {
        Campaign c = campaigns.get(m.query().getCampaign());
        if (c == null) {
            m.replyTo().tell(TopKAnswer.newBuilder().setCampaign(m.query().getCampaign())
                    .setError("no campaign " + m.query().getCampaign()).build());
            return this;
        }
        c.actor.tell(new CampaignActor.TopK(m.query(), m.replyTo()));
        return this;
    }
}
