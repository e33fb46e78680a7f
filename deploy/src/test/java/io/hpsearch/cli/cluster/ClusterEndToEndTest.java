package io.hpsearch.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.coordinator.sampling.FineRange;
import io.hpsearch.coordinator.sampling.TrialGenerator;
import io.hpsearch.protocol.ClusterConfig;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.SearchSpace;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.TopKAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cluster as users run it: a coordinator and two worker JVMs started with {@code hpsearch
 * coordinator} and {@code hpsearch worker} on free ports of 127.0.0.1, a coarse + fine campaign
 * submitted with {@code hpsearch launch}, the table read with {@code hpsearch results --format json}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterEndToEndTest {
    static final String CAMPAIGN = String.join("\n",
            "campaign { name = e2e, seed = 7, top-k = 5 }",
            "data { set = synthetic, validation = 500,",
            "  synthetic { train = 4000, test = 1000, dim = 64, classes = 5, clusters = 2, sep = 2.5, seed = 3 } }",
            "network { hidden = [32], batch-norm = before-relu }",
            "training { batch = 50, epochs = 3, schedule { type = constant, eta = 0.05 } }",
            "search {",
            "  lambda { scale = log, min = 1e-5, max = 1e-1 }",
            "  eta { scale = log, min = 1e-3, max = 0.5 }",
            "}",
            "phases = [",
            "  { name = coarse, sampler = random, trials = 6 }",
            "  { name = fine, sampler = random, trials = 4, refine { from = coarse, top = 2, margin = 0.1, min-width = 0.05 } }",
            "]");

    @TempDir
    Path dir;

    private CliProcesses processes;
    private CoordinatorClient observer;

    @AfterEach
    void stopEverything() {
        if (observer != null) observer.close();
        if (processes != null) processes.close();
    }

    @Test
    void aWorkerWithoutHostCallsItselfByTheAddressItReachesTheCoordinatorFrom() throws Exception {
        // a coordinator on another machine is reached from a non-loopback address; one of this machine's stands in
        String address = NetworkInterface.networkInterfaces().filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address && !a.isLinkLocalAddress())
                .map(InetAddress::getHostAddress).findFirst().orElse(null);
        assumeTrue(address != null, "no non-loopback IPv4 address");
        processes = new CliProcesses(dir);
        // no coordinator is needed: the worker says at once which address it took
        CliProcesses.Cli worker = processes.start("worker", "worker", "--join", address + ":" + CliProcesses.freePort(),
                "--slots", "1");
        worker.awaitOutput("joining the coordinator at", Duration.ofSeconds(60));
        assertTrue(worker.out().startsWith("worker " + address + ":"),
                "127.0.0.1 is no address for a coordinator on another machine: " + worker.out());
    }

    @Test
    void aCoarseAndFineCampaignRunsOnTwoWorkerJvms() throws Exception {
        processes = new CliProcesses(dir);
        int port = CliProcesses.freePort();
        String join = "127.0.0.1:" + port;
        CliProcesses.Cli coordinator = processes.start("coordinator", "coordinator", "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--state-dir", dir.resolve("state").toString());
        coordinator.awaitOutput("coordinator up at", Duration.ofSeconds(60));
        List<CliProcesses.Cli> workers = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            workers.add(processes.start("worker" + i, "worker", "--host", "127.0.0.1", "--port", "0", "--join", join,
                    "--slots", "1", "--threads-per-trial", "1"));
        }

        // Both workers must be in the cluster before the campaign starts, or the first one could
        // take every trial; the test's own client is a cluster member too, as role client.
        observer = CoordinatorClient.join(ClusterConfig.node(ClusterConfig.ROLE_CLIENT, "127.0.0.1", 0,
                List.of(ClusterConfig.address("127.0.0.1", port))), Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        StatusAnswer status = null;
        while (System.nanoTime() < deadline) {
            status = observer.status("").toCompletableFuture().get(35, TimeUnit.SECONDS);
            if (status.getWorkersCount() == 2) break;
            Thread.sleep(200);
        }
        assertEquals(2, status.getWorkersCount(), "workers known to the coordinator: " + status.getWorkersList()
                + "\nworker1:\n" + workers.get(0).err() + "\nworker2:\n" + workers.get(1).err());

        Path file = dir.resolve("e2e.conf");
        Files.writeString(file, CAMPAIGN);
        Path files = dir.resolve("files");
        CliProcesses.Cli launch = processes.start("launch", "launch", file.toString(), "--join", join, "--out",
                files.toString());
        assertEquals(0, launch.awaitExit(Duration.ofSeconds(120)), () -> "launch failed\n" + launch.err());
        // --out: the results files of every trial, the figures of the search included
        assertEquals(1 + 10, Files.readAllLines(files.resolve("results.csv")).size());
        for (String f : List.of("results.json", "results.md", "stats.txt", "search-lambda.png", "curves/fine-3.csv")) {
            assertTrue(Files.size(files.resolve(f)) > 0, f);
        }
        assertTrue(launch.out().startsWith("rank"), launch.out());
        assertEquals(2 + 5, launch.out().lines().count(), "header, rule and the campaign's top-k rows:\n" + launch.out());
        assertTrue(launch.err().contains("e2e: 10/10 trials"), launch.err());

        CliProcesses.Cli results = processes.start("results", "results", "--join", join, "--campaign", "e2e",
                "--top", "100", "--format", "json");
        assertEquals(0, results.awaitExit(Duration.ofSeconds(60)), () -> "results failed\n" + results.err());
        JsonNode rows = new ObjectMapper().readTree(results.out());

        // every trial done exactly once
        assertEquals(10, rows.size(), results.out());
        Set<String> trials = new HashSet<>();
        Set<String> usedWorkers = new HashSet<>();
        for (JsonNode r : rows) {
            assertTrue(trials.add(r.get("trial").asText()), "trial listed twice: " + r);
            assertEquals("completed", r.get("status").asText(), r.toString());
            usedWorkers.add(r.get("worker").asText());
        }
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 6; i++) expected.add("coarse#" + i);
        for (int i = 0; i < 4; i++) expected.add("fine#" + i);
        assertEquals(expected, trials);
        CampaignStatus end = observer.status("e2e").toCompletableFuture().get(35, TimeUnit.SECONDS).getCampaigns(0);
        assertEquals(CampaignState.CAMPAIGN_STATE_COMPLETED, end.getState());
        for (PhaseStatus p : end.getPhasesList()) {
            assertEquals(p.getPlanned(), p.getCompleted(), p.toString());
            assertEquals(0, p.getFailed() + p.getCancelled() + p.getDiverged() + p.getRunning() + p.getPending(), p.toString());
        }

        // both workers used, and they are the two worker processes (not the client or coordinator)
        assertEquals(2, usedWorkers.size(), "workers used: " + usedWorkers);
        Set<String> known = new HashSet<>();
        status.getWorkersList().forEach(w -> known.add(io.hpsearch.protocol.WorkerIds.hostPort(w.getWorkerId())));
        assertEquals(known, usedWorkers);

        // sorted by validation accuracy, ranks 1..n
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(i + 1, rows.get(i).get("rank").asInt());
            if (i > 0) {
                assertTrue(rows.get(i - 1).get("val_acc").asDouble() >= rows.get(i).get("val_acc").asDouble(),
                        "rows " + i + " and " + (i + 1) + " out of order");
            }
        }

        // fine values inside the range the fine-range rule gives from the coarse results
        CampaignSpec spec = CampaignFile.parse(CAMPAIGN, "e2e.conf");
        TopKAnswer coarse = observer.topK("e2e", 100, "coarse").toCompletableFuture().get(35, TimeUnit.SECONDS);
        assertEquals(6, coarse.getRankedCount());
        SearchSpace coarseSpace = TrialGenerator.space(spec, spec.getPhases(0));
        SearchSpace fineSpace = FineRange.narrow(coarseSpace, spec.getPhases(1).getFine(), coarse.getRankedList());
        boolean narrowed = false;
        for (int d = 0; d < coarseSpace.getDimensionsCount(); d++) {
            Dimension c = coarseSpace.getDimensions(d), f = fineSpace.getDimensions(d);
            narrowed |= f.getMin() > c.getMin() || f.getMax() < c.getMax();
            for (JsonNode r : rows) {
                if (!r.get("phase").asText().equals("fine")) continue;
                double v = r.get(f.getName()).asDouble();
                assertTrue(v >= f.getMin() && v <= f.getMax(), r.get("trial").asText() + ": " + f.getName() + " = " + v
                        + " outside the fine range [" + f.getMin() + ", " + f.getMax() + "]");
            }
        }
        assertTrue(narrowed, "the rule narrowed no dimension, so the check above proves nothing: " + fineSpace);

        // one phase's table (read from the journal): its trials only, in the order of the whole table, ranked 1..n
        CliProcesses.Cli finePhase = processes.start("results-fine", "results", "--state-dir", dir.resolve("state").toString(),
                "--campaign", "e2e", "--phase", "fine", "--top", "100", "--format", "json");
        assertEquals(0, finePhase.awaitExit(Duration.ofSeconds(60)), () -> "results --phase failed\n" + finePhase.err());
        JsonNode fineRows = new ObjectMapper().readTree(finePhase.out());
        List<String> fineInWholeTable = new ArrayList<>();
        for (JsonNode r : rows) if (r.get("phase").asText().equals("fine")) fineInWholeTable.add(r.get("trial").asText());
        List<String> fineTable = new ArrayList<>();
        for (int i = 0; i < fineRows.size(); i++) {
            assertEquals(i + 1, fineRows.get(i).get("rank").asInt());
            fineTable.add(fineRows.get(i).get("trial").asText());
        }
        assertEquals(fineInWholeTable, fineTable);
        CliProcesses.Cli noSuchPhase = processes.start("results-nope", "results", "--state-dir", dir.resolve("state").toString(),
                "--campaign", "e2e", "--phase", "nope");
        assertEquals(2, noSuchPhase.awaitExit(Duration.ofSeconds(60)), noSuchPhase::err);
        assertTrue(noSuchPhase.err().contains("--phase nope: campaign e2e has no such phase (it has: coarse, fine)"),
                noSuchPhase.err());

        // The whole table is a pure function of the campaign: one worker of one slot training each
        // trial on two threads, in one JVM, gives every trial the same values and the same curves to the
        // last bit, the fine phase's ranges (drawn from the coarse results) included.
        Path localFiles = dir.resolve("files-local");
        CliProcesses.Cli local = processes.start("local", "local", file.toString(), "--workers", "1", "--slots", "1",
                "--threads-per-trial", "2", "--out", localFiles.toString());
        assertEquals(0, local.awaitExit(Duration.ofSeconds(120)), () -> "local failed\n" + local.err());
        JsonNode clusterRows = new ObjectMapper().readTree(files.resolve("results.json").toFile());
        JsonNode localRows = new ObjectMapper().readTree(localFiles.resolve("results.json").toFile());
        assertEquals(clusterRows.size(), localRows.size());
        for (int i = 0; i < clusterRows.size(); i++) {
            for (String key : List.of("rank", "trial", "phase", "lambda", "eta", "train_acc", "val_acc", "test_acc", "epochs", "status")) {
                assertEquals(clusterRows.get(i).get(key), localRows.get(i).get(key), key + " of row " + (i + 1));
            }
            String trial = clusterRows.get(i).get("trial").asText().replace('#', '-');
            List<String> a = Files.readAllLines(files.resolve("curves/" + trial + ".csv"));
            List<String> b = Files.readAllLines(localFiles.resolve("curves/" + trial + ".csv"));
            assertEquals(a.get(0), b.get(0));
            assertEquals(a.size(), b.size());
            int seconds = List.of(a.get(0).split(",")).indexOf("seconds");
            assertTrue(seconds >= 0, a.get(0));
            for (int e = 1; e < a.size(); e++) {
                List<String> x = new ArrayList<>(List.of(a.get(e).split(","))), y = new ArrayList<>(List.of(b.get(e).split(",")));
                x.remove(seconds);
                y.remove(seconds);
                assertEquals(x, y, trial + ", epoch " + e + " (all but the seconds)");
            }
        }
    }
}
