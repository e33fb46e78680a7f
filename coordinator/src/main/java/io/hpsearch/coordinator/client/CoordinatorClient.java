package io.hpsearch.coordinator.client;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.Config;
import io.hpsearch.protocol.BuildInfo;
import io.hpsearch.protocol.ClusterConfig;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CancelAck;
import io.hpsearch.protocol.v1.CancelCampaign;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.StatusQuery;
import io.hpsearch.protocol.v1.SubmitCampaign;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TopKQuery;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.wire.ToCoordinator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Talks to a coordinator from a program: the command line ({@code launch}, {@code results},
 * {@code status}, {@code cancel}) or a test. Either joins the cluster as its own node with role
 * {@code client} ({@link #join}) or uses an ActorSystem that is already a member
 * ({@link #using}, e.g. {@code hpsearch local}). The coordinator is found through the
 * Receptionist; every call returns a CompletionStage that fails with a {@link TimeoutException}
 * if no coordinator is found, or none answers, within the timeout.
 */
public final class CoordinatorClient implements AutoCloseable {
    private static final Duration FIND_RETRY = Duration.ofMillis(100);

    private final ActorSystem<?> system;
    private final boolean owned;
    private final Duration timeout;
    private volatile ActorRef<ToCoordinator> coordinator;

    private CoordinatorClient(ActorSystem<?> system, boolean owned, Duration timeout) {
        this.system = system;
        this.owned = owned;
        this.timeout = timeout;
    }

    /**
     * Starts a client node and joins the cluster through {@code seedNodes}
     * (e.g. {@code akka://hpsearch@10.0.0.1:25520}).
     *
     * @param host    this machine's address as the coordinator can reach it
     * @param port    0 = any free port
     * @param timeout for finding the coordinator and for each answer
     */
    public static CoordinatorClient join(String host, int port, List<String> seedNodes, Duration timeout) {
        return join(ClusterConfig.node(ClusterConfig.ROLE_CLIENT, host, port, seedNodes), timeout);
    }

    /** Starts a client node from a full configuration (see {@link ClusterConfig#node}). */
    public static CoordinatorClient join(Config config, Duration timeout) {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), ClusterConfig.SYSTEM_NAME, config);
        return new CoordinatorClient(system, true, timeout);
    }

    /** A client over an existing cluster member; {@link #close()} leaves the system running. */
    public static CoordinatorClient using(ActorSystem<?> system, Duration timeout) {
        return new CoordinatorClient(system, false, timeout);
    }

    public ActorSystem<?> system() {
        return system;
    }

    /**
     * Whether this client has found a coordinator (and keeps asking that one). A coordinator that
     * restarts forms a new cluster, which a client found the old one through cannot reach: such a
     * client has to be replaced by a new one.
     */
    public boolean foundCoordinator() {
        return coordinator != null;
    }

    /** Whether the client's actor system has ended (e.g. this node was downed when the coordinator was lost). */
    public boolean terminated() {
        return system.getWhenTerminated().toCompletableFuture().isDone();
    }

    /** The coordinator, looked up through the Receptionist until found or the timeout passes. */
    public CompletionStage<ActorRef<ToCoordinator>> coordinator() {
        ActorRef<ToCoordinator> known = coordinator;
        if (known != null) return CompletableFuture.completedFuture(known);
        CompletableFuture<ActorRef<ToCoordinator>> result = new CompletableFuture<>();
        find(Instant.now().plus(timeout), result);
        return result;
    }

    private void find(Instant deadline, CompletableFuture<ActorRef<ToCoordinator>> result) {
        AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                        replyTo -> Receptionist.find(ToCoordinator.KEY, replyTo), timeout, system.scheduler())
                .whenComplete((listing, error) -> {
                    if (result.isDone()) return;
                    if (listing != null && !listing.getServiceInstances(ToCoordinator.KEY).isEmpty()) {
                        ActorRef<ToCoordinator> ref = listing.getServiceInstances(ToCoordinator.KEY).iterator().next();
                        coordinator = ref;
                        result.complete(ref);
                    } else if (Instant.now().isAfter(deadline)) {
                        result.completeExceptionally(new TimeoutException("no coordinator found in the cluster within "
                                + timeout.toMillis() + " ms" + (error == null ? "" : ": " + error)));
                    } else {
                        CompletableFuture.delayedExecutor(FIND_RETRY.toMillis(), TimeUnit.MILLISECONDS)
                                .execute(() -> find(deadline, result));
                    }
                });
    }

    /**
     * Queues a campaign; the answer says whether it was accepted and, if not, why. It carries this
     * process's build: a coordinator takes campaigns only from its own training code.
     */
    public CompletionStage<CampaignAck> submit(CampaignSpec spec) {
        return coordinator().thenCompose(c -> AskPattern.<ToCoordinator, CampaignAck>ask(c,
                replyTo -> new ToCoordinator.Submit(SubmitCampaign.newBuilder().setSpec(spec)
                        .setClientVersion(BuildInfo.current().version())
                        .setClientCodeFingerprint(BuildInfo.current().codeFingerprint()).build(), replyTo),
                timeout, system.scheduler()));
    }

    /** Status of one campaign, or of all ({@code campaign} empty), with workers and latency percentiles. */
    public CompletionStage<StatusAnswer> status(String campaign) {
        return status(campaign, true);
    }

    /** As {@link #status(String)}; without the latency percentiles unless {@code withStats}. */
    public CompletionStage<StatusAnswer> status(String campaign, boolean withStats) {
        return coordinator().thenCompose(c -> AskPattern.<ToCoordinator, StatusAnswer>ask(c,
                replyTo -> new ToCoordinator.Status(StatusQuery.newBuilder().setCampaign(campaign)
                        .setWithoutStats(!withStats).build(), replyTo),
                timeout, system.scheduler()));
    }

    /**
     * The {@code k} best trials (k ≤ 0: the campaign's top_k), of one phase unless {@code phase} is
     * empty: the first page of them, see {@link #topK(TopKQuery)}.
     */
    public CompletionStage<TopKAnswer> topK(String campaign, int k, String phase) {
        return topK(TopKQuery.newBuilder().setCampaign(campaign).setK(k).setPhase(phase == null ? "" : phase).build());
    }

    /**
     * One page of a top-k answer: when {@link TopKAnswer#getMore()} is set, ask again with the
     * offset moved past the results received ({@link #allTopK} does).
     */
    public CompletionStage<TopKAnswer> topK(TopKQuery query) {
        return coordinator().thenCompose(c -> AskPattern.<ToCoordinator, TopKAnswer>ask(c,
                replyTo -> new ToCoordinator.TopK(query, replyTo), timeout, system.scheduler()));
    }

    /**
     * Every page of the query's answer from its offset on, as one answer. While the campaign runs, a
     * result recorded between two pages shifts the ranks: a trial the earlier page held may come
     * again (it is kept once), and the new one, if it ranks on an earlier page, is not in this answer.
     */
    public CompletionStage<TopKAnswer> allTopK(TopKQuery query) {
        CompletableFuture<TopKAnswer> all = new CompletableFuture<>();
        pages(query, new ArrayList<>(), new HashSet<>(), all);
        return all;
    }

    /**
     * Asks for the page at the query's offset and, while there are more, for the next, gathering
     * the rows in {@code rows} (a table of 100,000 results is hundreds of pages: each page is
     * added once, not copied into every later one). The answer is the last page's (its total, and
     * its error if it has one) with every row.
     */
    private void pages(TopKQuery query, List<TrialResult> rows, Set<TrialId> seen, CompletableFuture<TopKAnswer> all) {
        topK(query).whenComplete((page, failure) -> {
            if (failure != null) {
                all.completeExceptionally(failure);
                return;
            }
            try {
                for (TrialResult r : page.getRankedList()) {
                    if (seen.add(r.getId())) rows.add(r);
                }
                if (!page.getMore() || !page.getError().isEmpty()) {
                    all.complete(page.toBuilder().clearRanked().addAllRanked(rows).setMore(false).build());
                    return;
                }
                pages(query.toBuilder().setOffset(query.getOffset() + page.getRankedCount()).build(), rows, seen, all);
            } catch (RuntimeException | Error e) { // e.g. out of memory: the caller hears of it, not a silent wait
                all.completeExceptionally(e);
            }
        });
    }

    public CompletionStage<CancelAck> cancel(String campaign, String reason) {
        return coordinator().thenCompose(c -> AskPattern.<ToCoordinator, CancelAck>ask(c,
                replyTo -> new ToCoordinator.Cancel(CancelCampaign.newBuilder().setCampaign(campaign)
                        .setReason(reason == null ? "" : reason).build(), replyTo),
                timeout, system.scheduler()));
    }

    /**
     * Stops a client whose coordinator was lost, without logging: its node's shutdown would report
     * each broken connection to the old cluster, which the user has already been told about.
     */
    public void closeQuietly() {
        if (owned) system.classicSystem().eventStream().setLogLevel(akka.event.Logging.levelFor("off").get().asInt());
        close();
    }

    /** Leaves the cluster and stops the client's ActorSystem (if this client started it). */
    @Override
    public void close() {
        if (owned) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
    }
}
