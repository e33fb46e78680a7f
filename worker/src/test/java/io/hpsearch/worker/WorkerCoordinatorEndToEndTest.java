package io.hpsearch.worker;

import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.ConfigFactory;
import io.hpsearch.coordinator.Coordinator;
import io.hpsearch.coordinator.CoordinatorNode;
import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.protocol.BuildInfo;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.SubmitCampaign;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TopKQuery;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import io.hpsearch.protocol.wire.ToCoordinator;
import io.hpsearch.worker.data.DataSetCache;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real coordinator and a worker, each in its own actor system on 127.0.0.1, running a small campaign. */
class WorkerCoordinatorEndToEndTest {
    private static final String CAMPAIGN = String.join("\n",
            "campaign { name = e2e, seed = 3 }",
            "data { set = synthetic, validation = 500,",
            "  synthetic { train = 3000, test = 1000, dim = 32, classes = 4, clusters = 1, sep = 6, seed = 11 } }",
            "network { hidden = [16], batch-norm = before-relu }",
            "training { lambda = 0.0001, batch = 50, epochs = 2, schedule { type = constant, eta = 0.02 }, optimizer = momentum }",
            "search { lambda { scale = log, min = 1e-5, max = 1e-2 } }",
            "phases = [ { name = coarse, sampler = random, trials = 6 } ]");

    @Test
    void aWorkerRunsACampaignOfTheRealCoordinator() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CampaignSpec spec = CampaignFile.parse(CAMPAIGN, "e2e.conf");
        try (CoordinatorNode coordinator = CoordinatorNode.start(CoordinatorNode.config("127.0.0.1", port, List.of()),
                Coordinator.Settings.defaults());
             WorkerNode worker = WorkerNode.start(new WorkerNode.Options("127.0.0.1", 0, List.of("127.0.0.1:" + port),
                     2, 1, BuildInfo.unchecked("test"), Duration.ofMinutes(5)), DataSetCache.inDirectory(null), s -> s, ConfigFactory.empty())) {
            var system = coordinator.system();
            CampaignAck ack = AskPattern.<ToCoordinator, CampaignAck>ask(coordinator.coordinator(),
                    r -> new ToCoordinator.Submit(SubmitCampaign.newBuilder().setSpec(spec).build(), r),
                    Duration.ofSeconds(10), system.scheduler()).toCompletableFuture().get();
            assertTrue(ack.getAccepted(), ack.getError());

            TopKAnswer top = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                top = AskPattern.<ToCoordinator, TopKAnswer>ask(coordinator.coordinator(),
                        r -> new ToCoordinator.TopK(TopKQuery.newBuilder().setCampaign("e2e").setK(10).build(), r),
                        Duration.ofSeconds(10), system.scheduler()).toCompletableFuture().get();
                if (top.getTotal() == 6) break;
                Thread.sleep(200);
            }
            assertEquals(6, top.getTotal(), "every trial has a result");
            for (TrialResult r : top.getRankedList()) {
                assertEquals(TrialStatus.TRIAL_STATUS_COMPLETED, r.getStatus(), r.getError());
                assertTrue(r.getWorkerId().startsWith("127.0.0.1:"), r.getWorkerId());
                assertEquals(2, r.getCurvesCount());
                assertTrue(r.getValidation().getAccuracy() > 0.9, "validation accuracy " + r.getValidation().getAccuracy());
            }
            assertEquals(1, worker.data().loads(), "one copy of the data set for every trial");
        }
    }
}
