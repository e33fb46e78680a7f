package io.hpsearch.coordinator;

import akka.actor.AddressFromURIString;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.cluster.typed.JoinSeedNodes;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.hpsearch.coordinator.journal.Journal;
import io.hpsearch.coordinator.journal.JournalCorruptException;
import io.hpsearch.coordinator.state.CampaignRun;
import io.hpsearch.coordinator.state.CoordinatorState;
import io.hpsearch.coordinator.state.WarmUp;
import io.hpsearch.protocol.BuildInfo;
import io.hpsearch.protocol.ClusterConfig;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.wire.ToCoordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * <p>The node binds its port first and opens its state after: a start that cannot listen (the
 * port in use, an address not of this machine) leaves the state directory as it was, creating no
 * journal and appending no start record. With a state directory, the journal there is then
 * opened and replayed before the coordinator actor starts and before the node joins the cluster,
 * so a damaged journal stops the start-up before the node joins anything. The coordinator runs on
 * Akka's dispatcher for blocking work, since it waits for the disk on every durable event.
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
     * @param notes        what opening did to the file (torn tail cut, repair), and running
     *                     campaigns with results of another training code than this coordinator's
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
        try {
            return start(config, () -> new Prepared(Coordinator.create(settings, state, null), Recovery.NONE));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a state in memory reads nothing
        }
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
        return start(config, () -> {
            CoordinatorState.Opened opened = CoordinatorState.open(stateDir, new Journal.Options(true, repair),
                    settings.leasePrefix(), settings.defaultAttempts(), version, settings.nanoTime().getAsLong());
            CoordinatorState state = opened.state();
            int active = (int) state.campaigns().stream().filter(CampaignRun::active).count();
            List<String> notes = new ArrayList<>(opened.journal().recoveryNotes());
            notes.addAll(otherCode(state, settings.build()));
            Recovery recovery = new Recovery(opened.journal().file(), opened.replayed(), state.campaigns().size(), active,
                    opened.voidedLeases(), notes);
            return new Prepared(Coordinator.create(settings, state, opened.journal()), recovery);
        });
    }

    /**
     * For each running campaign with results trained by another code than {@code build}'s (the
     * coordinator was restarted on a new build): a warning, since its later trials run on this
     * code and its table will hold both.
     */
    static List<String> otherCode(CoordinatorState state, BuildInfo build) {
        List<String> notes = new ArrayList<>();
        if (!build.checksCode()) return notes;
        for (CampaignRun c : state.campaigns()) {
            if (!c.active()) continue;
            Map<String, Integer> byCode = new TreeMap<>();
            for (TrialResult r : c.results()) {
                String code = r.getCodeFingerprint();
                if (!code.isEmpty() && !build.admits(code)) byCode.merge(BuildInfo.shortCode(code), 1, Integer::sum);
            }
            if (byCode.isEmpty()) continue;
            List<String> counts = new ArrayList<>();
            byCode.forEach((code, n) -> counts.add(n + " by training code " + code));
            notes.add("campaign " + c.name() + " has " + String.join(", ", counts) + " of its " + c.results().size()
                    + " results, not by this coordinator's " + build.shortCode() + "; its remaining trials run on "
                    + build.shortCode() + ", so its table will mix them (cancel it and launch it again under another "
                    + "name to keep one code)");
        }
        return notes;
    }

    /** The coordinator actor's behaviour and what start-up found, once its state is ready. */
    private record Prepared(Behavior<ToCoordinator> behavior, Recovery recovery) {
    }

    /** Gets the coordinator's state ready (opens and replays a journal); run once the node listens. */
    @FunctionalInterface
    private interface Preparation {
        Prepared prepare() throws IOException;
    }

    /** Tells the waiting coordinator actor what to become (or that its state could not be had). */
    private record Ready(Behavior<ToCoordinator> behavior, Throwable failure) implements Coordinator.Command {
    }

    /**
     * The coordinator actor before its state is ready: it becomes {@code ready}'s behaviour, or
     * stops (and with it the node) if there is none. Nothing else reaches it meanwhile: no one can
     * find it before it registers with the Receptionist, which the coordinator does as it starts.
     */
    private static Behavior<ToCoordinator> whenReady(CompletionStage<Behavior<ToCoordinator>> ready) {
        return Behaviors.setup(ctx -> {
            ctx.pipeToSelf(ready, Ready::new);
            return Behaviors.receive(ToCoordinator.class)
                    .onMessage(Ready.class, r -> r.failure() == null ? r.behavior() : Behaviors.stopped())
                    .build();
        });
    }

    /** Trials run through {@link WarmUp} before the node starts. */
    static final int WARM_UP_TRIALS = 2000;

    /** Whether this JVM has run the warm-ups: what the JIT compiled stays for every later node. */
    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();

    private static CoordinatorNode start(Config config, Preparation preparation) throws IOException {
        if (WARMED_UP.compareAndSet(false, true)) {
            WarmUp.run(WARM_UP_TRIALS);
            ActorWarmUp.run();
        }
        CompletableFuture<Behavior<ToCoordinator>> ready = new CompletableFuture<>();
        CompletableFuture<ActorRef<ToCoordinator>> spawned = new CompletableFuture<>();
        Behavior<Void> guardian = Behaviors.setup(ctx -> {
            ActorRef<ToCoordinator> ref = ctx.spawn(whenReady(ready), "coordinator", DispatcherSelector.blocking());
            ctx.watch(ref);
            spawned.complete(ref);
            // the node is the coordinator: if it stops (a journal that cannot be written), so does the node
            return Behaviors.receive(Void.class).onSignal(Terminated.class, t -> Behaviors.stopped()).build();
        });
        // The seed nodes are joined once the state is ready, not as the actor system starts.
        List<String> seeds = config.getStringList("akka.cluster.seed-nodes");
        Config unseeded = config.withValue("akka.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of()));
        // binds the port, or throws: nothing of the state directory has been touched yet
        ActorSystem<Void> system = ActorSystem.create(guardian, ClusterConfig.SYSTEM_NAME, unseeded);
        Prepared prepared;
        try {
            prepared = preparation.prepare();
        } catch (IOException | RuntimeException e) {
            ready.completeExceptionally(e);
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            throw e;
        }
        ready.complete(prepared.behavior());
        Cluster cluster = Cluster.get(system);
        if (seeds.isEmpty()) {
            // no seeds configured: this node founds the cluster
            cluster.manager().tell(new Join(cluster.selfMember().address()));
        } else {
            cluster.manager().tell(new JoinSeedNodes(seeds.stream().map(AddressFromURIString::parse).toList()));
        }
        return new CoordinatorNode(system, spawned.join(), prepared.recovery());
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
