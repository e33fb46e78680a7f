package io.hpsearch.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpsearch.cli.CommandRun.Outcome;
import io.hpsearch.cli.UserError;
import io.hpsearch.coordinator.Coordinator;
import io.hpsearch.coordinator.CoordinatorNode;
import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.protocol.BuildInfo;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.worker.WorkerNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.hpsearch.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code results --train-command}: a coarse + fine campaign on Fashion-MNIST runs on a real
 * coordinator and worker (cluster nodes over Artery TCP on 127.0.0.1); the printed {@code train}
 * command of its best trial, of a fine one, and of a coarse one read from the journal, run on their
 * own, give the same accuracies and the same curves, number for number, as the trials did on the
 * worker.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TrialTrainCommandTest {
    private static final String CAMPAIGN = String.join("\n",
            "campaign { name = again, seed = 11 }",
            "data { set = fashion-mnist, validation = 2000, train-subset = 2000 }",
            "network { hidden = [30, 20], batch-norm = before-relu }",
            "training { batch = 100, train-eval = epoch, optimizer { type = momentum, momentum = 0.8 },",
            "  schedule { type = cyclic, eta-min = 1e-5, eta-max = 0.1, step-epochs = 1, cycles = 1 } }",
            "search { lambda { scale = log, min = 1e-5, max = 1e-1 }, eta { scale = log, min = 1e-2, max = 2e-1 } }",
            "phases = [ { name = coarse, trials = 3 },",
            "  { name = fine, trials = 2, refine { from = coarse, top = 2 } } ]");

    @TempDir
    Path dir;

    private CoordinatorNode coordinator;
    private WorkerNode worker;

    @AfterEach
    void stop() {
        if (worker != null) worker.close();
        if (coordinator != null) coordinator.close();
    }

    @Test
    void theTrainCommandOfATrialGivesItsNumbersAgain() throws Exception {
        assertTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
                "Fashion-MNIST is not installed: run scripts/setup.sh");
        int port = CliProcesses.freePort();
        String join = "127.0.0.1:" + port;
        Path state = dir.resolve("state");
        coordinator = CoordinatorNode.start(CoordinatorNode.config("127.0.0.1", port, List.of()),
                Coordinator.Settings.defaults(), state, false, "test");
        worker = WorkerNode.start(new WorkerNode.Options("127.0.0.1", 0, List.of(join), 1, 1, BuildInfo.unchecked("test"),
                Duration.ofSeconds(60)), WorkerData.cache(null));
        Path file = dir.resolve("again.conf");
        Files.writeString(file, CAMPAIGN);
        Path results = dir.resolve("results");
        Outcome launch = run("launch", file.toString(), "--join", join, "--out", results.toString());
        assertEquals(0, launch.code(), launch.err());

        JsonNode rows = new ObjectMapper().readTree(results.resolve("results.json").toFile());
        assertEquals(5, rows.size(), rows.toString());
        Outcome command = run("results", "--join", join, "--train-command", "best");
        assertEquals(0, command.code(), command.err());
        assertTrainsTheSameAgain(command.out(), rows.get(0), results, "best");
        // the results files hold every trial's command, best first, the same lines
        List<String> listed = Files.readAllLines(results.resolve("train-commands.txt"));
        List<String> commands = listed.stream().filter(l -> l.startsWith("hpsearch train ")).toList();
        assertEquals(5, commands.size(), String.join("\n", listed));
        assertEquals(command.out().strip(), commands.get(0));
        assertTrue(listed.contains("# 1. " + rows.get(0).get("trial").asText() + ", completed, val acc "
                + rows.get(0).get("val_acc").asDouble()), String.join("\n", listed));

        // a fine trial, drawn from the ranges the coarse results gave its phase
        Outcome fine = run("results", "--join", join, "--train-command", "fine#1");
        assertEquals(0, fine.code(), fine.err());
        assertTrainsTheSameAgain(fine.out(), row(rows, "fine#1"), results, "fine#1");
        int fineRank = row(rows, "fine#1").get("rank").asInt();
        assertEquals(fine.out().strip(), commands.get(fineRank - 1));

        // from the journal, with no cluster asked, a trial named as the table names it
        JsonNode coarse = row(rows, "coarse#2");
        Outcome offline = run("results", "--state-dir", state.toString(), "--train-command", "coarse#2");
        assertEquals(0, offline.code(), offline.err());
        assertTrainsTheSameAgain(offline.out(), coarse, results, "coarse#2");

        Outcome tooFar = run("results", "--join", join, "--train-command", "fine#2");
        assertEquals(2, tooFar.code(), tooFar.out());
        assertTrue(tooFar.err().contains("--train-command fine#2: phase fine has 2 trials, fine#0 to fine#1"), tooFar.err());
        Outcome withTable = run("results", "--join", join, "--train-command", "best", "--format", "csv");
        assertEquals(2, withTable.code(), withTable.out());
        assertTrue(withTable.err().contains("leave out --format"), withTable.err());
    }

    @Test
    void aTrialIsNamedAsTheTableNamesItAndOnlyOnceItsPhaseHasRanges() {
        CampaignSpec spec = CampaignFile.parse(CAMPAIGN, "again.conf");
        TopKAnswer submitted = TopKAnswer.newBuilder().setCampaign("again").setSpec(spec).build();
        // the coarse phase samples the campaign's own ranges: its trials are known before any ran
        String coarse = TrialTrainCommand.line(submitted, "coarse#2", "here");
        assertTrue(coarse.startsWith("hpsearch train --dataset fashion-mnist "), coarse);
        assertEquals(coarse, TrialTrainCommand.line(submitted, "coarse#2", "here"), "a pure function of the spec");
        assertFalse(coarse.equals(TrialTrainCommand.line(submitted, "coarse#1", "here")));

        assertRefused(submitted, "fine#0", "--train-command fine#0: phase fine has not started, and its ranges come from "
                + "the results of phase coarse");
        assertRefused(submitted, "best", "--train-command best: campaign again has no results yet");
        assertRefused(submitted, "coarse#3", "phase coarse has 3 trials, coarse#0 to coarse#2");
        assertRefused(submitted, "medium#0", "campaign again has no phase medium (it has: coarse, fine)");
        assertRefused(submitted, "coarse#x", "give a trial as the table names it, PHASE#INDEX (phases: coarse, fine), or best");
        assertRefused(submitted, "coarse", "give a trial as the table names it");
        assertRefused(submitted.toBuilder().clearSpec().build(), "coarse#0", "--train-command: here sends no campaign spec");
    }

    private static void assertRefused(TopKAnswer answer, String trial, String message) {
        UserError e = assertThrows(UserError.class, () -> TrialTrainCommand.line(answer, trial, "here"));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static JsonNode row(JsonNode rows, String trial) {
        for (JsonNode r : rows) if (r.get("trial").asText().equals(trial)) return r;
        throw new AssertionError("no row " + trial + " in " + rows);
    }

    /** Runs the printed command with --out and compares its result and curves with the trial's. */
    private void assertTrainsTheSameAgain(String printed, JsonNode row, Path results, String what) throws Exception {
        List<String> lines = printed.lines().toList();
        assertEquals(1, lines.size(), printed);
        String line = lines.get(0);
        assertTrue(line.startsWith("hpsearch train --dataset fashion-mnist --val 2000 --hidden 30,20 "), line);
        assertTrue(line.contains(" --optimizer momentum --momentum 0.8 ") && line.contains(" --train-subset 2000 "), line);
        assertFalse(line.contains("'"), "nothing here needs quoting: " + line);
        List<String> args = new ArrayList<>(Arrays.asList(line.split(" ")));
        args.remove(0); // hpsearch
        Path out = dir.resolve("again-" + row.get("trial").asText().replace('#', '-'));
        args.addAll(List.of("--out", out.toString()));
        Outcome train = run(args.toArray(String[]::new));
        assertEquals(0, train.code(), what + ": " + train.err());

        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        for (String key : List.of("train_acc", "val_acc", "test_acc", "epochs")) {
            assertEquals(row.get(key).asDouble(), result.get(key).asDouble(), 0.0, what + ": " + key + " of " + row + " against " + result);
        }
        for (JsonNode searched : new JsonNode[] {row.get("lambda"), row.get("eta")}) {
            assertTrue(line.contains(" " + searched.asDouble() + " "), what + ": the trial's value " + searched + " in " + line);
        }
        // every column of every epoch but the wall time, as the worker's curves have them
        List<String> trialCurves = Files.readAllLines(results.resolve("curves")
                .resolve(row.get("trial").asText().replace('#', '-') + ".csv"));
        List<String> againCurves = Files.readAllLines(out.resolve("curves.csv"));
        assertEquals(withoutSeconds(trialCurves), withoutSeconds(againCurves), what);
        assertEquals(1 + row.get("epochs").asInt(), againCurves.size(), what + ": " + againCurves);
    }

    private static List<String> withoutSeconds(List<String> csv) {
        assertTrue(csv.get(0).endsWith(",seconds"), csv.get(0));
        return csv.stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }
}
