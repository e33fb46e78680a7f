package io.hpsearch.worker;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import io.hpsearch.protocol.BuildInfo;
import io.hpsearch.protocol.v1.DataUnavailable;
import io.hpsearch.protocol.v1.TrialProgress;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.protocol.v1.WorkLease;
import io.hpsearch.protocol.v1.WorkRequest;
import io.hpsearch.protocol.v1.WorkerHeartbeat;
import io.hpsearch.protocol.v1.WorkerInfo;
import io.hpsearch.protocol.wire.ToCoordinator;
import io.hpsearch.protocol.wire.ToWorker;
import io.hpsearch.worker.data.DataSetCache;
import io.hpsearch.worker.data.DataUnavailableException;
import io.hpsearch.worker.trial.TrialRunner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The worker actor: pulls trials from the coordinator and trains them, {@code slots} at a time, on
 * a thread pool of its own (never on the actor dispatcher).
 *
 * <p>Conversation (see {@code io.hpsearch.protocol.wire}): the coordinator is found through the
 * Receptionist ({@link ToCoordinator#KEY}); while a slot is free the worker sends
 * {@link ToCoordinator.RequestWork} and gets {@link ToWorker.Lease}s or one {@link ToWorker.Idle}
 * (then it waits {@code retry_after_millis}). A request left unanswered for
 * {@link Settings#requestTimeout} is asked again, so a coordinator that went away and came back is
 * picked up without a restart. Each epoch is streamed as {@link ToCoordinator.Progress}; the
 * result goes out as {@link ToCoordinator.Result} and is re-sent every
 * {@link Settings#resendInterval} (and at once to a newly found coordinator) until
 * {@link ToWorker.Ack}ed. A {@link ToWorker.Cancel} interrupts the trial's thread, which reports
 * it CANCELLED. A trial whose data set this worker cannot load, or whose fingerprint differs from
 * this worker's copy, is not run: the worker sends {@link ToCoordinator.DataMissing} and the
 * coordinator gives the lease to another worker. A {@link ToWorker.Refused} (the coordinator's
 * training code is not this worker's) ends the asking: running trials are cancelled and
 * {@code onRefused} runs.
 *
 * <p>The actor itself is the {@code replyTo} of everything it sends, so the coordinator's watch on
 * it ends with the actor: when it stops, the pool is shut down and running trials interrupted.
 */
public final class Worker {
    /** For the pool threads, which must not touch the actor's context. */
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Worker.class);

    /**
     * How long a worker with no trial running waits for a coordinator that went away before it
     * rejoins (at most {@link Settings#rejoinAfter}): long enough to ride out a moment's
     * unreachability, short enough that a coordinator restarted by hand finds its workers back.
     */
    public static final Duration IDLE_REJOIN_AFTER = Duration.ofSeconds(5);

    /** Workers register under this key (for tools that list them). */
    public static final ServiceKey<ToWorker> KEY = ServiceKey.create(ToWorker.class, "hpsearch-worker");

    /**
     * @param workerId          unique per worker process ({@code WorkerInfo.worker_id})
     * @param host              for {@code WorkerInfo.host}
     * @param slots             trials run at once (≥ 1)
     * @param threadsPerTrial   threads of each trial's own pool (≥ 1)
     * @param cores             available processors, reported to the coordinator
     * @param build             hpsearch version and training code, reported to the coordinator
     * @param requestTimeout    how long a RequestWork may stay unanswered before it is sent again
     * @param minIdleRetry      shortest wait after an Idle (a 0 {@code retry_after_millis} gets this)
     * @param resendInterval    how often unacknowledged results are sent again
     * @param heartbeatInterval how often a Heartbeat lists the running leases
     * @param rejoinAfter       how long a coordinator seen before may be absent while trials run
     *                          before {@code onCoordinatorLost} runs ({@code null}: never; with no
     *                          trial running, {@link #IDLE_REJOIN_AFTER} if that is shorter)
     */
    public record Settings(String workerId, String host, int slots, int threadsPerTrial, int cores, BuildInfo build,
                           Duration requestTimeout, Duration minIdleRetry, Duration resendInterval,
                           Duration heartbeatInterval, Duration rejoinAfter) {
        public Settings {
            Objects.requireNonNull(workerId, "workerId");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(build, "build");
            if (slots < 1) throw new IllegalArgumentException("slots must be at least 1: " + slots);
            if (threadsPerTrial < 1) throw new IllegalArgumentException("threads per trial must be at least 1: " + threadsPerTrial);
            for (Duration d : new Duration[] {requestTimeout, minIdleRetry, resendInterval, heartbeatInterval}) {
                if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException("intervals must be positive");
            }
        }

        /** Default threads per trial. */
        public static final int DEFAULT_THREADS_PER_TRIAL = 1;

        /** Default slots: as many trials as the cores hold at {@code threadsPerTrial} each. */
        public static int defaultSlots(int cores, int threadsPerTrial) {
            return Math.max(1, cores / Math.max(1, threadsPerTrial));
        }

        /** Production timings: ask again after 5 s, re-send results every 5 s, heartbeat every 10 s, rejoin after 60 s. */
        public static Settings of(String workerId, String host, int slots, int threadsPerTrial, BuildInfo build) {
            return new Settings(workerId, host, slots, threadsPerTrial, Runtime.getRuntime().availableProcessors(), build,
                    Duration.ofSeconds(5), Duration.ofMillis(20), Duration.ofSeconds(5), Duration.ofSeconds(10),
                    Duration.ofSeconds(60));
        }

        public Settings withTimings(Duration requestTimeout, Duration minIdleRetry, Duration resendInterval,
                                    Duration heartbeatInterval, Duration rejoinAfter) {
            return new Settings(workerId, host, slots, threadsPerTrial, cores, build, requestTimeout, minIdleRetry,
                    resendInterval, heartbeatInterval, rejoinAfter);
        }
    }

    /** What the worker is doing (for status and tests); answered to {@link GetState}. */
    public record State(boolean coordinatorKnown, List<String> runningLeases, List<String> unacknowledgedLeases,
                        List<String> dataFingerprints) {
    }

    /** Local query of the worker's state; never sent over the network. */
    public record GetState(ActorRef<State> replyTo) implements ToWorker {
    }

    // ---- internal commands (ToWorker, but not WireMessage: they never leave this JVM) -----------

    private record CoordinatorListing(Receptionist.Listing listing) implements ToWorker {
    }

    private record AskForWork() implements ToWorker {
    }

    private record RequestTimedOut(long request) implements ToWorker {
    }

    private record ResendResults() implements ToWorker {
    }

    private record SendHeartbeat() implements ToWorker {
    }

    private record CheckCoordinator(long absence) implements ToWorker {
    }

    private record TrialProgressed(TrialProgress progress) implements ToWorker {
    }

    private record TrialFinished(String leaseId, TrialResult result) implements ToWorker {
    }

    private record DataProblem(String leaseId, WorkLease lease, DataUnavailableException error) implements ToWorker {
    }

    /** A leased trial: queued on the pool or training. Guarded by its own monitor. */
    private static final class Running {
        final WorkLease lease;
        private Thread thread;
        private boolean cancelled;
        private String reason = "";

        Running(WorkLease lease) {
            this.lease = lease;
        }

        /** Called by the pool thread before training; false when cancelled first. */
        synchronized boolean begin() {
            if (cancelled) return false;
            thread = Thread.currentThread();
            return true;
        }

        /** Called by the pool thread after training; clears an interrupt meant for this trial only. */
        synchronized void end() {
            thread = null;
            Thread.interrupted();
        }

        synchronized void cancel(String why) {
            if (cancelled) return;
            cancelled = true;
            reason = why;
            if (thread != null) thread.interrupt();
        }

        synchronized String reason() {
            return reason;
        }
    }

    private final ActorContext<ToWorker> context;
    private final TimerScheduler<ToWorker> timers;
    private final Settings settings;
    private final DataSetCache data;
    private final TrialRunner runner;
    private final ExecutorService pool;
    private final LongSupplier nanoClock;
    private final Runnable onCoordinatorLost;
    private final Consumer<String> onRefused;
    /** The coordinator refused this worker: it asks for nothing more. */
    private boolean refused;

    private ActorRef<ToCoordinator> coordinator;
    private boolean coordinatorSeen;
    private long absence;
    /** When the coordinator last went away (nanoClock). */
    private long absentSinceNanos;
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final ResultOutbox unacknowledged;
    /** Number of the outstanding RequestWork, or 0; leases still expected for it. */
    private long request;
    private long requestCounter;
    private int leasesExpected;
    /** No RequestWork before this time (after an Idle). */
    private long notBeforeNanos;

    private Worker(ActorContext<ToWorker> context, TimerScheduler<ToWorker> timers, Settings settings, DataSetCache data,
                   Runnable onCoordinatorLost, Consumer<String> onRefused, ResultOutbox outbox) {
        this.context = context;
        this.timers = timers;
        this.settings = settings;
        this.data = data;
        this.onCoordinatorLost = onCoordinatorLost;
        this.onRefused = onRefused;
        this.unacknowledged = outbox;
        this.runner = new TrialRunner(settings.workerId(), settings.threadsPerTrial());
        this.nanoClock = System::nanoTime;
        this.notBeforeNanos = nanoClock.getAsLong();
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "hpsearch-trial-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(settings.slots(), threads);
    }

    /** A worker with no action when the coordinator stays away (it keeps asking). */
    public static Behavior<ToWorker> create(Settings settings, DataSetCache data) {
        return create(settings, data, () -> { });
    }

    /**
     * @param onCoordinatorLost run (on the actor's thread; must not block) once a coordinator that
     *                          was found has been absent for {@link Settings#rejoinAfter}: a
     *                          restarted coordinator forms a new cluster, which this node can only
     *                          join with a new actor system (see {@link WorkerNode})
     */
    public static Behavior<ToWorker> create(Settings settings, DataSetCache data, Runnable onCoordinatorLost) {
        return create(settings, data, onCoordinatorLost, why -> { }, new ResultOutbox());
    }

    /**
     * As {@link #create(Settings, DataSetCache, Runnable)}, keeping unacknowledged results in
     * {@code outbox} (results already in it are sent to the coordinator once found).
     *
     * @param onRefused run (on the actor's thread; must not block) with the coordinator's reason
     *                  when it refuses this worker ({@link ToWorker.Refused}); the worker then asks
     *                  for nothing more and its running trials are cancelled
     */
    public static Behavior<ToWorker> create(Settings settings, DataSetCache data, Runnable onCoordinatorLost,
                                            Consumer<String> onRefused, ResultOutbox outbox) {
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(onRefused, "onRefused");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(onCoordinatorLost, "onCoordinatorLost");
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Worker w = new Worker(ctx, timers, settings, data, onCoordinatorLost, onRefused, outbox);
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(ToCoordinator.KEY,
                    ctx.messageAdapter(Receptionist.Listing.class, CoordinatorListing::new)));
            timers.startTimerWithFixedDelay("resend", new ResendResults(), settings.resendInterval());
            timers.startTimerWithFixedDelay("heartbeat", new SendHeartbeat(), settings.heartbeatInterval());
            ctx.getLog().info("worker {}: {} slot(s) × {} thread(s), looking for the coordinator",
                    settings.workerId(), settings.slots(), settings.threadsPerTrial());
            return w.behavior();
        }));
    }

    private Behavior<ToWorker> behavior() {
        return Behaviors.receive(ToWorker.class)
                .onMessage(CoordinatorListing.class, this::onListing)
                .onMessage(ToWorker.Lease.class, this::onLease)
                .onMessage(ToWorker.Idle.class, this::onIdle)
                .onMessage(ToWorker.Ack.class, this::onAck)
                .onMessage(ToWorker.Cancel.class, this::onCancel)
                .onMessage(ToWorker.Refused.class, this::onRefused)
                .onMessage(AskForWork.class, m -> { askForWork(); return Behaviors.same(); })
                .onMessage(RequestTimedOut.class, this::onRequestTimedOut)
                .onMessage(TrialProgressed.class, this::onProgress)
                .onMessage(TrialFinished.class, this::onFinished)
                .onMessage(DataProblem.class, this::onDataProblem)
                .onMessage(ResendResults.class, m -> { resendResults(); return Behaviors.same(); })
                .onMessage(SendHeartbeat.class, m -> { heartbeat(); return Behaviors.same(); })
                .onMessage(CheckCoordinator.class, this::onCheckCoordinator)
                .onMessage(GetState.class, this::onGetState)
                .onSignal(PostStop.class, s -> { stop(); return Behaviors.same(); })
                .build();
    }

    // ---- finding the coordinator ----------------------------------------------------------------

    private Behavior<ToWorker> onListing(CoordinatorListing m) {
        // Reachable instances only: an unreachable coordinator is as good as gone.
        var instances = m.listing().getServiceInstances(ToCoordinator.KEY);
        ActorRef<ToCoordinator> found = instances.isEmpty() ? null : instances.iterator().next();
        if (Objects.equals(found, coordinator)) return Behaviors.same();
        coordinator = found;
        absence++;
        if (found == null) {
            context.getLog().warn("coordinator gone; {} trial(s) keep running, results kept until acknowledged",
                    running.size());
            request = 0;
            absentSinceNanos = nanoClock.getAsLong();
            scheduleRejoin();
        } else {
            context.getLog().info("coordinator found: {}", found.path());
            coordinatorSeen = true;
            timers.cancel("rejoin");
            request = 0;
            notBeforeNanos = nanoClock.getAsLong();
            resendResults();
            heartbeat();
            askForWork();
        }
        return Behaviors.same();
    }

    /**
     * Sets the rejoin timer for the current absence of the coordinator: {@link Settings#rejoinAfter}
     * after it went away while trials run (they would be interrupted by the rejoin, and a
     * coordinator back within that time gets their results), {@link #IDLE_REJOIN_AFTER} when none
     * runs. A coordinator stopped cleanly (Ctrl-C, SIGTERM) leaves the cluster, so no Split Brain
     * Resolver downs this node as after a crash, and an idle worker would otherwise sit out the
     * whole {@code rejoinAfter} before it found the coordinator started again.
     */
    private void scheduleRejoin() {
        if (!coordinatorSeen || coordinator != null || settings.rejoinAfter() == null) return;
        Duration after = settings.rejoinAfter();
        if (running.isEmpty() && IDLE_REJOIN_AFTER.compareTo(after) < 0) after = IDLE_REJOIN_AFTER;
        Duration left = after.minusNanos(nanoClock.getAsLong() - absentSinceNanos);
        timers.startSingleTimer("rejoin", new CheckCoordinator(absence), left.isNegative() ? Duration.ZERO : left);
    }

    private Behavior<ToWorker> onCheckCoordinator(CheckCoordinator m) {
        if (coordinator == null && m.absence() == absence) {
            context.getLog().warn("no coordinator for {} s; rejoining the cluster",
                    (nanoClock.getAsLong() - absentSinceNanos) / 1_000_000_000L);
            onCoordinatorLost.run();
        }
        return Behaviors.same();
    }

    // ---- work pulling ---------------------------------------------------------------------------

    private int freeSlots() {
        return settings.slots() - running.size();
    }

    private void askForWork() {
        if (coordinator == null || refused || request != 0 || freeSlots() <= 0) return;
        long wait = notBeforeNanos - nanoClock.getAsLong();
        if (wait > 0) {
            timers.startSingleTimer("ask", new AskForWork(), Duration.ofNanos(wait));
            return;
        }
        request = ++requestCounter;
        leasesExpected = freeSlots();
        coordinator.tell(new ToCoordinator.RequestWork(WorkRequest.newBuilder().setWorker(info())
                .setFreeSlots(leasesExpected).build(), context.getSelf()));
        timers.startSingleTimer("request-timeout", new RequestTimedOut(request), settings.requestTimeout());
    }

    private Behavior<ToWorker> onRequestTimedOut(RequestTimedOut m) {
        if (m.request() == request) {
            request = 0;
            askForWork();
        }
        return Behaviors.same();
    }

    private Behavior<ToWorker> onIdle(ToWorker.Idle m) {
        request = 0;
        timers.cancel("request-timeout");
        long wait = Math.max(m.noWork().getRetryAfterMillis(), settings.minIdleRetry().toMillis());
        notBeforeNanos = nanoClock.getAsLong() + wait * 1_000_000L;
        askForWork();
        return Behaviors.same();
    }

    private Behavior<ToWorker> onLease(ToWorker.Lease m) {
        WorkLease lease = m.lease();
        String id = lease.getLeaseId();
        if (request != 0 && --leasesExpected <= 0) {
            request = 0;
            timers.cancel("request-timeout");
        }
        if (running.containsKey(id) || unacknowledged.contains(id)) {
            context.getLog().debug("lease {} already held; ignoring the duplicate", id);
        } else {
            // More leases than free slots (answers crossing a re-sent request) queue on the pool;
            // heartbeats list them, so they stay alive until a slot frees.
            start(lease);
        }
        askForWork();
        return Behaviors.same();
    }

    private void start(WorkLease lease) {
        Running r = new Running(lease);
        running.put(lease.getLeaseId(), r);
        ActorRef<ToWorker> self = context.getSelf();
        TrialSpec spec = lease.getTrial();
        String leaseId = lease.getLeaseId();
        context.getLog().info("trial {} (lease {}, attempt {}) starting", TrialRunner.describe(spec), leaseId,
                lease.getAttempt());
        pool.execute(() -> {
            if (!r.begin()) {
                self.tell(new TrialFinished(leaseId, runner.cancelled(spec, leaseId, r.reason())));
                return;
            }
            try {
                DataSetCache.Entry entry;
                try {
                    entry = data.get(spec.getData());
                } catch (DataUnavailableException e) {
                    self.tell(new DataProblem(leaseId, lease, e));
                    return;
                }
                self.tell(new TrialFinished(leaseId, runner.run(spec, entry.split(), leaseId,
                        p -> self.tell(new TrialProgressed(p)))));
            } catch (java.util.concurrent.CancellationException e) {
                self.tell(new TrialFinished(leaseId, runner.cancelled(spec, leaseId, r.reason())));
            } catch (Throwable t) {
                // Bad data specs (TrialSpecException) and bugs while loading: the trial fails, the
                // worker carries on.
                if (!(t instanceof IllegalArgumentException)) {
                    log.error("trial {} failed", TrialRunner.describe(spec), t);
                }
                self.tell(new TrialFinished(leaseId, runner.failed(spec, leaseId, TrialRunner.message(t))));
                if (t instanceof Error err && !(t instanceof OutOfMemoryError || t instanceof StackOverflowError)) {
                    throw err;
                }
            } finally {
                r.end();
            }
        });
    }

    // ---- while and after a trial runs -----------------------------------------------------------

    private Behavior<ToWorker> onProgress(TrialProgressed m) {
        if (coordinator != null && running.containsKey(m.progress().getLeaseId())) {
            coordinator.tell(new ToCoordinator.Progress(m.progress()));
        }
        return Behaviors.same();
    }

    private Behavior<ToWorker> onFinished(TrialFinished m) {
        running.remove(m.leaseId());
        TrialResult r = m.result().toBuilder().setCodeFingerprint(settings.build().codeFingerprint()).build();
        context.getLog().info("trial {} (lease {}) {}{}", r.getId().getCampaign() + "/" + r.getId().getPhase() + "#"
                        + r.getId().getIndex(), m.leaseId(), r.getStatus(),
                r.getError().isEmpty() ? String.format(", validation accuracy %.4f", r.getValidation().getAccuracy())
                        : ": " + r.getError());
        unacknowledged.put(m.leaseId(), r);
        if (coordinator != null) coordinator.tell(new ToCoordinator.Result(r, context.getSelf()));
        askForWork();
        if (running.isEmpty()) scheduleRejoin(); // the last trial ended while the coordinator is away
        return Behaviors.same();
    }

    private Behavior<ToWorker> onDataProblem(DataProblem m) {
        running.remove(m.leaseId());
        TrialSpec spec = m.lease().getTrial();
        context.getLog().warn("trial {} (lease {}): {}", TrialRunner.describe(spec), m.leaseId(), m.error().getMessage());
        if (coordinator != null) {
            coordinator.tell(new ToCoordinator.DataMissing(DataUnavailable.newBuilder().setWorker(info())
                    .setCampaign(spec.getId().getCampaign()).setFingerprint(spec.getData().getFingerprint())
                    .setError(m.error().getMessage()).setLeaseId(m.leaseId()).build(), context.getSelf()));
        }
        // Without an ack for DataMissing there is nothing to re-send: a coordinator that missed it
        // sees the lease expire and the worker refuses the next one the same way.
        askForWork();
        return Behaviors.same();
    }

    private Behavior<ToWorker> onAck(ToWorker.Ack m) {
        String leaseId = m.ack().getLeaseId();
        unacknowledged.acknowledge(leaseId, m.ack().getId());
        return Behaviors.same();
    }

    private Behavior<ToWorker> onCancel(ToWorker.Cancel m) {
        String leaseId = m.cancel().getLeaseId();
        String why = m.cancel().getReason().isEmpty() ? "cancelled by the coordinator" : m.cancel().getReason();
        for (Running r : new ArrayList<>(running.values())) {
            boolean match = leaseId.isEmpty() ? r.lease.getTrial().getId().equals(m.cancel().getId())
                    : r.lease.getLeaseId().equals(leaseId);
            if (match) r.cancel(why);
        }
        return Behaviors.same();
    }

    private Behavior<ToWorker> onRefused(ToWorker.Refused m) {
        if (refused) return Behaviors.same();
        refused = true;
        request = 0;
        timers.cancel("request-timeout");
        timers.cancel("ask");
        String why = m.refused().getReason().isEmpty() ? "refused by the coordinator" : m.refused().getReason();
        context.getLog().error("the coordinator refuses this worker: {}", why);
        for (Running r : running.values()) r.cancel("refused by the coordinator");
        onRefused.accept(why);
        return Behaviors.same();
    }

    private void resendResults() {
        if (coordinator == null) return;
        for (TrialResult r : unacknowledged.pending()) coordinator.tell(new ToCoordinator.Result(r, context.getSelf()));
    }

    private void heartbeat() {
        if (coordinator == null) return;
        coordinator.tell(new ToCoordinator.Heartbeat(WorkerHeartbeat.newBuilder().setWorker(info())
                .addAllLeaseIds(running.keySet()).build(), context.getSelf()));
    }

    private WorkerInfo info() {
        return WorkerInfo.newBuilder().setWorkerId(settings.workerId()).setHost(settings.host())
                .setSlots(settings.slots()).setThreadsPerTrial(settings.threadsPerTrial()).setCores(settings.cores())
                .addAllDataFingerprints(data.fingerprints()).setVersion(settings.build().version())
                .setCodeFingerprint(settings.build().codeFingerprint()).build();
    }

    private Behavior<ToWorker> onGetState(GetState m) {
        m.replyTo().tell(new State(coordinator != null, List.copyOf(running.keySet()),
                unacknowledged.leaseIds(), data.fingerprints()));
        return Behaviors.same();
    }

    private void stop() {
        for (Running r : running.values()) r.cancel("worker stopped");
        pool.shutdownNow();
    }
}
