package io.hpsearch.cli.cluster;

import io.hpsearch.coordinator.client.CoordinatorClient;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The connection of a command that follows a campaign ({@code launch}, {@code watch}) to the
 * coordinator, which outlives the coordinator: a campaign may run for hours, and a coordinator
 * killed and started again on its {@code --state-dir} carries on with it. Such a coordinator forms
 * a new cluster, which the client node that joined the old one cannot reach; so when no answer
 * comes, the link starts a new client node and asks again, until the coordinator answers or
 * {@code reconnectFor} has passed since it was lost. Workers rejoin the same way (WorkerNode).
 */
final class CoordinatorLink implements AutoCloseable {
    /** The pause between attempts that failed at once (each attempt otherwise waits the client's timeout). */
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final Supplier<CoordinatorClient> connect;
    private final String where;
    private final Duration reconnectFor;
    private final String resumeHint;
    private volatile CoordinatorClient client;
    private volatile int reconnections;

    /**
     * @param connect      starts a new client node (the first one at once)
     * @param where        the coordinator's address, for messages
     * @param reconnectFor how long to wait for a lost coordinator; zero gives up at the first missed answer
     * @param resumeHint   what the user can do when the link gives up, e.g. the watch command
     */
    CoordinatorLink(Supplier<CoordinatorClient> connect, String where, Duration reconnectFor, String resumeHint) {
        this.connect = Objects.requireNonNull(connect, "connect");
        this.where = where;
        this.reconnectFor = reconnectFor;
        this.resumeHint = resumeHint;
        this.client = connect.get();
    }

    /** The current client node (a later call may return a new one). */
    CoordinatorClient client() {
        return client;
    }

    /** How many times the link started a new client node since it was made. */
    int reconnections() {
        return reconnections;
    }

    /**
     * {@code call}'s answer from the coordinator; while none comes (the call throws
     * {@link CoordinatorUnreachable}, or the client node has ended), tells {@code notices} once,
     * replaces the client node when it had found the coordinator that was lost, and calls again
     * until an answer comes (told to {@code notices} too) or {@code reconnectFor} has passed.
     *
     * @throws CoordinatorUnreachable when the coordinator did not come back in time
     */
    <T> T ask(Function<CoordinatorClient, T> call, Consumer<String> notices) throws InterruptedException {
        Instant lostAt = null;
        while (true) {
            CoordinatorClient c = client;
            RuntimeException failure;
            try {
                T answer = call.apply(c);
                if (lostAt != null) {
                    notices.accept("the coordinator at " + where + " answers again, after "
                            + CampaignProgress.duration(Duration.between(lostAt, Instant.now()).toMillis() / 1000.0));
                }
                return answer;
            } catch (CoordinatorUnreachable e) {
                failure = e;
            } catch (RuntimeException e) {
                if (!c.terminated()) throw e;
                failure = new CoordinatorUnreachable("this client's cluster node has ended (the coordinator at " + where
                        + " was lost): " + e.getMessage(), e);
            }
            if (reconnectFor.isZero()) throw failure;
            Instant now = Instant.now();
            if (lostAt == null) {
                lostAt = now;
                notices.accept("lost the coordinator at " + where + " (" + (c.terminated() ? "this client's cluster node ended"
                        : "no answer") + "); waiting up to "
                        + CampaignProgress.duration(reconnectFor.toSeconds()) + " for it to come back (Ctrl-C stops)");
            } else if (now.isAfter(lostAt.plus(reconnectFor))) {
                throw new CoordinatorUnreachable("the coordinator at " + where + " has not answered for "
                        + CampaignProgress.duration(Duration.between(lostAt, now).toSeconds()) + " (--reconnect-for "
                        + reconnectFor.toSeconds() + ")" + (resumeHint == null ? "" : "; " + resumeHint), failure);
            }
            if (c.foundCoordinator() || c.terminated()) {
                // joined to the cluster of the coordinator that was lost: a new node, which joins the
                // coordinator's new cluster once it is up (and keeps trying until then)
                client = startNode();
                reconnections++;
                CompletableFuture.runAsync(c::closeQuietly);
            } else {
                // still looking for the coordinator: the node keeps trying to join, ask it again
                Thread.sleep(RETRY_PAUSE.toMillis());
            }
        }
    }

    /**
     * A new client node, started on a thread of its own. Ctrl-C interrupts the thread that asks
     * ({@link StopHook}), and Akka's start-up is not made to be interrupted: it prints a stack trace
     * after the command's last word. The asking thread only waits here; a node that starts after
     * it gave up is closed at once.
     */
    private CoordinatorClient startNode() throws InterruptedException {
        CompletableFuture<CoordinatorClient> started = CompletableFuture.supplyAsync(connect, start -> {
            Thread starter = new Thread(start, "hpsearch-client-start");
            starter.setDaemon(true); // the JVM may exit while a node starts (Ctrl-C)
            starter.start();
        });
        try {
            return started.get();
        } catch (InterruptedException e) {
            started.thenAccept(CoordinatorClient::closeQuietly);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
