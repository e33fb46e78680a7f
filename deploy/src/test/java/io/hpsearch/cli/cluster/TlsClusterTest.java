package io.hpsearch.cli.cluster;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster of processes over TLS: nodes holding the cluster's keystore run a campaign together;
 * a node with another key pair, or none, cannot reach them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsClusterTest {
    private static final String PASSWORD = "cluster-pass";

    @TempDir
    Path dir;

    private CliProcesses processes;

    @AfterEach
    void stop() {
        if (processes != null) processes.close();
    }

    @Test
    void nodesWithTheClustersKeystoreWorkTogetherAndOthersAreShutOut() throws Exception {
        Path cluster = Keystores.keyPair(dir.resolve("cluster.p12"), PASSWORD);
        Path other = Keystores.keyPair(dir.resolve("other.p12"), PASSWORD);
        Map<String, String> password = Map.of(TlsOptions.PASSWORD_VARIABLE, PASSWORD);
        int port = CliProcesses.freePort();
        String join = "127.0.0.1:" + port;
        processes = new CliProcesses(dir);

        CliProcesses.Cli coordinator = processes.startWith(List.of(), password, "coordinator", "coordinator",
                "--port", Integer.toString(port), "--state-dir", dir.resolve("state").toString(),
                "--tls-keystore", cluster.toString());
        coordinator.awaitOutput("Artery tls-tcp", Duration.ofSeconds(60));
        coordinator.awaitOutput("launch:  hpsearch launch CAMPAIGN.conf --join " + join
                + " --tls-keystore <its copy of cluster.p12>", Duration.ofSeconds(60));
        // the keystore from the environment, as a machine's shell profile would set it
        CliProcesses.Cli worker = processes.startWith(List.of(),
                Map.of(TlsOptions.PASSWORD_VARIABLE, PASSWORD, TlsOptions.KEYSTORE_VARIABLE, cluster.toString()),
                "worker", "worker", "--join", join, "--slots", "1");
        CliProcesses.Cli stranger = processes.startWith(List.of(), password, "stranger", "worker", "--join", join,
                "--slots", "1", "--tls-keystore", other.toString());

        Path file = Files.writeString(dir.resolve("tls.conf"), TinyCampaigns.text("over-tls", 4));
        CliProcesses.Cli launch = processes.startWith(List.of(), password, "launch", "launch", file.toString(),
                "--join", join, "--tls-keystore", cluster.toString());
        assertEquals(0, launch.awaitExit(Duration.ofSeconds(120)), "launch\n" + launch.err());
        assertTrue(launch.err().contains("4 trials: 4 completed"), launch.out() + launch.err());
        assertTrue(worker.err().contains("trial over-tls/coarse#"), "the worker with the cluster's key trained:\n" + worker.err());

        // the worker with another key pair never got in: its handshakes fail, and it trained nothing
        stranger.awaitOutput("SSLHandshakeException", Duration.ofSeconds(30));
        assertTrue(!stranger.err().contains("coordinator found"), stranger.err());
        CliProcesses.Cli status = processes.startWith(List.of(), password, "status", "status", "--join", join,
                "--tls-keystore", cluster.toString(), "--format", "json");
        assertEquals(0, status.awaitExit(Duration.ofSeconds(60)), status.err());
        assertEquals(1, status.out().split("\"worker_id\"", -1).length - 1, "one worker: " + status.out());

        // clients with another key pair, or plain TCP, find no coordinator
        for (List<String> tls : List.of(List.of("--tls-keystore", other.toString()), List.<String>of())) {
            List<String> args = new java.util.ArrayList<>(List.of("status", "--join", join, "--timeout", "3"));
            args.addAll(tls);
            CliProcesses.Cli shutOut = processes.startWith(List.of(), password, "shut-out-" + tls.size(),
                    args.toArray(String[]::new));
            assertEquals(2, shutOut.awaitExit(Duration.ofSeconds(60)), shutOut.err());
            assertTrue(shutOut.err().contains("no answer from a coordinator at " + join + " within 3 s (is it running, "
                    + "reachable from this machine, and on the same --tls-keystore, or none?)"), shutOut.err());
        }
    }
}
