package io.hpsearch.cli.cluster;

import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.ClusterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CoordinatorLink} replacing a client node whose coordinator was lost, over a real client
 * node (one whose cluster node has ended, as a node downed when the coordinator went away).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CoordinatorLinkTest {
    /**
     * Ctrl-C interrupts the command's thread (StopHook) at any moment, also while the link starts
     * a new client node. Akka's start-up, interrupted, prints a stack trace after the command's
     * last word; so the interrupt must end the wait for the node, and never reach its start-up.
     */
    @Test
    void anInterruptWhileANewClientNodeStartsEndsTheWaitAndDoesNotReachTheStartUp() throws Exception {
        int nobody;
        try (ServerSocket s = new ServerSocket(0)) {
            nobody = s.getLocalPort();
        }
        CoordinatorClient lost = CoordinatorClient.join("127.0.0.1", 0, List.of(ClusterConfig.address("127.0.0.1", nobody)),
                Duration.ofSeconds(1));
        lost.close(); // its node has ended: the link must start a new one

        AtomicInteger starts = new AtomicInteger();
        CountDownLatch starting = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        CompletableFuture<Boolean> startUpInterrupted = new CompletableFuture<>();
        Supplier<CoordinatorClient> connect = () -> {
            if (starts.getAndIncrement() == 0) return lost;
            starting.countDown();
            try {
                mayFinish.await();
                startUpInterrupted.complete(false);
            } catch (InterruptedException e) {
                startUpInterrupted.complete(true);
                throw new IllegalStateException("the start-up was interrupted");
            }
            return lost;
        };
        CoordinatorLink link = new CoordinatorLink(connect, "127.0.0.1:" + nobody, Duration.ofMinutes(5), null);

        CompletableFuture<Throwable> asked = new CompletableFuture<>();
        Thread command = new Thread(() -> {
            try {
                link.ask(c -> {
                    throw new CoordinatorUnreachable("no answer", null);
                }, notice -> {
                });
                asked.complete(null);
            } catch (Throwable t) {
                asked.complete(t);
            }
        }, "command");
        command.start();
        assertTrue(starting.await(60, TimeUnit.SECONDS), "the link never started a new client node");
        command.interrupt(); // Ctrl-C
        Throwable ended = asked.get(60, TimeUnit.SECONDS);
        assertInstanceOf(InterruptedException.class, ended, String.valueOf(ended));
        mayFinish.countDown();
        assertEquals(false, startUpInterrupted.get(60, TimeUnit.SECONDS));
        assertEquals(2, starts.get());
    }
}
