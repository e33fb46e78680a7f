package io.hpsearch.cli.cluster;

import io.hpsearch.cli.CommandRun.Outcome;
import io.hpsearch.coordinator.Coordinator;
import io.hpsearch.coordinator.CoordinatorNode;
import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.hpsearch.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker process whose --data-dir lacks the campaign's data set says so and trains nothing of it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerMissingDataTest {
    @TempDir
    Path dir;

    private CliProcesses processes;
    private CoordinatorNode coordinator;

    @AfterEach
    void stop() {
        if (processes != null) processes.close();
        if (coordinator != null) coordinator.close();
    }

    @Test
    void aWorkerWithoutTheDataSaysSoAndStaysOutOfTheDispatch() throws Exception {
        int port = CliProcesses.freePort();
        coordinator = CoordinatorNode.start(CoordinatorNode.config("127.0.0.1", port, List.of()), Coordinator.Settings.defaults());
        processes = new CliProcesses(dir);
        Path missing = dir.resolve("no-such-data");
        CliProcesses.Cli worker = processes.start("worker", "worker", "--join", "127.0.0.1:" + port, "--slots", "1",
                "--data-dir", missing.toString());
        worker.awaitOutput("--data-dir " + missing + " does not exist", Duration.ofSeconds(60));

        CoordinatorClient client = CoordinatorClient.using(coordinator.system(), Duration.ofSeconds(20));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (client.status("").toCompletableFuture().get(30, TimeUnit.SECONDS).getWorkersCount() < 1) {
            assertTrue(System.nanoTime() < deadline, "the worker never reached the coordinator:\n" + worker.err());
            Thread.sleep(200);
        }
        CampaignAck ack = client.submit(CampaignFile.parse(String.join("\n",
                "campaign { name = needs-data }",
                "data { set = fashion-mnist, validation = 500, train-subset = 1000 }",
                "network { hidden = [8] }",
                "training { batch = 50, epochs = 1, schedule { type = constant, eta = 0.05 } }",
                "search { lambda { scale = log, min = 1e-5, max = 1e-1 } }",
                "phases = [ { name = coarse, sampler = random, trials = 3 } ]"), "needs-data.conf"))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(ack.getAccepted(), ack.getError());

        // the worker names the data set it cannot load and where it looked
        worker.awaitOutput("cannot load data set fashion-mnist", Duration.ofSeconds(60));
        assertTrue(worker.err().contains(missing.toString()), worker.err());

        // and the coordinator leases it nothing more: the trials wait, none runs, none is recorded
        Thread.sleep(3000);
        StatusAnswer status = client.status("needs-data").toCompletableFuture().get(30, TimeUnit.SECONDS);
        CampaignStatus c = status.getCampaigns(0);
        PhaseStatus coarse = c.getPhases(0);
        assertEquals(0, coarse.getRunning(), coarse.toString());
        assertEquals(0, coarse.getCompleted() + coarse.getFailed() + coarse.getDiverged(), coarse.toString());
        assertEquals(3, coarse.getPending(), coarse.toString());
        assertEquals(1, worker.err().split("cannot load data set", -1).length - 1,
                "one refused lease, then no more dispatch to this worker:\n" + worker.err());
        assertTrue(worker.process().isAlive(), "the worker stays up for other campaigns");

        // the coordinator says why the campaign waits, in the worker's words, and status shows it
        assertTrue(c.getWaiting().startsWith("no worker can load data set fashion-mnist (worker 127.0.0.1:"), c.getWaiting());
        assertTrue(c.getWaiting().contains("cannot load data set fashion-mnist") && c.getWaiting().contains(missing.toString()),
                c.getWaiting());
        Outcome table = run("status", "--join", "127.0.0.1:" + port);
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("needs-data: " + c.getWaiting()), table.out());
    }
}
