package io.hpsearch.coordinator;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.cluster.typed.Cluster;
import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.coordinator.dispatch.DispatchQueue;
import io.hpsearch.coordinator.dispatch.Lease;
import io.hpsearch.coordinator.journal.Journal;
import io.hpsearch.coordinator.state.CampaignRun;
import io.hpsearch.coordinator.state.CoordinatorState;
import io.hpsearch.coordinator.stats.CoordinatorStats;
import io.hpsearch.protocol.BuildInfo;
import io.hpsearch.protocol.WorkerIds;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.CancelAck;
import io.hpsearch.protocol.v1.CancelTrial;
import io.hpsearch.protocol.v1.JournalEntry;
import io.hpsearch.protocol.v1.NoWork;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialResultAck;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.protocol.v1.TrialStatus;
import io.hpsearch.protocol.v1.WorkerInfo;
import io.hpsearch.protocol.v1.WorkerRefused;
import io.hpsearch.protocol.wire.ToCoordinator;
import io.hpsearch.protocol.wire.ToWorker;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
 * <p>State: a {@link CoordinatorState} (campaigns and the trial queue), changed only by journal
 * entries. Every event is first appended to the {@link Journal} (when there is one) and then
 * applied; an event that someone is told about (a submission or cancellation answered, a result
 * acknowledged) is forced to disk before the answer goes out. Leases are appended without a force:
 * losing one in a crash only means the trial is dispatched again. When the journal cannot be
 * written the coordinator stops (its actor system ends), so nothing is acknowledged that a
 * restart would not know.
 *
 * <p>Work pulling: a {@code RequestWork} is answered with up to {@code free_slots} leases (campaigns
 * in submission order, trials by phase then index; a trial that threw on this worker goes to
 * another one if any other worker is known). When nothing can be leased to the worker, the
 * request is parked for up to {@link Settings#park} and served as soon as trials arrive (e.g. a
 * fine phase starting); after that it gets {@code Idle}.
 *
 * <p>Eligibility: a worker gets no trials of a campaign whose data fingerprint is set and not
 * among {@code WorkerInfo.data_fingerprints} (a worker that lists no fingerprints is taken to
 * load data on demand and is eligible until it reports {@code DataMissing}), nor of a campaign it
 * reported {@code DataMissing} for. A campaign's status says why its waiting trials do not run
 * ({@code CampaignStatus.waiting}): no worker yet, what each worker said about the data no worker
 * can load, or the earlier campaigns ahead of it.
 *
 * <p>Training code: a coordinator whose {@link Settings#build} has a code fingerprint leases only to
 * workers with the same one ({@code WorkerInfo.code_fingerprint}) and records only results that
 * carry it; any other worker is answered {@code Refused} (it stops) and named in the status of a
 * campaign that waits for a worker. Trials are a pure function of the campaign only for one code.
 *
 * <p>Failures: the coordinator watches each worker's reply-to ref; when it stops or its node
 * leaves the cluster, its leases go back to the queue. (A watch that Akka ends while the worker's
 * node is still a member, as it does for a node back at the address of a removed one, is made
 * again once: see {@link WorkerNodeStatus}.) A lease whose trial reports no progress
 * for {@link Settings#leaseMillis} expires and goes back too (its holder is told to cancel). A
 * trial that throws goes back to the queue as well. Each of these uses one of the trial's
 * {@code max_attempts}; a trial out of attempts is recorded FAILED with the last error. A trial
 * its worker reports CANCELLED (the worker was stopping) goes back to the queue too, without
 * using an attempt. A result for a trial that is no longer outstanding (already recorded, or
 * pending when its campaign was cancelled) is acknowledged and ignored: trials run at least once,
 * and appear in the table exactly once.
 *
 * <p>Cancelling a campaign drops its pending trials and tells the holders of its leases to stop.
 * What each holder then reports is the trial's result: CANCELLED with the epochs it ran (a FAILED
 * report too: a cancelled campaign retries nothing), or its result if it finished first. A lease
 * that ends without a report (worker lost, lease expired, coordinator restarted) is recorded
 * CANCELLED without curves. So every trial a campaign leased is counted and in its table once.
 */
public final class Coordinator extends AbstractBehavior<ToCoordinator> {
    public static final ServiceKey<ToCoordinator> SERVICE_KEY = ToCoordinator.KEY;
    /**
     * Serialized results per top-k answer. A campaign's results with their curves can be many
     * megabytes, more than Artery's frame (hpsearch-cluster.conf) holds, and one large message holds
     * up the others on its connection, so clients ask page by page.
     */
    static final int TOP_K_PAGE_BYTES = 128 * 1024;
    /**
     * A tick this much later than the one before means this process was paused (frozen, a VM
     * stopped, a long GC) or the actor held up that long; see {@link #justResumed}.
     */
    static final Duration PAUSE = Duration.ofSeconds(3);
    /** How long after such a pause work requests are answered "ask again" rather than served. */
    static final Duration AFTER_PAUSE = Duration.ofSeconds(2);

    /** Internal messages; never sent between nodes. */
    public interface Command extends ToCoordinator {
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
     * @param leaseMillis     a lease whose trial reports no progress for this long expires (told to
     *                        workers in each lease)
     * @param idleRetry       {@code NoWork.retry_after_millis} when a request is answered Idle at once
     *                        (without parking); after a whole park it is 0
     * @param park            how long a work request with nothing to lease waits for trials before {@code Idle}
     * @param tick            how often parked requests and leases are checked for expiry
     * @param defaultAttempts max dispatches of a trial when the campaign sets none
     * @param nanoTime        monotonic clock of the histograms, parking and lease expiry
     * @param clock           wall clock of campaign start times and journal entries
     * @param leasePrefix     prefix of lease ids (followed by the lease's journal sequence)
     * @param build           this coordinator's hpsearch; when it {@linkplain BuildInfo#checksCode checks
     *                        code}, only workers with its training code get trials, and only their
     *                        results are recorded
     */
    public record Settings(long leaseMillis, Duration idleRetry, Duration park, Duration tick, int defaultAttempts,
                           LongSupplier nanoTime, Clock clock, String leasePrefix, BuildInfo build) {
        public Settings {
            Objects.requireNonNull(nanoTime);
            Objects.requireNonNull(clock);
            Objects.requireNonNull(build);
            if (leaseMillis < 1) throw new IllegalArgumentException("leaseMillis must be ≥ 1");
            // the expiry check works in nanoseconds
            if (leaseMillis > Long.MAX_VALUE / 1_000_000L) throw new IllegalArgumentException("leaseMillis too large: " + leaseMillis);
            if (defaultAttempts < 1) throw new IllegalArgumentException("defaultAttempts must be ≥ 1");
            if (tick.isZero() || tick.isNegative()) throw new IllegalArgumentException("tick must be > 0");
        }

        /** Default lease timeout: 10 minutes without an epoch reported. */
        public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofMinutes(10);

        public static Settings defaults() {
            return new Settings(DEFAULT_LEASE_TIMEOUT.toMillis(), Duration.ofMillis(500), Duration.ofSeconds(2),
                    Duration.ofMillis(100), 3, System::nanoTime, Clock.systemUTC(), "L-", BuildInfo.unchecked("unknown"));
        }

        public Settings withPark(Duration park) {
            return new Settings(leaseMillis, idleRetry, park, tick, defaultAttempts, nanoTime, clock, leasePrefix, build);
        }

        public Settings withIdleRetry(Duration idleRetry) {
            return new Settings(leaseMillis, idleRetry, park, tick, defaultAttempts, nanoTime, clock, leasePrefix, build);
        }

        public Settings withLeaseTimeout(Duration timeout) {
            return new Settings(timeout.toMillis(), idleRetry, park, tick, defaultAttempts, nanoTime, clock, leasePrefix, build);
        }

        public Settings withBuild(BuildInfo build) {
            return new Settings(leaseMillis, idleRetry, park, tick, defaultAttempts, nanoTime, clock, leasePrefix, build);
        }
    }

    /** A coordinator that keeps its state in memory only. */
    public static Behavior<ToCoordinator> create(Settings settings) {
        return create(settings, new CoordinatorState(settings.leasePrefix(), settings.defaultAttempts()), null);
    }

    public static Behavior<ToCoordinator> create() {
        return create(Settings.defaults());
    }

    /**
     * A coordinator carrying on from {@code state} (replayed from {@code journal}), appending to
     * {@code journal}, which it closes when it stops; {@code journal} null keeps state in memory.
     */
    public static Behavior<ToCoordinator> create(Settings settings, CoordinatorState state, Journal journal) {
        return behavior(settings, state, journal, true);
    }

    /**
     * A coordinator with state in memory that no one can find (it does not register with the
     * Receptionist) and that logs nothing: {@link ActorWarmUp}'s.
     */
    static Behavior<ToCoordinator> unlisted(Settings settings) {
        return behavior(settings, new CoordinatorState(settings.leasePrefix(), settings.defaultAttempts()), null, false);
    }

    private static Behavior<ToCoordinator> behavior(Settings settings, CoordinatorState state, Journal journal, boolean listed) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Coordinator(ctx, timers, settings, state, journal, listed)));
    }

    private static final class Worker {
        WorkerInfo info;
        ActorRef<ToWorker> ref;
        /** Campaigns whose data it cannot load → what it said. */
        final Map<String, String> excluded = new HashMap<>();
        /** The watch of {@link #ref} ended once and was made again (see {@link WorkerNodeStatus}). */
        boolean watchRenewed;

        Worker(WorkerInfo info, ActorRef<ToWorker> ref) {
            this.info = info;
            this.ref = ref;
        }
    }

    private record Parked(String workerId, int slots, long receivedNanos) {
    }

    private final Settings settings;
    private final Logger log;
    private final CoordinatorState state;
    private final DispatchQueue dispatch;
    private final Journal journal;
    private boolean journalFailed;
    private final CoordinatorStats stats = new CoordinatorStats();
    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Parked> parked = new LinkedHashMap<>();
    /** When the last tick ran, and until when requests are held off after a pause ({@link #justResumed}). */
    private long lastTickNanos;
    private long heldOffUntilNanos;
    /** Workers whose watch ended while their node was Joining: watched again once it is up. */
    private final Set<String> awaitingUp = new LinkedHashSet<>();
    /** Workers refused for other training code, the latest {@link #REFUSED_KEPT}: worker id → what it runs. */
    private final LinkedHashMap<String, String> refused = new LinkedHashMap<>();
    private static final int REFUSED_KEPT = 20;

    private Coordinator(ActorContext<ToCoordinator> ctx, TimerScheduler<ToCoordinator> timers, Settings settings,
                        CoordinatorState state, Journal journal, boolean listed) {
        super(ctx);
        this.settings = settings;
        this.log = listed ? ctx.getLog() : NOPLogger.NOP_LOGGER;
        this.state = state;
        this.dispatch = state.dispatch();
        this.journal = journal;
        if (listed) ctx.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, ctx.getSelf()));
        timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tick());
        lastTickNanos = settings.nanoTime().getAsLong();
        heldOffUntilNanos = lastTickNanos;
        // a journal may end before the records that a lease's end, a result or a restart led to
        recordStoppedWithoutResult();
        for (CampaignRun run : List.copyOf(state.campaigns())) advance(run);
    }

    @Override
    public Receive<ToCoordinator> createReceive() {
        return newReceiveBuilder()
                .onMessage(ToCoordinator.RequestWork.class, this::onRequestWork)
                .onMessage(ToCoordinator.Result.class, this::onResult)
                .onMessage(ToCoordinator.Progress.class, this::onProgress)
                .onMessage(ToCoordinator.Heartbeat.class, this::onHeartbeat)
                .onMessage(ToCoordinator.DataMissing.class, this::onDataMissing)
                .onMessage(ToCoordinator.Submit.class, this::onSubmit)
                .onMessage(ToCoordinator.Cancel.class, this::onCancel)
                .onMessage(ToCoordinator.Status.class, this::onStatus)
                .onMessage(ToCoordinator.TopK.class, this::onTopK)
                .onMessage(WorkerGone.class, this::onWorkerGone)
                .onMessage(Tick.class, m -> onTick())
                .onSignal(PostStop.class, s -> onStop())
                .build();
    }

    // --- the journal ---

    private JournalEntry.Builder entry() {
        return JournalEntry.newBuilder().setSequence(state.lastSequence() + 1).setEpochMillis(settings.clock().millis());
    }

    /**
     * Appends the event to the journal (forced to disk with {@code durable}) and applies it.
     * Returns false if the journal could not take it: the event did not happen, and the
     * coordinator is stopping.
     */
    private boolean commit(JournalEntry e, boolean durable) {
        if (journalFailed) return false;
        if (journal != null) {
            try {
                if (durable) journal.append(e);
                else journal.appendBuffered(e);
            } catch (IOException | RuntimeException x) {
                journalFailed = true;
                log.error("cannot write the journal {}; stopping the coordinator so that nothing is "
                        + "acknowledged that a restart would not know (restart it to carry on)", journal.file(), x);
                getContext().getSystem().terminate();
                return false;
            }
        }
        state.apply(e, settings.nanoTime().getAsLong());
        return true;
    }

    /** Forces buffered appends (leases) to disk, so that a power cut loses at most a tick's worth. */
    private void syncJournal() {
        if (journal == null || journalFailed) return;
        try {
            journal.sync();
        } catch (IOException | RuntimeException x) {
            journalFailed = true;
            log.error("cannot write the journal {}; stopping the coordinator", journal.file(), x);
            getContext().getSystem().terminate();
        }
    }

    private Behavior<ToCoordinator> onStop() {
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                log.warn("closing the journal {}: {}", journal.file(), e.toString());
            }
        }
        return this;
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
                w.watchRenewed = false;
                awaitingUp.remove(id);
                getContext().watchWith(ref, new WorkerGone(id, ref));
            }
            if (info.getSlots() > 0 || info.getDataFingerprintsCount() > 0) w.info = info;
        }
        return w;
    }

    private boolean eligible(Worker w, String campaign) {
        if (w.excluded.containsKey(campaign)) return false;
        CampaignRun c = state.campaign(campaign).orElse(null);
        if (c == null) return false;
        String fp = c.spec().getData().getFingerprint();
        if (fp.isEmpty() || w.info.getDataFingerprintsCount() == 0) return true;
        return w.info.getDataFingerprintsList().contains(fp);
    }

    /** A trial that threw on this worker is retried elsewhere, unless every known worker failed it. */
    private boolean mayTake(String workerId, DispatchQueue.Pending p) {
        Set<String> failed = dispatch.failedOn(p.trial().getId());
        if (failed.isEmpty() || !failed.contains(workerId)) return true;
        return failed.containsAll(workers.keySet());
    }

    /**
     * Whether the worker may take part: always when this coordinator checks no code, else when its
     * training code is this coordinator's. A worker that may not is told so ({@link ToWorker.Refused};
     * it stops) and is not kept: a campaign's table must not mix trials trained by different code.
     */
    private boolean admitted(WorkerInfo info, ActorRef<ToWorker> ref) {
        if (settings.build().admits(info.getCodeFingerprint())) return true;
        refuse(ref, workerId(info, ref), BuildInfo.describe(info.getVersion(), info.getCodeFingerprint()));
        return false;
    }

    private void refuse(ActorRef<ToWorker> ref, String workerId, String theirs) {
        if (refused.put(workerId, theirs) == null) {
            log.warn("refused worker {}: it runs {}, this coordinator {}; it gets no trials", workerId, theirs,
                    settings.build());
            if (refused.size() > REFUSED_KEPT) refused.remove(refused.keySet().iterator().next());
        }
        ref.tell(new ToWorker.Refused(WorkerRefused.newBuilder()
                .setReason("this worker runs " + theirs + ", the coordinator " + settings.build() + ": every trial of a "
                        + "table must be trained by the same code; run the coordinator's build here (copy its "
                        + "deploy/target/hpsearch.jar, or build the same sources)")
                .setCoordinatorVersion(settings.build().version())
                .setCoordinatorCodeFingerprint(settings.build().codeFingerprint()).build()));
    }

    private Behavior<ToCoordinator> onRequestWork(ToCoordinator.RequestWork m) {
        if (!admitted(m.request().getWorker(), m.replyTo())) return this;
        long now = settings.nanoTime().getAsLong();
        Worker w = worker(m.request().getWorker(), m.replyTo());
        String id = workerId(m.request().getWorker(), m.replyTo());
        parked.remove(id);
        if (justResumed(now)) {
            idle(w, settings.idleRetry(), "the coordinator was paused; ask again");
            return this;
        }
        int slots = Math.max(1, m.request().getFreeSlots());
        int served = serve(id, w, slots, now);
        if (served == 0) {
            if (settings.park().isZero()) {
                idle(w, settings.idleRetry(), "no trial to lease");
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
            var next = dispatch.next(c -> eligible(w, c), p -> mayTake(id, p));
            if (next.isEmpty()) break;
            TrialSpec t = next.get().trial();
            JournalEntry.Builder e = entry();
            String leaseId = settings.leasePrefix() + e.getSequence();
            e.setTrialLeased(JournalEntry.TrialLeased.newBuilder().setId(t.getId()).setLeaseId(leaseId)
                    .setWorkerId(id).setAttempt(next.get().attempts() + 1));
            if (!commit(e.build(), false)) break;
            Lease l = dispatch.leaseById(leaseId).orElseThrow();
            w.ref.tell(new ToWorker.Lease(l.toWire(settings.leaseMillis())));
            long now = settings.nanoTime().getAsLong();
            stats.queueWait.recordNanos(l.leasedNanos() - l.enqueuedNanos());
            // from the moment both the request and the trial were there: a request parked while
            // no trial existed (before a campaign or between phases) is idle time, not dispatch
            stats.dispatchLatency.recordNanos(now - Math.max(requestNanos, l.enqueuedNanos()));
            served++;
        }
        return served;
    }

    /**
     * Whether this coordinator has just come back from a pause: its tick is overdue by more than
     * {@link #PAUSE}, or came less than {@link #AFTER_PAUSE} ago after such a gap. Work requests
     * that arrive then were mostly sent while it was paused, and a pause of more than about 15 s
     * (a frozen process) has made every worker cut off from it down itself and start a new node:
     * a lease for the request of a worker's old node goes to no one, and costs the trial an
     * attempt and the time until that node is removed. So they are answered "ask again"; a worker
     * that is still there asks again half a second later (Idle's retry), and the new nodes ask
     * once they have joined.
     */
    private boolean justResumed(long now) {
        return tickOverdue(now) || now - heldOffUntilNanos < 0;
    }

    /** Whether more than {@link #PAUSE} has passed since the last tick. */
    private boolean tickOverdue(long now) {
        return now - lastTickNanos > PAUSE.toNanos();
    }

    private void serveParked() {
        if (parked.isEmpty() || dispatch.pendingCount() == 0) return;
        if (justResumed(settings.nanoTime().getAsLong())) return; // parked before the pause: expired by the ticks
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

    private void idle(Worker w, Duration retryAfter, String reason) {
        w.ref.tell(new ToWorker.Idle(NoWork.newBuilder().setRetryAfterMillis(retryAfter.toMillis())
                .setReason(reason).build()));
    }

    private Behavior<ToCoordinator> onTick() {
        long now = settings.nanoTime().getAsLong();
        if (tickOverdue(now)) {
            heldOffUntilNanos = now + AFTER_PAUSE.toNanos();
            log.warn("no tick for {} s (this process was paused, or the coordinator held up); work requests of the "
                    + "next {} s are answered 'ask again'", String.format(Locale.ROOT, "%.1f", (now - lastTickNanos) / 1e9),
                    AFTER_PAUSE.toSeconds());
        }
        lastTickNanos = now;
        syncJournal();
        expireLeases(now);
        if (!awaitingUp.isEmpty()) watchWorkersUp();
        if (parked.isEmpty()) return this;
        long park = settings.park().toNanos();
        for (Iterator<Parked> it = parked.values().iterator(); it.hasNext(); ) {
            Parked p = it.next();
            if (now - p.receivedNanos() < park) continue;
            it.remove();
            Worker w = workers.get(p.workerId());
            // The request has waited the whole park already: the worker may ask again at once. While
            // it waited out a retry delay, a campaign submitted then would not reach it (with 500 ms
            // after every 2 s park, a worker missed a new campaign's start by up to 0.5 s in one
            // case in five).
            if (w != null) idle(w, Duration.ZERO, state.campaigns().stream().anyMatch(CampaignRun::active)
                    ? "no trial this worker can run now" : "no campaign running");
        }
        return this;
    }

    private void expireLeases(long now) {
        List<Lease> expired = dispatch.expired(now, settings.leaseMillis() * 1_000_000L);
        if (expired.isEmpty()) return;
        for (Lease l : expired) {
            log.warn("lease {} of trial {} on worker {} expired: no progress for {} ms; re-queueing it",
                    l.leaseId(), describe(l.id()), l.workerId(), settings.leaseMillis());
            Worker w = workers.get(l.workerId());
            if (w != null) {
                w.ref.tell(new ToWorker.Cancel(CancelTrial.newBuilder().setId(l.id()).setLeaseId(l.leaseId())
                        .setReason("lease expired").build()));
            }
            release(l, JournalEntry.LeaseReleased.Reason.REASON_LEASE_EXPIRED,
                    "no progress for " + settings.leaseMillis() + " ms on attempt " + l.attempt(), null);
        }
        serveParked();
    }

    private Behavior<ToCoordinator> onProgress(ToCoordinator.Progress m) {
        dispatch.renew(m.progress().getLeaseId(), settings.nanoTime().getAsLong());
        return this;
    }

    private Behavior<ToCoordinator> onHeartbeat(ToCoordinator.Heartbeat m) {
        if (!admitted(m.heartbeat().getWorker(), m.replyTo())) return this;
        worker(m.heartbeat().getWorker(), m.replyTo());
        return this;
    }

    private Behavior<ToCoordinator> onDataMissing(ToCoordinator.DataMissing m) {
        if (!admitted(m.report().getWorker(), m.replyTo())) return this;
        Worker w = worker(m.report().getWorker(), m.replyTo());
        String id = workerId(m.report().getWorker(), m.replyTo());
        String campaign = m.report().getCampaign();
        w.excluded.put(campaign, m.report().getError());
        log.warn("worker {} cannot load the data of campaign {}: {}", id, campaign,
                m.report().getError());
        // every lease the worker holds for that campaign goes back, without counting an attempt
        for (Lease l : dispatch.leasesOf(id)) {
            if (l.campaign().equals(campaign)) {
                release(l, JournalEntry.LeaseReleased.Reason.REASON_DATA_MISSING, m.report().getError(), null);
            }
        }
        serveParked();
        return this;
    }

    private Behavior<ToCoordinator> onWorkerGone(WorkerGone m) {
        Worker w = workers.get(m.workerId());
        if (w == null || !w.ref.equals(m.ref()) || awaitingUp.contains(m.workerId())) return this;
        if (!w.watchRenewed) {
            // a worker back at the address of a removed node (see WorkerNodeStatus)
            switch (nodeStatus(w.ref)) {
                case UP -> {
                    w.watchRenewed = true;
                    getContext().watchWith(w.ref, new WorkerGone(m.workerId(), w.ref));
                    log.info("watch of worker {} ended while its node is up; watching it again", m.workerId());
                    return this;
                }
                case JOINING -> {
                    awaitingUp.add(m.workerId());
                    log.info("watch of worker {} ended while its node is joining; watching it again once "
                            + "the node is up", m.workerId());
                    return this;
                }
                case GONE -> {
                }
            }
        }
        workerLeft(m.workerId());
        return this;
    }

    private void workerLeft(String workerId) {
        workers.remove(workerId);
        parked.remove(workerId);
        awaitingUp.remove(workerId);
        int n = requeueLeasesOf(workerId);
        log.info("worker {} left; {} leases released", workerId, n);
        serveParked();
    }

    /** Watches again the workers whose node was joining once it is up; drops those whose node went. */
    private void watchWorkersUp() {
        for (String id : List.copyOf(awaitingUp)) {
            Worker w = workers.get(id);
            WorkerNodeStatus status = w == null ? WorkerNodeStatus.GONE : nodeStatus(w.ref);
            if (status == WorkerNodeStatus.JOINING) continue;
            awaitingUp.remove(id);
            if (status == WorkerNodeStatus.UP) {
                w.watchRenewed = true;
                getContext().watchWith(w.ref, new WorkerGone(id, w.ref));
                log.info("node of worker {} is up; watching the worker again", id);
            } else if (w != null) {
                workerLeft(id);
            }
        }
    }

    /**
     * The cluster status of the node of a worker's ref, as this node sees it. The cluster's view
     * ({@code state()}) takes in a membership event after Akka's remote watcher has it in its
     * mailbox (both get it from one publish), so a watch made once the view has the node up
     * reaches the remote watcher after the event that makes the watch hold.
     */
    private WorkerNodeStatus nodeStatus(ActorRef<ToWorker> ref) {
        Address address = ref.path().address();
        if (address.hasLocalScope()) return WorkerNodeStatus.GONE; // an actor of this node that stopped
        return WorkerNodeStatus.of(Cluster.get(getContext().getSystem()).state().getMembers(), address);
    }

    private int requeueLeasesOf(String workerId) {
        List<Lease> held = dispatch.leasesOf(workerId);
        for (Lease l : held) {
            release(l, JournalEntry.LeaseReleased.Reason.REASON_WORKER_LOST,
                    "lost with its worker on attempt " + l.attempt(), null);
        }
        return held.size();
    }

    /**
     * Journals and applies the end of a lease without a final result. If that used up the
     * trial's attempts, records it FAILED: with {@code failure} (the worker's result) if given,
     * else with {@code error}. Returns false if the journal failed.
     */
    private boolean release(Lease l, JournalEntry.LeaseReleased.Reason reason, String error, TrialResult failure) {
        JournalEntry.Builder e = entry().setLeaseReleased(JournalEntry.LeaseReleased.newBuilder().setId(l.id())
                .setLeaseId(l.leaseId()).setWorkerId(l.workerId()).setReason(reason).setError(error));
        // durable when a worker is told about it (a result acknowledged right after); otherwise the
        // release is re-derived after a crash anyway (the lease is voided on replay)
        if (!commit(e.build(), failure != null)) return false;
        if (dispatch.isOutstanding(l.id())) return true; // re-queued
        CampaignRun c = state.campaign(l.campaign()).orElse(null);
        if (c != null && c.state() == CampaignState.CAMPAIGN_STATE_CANCELLED) return recordStoppedWithoutResult();
        if (c == null || !c.active()) return true;
        TrialResult failed = failure != null ? failure : TrialResult.newBuilder().setId(l.id())
                .setStatus(TrialStatus.TRIAL_STATUS_FAILED).addAllParams(l.trial().getParamsList())
                .setWorkerId(l.workerId()).setLeaseId(l.leaseId()).build();
        if (failed.getError().isEmpty()) failed = failed.toBuilder().setError(error).build();
        log.warn("trial {} is out of attempts ({}); recorded FAILED: {}", describe(l.id()),
                state.maxAttempts(c.spec()), failed.getError());
        return recordResult(failed);
    }

    /**
     * Records CANCELLED, without curves, the trials of cancelled campaigns whose lease ended
     * without a result (see {@link CoordinatorState#stoppedWithoutResult()}). False if the journal failed.
     */
    private boolean recordStoppedWithoutResult() {
        for (CoordinatorState.Stopped s : state.stoppedWithoutResult()) {
            Lease l = s.lease();
            String reason = state.campaign(l.campaign()).map(CampaignRun::cancelReason).orElse("");
            TrialResult cancelled = TrialResult.newBuilder().setId(l.id()).setStatus(TrialStatus.TRIAL_STATUS_CANCELLED)
                    .addAllParams(l.trial().getParamsList()).setWorkerId(l.workerId()).setLeaseId(l.leaseId())
                    .setError("cancelled with its campaign" + (reason.isEmpty() ? "" : " (" + reason + ")")
                            + "; no report from its worker: " + s.why())
                    .build();
            log.info("trial {} of cancelled campaign {} recorded CANCELLED without a report: {}", describe(l.id()),
                    l.campaign(), s.why());
            if (!recordResult(cancelled)) return false;
        }
        return true;
    }

    private Behavior<ToCoordinator> onResult(ToCoordinator.Result m) {
        TrialResult r = m.result();
        if (!settings.build().admits(r.getCodeFingerprint())) {
            // trained by other code (a worker that ran it for a coordinator of another build before
            // a restart): not this table's trial; it runs again on a worker with this code
            if (dispatch.isOutstanding(r.getId())) {
                log.warn("result of trial {} from worker {} not recorded: trained by training code {}, not this "
                        + "coordinator's {}", describe(r.getId()), r.getWorkerId(),
                        BuildInfo.shortCode(r.getCodeFingerprint()), settings.build().shortCode());
            }
            String id = r.getWorkerId().isEmpty() ? m.replyTo().path().toString() : r.getWorkerId();
            refuse(m.replyTo(), id, refused.getOrDefault(id, "training code " + BuildInfo.shortCode(r.getCodeFingerprint())));
            return this;
        }
        if (accept(r)) {
            m.replyTo().tell(new ToWorker.Ack(TrialResultAck.newBuilder().setId(r.getId()).setLeaseId(r.getLeaseId()).build()));
        }
        return this;
    }

    /** Handles a worker's result; false if it could not be journaled (then it is not acknowledged). */
    private boolean accept(TrialResult r) {
        TrialId id = r.getId();
        if (!dispatch.isOutstanding(id)) return true; // already recorded, or its campaign was cancelled
        Lease active = dispatch.activeLease(id).orElse(null);
        boolean isFinal = r.getStatus() == TrialStatus.TRIAL_STATUS_COMPLETED
                || r.getStatus() == TrialStatus.TRIAL_STATUS_DIVERGED;
        if (!isFinal) {
            // a failure or cancellation counts only from the trial's current holder; an earlier
            // holder's (before a re-dispatch or a coordinator restart) is old news
            if (active == null || !active.leaseId().equals(r.getLeaseId())) return true;
            if (state.campaign(id.getCampaign()).map(c -> c.state() == CampaignState.CAMPAIGN_STATE_CANCELLED).orElse(false)) {
                // stopped by its campaign's cancel: what it ran is its result (a cancelled campaign
                // retries nothing, so a failure while stopping ends it the same way)
                log.info("trial {} stopped with its campaign after {} epoch(s)", describe(id), r.getEpochs());
                return recordResult(r.getStatus() == TrialStatus.TRIAL_STATUS_CANCELLED ? r
                        : r.toBuilder().setStatus(TrialStatus.TRIAL_STATUS_CANCELLED).build());
            }
            boolean ok;
            if (r.getStatus() == TrialStatus.TRIAL_STATUS_FAILED) {
                log.warn("trial {} failed on worker {} (attempt {}): {}", describe(id),
                        active.workerId(), active.attempt(), r.getError());
                ok = release(active, JournalEntry.LeaseReleased.Reason.REASON_TRIAL_FAILED, r.getError(), r);
            } else {
                ok = release(active, JournalEntry.LeaseReleased.Reason.REASON_TRIAL_CANCELLED,
                        r.getError().isEmpty() ? "cancelled on the worker" : r.getError(), r);
            }
            serveParked();
            return ok;
        }
        if (!recordResult(r)) return false;
        if (active != null) {
            stats.trialDuration.recordNanos(settings.nanoTime().getAsLong() - active.leasedNanos());
            if (!active.leaseId().equals(r.getLeaseId())) {
                // an earlier holder finished first: the current one can stop
                Worker holder = workers.get(active.workerId());
                if (holder != null) {
                    holder.ref.tell(new ToWorker.Cancel(CancelTrial.newBuilder().setId(id).setLeaseId(active.leaseId())
                            .setReason("another run of this trial finished first").build()));
                }
            }
        }
        return true;
    }

    /** Journals (durably) and applies a final result, then moves its campaign on. */
    private boolean recordResult(TrialResult r) {
        if (!commit(entry().setTrialRecorded(JournalEntry.TrialRecorded.newBuilder().setResult(r)).build(), true)) {
            return false;
        }
        state.campaign(r.getId().getCampaign()).ifPresent(this::advance);
        return true;
    }

    /** Takes the campaign's next steps (phases to start, completion) while there are any. */
    private void advance(CampaignRun run) {
        boolean queued = false;
        for (var step = run.next(); step.isPresent(); step = run.next()) {
            JournalEntry.Builder e = entry();
            if (step.get() instanceof CampaignRun.StartPhase sp) {
                e.setPhaseStarted(JournalEntry.PhaseStarted.newBuilder().setCampaign(run.name()).setPhase(sp.phase())
                        .setSpace(sp.space()));
                queued = true;
            } else {
                e.setCampaignFinished(JournalEntry.CampaignFinished.newBuilder().setCampaign(run.name())
                        .setState(endState(run.results())));
            }
            if (!commit(e.build(), true)) return;
            if (step.get() instanceof CampaignRun.StartPhase sp) {
                log.info("campaign {}: phase {} started", run.name(), sp.phase());
            } else {
                log.info("campaign {} {}: {} trials recorded", run.name(), stateName(run.state()), run.results().size());
            }
        }
        if (queued) serveParked();
    }

    /**
     * How a campaign whose trials all have an outcome ended: failed when not one of them trained
     * (every trial failed, e.g. on data no worker could use), so that launch, watch and local
     * exit 1 instead of calling a table of failures a completed search; completed otherwise.
     */
    static CampaignState endState(List<TrialResult> results) {
        boolean anyTrained = results.stream().anyMatch(r -> r.getStatus() != TrialStatus.TRIAL_STATUS_FAILED);
        return anyTrained ? CampaignState.CAMPAIGN_STATE_COMPLETED : CampaignState.CAMPAIGN_STATE_FAILED;
    }

    // --- campaigns ---

    private Behavior<ToCoordinator> onSubmit(ToCoordinator.Submit m) {
        CampaignSpec spec = m.request().getSpec();
        CampaignAck.Builder ack = CampaignAck.newBuilder().setCampaign(spec.getName());
        if (state.campaign(spec.getName()).isPresent()) {
            m.replyTo().tell(ack.setError("a campaign named " + spec.getName() + " was already submitted").build());
            return this;
        }
        String clientCode = m.request().getClientCodeFingerprint();
        if (!settings.build().admits(clientCode)) {
            // the client read the campaign file: with other code, fields or defaults could mean
            // something else here (a field this coordinator does not know is silently dropped)
            m.replyTo().tell(ack.setError("this client runs " + BuildInfo.describe(m.request().getClientVersion(), clientCode)
                    + ", the coordinator " + settings.build() + ": submit the campaign with the coordinator's build").build());
            return this;
        }
        int planned;
        try {
            planned = CampaignRun.plan(spec);
        } catch (RuntimeException e) {
            m.replyTo().tell(ack.setError(e.getMessage() == null ? e.toString() : e.getMessage()).build());
            return this;
        }
        // A campaign that sets no max-attempts is journaled with this coordinator's, so that a
        // coordinator restarted with another --max-attempts replays its leases and releases as they
        // ran: with a lower one, a trial re-queued on its 4th attempt would be out of attempts on
        // replay, and its next lease would not fit the journal.
        if (spec.getMaxAttempts() == 0) spec = spec.toBuilder().setMaxAttempts(settings.defaultAttempts()).build();
        if (!commit(entry().setCampaignSubmitted(JournalEntry.CampaignSubmitted.newBuilder().setSpec(spec)).build(), true)) {
            m.replyTo().tell(ack.setError("the coordinator cannot write its journal; campaign not accepted").build());
            return this;
        }
        log.info("campaign {} submitted: {} trials planned", spec.getName(), planned);
        advance(state.campaign(spec.getName()).orElseThrow());
        m.replyTo().tell(ack.setAccepted(true).setTrialsPlanned(planned).build());
        return this;
    }

    private Behavior<ToCoordinator> onCancel(ToCoordinator.Cancel m) {
        String name = m.request().getCampaign();
        CancelAck.Builder ack = CancelAck.newBuilder().setCampaign(name);
        CampaignRun c = state.campaign(name).orElse(null);
        if (c == null) {
            m.replyTo().tell(ack.setError("no campaign " + name).build());
            return this;
        }
        if (!c.active()) {
            // with its status, so a client that lost a race with another cancel can say how it ended
            m.replyTo().tell(ack.setError("campaign " + name + " is already " + stateName(c.state()))
                    .setStatus(liveStatus(c)).build());
            return this;
        }
        String reason = m.request().getReason().isEmpty() ? "campaign cancelled" : m.request().getReason();
        List<Lease> running = dispatch.leases().stream().filter(l -> l.campaign().equals(name)).toList();
        if (!commit(entry().setCampaignCancelled(JournalEntry.CampaignCancelled.newBuilder().setCampaign(name)
                .setReason(reason)).build(), true)) {
            m.replyTo().tell(ack.setError("the coordinator cannot write its journal; campaign not cancelled").build());
            return this;
        }
        // their trials stay leased until the workers report what they ran (see the class comment)
        for (Lease l : running) {
            Worker w = workers.get(l.workerId());
            if (w != null) {
                w.ref.tell(new ToWorker.Cancel(CancelTrial.newBuilder().setId(l.id()).setLeaseId(l.leaseId())
                        .setReason(reason).build()));
            }
        }
        log.info("campaign {} cancelled ({}); {} running trial(s) told to stop", name, reason, running.size());
        // counted here, not from a status asked for before: trials end between two questions
        m.replyTo().tell(ack.setCancelled(true).setStatus(liveStatus(c)).build());
        return this;
    }

    static boolean isActive(CampaignState s) {
        return s == CampaignState.CAMPAIGN_STATE_PENDING || s == CampaignState.CAMPAIGN_STATE_RUNNING;
    }

    private static String stateName(CampaignState s) {
        return s.name().replace("CAMPAIGN_STATE_", "").toLowerCase(java.util.Locale.ROOT);
    }

    private static String describe(TrialId id) {
        return id.getCampaign() + "/" + id.getPhase() + "#" + id.getIndex();
    }

    private Behavior<ToCoordinator> onStatus(ToCoordinator.Status m) {
        StatusAnswer.Builder a = StatusAnswer.newBuilder();
        String name = m.query().getCampaign();
        if (!name.isEmpty() && state.campaign(name).isEmpty()) {
            a.setError("no campaign " + name);
        }
        for (CampaignRun c : state.campaigns()) {
            if (!name.isEmpty() && !c.name().equals(name)) continue;
            a.addCampaigns(liveStatus(c));
        }
        for (Worker w : workers.values()) a.addWorkers(w.info);
        if (!m.query().getWithoutStats()) a.addAllStats(stats.summaries());
        m.replyTo().tell(a.build());
        return this;
    }

    /** The campaign's snapshot with the dispatch figures (running, pending) filled in. */
    private CampaignStatus liveStatus(CampaignRun c) {
        CampaignStatus.Builder b = c.status(settings.clock().millis()).toBuilder();
        Map<Integer, Integer> pending = dispatch.pendingByPhase(c.name());
        Map<Integer, Integer> running = dispatch.runningByPhase(c.name());
        int runningTotal = 0;
        for (int i = 0; i < b.getPhasesCount(); i++) {
            PhaseStatus.Builder p = b.getPhasesBuilder(i);
            p.setPending(pending.getOrDefault(i, 0)).setRunning(running.getOrDefault(i, 0));
            runningTotal += p.getRunning();
        }
        if (b.getState() == CampaignState.CAMPAIGN_STATE_PENDING && runningTotal > 0) {
            b.setState(CampaignState.CAMPAIGN_STATE_RUNNING);
        }
        int pendingTotal = pending.values().stream().mapToInt(Integer::intValue).sum();
        return b.setWaiting(waitingFor(c, runningTotal, pendingTotal)).build();
    }

    /** Workers named in a status line before the rest are counted. */
    private static final int WORKERS_NAMED = 3;

    /**
     * Why none of the campaign's waiting trials runs, for the user ("" while some run or none
     * waits): no worker yet, no worker that can load its data (with what each worker said), or
     * earlier campaigns holding the workers (the queue serves campaigns in submission order).
     */
    private String waitingFor(CampaignRun c, int running, int pending) {
        if (running > 0 || pending == 0 || !c.active()) return "";
        if (workers.isEmpty()) return "waiting for a worker to join" + (refused.isEmpty() ? "" : "; " + refusedWorkers());
        if (workers.values().stream().noneMatch(w -> eligible(w, c.name()))) {
            List<String> why = new ArrayList<>();
            for (Map.Entry<String, Worker> e : workers.entrySet()) {
                if (why.size() == WORKERS_NAMED) {
                    why.add((workers.size() - WORKERS_NAMED) + " more");
                    break;
                }
                String said = e.getValue().excluded.get(c.name());
                why.add("worker " + WorkerIds.hostPort(e.getKey()) + ": " + (said != null ? said
                        : "holds no copy with fingerprint " + c.spec().getData().getFingerprint()));
            }
            return "no worker can load data set " + CampaignFile.dataSetName(c.spec().getData().getKind())
                    + " (" + String.join("; ", why) + ")";
        }
        List<String> ahead = new ArrayList<>();
        for (CampaignRun earlier : state.campaigns()) {
            if (earlier == c) break;
            if (earlier.active() && !dispatch.runningByPhase(earlier.name()).isEmpty()) ahead.add(earlier.name());
        }
        if (!ahead.isEmpty()) return "queued behind earlier campaigns (" + String.join(", ", ahead) + ")";
        return "waiting for a worker";
    }

    /** The workers refused for their training code, for a status line. */
    private String refusedWorkers() {
        List<String> named = new ArrayList<>();
        List<Map.Entry<String, String>> latest = new ArrayList<>(refused.entrySet());
        for (int i = latest.size() - 1; i >= 0 && named.size() < WORKERS_NAMED; i--) {
            named.add(WorkerIds.hostPort(latest.get(i).getKey()) + " (" + latest.get(i).getValue() + ")");
        }
        if (latest.size() > WORKERS_NAMED) named.add((latest.size() - WORKERS_NAMED) + " more");
        return "refused for other training code than this coordinator's (" + settings.build() + "): "
                + String.join(", ", named);
    }

    private Behavior<ToCoordinator> onTopK(ToCoordinator.TopK m) {
        CampaignRun c = state.campaign(m.query().getCampaign()).orElse(null);
        if (c == null) {
            m.replyTo().tell(TopKAnswer.newBuilder().setCampaign(m.query().getCampaign())
                    .setError("no campaign " + m.query().getCampaign()).build());
            return this;
        }
        m.replyTo().tell(c.topK(m.query(), TOP_K_PAGE_BYTES));
        return this;
    }
}
