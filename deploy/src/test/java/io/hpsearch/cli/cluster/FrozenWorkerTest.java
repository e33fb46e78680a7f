package io.hpsearch.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpsearch.coordinator.state.CampaignRun;
import io.hpsearch.coordinator.state.CoordinatorState;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.JournalEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker process frozen ({@code kill -STOP}) for 20 s in the middle of a trial and resumed
 * ({@code kill -CONT}), in a real cluster of {@code hpsearch} processes on 127.0.0.1. The
 * coordinator's split-brain resolver downs it while it is frozen and its trial runs on the other
 * worker; resumed, its node starts a new actor system at the same address, which joins again and
 * keeps whatever it is leased. Every trial is in the table once, done.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FrozenWorkerTest {
    static final String CAMPAIGN = String.join("\n",
            "campaign { name = frozen, seed = 3, top-k = 20, max-attempts = 3 }",
            "data { set = synthetic, validation = 1000,",
            "  synthetic { train = 20000, test = 1000, dim = 784, classes = 10, clusters = 2, sep = 2.0, seed = 5 } }",
            "network { hidden = [256, 256] }",
            "training { batch = 100, epochs = 10, schedule { type = constant, eta = 0.05 } }",
            "search {",
            "  lambda { scale = log, min = 1e-5, max = 1e-1 }",
            "  eta { scale = log, min = 1e-3, max = 0.5 }",
            "}",
            "phases = [ { name = coarse, sampler = random, trials = 12 } ]");
    /** Trials of a few seconds: the other worker has not run them all by the time the frozen one is back. */
    static final int TRIALS = 12;
    private static final Duration FROZEN = Duration.ofSeconds(20);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private CliProcesses processes;

    @AfterEach
    void stopEverything() {
        if (processes != null) processes.close();
    }

    private Path state() {
        return dir.resolve("state");
    }

    private List<JournalEntry> entries() throws IOException {
        return StateJournal.entries(state());
    }

    private static <T> T await(String what, Duration timeout, Callable<Optional<T>> probe) throws Exception {
        return Polls.await(what, timeout, probe, () -> "");
    }

    /** Leases not yet released or recorded, by lease id, in lease order. */
    private Map<String, JournalEntry.TrialLeased> activeLeases() throws IOException {
        Map<String, JournalEntry.TrialLeased> active = new LinkedHashMap<>();
        for (JournalEntry e : entries()) {
            switch (e.getEventCase()) {
                case TRIAL_LEASED -> active.put(e.getTrialLeased().getLeaseId(), e.getTrialLeased());
                case LEASE_RELEASED -> active.remove(e.getLeaseReleased().getLeaseId());
                case TRIAL_RECORDED -> active.values().removeIf(l -> l.getId().equals(e.getTrialRecorded().getResult().getId()));
                default -> { }
            }
        }
        return active;
    }

    private static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + p.pid());
    }

    private static int count(String text, String of) {
        int n = 0;
        for (int i = text.indexOf(of); i >= 0; i = text.indexOf(of, i + 1)) n++;
        return n;
    }

    @Test
    void aWorkerFrozenForTwentySecondsIsDownedItsTrialRunsElsewhereAndItRejoinsWhenResumed() throws Exception {
        processes = new CliProcesses(dir);
        Path file = dir.resolve("frozen.conf");
        Files.writeString(file, CAMPAIGN);
        int port = CliProcesses.freePort();
        CliProcesses.Cli coordinator = processes.start("coordinator", "coordinator", "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--state-dir", state().toString());
        coordinator.awaitOutput("coordinator up at", WAIT);
        int[] workerPorts = {CliProcesses.freePort(), CliProcesses.freePort()};
        List<CliProcesses.Cli> workers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            workers.add(processes.start("worker" + (i + 1), "worker", "--host", "127.0.0.1", "--port",
                    Integer.toString(workerPorts[i]), "--join", "127.0.0.1:" + port, "--slots", "1",
                    "--threads-per-trial", "1"));
        }
        for (CliProcesses.Cli w : workers) w.awaitOutput("coordinator found", WAIT);
        CliProcesses.Cli launch = processes.start("launch", "launch", file.toString(), "--join", "127.0.0.1:" + port,
                "--detach");
        assertEquals(0, launch.awaitExit(WAIT), () -> "launch failed\n" + launch.err());

        // freeze a worker in the middle of a trial
        JournalEntry.TrialLeased held = await("a trial running", WAIT,
                () -> activeLeases().values().stream().findFirst());
        int victim = held.getWorkerId().startsWith("127.0.0.1:" + workerPorts[0] + "#") ? 0 : 1;
        String victimPrefix = "127.0.0.1:" + workerPorts[victim] + "#";
        assertTrue(held.getWorkerId().startsWith(victimPrefix), held.toString());
        CliProcesses.Cli frozen = workers.get(victim);
        long frozenAt = System.currentTimeMillis();
        signal(frozen.process(), "STOP");
        // released by worker: the lease it holds when frozen may be a later one than the one seen
        String oldWorker = held.getWorkerId();

        JournalEntry.LeaseReleased released = await("the frozen worker's lease released", WAIT, () -> {
            for (JournalEntry e : entries()) {
                if (e.hasLeaseReleased() && e.getLeaseReleased().getWorkerId().equals(oldWorker)
                        && e.getEpochMillis() >= frozenAt) {
                    return Optional.of(e.getLeaseReleased());
                }
            }
            return Optional.empty();
        });
        assertEquals(JournalEntry.LeaseReleased.Reason.REASON_WORKER_LOST, released.getReason());
        JournalEntry releasedEntry = entries().stream().filter(e -> e.hasLeaseReleased()
                && e.getLeaseReleased().getLeaseId().equals(released.getLeaseId())).findFirst().orElseThrow();
        JournalEntry again = await("the frozen worker's trial leased again", WAIT, () -> {
            boolean after = false;
            for (JournalEntry e : entries()) {
                if (e.getSequence() == releasedEntry.getSequence()) after = true;
                else if (after && e.hasTrialLeased() && e.getTrialLeased().getId().equals(released.getId())) return Optional.of(e);
            }
            return Optional.empty();
        });
        assertFalse(again.getTrialLeased().getWorkerId().startsWith(victimPrefix), "leased again to the other worker");
        assertTrue(frozen.process().isAlive());

        long resumeAt = frozenAt + FROZEN.toMillis();
        Thread.sleep(Math.max(0, resumeAt - System.currentTimeMillis()));
        int foundBefore = count(frozen.out() + frozen.err(), "coordinator found");
        long resumedAt = System.currentTimeMillis();
        signal(frozen.process(), "CONT");

        // resumed, it joins again as a new node at the same address
        await("the resumed worker to find the coordinator again", WAIT, () ->
                count(frozen.out() + frozen.err(), "coordinator found") > foundBefore ? Optional.of(true) : Optional.empty());
        long rejoinedAt = System.currentTimeMillis();
        int leftAtRejoin = TRIALS - CoordinatorState.read(state(), 3).state().campaign("frozen").orElseThrow().results().size()
                - activeLeases().size();
        String newWorker = await("the coordinator to list the resumed worker", WAIT, () -> {
            CliProcesses.Cli status = processes.start("status-" + System.nanoTime(), "status", "--join",
                    "127.0.0.1:" + port, "--format", "json");
            if (status.awaitExit(WAIT) != 0) return Optional.empty();
            for (JsonNode w : new ObjectMapper().readTree(status.out()).get("workers")) {
                String id = w.get("worker_id").asText();
                if (id.startsWith(victimPrefix) && !id.equals(oldWorker)) return Optional.of(id);
            }
            return Optional.empty();
        });
        assertNotEquals(oldWorker, newWorker);

        CampaignRun done = await("the campaign to complete", Duration.ofSeconds(120), () -> {
            CampaignRun run = CoordinatorState.read(state(), 3).state().campaign("frozen").orElseThrow();
            return run.state() == CampaignState.CAMPAIGN_STATE_COMPLETED ? Optional.of(run) : Optional.empty();
        });
        assertEquals(TRIALS, done.results().size());

        // the table: every trial once, done
        CliProcesses.Cli results = processes.start("results", "results", "--state-dir", state().toString(),
                "--campaign", "frozen", "--top", "100", "--format", "json");
        assertEquals(0, results.awaitExit(WAIT), () -> "results failed\n" + results.err());
        Set<String> trials = new HashSet<>();
        for (JsonNode r : new ObjectMapper().readTree(results.out())) {
            assertTrue(trials.add(r.get("trial").asText()), "in the table twice: " + r);
            assertEquals("completed", r.get("status").asText(), r.toString());
        }
        assertEquals(TRIALS, trials.size());

        // no lease of the resumed worker's new incarnation was taken from it
        Map<String, String> holder = new HashMap<>();
        for (JournalEntry e : entries()) {
            if (e.hasTrialLeased()) holder.put(e.getTrialLeased().getLeaseId(), e.getTrialLeased().getWorkerId());
            if (e.hasLeaseReleased()) {
                String by = holder.get(e.getLeaseReleased().getLeaseId());
                assertFalse(by != null && by.startsWith(victimPrefix) && !by.equals(oldWorker),
                        "a lease of the rejoined worker released: " + e);
            }
        }
        long ranAfterResuming = holder.values().stream().filter(newWorker::equals).count();
        // with trials waiting when it was back, it got some (one left may go to the other worker first)
        if (leftAtRejoin >= 2) assertTrue(ranAfterResuming > 0, leftAtRejoin + " trials waiting, none leased to " + newWorker);
        System.out.printf(java.util.Locale.ROOT, "frozen worker: lease released %.1f s after the freeze, leased again "
                        + "%.1f s after it; resumed after %.1f s, found the coordinator again %.1f s later; "
                        + "%d trial(s) waiting then, %d leased to it after resuming%n",
                (releasedEntry.getEpochMillis() - frozenAt) / 1000.0, (again.getEpochMillis() - frozenAt) / 1000.0,
                (resumedAt - frozenAt) / 1000.0, (rejoinedAt - resumedAt) / 1000.0, leftAtRejoin, ranAfterResuming);
    }
}
