package io.hpsearch.coordinator;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import io.hpsearch.coordinator.journal.Journal;
import io.hpsearch.coordinator.journal.JournalCorruptException;
import io.hpsearch.coordinator.state.CampaignRun;
import io.hpsearch.coordinator.state.CoordinatorState;
import io.hpsearch.coordinator.state.WarmUp;
import io.hpsearch.protocol.ClusterConfig;
import io.hpsearch.protocol.wire.ToCoordinator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running coordinator node: an ActorSystem named {@link ClusterConfig#SYSTEM_NAME} with role
 * {@code coordinator} whose guardian spawns the {@link Coordinator} (as {@code /user/coordinator}).
 * Stop it with {@link #close()} (a graceful cluster leave).
 *
 * <p>Before the actor system starts, the dispatch path is run on a throw-away state
 * ({@link WarmUp}), then the coordinator actor with simulated workers in a throw-away local actor
 * system ({@link ActorWarmUp}, about 0.5 s), so that the first campaign's leases do not wait for the JIT;
 * once per JVM, as what the JIT compiled serves every later node.
 *
 * <p>With a state directory, the journal there is opened and replayed before the actor system
 * starts, so a damaged journal stops the start-up before the node joins anything. The
 * coordinator then runs on Akka's dispatcher for blocking work, since it waits for the disk on
 * every durable event.
 */
public final class CoordinatorNode implements AutoCloseable {
    private final ActorSystem<Void> system;
    private final ActorRef<ToCoordinator> coordinator;
    private final Recovery recovery;

    /**
     * What start-up found in the state directory.
     *
     * @param journal      the journal file, or null without a state directory
     * @param records      records replayed
     * @param campaigns    campaigns known after the replay
     * @param active       of which still running
     * @param voidedLeases leases of the previous run, whose trials went back to the queue
     * @param notes        what opening did to the file (torn tail cut, repair)
     */
    public record Recovery(Path journal, long records, int campaigns, int active, int voidedLeases, List<String> notes) {
        static final Recovery NONE = new Recovery(null, 0, 0, 0, 0, List.of());
    }

    private CoordinatorNode(ActorSystem<Void> system, ActorRef<ToCoordinator> coordinator, Recovery recovery) {
        this.system = system;
        this.coordinator = coordinator;
        this.recovery = recovery;
    }

    /**
     * The configuration of a coordinator at {@code host:port} (0 = a free port). With no seed
     * nodes given, the coordinator seeds the cluster itself (it joins its own address), which also
     * makes it the oldest member that the Split Brain Resolver keeps.
     */
    public static Config config(String host, int port, List<String> seedNodes) {
        return ClusterConfig.node(ClusterConfig.ROLE_COORDINATOR, host, port, seedNodes);
    }

    /** Starts a node that keeps its state in memory only, from a full configuration (see {@link #config}). */
    public static CoordinatorNode start(Config config, Coordinator.Settings settings) {
        CoordinatorState state = new CoordinatorState(settings.leasePrefix(), settings.defaultAttempts());
        return start(config, Coordinator.create(settings, state, null), Recovery.NONE);
    }

    /**
     * Starts a node that journals to {@code stateDir} (created if missing), carrying on from what
     * the journal there holds.
     *
     * @param repair  cut a journal damaged in the middle at the damage (the rest is kept aside)
     *                instead of refusing to start
     * @param version hpsearch version, journaled with the start
     * @throws JournalCorruptException the journal is damaged and repair was not asked for, or is
     *                                 not a journal
     * @throws IOException             the directory or journal cannot be created, read or locked
     *                                 (e.g. another coordinator uses it)
     */
    public static CoordinatorNode start(Config config, Coordinator.Settings settings, Path stateDir, boolean repair,
                                        String version) throws IOException {
        CoordinatorState.Opened opened = CoordinatorState.open(stateDir, new Journal.Options(true, repair),
                settings.leasePrefix(), settings.defaultAttempts(), version, settings.nanoTime().getAsLong());
        CoordinatorState state = opened.state();
        int active = (int) state.campaigns().stream().filter(CampaignRun::active).count();
        Recovery recovery = new Recovery(opened.journal().file(), opened.replayed(), state.campaigns().size(), active,
                opened.voidedLeases(), opened.journal().recoveryNotes());
        try {
            return start(config, Coordinator.create(settings, state, opened.journal()), recovery);
        } catch (RuntimeException e) {
            opened.journal().close();
            throw e;
        }
    }

    /** Trials run through {@link WarmUp} before the node starts. */
    static final int WARM_UP_TRIALS = 2000;

    /** Whether this JVM has run the warm-ups: what the JIT compiled stays for every later node. */
    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();

    private static CoordinatorNode start(Config config, Behavior<ToCoordinator> behavior, Recovery recovery) {
        if (WARMED_UP.compareAndSet(false, true)) {
            WarmUp.run(WARM_UP_TRIALS);
            ActorWarmUp.run();
        }
        CompletableFuture<ActorRef<ToCoordinator>> spawned = new CompletableFuture<>();
        Behavior<Void> guardian = Behaviors.setup(ctx -> {
            ActorRef<ToCoordinator> ref = ctx.spawn(behavior, "coordinator", DispatcherSelector.blocking());
            ctx.watch(ref);
            spawned.complete(ref);
            // the node is the coordinator: if it stops (a journal that cannot be written), so does the node
            return Behaviors.receive(Void.class).onSignal(Terminated.class, t -> Behaviors.stopped()).build();
        });
        ActorSystem<Void> system = ActorSystem.create(guardian, ClusterConfig.SYSTEM_NAME, config);
        Cluster cluster = Cluster.get(system);
        if (config.getStringList("akka.cluster.seed-nodes").isEmpty()) {
            // no seeds configured: this node founds the cluster
            cluster.manager().tell(new akka.cluster.typed.Join(cluster.selfMember().address()));
        }
        return new CoordinatorNode(system, spawned.join(), recovery);
    }

    public static CoordinatorNode start(String host, int port, List<String> seedNodes) {
        return start(config(host, port, seedNodes), Coordinator.Settings.defaults());
    }

    /** What start-up found in the state directory ({@code journal} null without one). */
    public Recovery recovery() {
        return recovery;
    }

    public ActorSystem<Void> system() {
        return system;
    }

    public ActorRef<ToCoordinator> coordinator() {
        return coordinator;
    }

    /** The address workers and clients use as their seed node, e.g. {@code akka://hpsearch@10.0.0.1:25520}. */
    public String address() {
        return Cluster.get(system).selfMember().address().toString();
    }

    @Override
    public void close() {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }

    /** {@code CoordinatorNode [host [port [seed…]]]}; defaults 127.0.0.1 25520. */
    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 25520;
        List<String> seeds = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
        CoordinatorNode node = start(host, port, seeds);
        System.out.println("coordinator up at " + node.address());
        node.system().getWhenTerminated().toCompletableFuture().join();
    }
}
