package io.hpsearch.cli.cluster;

import io.hpsearch.cli.CommandRun.Outcome;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpsearch.coordinator.Coordinator;
import io.hpsearch.coordinator.CoordinatorNode;
import io.hpsearch.protocol.BuildInfo;
import io.hpsearch.worker.WorkerNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.hpsearch.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The campaign queue from the command line: two campaigns submitted with {@code launch --detach} to
 * a coordinator with one single-slot worker (both real cluster nodes on 127.0.0.1; each command
 * joins as a client node of its own), {@code status} showing the first running and the second
 * queued, {@code cancel} ending the first so that the second runs, {@code watch} following the
 * second from the start to its end, and cancel's and watch's refusals; then the
 * results files of the campaign that ran, written by {@code results --out} from the coordinator
 * and from its journal.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CampaignQueueTest {
    /** A small one-phase campaign on synthetic data (NAME, TRIALS and EPOCHS filled in by {@link #campaign}). */
    private static final String CAMPAIGN = String.join("\n",
            "campaign { name = NAME, seed = 3 }",
            "data { set = synthetic, validation = 500,",
            "  synthetic { train = 3000, test = 500, dim = 32, classes = 4, clusters = 2, sep = 2.5, seed = 3 } }",
            "network { hidden = [16], batch-norm = before-relu }",
            "training { batch = 50, epochs = EPOCHS, schedule { type = constant, eta = 0.05 } }",
            "search { lambda { scale = log, min = 1e-5, max = 1e-1 } }",
            "phases = [ { name = coarse, sampler = random, trials = TRIALS } ]");

    static String campaign(String name, int trials, int epochs) {
        return CAMPAIGN.replace("NAME", name).replace("TRIALS", Integer.toString(trials)).replace("EPOCHS", Integer.toString(epochs));
    }

    @TempDir
    Path dir;

    private CoordinatorNode coordinator;
    private WorkerNode worker;
    private String join;

    @AfterEach
    void stop() {
        if (worker != null) worker.close();
        if (coordinator != null) coordinator.close();
    }


    private JsonNode status() throws Exception {
        Outcome r = run("status", "--join", join, "--format", "json");
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    private static JsonNode campaign(JsonNode status, String name) {
        for (JsonNode c : status.get("campaigns")) if (c.get("campaign").asText().equals(name)) return c;
        throw new AssertionError("no campaign " + name + " in " + status);
    }

    /** The status once {@code until} holds for it (asked again every 200 ms, up to 60 s). */
    private JsonNode awaitStatus(Predicate<JsonNode> until, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode s = status();
        while (!until.test(s)) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 60 s: " + what + "\n" + s);
            Thread.sleep(200);
            s = status();
        }
        return s;
    }

    @Test
    void statusShowsTheQueueAndCancelEndsACampaignSoTheNextRuns() throws Exception {
        int port = CliProcesses.freePort();
        join = "127.0.0.1:" + port;
        coordinator = CoordinatorNode.start(CoordinatorNode.config("127.0.0.1", port, List.of()),
                Coordinator.Settings.defaults(), dir.resolve("state"), false, "test");
        worker = WorkerNode.start(new WorkerNode.Options("127.0.0.1", 0, List.of(join), 1, 1, BuildInfo.unchecked("test"),
                Duration.ofSeconds(60)), WorkerData.cache(null));

        Path first = dir.resolve("first.conf"), second = dir.resolve("second.conf");
        // the first campaign's trials take seconds each (1000 epochs), so it cannot end during the test
        Files.writeString(first, campaign("first", 500, 1000));
        Files.writeString(second, campaign("second", 3, 2));
        for (Path file : List.of(first, second)) {
            Outcome r = run("launch", file.toString(), "--join", join, "--detach");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("follow it with: hpsearch watch --join " + join + " --campaign "), r.out());
        }
        // watch follows the queued campaign from another client until it ends
        CompletableFuture<Outcome> watched = CompletableFuture.supplyAsync(
                () -> run("watch", "--join", join, "--campaign", "second", "--format", "json"));

        // the queue in submission order: the first campaign running on the one slot, the second waiting
        JsonNode s = awaitStatus(x -> campaign(x, "first").get("running").asInt() == 1, "first campaign running");
        assertEquals("first", s.get("campaigns").get(0).get("campaign").asText());
        assertEquals("second", s.get("campaigns").get(1).get("campaign").asText());
        assertEquals("running", campaign(s, "first").get("state").asText());
        assertEquals(500, campaign(s, "first").get("planned").asInt());
        JsonNode queued = campaign(s, "second");
        assertEquals("pending", queued.get("state").asText(), queued.toString());
        assertEquals(0, queued.get("done").asInt());
        assertEquals(3, queued.get("pending").asInt());
        assertEquals("queued behind earlier campaigns (first)", queued.get("waiting").asText(), queued.toString());
        assertEquals(1, s.get("workers").size(), s.toString());
        assertEquals(1, s.get("workers").get(0).get("slots").asInt());

        assertTrue(!watched.isDone(), "watch returned while its campaign was queued: " + (watched.isDone() ? watched.get() : ""));

        Outcome table = run("status", "--join", join);
        assertEquals(0, table.code(), table.err());
        List<String> lines = table.out().lines().toList();
        assertTrue(lines.get(0).startsWith("campaign") && lines.get(0).contains("planned"), table.out());
        assertTrue(lines.get(2).startsWith("first ") && lines.get(2).contains(" running "), table.out());
        assertTrue(lines.get(3).startsWith("second ") && lines.get(3).contains(" pending "), table.out());
        // what the queued one waits for, in the coordinator's words
        assertEquals("second: queued behind earlier campaigns (first)", lines.get(5), table.out());
        assertTrue(lines.get(7).startsWith("worker") && lines.get(9).startsWith("127.0.0.1:"), table.out());

        Outcome cancel = run("cancel", "first", "--join", join, "--reason", "lambda range too wide");
        assertEquals(0, cancel.code(), cancel.err());
        assertTrue(cancel.out().contains("campaign first cancelled"), cancel.out());
        // however many trials had ended: "after 1 trial", "after 0 trials", "after 2 trials"
        assertTrue(cancel.out().matches("(?s).* after (1 trial|(0|[2-9]|[1-9][0-9]+) trials)[ ;].*"), cancel.out());

        // the cancelled campaign keeps its results; the queued one now gets the slot and completes
        s = awaitStatus(x -> campaign(x, "second").get("state").asText().equals("completed"), "second campaign completed");
        JsonNode cancelled = campaign(s, "first");
        assertEquals("cancelled", cancelled.get("state").asText());
        assertEquals("lambda range too wide", cancelled.get("cancel_reason").asText(), cancelled.toString());
        assertTrue(campaign(s, "second").get("cancel_reason").isNull());
        assertEquals(0, cancelled.get("running").asInt() + cancelled.get("pending").asInt(), cancelled.toString());
        assertTrue(cancelled.get("done").asInt() < 500, cancelled.toString());
        assertEquals(3, campaign(s, "second").get("done").asInt());

        // watch ended with the campaign: exit 0 and its table, every trial completed, best first
        Outcome watchedToEnd = watched.get(60, TimeUnit.SECONDS);
        assertEquals(0, watchedToEnd.code(), watchedToEnd.err());
        JsonNode ranked = new ObjectMapper().readTree(watchedToEnd.out());
        assertEquals(3, ranked.size(), watchedToEnd.out());
        for (int i = 0; i < ranked.size(); i++) {
            assertEquals(i + 1, ranked.get(i).get("rank").asInt());
            assertEquals("completed", ranked.get(i).get("status").asText(), watchedToEnd.out());
            if (i > 0) {
                assertTrue(ranked.get(i - 1).get("val_acc").asDouble() >= ranked.get(i).get("val_acc").asDouble(),
                        watchedToEnd.out());
            }
        }
        // an ended campaign's table at once: the cancelled one exits 1, the last submitted is the default
        Outcome cancelledWatch = run("watch", "--join", join, "--campaign", "first");
        assertEquals(1, cancelledWatch.code(), cancelledWatch.err());
        assertTrue(cancelledWatch.out().lines().findFirst().orElse("").startsWith("rank"), cancelledWatch.out());
        Outcome cancelledStatus = run("status", "--join", join);
        assertTrue(cancelledStatus.out().lines().anyMatch(l -> l.startsWith("first: cancelled (lambda range too wide)")),
                cancelledStatus.out());
        Outcome lastWatch = run("watch", "--join", join, "--top", "1", "--format", "csv");
        assertEquals(0, lastWatch.code(), lastWatch.err());
        assertEquals(1 + 1, lastWatch.out().lines().count(), lastWatch.out());
        assertTrue(lastWatch.out().contains(ranked.get(0).get("trial").asText()), "the best trial of second: " + lastWatch.out());
        Outcome watchUnknown = run("watch", "--join", join, "--campaign", "third");
        assertEquals(2, watchUnknown.code(), watchUnknown.err());
        assertTrue(watchUnknown.err().contains("no campaign third") && watchUnknown.err().contains("first, second"),
                watchUnknown.err());

        Outcome again = run("cancel", "first", "--join", join);
        assertEquals(1, again.code(), again.out() + again.err());
        assertTrue(again.err().contains("already ended (cancelled)"), again.err());
        Outcome ended = run("cancel", "second", "--join", join);
        assertEquals(1, ended.code(), ended.out() + ended.err());
        assertTrue(ended.err().contains("already ended (completed)"), ended.err());

        Outcome unknown = run("cancel", "third", "--join", join);
        assertEquals(2, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("no campaign third") && unknown.err().contains("first, second"), unknown.err());
        Outcome one = run("status", "--join", join, "--campaign", "third");
        assertEquals(2, one.code(), one.err());
        assertTrue(one.err().contains("no campaign third"), one.err());
        Outcome csv = run("status", "--join", join, "--format", "csv");
        assertEquals(2, csv.code(), csv.err());
        assertTrue(csv.err().contains("--format csv"), csv.err());

        // results --out: the files hpsearch local writes, from the coordinator and from its journal
        Path online = dir.resolve("online"), offline = dir.resolve("offline");
        Outcome files = run("results", "--join", join, "--campaign", "second", "--top", "1", "--out", online.toString());
        assertEquals(0, files.code(), files.err());
        assertEquals(1 + 2, files.out().lines().count(), "--top still limits the table printed: " + files.out());
        Outcome journal = run("results", "--state-dir", dir.resolve("state").toString(), "--campaign", "second",
                "--out", offline.toString());
        assertEquals(0, journal.code(), journal.err());
        for (Path out : List.of(online, offline)) {
            JsonNode rows = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
            assertEquals(3, rows.size(), out + ": every trial, not the top 1");
            assertEquals(4, Files.readAllLines(out.resolve("results.csv")).size(), out.toString());
            assertTrue(Files.exists(out.resolve("results.md")), out.toString());
            java.awt.image.BufferedImage plot = javax.imageio.ImageIO.read(out.resolve("search-lambda.png").toFile());
            assertEquals(SearchPlots.WIDTH, plot.getWidth(), out.toString());
            for (int i = 0; i < 3; i++) {
                assertTrue(Files.exists(out.resolve("curves").resolve("coarse-" + i + ".csv")), out + ": curves of coarse#" + i);
            }
        }
        assertTrue(Files.readString(online.resolve("stats.txt")).contains("dispatch_latency"));
        assertTrue(!Files.exists(offline.resolve("stats.txt")), "a journal holds no latency histograms");
        // the cancelled campaign's trials ran up to 1000 epochs each: their curves (about 90 KB a
        // trial) come in pages under Artery's frame, and each trial's file has every epoch it ran
        Path longRuns = dir.resolve("first-files");
        Outcome longFiles = run("results", "--join", join, "--campaign", "first", "--out", longRuns.toString());
        assertEquals(0, longFiles.code(), longFiles.err());
        JsonNode firstRows = new ObjectMapper().readTree(Files.readString(longRuns.resolve("results.json")));
        assertEquals(campaign(status(), "first").get("done").asInt(), firstRows.size(), firstRows.toString());
        for (JsonNode row : firstRows) {
            String[] trial = row.get("trial").asText().split("#");
            List<String> curve = Files.readAllLines(longRuns.resolve("curves").resolve(trial[0] + "-" + trial[1] + ".csv"));
            assertEquals(row.get("epochs").asInt() + 1, curve.size(), row.toString());
        }
        Path notADirectory = dir.resolve("first.conf");
        Outcome refused = run("results", "--join", join, "--campaign", "second", "--out", notADirectory.toString());
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("--out " + notADirectory), refused.err());
    }
}
