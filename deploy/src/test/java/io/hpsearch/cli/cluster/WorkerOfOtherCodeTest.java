package io.hpsearch.cli.cluster;

import io.hpsearch.cli.CommandRun.Outcome;
import io.hpsearch.coordinator.Coordinator;
import io.hpsearch.coordinator.CoordinatorNode;
import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.BuildInfo;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.hpsearch.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker process whose training code is not the coordinator's (a machine left on an older build)
 * is refused: it trains nothing, says why and exits 2, and the campaign's status names it. The
 * worker is made another build by a {@code hpsearch-version.properties} ahead of this build's on
 * its class path, as in a jar built from other sources.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerOfOtherCodeTest {
    /** The worker's code: not this build's. */
    private static final String OTHER = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private CliProcesses processes;
    private CoordinatorNode coordinator;

    @AfterEach
    void stop() {
        if (processes != null) processes.close();
        if (coordinator != null) coordinator.close();
    }

    /** A folder whose hpsearch-version.properties, ahead on a class path, makes a process build 0.0.9 of code OTHER. */
    private Path otherBuild() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("other-build"));
        Files.writeString(folder.resolve("hpsearch-version.properties"), "version=0.0.9\ncode=" + OTHER + "\n");
        return folder;
    }

    @Test
    void aWorkerOfOtherTrainingCodeIsRefusedSaysWhyAndExits2() throws Exception {
        BuildInfo ours = BuildInfo.current();
        assertTrue(ours.checksCode(), "the build wrote no training-code fingerprint: " + ours);
        assertNotEquals(OTHER, ours.codeFingerprint());
        int port = CliProcesses.freePort();
        coordinator = CoordinatorNode.start(CoordinatorNode.config("127.0.0.1", port, List.of()),
                Coordinator.Settings.defaults().withBuild(ours));
        CoordinatorClient client = CoordinatorClient.using(coordinator.system(), Duration.ofSeconds(20));
        CampaignAck ack = client.submit(CampaignFile.parse(TinyCampaigns.text("other-code", 3), "other-code.conf"))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(ack.getAccepted(), ack.getError());

        processes = new CliProcesses(dir);
        CliProcesses.Cli worker = processes.startWith(List.of(otherBuild()), "worker", "worker", "--join",
                "127.0.0.1:" + port, "--slots", "1");
        assertEquals(2, worker.awaitExit(Duration.ofSeconds(90)), "exit code\n" + worker.err());
        String err = worker.err();
        assertTrue(err.contains("the coordinator at 127.0.0.1:" + port + " refused this worker: this worker runs hpsearch "
                + "0.0.9, training code 0123456789ab, the coordinator " + ours + ": "), err);
        assertTrue(err.contains("copy its deploy/target/hpsearch.jar"), err);
        assertTrue(!err.contains("trial other-code/") && !worker.out().contains("trial other-code/"),
                "it trained nothing:\n" + err);

        StatusAnswer status = client.status("other-code").toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(0, status.getWorkersCount(), status.toString());
        CampaignStatus c = status.getCampaigns(0);
        assertEquals(3, c.getPhases(0).getPending(), c.toString());
        assertTrue(c.getWaiting().startsWith("waiting for a worker to join; refused for other training code than this "
                + "coordinator's (" + ours + "): 127.0.0.1:"), c.getWaiting());
        assertTrue(c.getWaiting().endsWith(" (hpsearch 0.0.9, training code 0123456789ab)"), c.getWaiting());
        Outcome table = run("status", "--join", "127.0.0.1:" + port);
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("other-code: " + c.getWaiting()), table.out());
    }

    @Test
    void aLaunchFromAMachineOfOtherTrainingCodeIsRefusedWithExit2() throws Exception {
        BuildInfo ours = BuildInfo.current();
        int port = CliProcesses.freePort();
        coordinator = CoordinatorNode.start(CoordinatorNode.config("127.0.0.1", port, List.of()),
                Coordinator.Settings.defaults().withBuild(ours));
        Path file = Files.writeString(dir.resolve("other-code.conf"), TinyCampaigns.text("other-client", 3));
        processes = new CliProcesses(dir);
        CliProcesses.Cli launch = processes.startWith(List.of(otherBuild()), "launch", "launch", file.toString(),
                "--join", "127.0.0.1:" + port);
        assertEquals(2, launch.awaitExit(Duration.ofSeconds(90)), "exit code\n" + launch.err());
        assertTrue(launch.err().contains("the coordinator at 127.0.0.1:" + port + " refused campaign other-client: this "
                + "client runs hpsearch 0.0.9, training code 0123456789ab, the coordinator " + ours
                + ": submit the campaign with the coordinator's build"), launch.err());
        CoordinatorClient client = CoordinatorClient.using(coordinator.system(), Duration.ofSeconds(20));
        assertEquals(0, client.status("").toCompletableFuture().get(30, TimeUnit.SECONDS).getCampaignsCount(),
                "nothing queued");
    }
}
