package io.hpsearch.cli.cluster;

import io.hpsearch.cli.CommandRun.Outcome;
import io.hpsearch.coordinator.Coordinator;
import io.hpsearch.coordinator.CoordinatorNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.hpsearch.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code watch} when the coordinator it follows is lost, over real client and coordinator nodes
 * on 127.0.0.1 (no worker: the campaign waits in the queue). A coordinator restarted on its
 * journal, which the follower then follows again to the end, is in {@link FaultInjectionTest}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FollowThroughLostCoordinatorTest {
    @TempDir
    Path dir;

    private CoordinatorNode coordinator;

    @AfterEach
    void stop() {
        if (coordinator != null) coordinator.close();
    }

    /** A coordinator without a journal on the port, with the campaign submitted to it. */
    private String coordinatorWithCampaign(int port) throws Exception {
        coordinator = CoordinatorNode.start(CoordinatorNode.config("127.0.0.1", port, List.of()), Coordinator.Settings.defaults());
        String join = "127.0.0.1:" + port;
        Path file = dir.resolve("waiting.conf");
        Files.writeString(file, CampaignQueueTest.campaign("waiting", 3, 2));
        Outcome launched = run("launch", file.toString(), "--join", join, "--detach");
        assertEquals(0, launched.code(), launched.err());
        return join;
    }

    /** watch, started in the background once it can find the campaign; the campaign stays queued. */
    private CompletableFuture<Outcome> watch(String... args) throws InterruptedException {
        CompletableFuture<Outcome> watched = CompletableFuture.supplyAsync(() -> run(args));
        Thread.sleep(3_000); // it has joined, found the campaign and is polling it
        assertFalse(watched.isDone(), () -> "watch ended while the campaign waited: " + watched.join());
        return watched;
    }

    @Test
    void aCoordinatorThatComesBackWithoutItsJournalIsToldApartFromOneThatIsGone() throws Exception {
        int port = CliProcesses.freePort();
        String join = coordinatorWithCampaign(port);
        CompletableFuture<Outcome> watched = watch("watch", "--join", join, "--campaign", "waiting", "--timeout", "3");

        // the coordinator stops and a new one, without a journal, takes its address
        coordinator.close();
        coordinator = CoordinatorNode.start(CoordinatorNode.config("127.0.0.1", port, List.of()), Coordinator.Settings.defaults());

        // watch joins the new coordinator's cluster and learns that the campaign is gone
        Outcome lost = watched.get(90, TimeUnit.SECONDS);
        assertEquals(2, lost.code(), lost.out() + lost.err());
        assertTrue(lost.err().contains("no campaign waiting on the coordinator at " + join + " since it restarted"), lost.err());
        assertTrue(lost.err().contains("was it started again on another --state-dir?"), lost.err());
    }

    @Test
    void aCoordinatorThatDoesNotComeBackIsWaitedForOnlyAsLongAsReconnectForSays() throws Exception {
        int port = CliProcesses.freePort();
        String join = coordinatorWithCampaign(port);
        CompletableFuture<Outcome> watched = watch("watch", "--join", join, "--campaign", "waiting", "--timeout", "3",
                "--reconnect-for", "5");

        coordinator.close();
        coordinator = null;
        long lostAt = System.nanoTime();
        Outcome gone = watched.get(90, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - lostAt) / 1e9;
        assertEquals(2, gone.code(), gone.out() + gone.err());
        assertTrue(gone.err().contains("the coordinator at " + join + " has not answered for"), gone.err());
        assertTrue(gone.err().contains("(--reconnect-for 5)"), gone.err());
        assertTrue(gone.err().contains("run this command again"), gone.err());
        // the first missed answer (up to --timeout plus the wait's margin), then at least --reconnect-for
        assertTrue(seconds >= 5, "gave up after " + seconds + " s");

        // a coordinator that is not there when watch starts is not waited for
        Outcome absent = run("watch", "--join", join, "--campaign", "waiting", "--timeout", "2");
        assertEquals(2, absent.code());
        assertTrue(absent.err().contains("no answer from a coordinator at " + join), absent.err());
        Outcome bad = run("watch", "--join", join, "--reconnect-for", "-1");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--reconnect-for must be 0 or more seconds, got -1"), bad.err());
    }
}
