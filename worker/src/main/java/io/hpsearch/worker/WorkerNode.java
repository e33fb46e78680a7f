package io.hpsearch.worker;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.hpsearch.protocol.BuildInfo;
import io.hpsearch.protocol.ClusterConfig;
import io.hpsearch.protocol.WorkerIds;
import io.hpsearch.protocol.wire.ToWorker;
import io.hpsearch.worker.data.DataSetCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A worker process: an actor system with role {@code worker} that joins the cluster through the
 * given seed nodes over Artery TCP and runs one {@link Worker}.
 *
 * <p>Staying up while the coordinator comes and goes: joining the seed nodes is retried until it
 * succeeds, so a worker may start before the coordinator. A coordinator that restarts forms a new
 * cluster, which a node already in the old one cannot join; so when the coordinator has been gone
 * for {@link Options#rejoinAfter} (or the actor system ends for any other reason, e.g. this node
 * was downed), the node starts a fresh actor system and joins again. The {@link DataSetCache}
 * belongs to the node, not to an actor system, so data sets are still loaded once per JVM; so does
 * the {@link ResultOutbox}, so results the old coordinator never acknowledged go to the new one.
 * Trials running when the system is replaced are interrupted; the coordinator re-leases them.
 *
 * <p>A worker the coordinator refuses (its training code differs: {@code WorkerRefused}) does not
 * rejoin: the node stops, and {@link #whenStopped} fails with a {@link WorkerRefusedException}.
 */
public final class WorkerNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerNode.class);

    /** Name of the cluster's actor systems; the coordinator's must be the same. */
    public static final String SYSTEM_NAME = ClusterConfig.SYSTEM_NAME;
    public static final String ROLE = ClusterConfig.ROLE_WORKER;

    /**
     * @param host            address this node binds and is reached at
     * @param port            Artery TCP port (0: any free port)
     * @param seeds           seed nodes as {@code host:port} (the coordinator's address)
     * @param slots           concurrent trials (≥ 1; see {@link Worker.Settings#defaultSlots})
     * @param threadsPerTrial threads of each trial (≥ 1)
     * @param build           hpsearch version and training code, reported to the coordinator
     * @param rejoinAfter     how long the coordinator may be gone before the node rejoins
     */
    public record Options(String host, int port, List<String> seeds, int slots, int threadsPerTrial, BuildInfo build,
                          Duration rejoinAfter) {
        public Options {
            Objects.requireNonNull(host, "host");
            seeds = List.copyOf(seeds);
            Objects.requireNonNull(build, "build");
            Objects.requireNonNull(rejoinAfter, "rejoinAfter");
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in 0..65535, got " + port);
            if (seeds.isEmpty()) throw new IllegalArgumentException("at least one seed node (host:port) is needed");
            for (String s : seeds) seedAddress(s);
            if (slots < 1) throw new IllegalArgumentException("slots must be at least 1, got " + slots);
            if (threadsPerTrial < 1) throw new IllegalArgumentException("threads per trial must be at least 1, got " + threadsPerTrial);
        }

        /**
         * Defaults: threads per trial 1, slots = max(1, cores / threads per trial), port 0,
         * rejoin after 60 s.
         */
        public static Options defaults(String host, List<String> seeds, BuildInfo build) {
            int threads = Worker.Settings.DEFAULT_THREADS_PER_TRIAL;
            return new Options(host, 0, seeds, Worker.Settings.defaultSlots(Runtime.getRuntime().availableProcessors(),
                    threads), threads, build, Duration.ofSeconds(60));
        }
    }

    private final Options options;
    private final DataSetCache data;
    private final UnaryOperator<Worker.Settings> tune;
    private final Config extra;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final ResultOutbox outbox = new ResultOutbox();
    private final List<ActorSystem<Void>> systems = new ArrayList<>();
    private boolean closed;
    /** Why the coordinator refused this worker, once it has. */
    private String refusal;

    private WorkerNode(Options options, DataSetCache data, UnaryOperator<Worker.Settings> tune, Config extra) {
        this.options = options;
        this.data = data;
        this.tune = tune;
        this.extra = extra;
    }

    /** Starts the node with the default worker timings. */
    public static WorkerNode start(Options options, DataSetCache data) {
        return start(options, data, s -> s, ConfigFactory.empty());
    }

    /**
     * @param tune  adjusts the worker's settings (timings) before each actor system starts
     * @param extra configuration over the node's own (see {@link #config})
     */
    public static WorkerNode start(Options options, DataSetCache data, UnaryOperator<Worker.Settings> tune, Config extra) {
        WorkerNode node = new WorkerNode(Objects.requireNonNull(options, "options"), Objects.requireNonNull(data, "data"),
                Objects.requireNonNull(tune, "tune"), Objects.requireNonNull(extra, "extra"));
        node.startSystem();
        return node;
    }

    /**
     * The node's configuration: {@link ClusterConfig#node} (Artery TCP, cluster provider, Split
     * Brain Resolver, {@code application.conf} on top) with role worker, host, port and seeds.
     */
    public static Config config(Options options, Config overrides) {
        List<String> seeds = options.seeds().stream().map(WorkerNode::seedAddress).toList();
        Config own = ConfigFactory.empty()
                // Keep trying to join while the coordinator is down.
                .withValue("akka.cluster.shutdown-after-unsuccessful-join-seed-nodes", ConfigValueFactory.fromAnyRef("off"));
        return ClusterConfig.node(ClusterConfig.ROLE_WORKER, options.host(), options.port(), seeds,
                overrides.withFallback(own));
    }

    /** {@code host:port} as an Akka address of the cluster's system. */
    public static String seedAddress(String hostPort) {
        int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("seed node '" + hostPort + "' is not host:port");
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed node '" + hostPort + "': port is not a number");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("seed node '" + hostPort + "': port out of range");
        return ClusterConfig.address(hostPort.substring(0, colon), port);
    }

    private synchronized void startSystem() {
        if (closed) return;
        Config config = config(options, extra);
        ActorSystem<Void> system = ActorSystem.create(guardian(), SYSTEM_NAME, config);
        systems.add(system);
        system.getWhenTerminated().thenRun(() -> onTerminated(system));
    }

    private Behavior<Void> guardian() {
        return Behaviors.setup(ctx -> {
            ActorSystem<Void> system = ctx.getSystem();
            Cluster cluster = Cluster.get(system);
            var self = cluster.selfMember().address();
            String host = self.getHost().orElse(options.host());
            int port = (Integer) self.getPort().orElse(options.port());
            String workerId = WorkerIds.of(host, port, cluster.selfMember().uniqueAddress().longUid());
            Worker.Settings settings = tune.apply(Worker.Settings.of(workerId, host, options.slots(),
                            options.threadsPerTrial(), options.build())
                    .withTimings(Duration.ofSeconds(5), Duration.ofMillis(20), Duration.ofSeconds(5),
                            Duration.ofSeconds(10), options.rejoinAfter()));
            ActorRef<ToWorker> worker = ctx.spawn(Worker.create(settings, data, system::terminate,
                    why -> refused(system, why), outbox), "worker");
            ctx.watch(worker);
            return Behaviors.receive(Void.class)
                    .onSignal(akka.actor.typed.Terminated.class, t -> Behaviors.stopped())
                    .build();
        });
    }

    /** The coordinator will lease this worker nothing: the node stops, and does not rejoin. */
    private void refused(ActorSystem<Void> system, String why) {
        synchronized (this) {
            if (closed) return;
            closed = true;
            refusal = why;
        }
        system.terminate();
    }

    private void onTerminated(ActorSystem<Void> system) {
        boolean again;
        String why;
        synchronized (this) {
            again = !closed;
            why = refusal;
        }
        if (why != null) {
            stopped.completeExceptionally(new WorkerRefusedException(why));
            return;
        }
        if (!again) {
            stopped.complete(null);
            return;
        }
        log.warn("actor system {} ended; starting a new one to rejoin the cluster", system.address());
        // A short pause so that a node failing at start does not spin.
        CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> {
            try {
                startSystem();
            } catch (RuntimeException e) {
                log.error("cannot start the worker's actor system", e);
                stopped.completeExceptionally(e);
            }
        });
    }

    /** The current actor system. */
    public synchronized ActorSystem<Void> system() {
        return systems.get(systems.size() - 1);
    }

    /** How many actor systems this node has started (1 + rejoins). */
    public synchronized int incarnations() {
        return systems.size();
    }

    public DataSetCache data() {
        return data;
    }

    /**
     * Completes when the node has been closed and its last actor system has ended; exceptionally,
     * with a {@link WorkerRefusedException}, when the coordinator refused this worker.
     */
    public CompletionStage<Void> whenStopped() {
        return stopped;
    }

    /** Leaves the cluster and stops (running trials are interrupted). */
    @Override
    public void close() {
        ActorSystem<Void> last;
        synchronized (this) {
            closed = true;
            last = systems.get(systems.size() - 1);
        }
        last.terminate();
        stopped.orTimeout(60, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
