package io.hpsearch.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpsearch.cli.CommandRun.Outcome;
import io.hpsearch.cli.CtrlC;
import io.hpsearch.coordinator.Coordinator;
import io.hpsearch.coordinator.CoordinatorNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.hpsearch.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands that wait for a campaign stopped by Ctrl-C's signal sent to their JVM (as {@code kill
 * -INT} does), as real processes: {@code launch} and {@code watch} following campaigns on a
 * coordinator in this JVM without workers (the campaigns wait in the queue), and {@code local}.
 * Each says what became of its campaign, and that is the last thing it prints.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StoppedByCtrlCTest {
    @TempDir
    Path dir;

    private CoordinatorNode coordinator;

    @AfterEach
    void stop() {
        if (coordinator != null) coordinator.close();
    }

    /** A coordinator in this JVM on a free port of 127.0.0.1; its address, for --join. */
    private String startCoordinator() throws IOException {
        int port = CliProcesses.freePort();
        coordinator = CoordinatorNode.start(CoordinatorNode.config("127.0.0.1", port, List.of()), Coordinator.Settings.defaults());
        return "127.0.0.1:" + port;
    }

    @Test
    void ctrlCStopsTheCommandWithAMessageAndNothingAfterIt() throws Exception {
        String join = startCoordinator();
        Path kept = dir.resolve("kept.conf");
        Path cancelled = dir.resolve("cancelled.conf");
        Files.writeString(kept, CampaignQueueTest.campaign("kept", 3, 2));
        Files.writeString(cancelled, CampaignQueueTest.campaign("cancelled", 3, 2));
        Path watched = dir.resolve("watched.conf");
        Files.writeString(watched, CampaignQueueTest.campaign("watched", 3, 2));
        // local's trials take seconds each (1000 epochs), so its campaign cannot end during the test
        Path alone = dir.resolve("alone.conf");
        Files.writeString(alone, CampaignQueueTest.campaign("alone", 50, 1000));
        Path localOut = dir.resolve("alone-results");
        CtrlC ctrlC = CtrlC.signal();
        try (CliProcesses processes = new CliProcesses(dir)) {
            CliProcesses.Cli local = processes.start("local", "local", alone.toString(), "--slots", "1", "--out", localOut.toString());
            CliProcesses.Cli launch = processes.start("launch", "launch", kept.toString(), "--join", join);
            CliProcesses.Cli cancelling = processes.start("launch-cancel", "launch", cancelled.toString(), "--join", join,
                    "--cancel-on-exit");
            // while those start: a campaign for watch to follow
            Outcome detached = run("launch", watched.toString(), "--join", join, "--detach");
            assertEquals(0, detached.code(), detached.err());
            CliProcesses.Cli watch = processes.start("watch", "watch", "--join", join, "--campaign", "watched");
            // each follows its campaign once it has shown its progress: it polls, and sleeps between polls
            Map<String, CliProcesses.Cli> byCampaign = Map.of("kept", launch, "cancelled", cancelling, "watched", watch,
                    "alone", local);
            for (var c : byCampaign.entrySet()) c.getValue().awaitOutput(c.getKey() + ": 0/", Duration.ofSeconds(60));
            for (CliProcesses.Cli c : byCampaign.values()) ctrlC.send(c.process().pid());
            for (CliProcesses.Cli c : byCampaign.values()) {
                assertEquals(ctrlC.exitCode(), c.awaitExit(Duration.ofSeconds(30)), c.name() + ": " + c.err());
            }

            for (String name : List.of("kept", "watched")) {
                assertLastSaid(byCampaign.get(name), "stopped following campaign " + name
                        + "; it keeps running on the coordinator. Follow it again: hpsearch watch --join " + join
                        + " --campaign " + name + "; results so far: hpsearch results --join " + join + " --campaign " + name);
            }
            assertLastSaid(cancelling, "campaign cancelled cancelled");
            assertLastSaid(local, "stopped before campaign alone ended; nothing written to " + localOut
                    + " (the campaign ran in this JVM, and ends with it)");
            // its worker stopped with it, rather than taking its ended actor system for a lost cluster
            assertFalse(local.err().contains("rejoin"), local.err());
            assertFalse(Files.exists(localOut));
        }

        // the campaigns that were only no longer followed are still there; the other one was cancelled
        Outcome status = run("status", "--join", join, "--format", "json");
        assertEquals(0, status.code(), status.err());
        JsonNode campaigns = new ObjectMapper().readTree(status.out()).get("campaigns");
        assertEquals(3, campaigns.size(), campaigns.toString());
        for (JsonNode c : campaigns) {
            String state = c.get("state").asText();
            if (c.get("campaign").asText().equals("cancelled")) assertEquals("cancelled", state, c.toString());
            else assertTrue(state.equals("pending") || state.equals("running"), c.toString());
        }
    }

    @Test
    void aCancelOnExitThatCannotReachTheCoordinatorSaysHowToCancelLater() throws Exception {
        String join = startCoordinator();
        Path file = dir.resolve("unreached.conf");
        Files.writeString(file, CampaignQueueTest.campaign("unreached", 3, 2));
        CtrlC ctrlC = CtrlC.signal();
        try (CliProcesses processes = new CliProcesses(dir)) {
            CliProcesses.Cli launch = processes.start("launch-cancel", "launch", file.toString(), "--join", join,
                    "--cancel-on-exit", "--timeout", "2");
            launch.awaitOutput("unreached: 0/", Duration.ofSeconds(60));
            coordinator.close(); // stopped, or restarting: the cancel gets no answer
            coordinator = null;
            ctrlC.send(launch.process().pid());
            assertEquals(ctrlC.exitCode(), launch.awaitExit(Duration.ofSeconds(60)), launch.err());
            List<String> lines = launch.err().lines().filter(l -> !l.isBlank()).toList();
            String last = lines.get(lines.size() - 1);
            assertTrue(last.startsWith("could not cancel campaign unreached: "), launch.err());
            assertTrue(last.endsWith("; it may still run on the coordinator: cancel it with hpsearch cancel unreached --join "
                    + join), launch.err());
        }
    }

    @Test
    void ctrlCAsLocalWritesItsFilesLetsThemAllBeWritten() throws Exception {
        // 3,000 trials of a few updates each: their table is printed a second or two before the
        // last of their 3,000 curve files is written, and Ctrl-C comes in between
        int trials = 3000;
        Path file = dir.resolve("many.conf");
        Files.writeString(file, String.join("\n",
                "campaign { name = many, seed = 3 }",
                "data { set = synthetic, validation = 100, synthetic { train = 300, test = 100, dim = 4, seed = 3 } }",
                "network { hidden = [] }",
                "training { batch = 100, epochs = 1, train-eval = end, schedule { type = constant, eta = 0.05 } }",
                "search { lambda { scale = log, min = 1e-5, max = 1e-1 } }",
                "phases = [ { name = coarse, sampler = random, trials = " + trials + " } ]"));
        Path out = dir.resolve("many-results");
        CtrlC ctrlC = CtrlC.signal();
        try (CliProcesses processes = new CliProcesses(dir)) {
            CliProcesses.Cli local = processes.start("local", "local", file.toString(), "--out", out.toString(), "--top", "1");
            local.awaitOutput("coarse#", Duration.ofSeconds(100)); // the table: the campaign has ended
            ctrlC.send(local.process().pid());
            assertEquals(ctrlC.exitCode(), local.awaitExit(Duration.ofSeconds(60)), local.err());

            List<String> lines = local.err().lines().filter(l -> !l.isBlank()).toList();
            assertEquals("stopping once the results files are written to " + out, lines.get(lines.size() - 2), local.err());
            assertEquals("campaign many completed after", lines.get(lines.size() - 1).substring(0, 29), local.err());
            assertTrue(lines.get(lines.size() - 1).endsWith("; " + (trials + 6) + " files written to " + out), local.err());
            for (String name : List.of("results.json", "results.csv", "results.md", "stats.txt", "search-lambda.png",
                    "train-commands.txt")) {
                assertTrue(Files.isRegularFile(out.resolve(name)), name + " missing; stderr:\n" + local.err());
            }
            try (var curves = Files.list(out.resolve("curves"))) {
                assertEquals(trials, curves.filter(f -> f.getFileName().toString().matches("coarse-[0-9]+\\.csv")).count());
            }
            assertEquals(trials + 1, Files.readAllLines(out.resolve("results.csv")).size());
        }
    }

    /** The command's last line on stderr is {@code message}: no stack trace or error after it, and no table. */
    private static void assertLastSaid(CliProcesses.Cli command, String message) {
        String err = command.err();
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(message, lines.get(lines.size() - 1), command.name() + " stderr:\n" + err);
        assertFalse(err.contains("Exception") || err.contains("error"), command.name() + " stderr:\n" + err);
        assertEquals("", command.out(), command.name() + " stdout");
    }
}
