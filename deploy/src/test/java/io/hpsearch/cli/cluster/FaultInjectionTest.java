package io.hpsearch.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpsearch.coordinator.journal.Journal;
import io.hpsearch.coordinator.journal.JournalReader;
import io.hpsearch.coordinator.journal.JournalRecord;
import io.hpsearch.coordinator.state.CampaignRun;
import io.hpsearch.coordinator.state.CoordinatorState;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.JournalEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults injected into a real cluster of {@code hpsearch} processes on 127.0.0.1, all in one
 * campaign: {@code kill -9} of a worker in the middle of a trial, {@code kill -9} of the
 * coordinator in the middle of a trial and a restart on the same state folder, then a torn last
 * journal record and a record damaged in the middle. After each, the table must hold every trial
 * once, with the values of an undisturbed run of the same campaign ({@code hpsearch local}).
 *
 * <p>Prints a Markdown table of what happened (and writes it to
 * {@code target/fault-injection.md}): the figures README quotes.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class FaultInjectionTest {
    static final String CAMPAIGN = String.join("\n",
            "campaign { name = faults, seed = 11, top-k = 20, max-attempts = 4 }",
            "data { set = synthetic, validation = 2000,",
            "  synthetic { train = 20000, test = 2000, dim = 784, classes = 10, clusters = 2, sep = 2.0, seed = 5 } }",
            "network { hidden = [256, 256], batch-norm = before-relu }",
            "training { batch = 100, epochs = 4, schedule { type = constant, eta = 0.05 } }",
            "search {",
            "  lambda { scale = log, min = 1e-5, max = 1e-1 }",
            "  eta { scale = log, min = 1e-3, max = 0.5 }",
            "}",
            "phases = [",
            "  { name = coarse, sampler = random, trials = 8 }",
            "  { name = fine, sampler = random, trials = 12, refine { from = coarse, top = 2, margin = 0.1, min-width = 0.05 } }",
            "]");
    static final int TRIALS = 20;
    private static final Duration WAIT = Duration.ofSeconds(120);

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

    private CliProcesses.Cli coordinator(String name, int port, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("coordinator", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--state-dir", state().toString()));
        args.addAll(List.of(extra));
        return processes.start(name, args.toArray(String[]::new));
    }

    private CliProcesses.Cli worker(String name, int port, int coordinatorPort) throws IOException {
        return processes.start(name, "worker", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--join", "127.0.0.1:" + coordinatorPort, "--slots", "1", "--threads-per-trial", "1");
    }

    /** The journal as it is on disk now (read like {@code results --state-dir}). */
    private CoordinatorState.Read journal() throws IOException {
        return CoordinatorState.read(state(), 3);
    }

    private List<JournalEntry> entries() throws IOException {
        return StateJournal.entries(state());
    }

    private <T> T await(String what, Duration timeout, java.util.concurrent.Callable<Optional<T>> probe) throws Exception {
        return Polls.await(what, timeout, probe, () -> {
            try {
                return "journal:\n" + String.join("\n", entries().stream().map(e -> e.getSequence() + " " + e.getEventCase()
                        + (e.hasTrialLeased() ? " " + e.getTrialLeased().getId().getPhase() + "#"
                        + e.getTrialLeased().getId().getIndex() + " -> " + e.getTrialLeased().getWorkerId() : "")).toList());
            } catch (IOException e) {
                return "journal unreadable: " + e;
            }
        });
    }

    private int recorded() throws IOException {
        return journal().state().campaign("faults").map(r -> r.results().size()).orElse(0);
    }

    /** Active leases (leased, not yet released or recorded) → worker id, in lease order. */
    private Map<String, JournalEntry.TrialLeased> activeLeases() throws IOException {
        Map<String, JournalEntry.TrialLeased> active = new java.util.LinkedHashMap<>();
        for (JournalEntry e : entries()) {
            switch (e.getEventCase()) {
                case TRIAL_LEASED -> active.put(e.getTrialLeased().getLeaseId(), e.getTrialLeased());
                case LEASE_RELEASED -> active.remove(e.getLeaseReleased().getLeaseId());
                case TRIAL_RECORDED -> active.values().removeIf(l -> l.getId().equals(e.getTrialRecorded().getResult().getId()));
                case COORDINATOR_STARTED -> active.clear();
                default -> { }
            }
        }
        return active;
    }

    /** The rows of a JSON table by trial, without who ran them and how long it took. */
    private static Map<String, String> rowsByTrial(JsonNode rows) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode r : rows) {
            String key = r.get("trial").asText();
            String values = "lambda=" + r.get("lambda").asText() + " eta=" + r.get("eta").asText() + " train="
                    + r.get("train_acc").asText() + " val=" + r.get("val_acc").asText() + " test="
                    + r.get("test_acc").asText() + " epochs=" + r.get("epochs").asText() + " status=" + r.get("status").asText();
            if (out.put(key, values) != null) throw new AssertionError("trial " + key + " appears twice: " + rows);
        }
        return out;
    }

    private JsonNode offlineTable(String name) throws Exception {
        CliProcesses.Cli results = processes.start(name, "results", "--state-dir", state().toString(), "--campaign", "faults",
                "--top", "100", "--format", "json");
        assertEquals(0, results.awaitExit(Duration.ofSeconds(60)), () -> "results failed\n" + results.err());
        return new ObjectMapper().readTree(results.out());
    }

    @Test
    void noTrialIsLostOrDuplicatedThroughKilledWorkersAKilledCoordinatorAndADamagedJournal() throws Exception {
        processes = new CliProcesses(dir);
        Path file = dir.resolve("faults.conf");
        Files.writeString(file, CAMPAIGN);

        // the undisturbed run of the same campaign
        CliProcesses.Cli local = processes.start("local", "local", file.toString(), "--workers", "1", "--slots", "1",
                "--out", dir.resolve("reference").toString(), "--top", "100", "--format", "json");
        assertEquals(0, local.awaitExit(Duration.ofSeconds(180)), () -> "local failed\n" + local.err());
        Map<String, String> reference = rowsByTrial(new ObjectMapper().readTree(dir.resolve("reference/results.json").toFile()));
        assertEquals(TRIALS, reference.size());
        assertEquals(reference, rowsByTrial(new ObjectMapper().readTree(local.out())), "local's printed table in --format json");

        int port = CliProcesses.freePort();
        CliProcesses.Cli c1 = coordinator("coordinator1", port);
        c1.awaitOutput("coordinator up at", Duration.ofSeconds(60));
        int[] workerPorts = {CliProcesses.freePort(), CliProcesses.freePort()};
        List<CliProcesses.Cli> workers = new ArrayList<>();
        for (int i = 0; i < 2; i++) workers.add(worker("worker" + (i + 1), workerPorts[i], port));
        for (CliProcesses.Cli w : workers) w.awaitOutput("coordinator found", Duration.ofSeconds(60));

        CliProcesses.Cli launch = processes.start("launch", "launch", file.toString(), "--join", "127.0.0.1:" + port,
                "--detach");
        assertEquals(0, launch.awaitExit(Duration.ofSeconds(60)), () -> "launch failed\n" + launch.err());
        // a user follows the campaign through everything below
        CliProcesses.Cli watch = processes.start("watch", "watch", "--join", "127.0.0.1:" + port, "--campaign", "faults",
                "--top", "100", "--format", "json", "--timeout", "5");
        watch.awaitOutput("watching campaign faults", Duration.ofSeconds(60));

        // --- kill -9 a worker in the middle of a trial ---
        // The newest lease: the trial with the most of its run ahead, so that the kill finds its worker
        // still holding it (the oldest could finish between this look and the kill, and then the
        // worker holds nothing to release, as happened once).
        JournalEntry.TrialLeased running = await("a finished trial and a trial running on a worker", WAIT, () -> {
            if (recorded() < 1) return Optional.empty();
            return activeLeases().values().stream().reduce((older, newer) -> newer);
        });
        int victim = running.getWorkerId().startsWith("127.0.0.1:" + workerPorts[0] + "#") ? 0 : 1;
        String victimWorker = running.getWorkerId();
        assertTrue(victimWorker.startsWith("127.0.0.1:" + workerPorts[victim] + "#"), running.toString());
        long killedWorkerAt = System.currentTimeMillis();
        workers.get(victim).process().destroyForcibly(); // SIGKILL
        assertTrue(workers.get(victim).process().waitFor(10, TimeUnit.SECONDS));

        // The trial it held when it died (the one seen running may have finished just before the
        // kill, and the worker taken another) is released as worker lost and leased to the other worker.
        JournalEntry.TrialLeased victimLease = await("the killed worker's lease released", WAIT, () -> {
            Map<String, JournalEntry.TrialLeased> leases = new HashMap<>();
            for (JournalEntry e : entries()) {
                if (e.hasTrialLeased()) leases.put(e.getTrialLeased().getLeaseId(), e.getTrialLeased());
                if (e.hasLeaseReleased() && leases.containsKey(e.getLeaseReleased().getLeaseId())
                        && leases.get(e.getLeaseReleased().getLeaseId()).getWorkerId().equals(victimWorker)) {
                    assertEquals(JournalEntry.LeaseReleased.Reason.REASON_WORKER_LOST, e.getLeaseReleased().getReason());
                    return Optional.of(leases.get(e.getLeaseReleased().getLeaseId()));
                }
            }
            return Optional.empty();
        });
        JournalEntry redispatched = await("the killed worker's trial leased again", WAIT, () -> {
            boolean released = false;
            for (JournalEntry e : entries()) {
                if (e.hasLeaseReleased() && e.getLeaseReleased().getLeaseId().equals(victimLease.getLeaseId())) {
                    released = true;
                } else if (released && e.hasTrialLeased() && e.getTrialLeased().getId().equals(victimLease.getId())) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        });
        double redispatchSeconds = (redispatched.getEpochMillis() - killedWorkerAt) / 1000.0;
        assertFalse(redispatched.getTrialLeased().getWorkerId().startsWith("127.0.0.1:" + workerPorts[victim] + "#"));

        // the worker comes back (a new process on the same address) and joins again
        CliProcesses.Cli returned = worker("worker" + (victim + 1) + "-again", workerPorts[victim], port);
        workers.set(victim, returned);
        returned.awaitOutput("coordinator found", Duration.ofSeconds(60));

        // --- kill -9 the coordinator in the middle of a trial, restart it on the same state folder ---
        int before = recorded();
        await("another finished trial and a trial running", WAIT, () ->
                recorded() > before && !activeLeases().isEmpty() && recorded() < TRIALS - 1 ? Optional.of(true) : Optional.empty());
        Set<String> runningAtCrash = new HashSet<>();
        activeLeases().values().forEach(l -> runningAtCrash.add(l.getId().getPhase() + "#" + l.getId().getIndex()));
        int recordedAtCrash = recorded();
        c1.process().destroyForcibly();
        assertTrue(c1.process().waitFor(10, TimeUnit.SECONDS));
        CliProcesses.Cli c2 = coordinator("coordinator2", port);
        c2.awaitOutput("coordinator up at", Duration.ofSeconds(60));
        assertTrue(c2.out().contains("1 still running"), c2.out());

        CampaignRun done = await("the campaign to complete after the restart", Duration.ofSeconds(240), () -> {
            CampaignRun run = journal().state().campaign("faults").orElseThrow();
            return run.state() == CampaignState.CAMPAIGN_STATE_COMPLETED ? Optional.of(run) : Optional.empty();
        });
        assertEquals(TRIALS, done.results().size());

        // the table: every trial once, with the undisturbed run's values
        JsonNode rows = offlineTable("results-after-kills");
        assertEquals(reference, rowsByTrial(rows));
        // watch lost the coordinator, waited for it, followed the campaign to its end and printed that table
        assertEquals(0, watch.awaitExit(Duration.ofSeconds(90)), () -> "watch failed\n" + watch.err());
        assertTrue(watch.err().contains("lost the coordinator at 127.0.0.1:" + port), watch.err());
        assertTrue(watch.err().contains("the coordinator at 127.0.0.1:" + port + " answers again"), watch.err());
        assertEquals(reference, rowsByTrial(new ObjectMapper().readTree(watch.out())));

        // which trials ran more than once (at least once, exactly once in the table)
        Map<String, Integer> leasesPerTrial = new HashMap<>();
        for (JournalEntry e : entries()) {
            if (e.hasTrialLeased()) {
                leasesPerTrial.merge(e.getTrialLeased().getId().getPhase() + "#" + e.getTrialLeased().getId().getIndex(), 1,
                        Integer::sum);
            }
        }
        long rerun = leasesPerTrial.values().stream().filter(n -> n > 1).count();
        assertTrue(leasesPerTrial.get(victimLease.getId().getPhase() + "#" + victimLease.getId().getIndex()) >= 2);
        // the returned worker got work again
        String returnedPrefix = "127.0.0.1:" + workerPorts[victim] + "#";
        assertTrue(entries().stream().anyMatch(e -> e.hasTrialLeased() && e.getTrialLeased().getWorkerId().startsWith(returnedPrefix)
                && !e.getTrialLeased().getWorkerId().equals(victimLease.getWorkerId())), "the returned worker got no trial");

        // --- a torn last record: the coordinator dies in the middle of an append ---
        c2.process().destroyForcibly();
        assertTrue(c2.process().waitFor(10, TimeUnit.SECONDS));
        Path log = state().resolve(Journal.FILE_NAME);
        long goodSize = Files.size(log);
        try (var ch = java.nio.channels.FileChannel.open(log, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.allocate(20).putInt(500).putInt(0x12345678).putLong(42).putInt(7).flip());
        }
        CliProcesses.Cli c3 = coordinator("coordinator3", port);
        c3.awaitOutput("coordinator up at", Duration.ofSeconds(60));
        assertTrue(c3.out().contains("cut off a torn last record at byte offset " + goodSize), c3.out());
        assertFalse(c3.err().contains("cut off a torn last record"), "said once, not also in the log: " + c3.err());
        try (Stream<Path> s = Files.list(state())) {
            assertEquals(1, s.filter(p -> p.getFileName().toString().startsWith("journal.log.torn-")).count());
        }
        c3.process().destroyForcibly();
        assertTrue(c3.process().waitFor(10, TimeUnit.SECONDS));
        assertEquals(reference, rowsByTrial(offlineTable("results-after-torn-tail")));

        // --- a record damaged in the middle: refused with its offset, then repaired on request ---
        List<JournalRecord> records = JournalReader.readAll(log);
        JournalRecord damaged = records.get(records.size() / 2);
        byte[] bytes = Files.readAllBytes(log);
        bytes[(int) damaged.offset() + JournalReader.RECORD_HEADER_BYTES + 2] ^= 0x40;
        Files.write(log, bytes);
        CliProcesses.Cli refused = coordinator("coordinator4", port);
        assertEquals(2, refused.awaitExit(Duration.ofSeconds(60)), refused::out);
        assertTrue(refused.err().contains("byte offset " + damaged.offset()), refused.err());
        assertTrue(refused.err().contains("--repair-journal"), refused.err());
        assertEquals(bytes.length, Files.size(log), "a refused start must not change the journal");
        CliProcesses.Cli repaired = coordinator("coordinator5", port, "--repair-journal");
        repaired.awaitOutput("coordinator up at", Duration.ofSeconds(60));
        assertTrue(repaired.out().contains("repaired damage at byte offset " + damaged.offset()), repaired.out());
        try (Stream<Path> s = Files.list(state())) {
            assertEquals(1, s.filter(p -> p.getFileName().toString().startsWith("journal.log.damaged-")).count());
        }

        String figures = String.join("\n",
                "| trials | kills | trials lost | duplicated in the table | trials run more than once | "
                        + "time to re-dispatch a killed worker's trial |",
                "| --- | --- | --- | --- | --- | --- |",
                String.format(java.util.Locale.ROOT, "| %d | kill -9 of 1 worker (mid-trial) and of the coordinator "
                                + "(mid-trial, %d of %d trials recorded, %d running) | 0 | 0 | %d | %.1f s |",
                        TRIALS, recordedAtCrash, TRIALS, runningAtCrash.size(), rerun, redispatchSeconds),
                "");
        System.out.println(figures);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "fault-injection.md"), figures);
    }
}
