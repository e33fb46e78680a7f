package io.hpsearch.coordinator;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import io.hpsearch.protocol.ClusterConfig;
import io.hpsearch.protocol.wire.ToCoordinator;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A running coordinator node: an ActorSystem named {@link ClusterConfig#SYSTEM_NAME} with role
 * {@code coordinator} whose guardian spawns the {@link Coordinator} (as {@code /user/coordinator}).
 * Stop it with {@link #close()} (a graceful cluster leave).
 */
public final class CoordinatorNode implements AutoCloseable {
    private final ActorSystem<Void> system;
    private final ActorRef<ToCoordinator> coordinator;

    private CoordinatorNode(ActorSystem<Void> system, ActorRef<ToCoordinator> coordinator) {
        this.system = system;
        this.coordinator = coordinator;
    }

    /**
     * The configuration of a coordinator at {@code host:port} (0 = a free port). With no seed
     * nodes given, the coordinator seeds the cluster itself (it joins its own address), which also
     * makes it the oldest member that the Split Brain Resolver keeps.
     */
    public static Config config(String host, int port, List<String> seedNodes) {
        return ClusterConfig.node(ClusterConfig.ROLE_COORDINATOR, host, port, seedNodes);
    }

    /** Starts the node from a full configuration (see {@link #config}). */
    public static CoordinatorNode start(Config config, Coordinator.Settings settings) {
        CompletableFuture<ActorRef<ToCoordinator>> spawned = new CompletableFuture<>();
        Behavior<Void> guardian = Behaviors.setup(ctx -> {
            spawned.complete(ctx.spawn(Coordinator.create(settings), "coordinator"));
            return Behaviors.empty();
        });
        ActorSystem<Void> system = ActorSystem.create(guardian, ClusterConfig.SYSTEM_NAME, config);
        Cluster cluster = Cluster.get(system);
        if (config.getStringList("akka.cluster.seed-nodes").isEmpty()) {
            // no seeds configured: this node founds the cluster
            cluster.manager().tell(new akka.cluster.typed.Join(cluster.selfMember().address()));
        }
        return new CoordinatorNode(system, spawned.join());
    }

    public static CoordinatorNode start(String host, int port, List<String> seedNodes) {
        return start(config(host, port, seedNodes), Coordinator.Settings.defaults());
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
