package io.hpsearch.cli.cluster;

import io.hpsearch.cli.CommandRun.Outcome;
import io.hpsearch.coordinator.Coordinator;
import io.hpsearch.coordinator.CoordinatorNode;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.coordinator.journal.Journal;
import io.hpsearch.coordinator.journal.JournalReader;
import io.hpsearch.protocol.v1.JournalEntry;
import io.hpsearch.protocol.v1.StatusAnswer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.hpsearch.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invalid campaign files and options through the command line: refused with exit code 2 and the
 * key or option named, before anything is submitted to the (real, running) coordinator, whose
 * journal stays byte for byte as it was.
 */
class InvalidCampaignTest {
    private static final String VALID = String.join("\n",
            "campaign { name = bad }",
            "data { set = DATASET, validation = 500, train-subset = 1000 }",
            "network { hidden = [8] HIDDEN_EXTRA }",
            "training { batch = 50, epochs = 1, schedule { type = constant, eta = 0.05 } }",
            "search { lambda { scale = log, min = LMIN, max = LMAX } }",
            "phases = [ { name = coarse, sampler = random, trials = TRIALS } ]");

    private static CoordinatorNode coordinator;
    private static String join;
    private static Path stateDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCoordinator() throws Exception {
        int port = CliProcesses.freePort();
        stateDir = Files.createTempDirectory("hpsearch-invalid-state");
        coordinator = CoordinatorNode.start(CoordinatorNode.config("127.0.0.1", port, List.of()),
                Coordinator.Settings.defaults(), stateDir, false, "test");
        join = "127.0.0.1:" + port;
    }

    @AfterAll
    static void stopCoordinator() throws IOException {
        if (coordinator != null) coordinator.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static byte[] journalBytes() throws IOException {
        return Files.readAllBytes(stateDir.resolve(Journal.FILE_NAME));
    }


    private static String campaign(String dataset, String hiddenExtra, String lmin, String lmax, String trials) {
        return VALID.replace("DATASET", dataset).replace("HIDDEN_EXTRA", hiddenExtra).replace("LMIN", lmin)
                .replace("LMAX", lmax).replace("TRIALS", trials);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "unknown key;          fashion-mnist; ', hiden = [4]'; 1e-5; 1e-1; 4;         network.hiden",
            "min not below max;    fashion-mnist; '';            0.1;  0.01; 4;         search.lambda",
            "min equal to max;     fashion-mnist; '';            0.01; 0.01; 4;         search.lambda",
            "zero on a log scale;  fashion-mnist; '';            0;    0.1;  4;         search.lambda.min",
            "negative on log;      fashion-mnist; '';            -1;   0.1;  4;         search.lambda.min",
            "zero trials;          fashion-mnist; '';            1e-5; 1e-1; 0;         phases[0].trials",
            "absurd trials;        fashion-mnist; '';            1e-5; 1e-1; 100000000; phases[0].trials",
            "unknown data set;     imagenet;      '';            1e-5; 1e-1; 4;         data.set"})
    void isRefusedWithTheKeyNamedAndNothingSubmitted(String what, String dataset, String extra, String lmin, String lmax,
                                                     String trials, String key) throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, campaign(dataset, extra, lmin, lmax, trials));
        byte[] journal = journalBytes();
        for (String command : List.of("launch", "local")) {
            Outcome r = command.equals("launch") ? run("launch", file.toString(), "--join", join) : run("local", file.toString());
            assertEquals(2, r.code(), command + ": " + r.err());
            assertTrue(r.err().startsWith("hpsearch: error: bad.conf: " + key), command + ": " + r.err());
            assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
            assertEquals("", r.out());
        }
        try (CoordinatorClient client = CoordinatorClient.using(coordinator.system(), Duration.ofSeconds(10))) {
            StatusAnswer status = client.status("").toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertTrue(status.getCampaignsList().stream().noneMatch(c -> c.getCampaign().equals("bad")),
                    "nothing submitted: " + status);
        }
        assertArrayEquals(journal, journalBytes(), "the journal changed");
    }

    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "port out of range;         --port;          70000",
            "wildcard host;             --host;          0.0.0.0",
            "lease timeout zero;        --lease-timeout; 0",
            "lease timeout overflowing; --lease-timeout; 9999999999999999",
            "lease timeout past a year; --lease-timeout; 99999999999",
            "max attempts zero;         --max-attempts;  0",
            "max attempts absurd;       --max-attempts;  1000",
            "state dir is a file;       --state-dir;     FILE",
            "unknown option;            --stat-dir;      x"})
    void badCoordinatorOptionsAreRefusedWithoutTouchingAnyState(String what, String option, String value) throws Exception {
        Path state = dir.resolve("never-created");
        Path file = dir.resolve("a-file");
        Files.writeString(file, "not a folder");
        // a usable port: if the bad option were not caught, the coordinator would start (and the test time out)
        List<String> args = new java.util.ArrayList<>(List.of("coordinator", "--port", Integer.toString(CliProcesses.freePort())));
        if (!option.equals("--state-dir")) args.addAll(List.of("--state-dir", state.toString()));
        args.addAll(List.of(option, value.equals("FILE") ? file.toString() : value));
        Outcome r = run(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(option), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(Files.exists(state), "a refused start created its state folder");
        assertEquals("not a folder", Files.readString(file));
    }

    @Test
    void aDamagedJournalStopsTheStartAndIsLeftAsItWas() throws Exception {
        Path state = dir.resolve("damaged");
        try (Journal j = new Journal(state, rec -> { })) {
            for (int seq = 1; seq <= 3; seq++) {
                j.append(JournalEntry.newBuilder().setSequence(seq).setEpochMillis(seq)
                        .setCoordinatorStarted(JournalEntry.CoordinatorStarted.newBuilder().setVersion("test")).build());
            }
        }
        byte[] bytes = Files.readAllBytes(state.resolve(Journal.FILE_NAME));
        // a flipped bit in the payload of the first record, which has records after it
        bytes[JournalReader.HEADER_BYTES + JournalReader.RECORD_HEADER_BYTES + 3] ^= 0x08;
        Files.write(state.resolve(Journal.FILE_NAME), bytes);
        Outcome r = run("coordinator", "--port", Integer.toString(CliProcesses.freePort()), "--state-dir", state.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--state-dir") && r.err().contains("byte offset " + JournalReader.HEADER_BYTES)
                && r.err().contains("--repair-journal"), r.err());
        assertArrayEquals(bytes, Files.readAllBytes(state.resolve(Journal.FILE_NAME)));
        try (Stream<Path> files = Files.list(state)) {
            assertEquals(1, files.count(), "nothing written next to the journal");
        }
        // reading it offline shows what comes before the damage, and says where it is and that more follows
        Outcome offline = run("results", "--state-dir", state.toString());
        assertTrue(offline.err().contains("has a damaged record, with more after it, at byte offset " + JournalReader.HEADER_BYTES)
                && offline.err().contains("--repair-journal"), offline.err());
        assertArrayEquals(bytes, Files.readAllBytes(state.resolve(Journal.FILE_NAME)));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aCoordinatorThatCannotListenLeavesTheJournalAsItWas() throws Exception {
        String busy = join.substring(join.lastIndexOf(':') + 1); // the running coordinator's port
        Path existing = dir.resolve("existing");
        try (Journal j = new Journal(existing, rec -> { })) {
            j.append(JournalEntry.newBuilder().setSequence(1).setEpochMillis(1)
                    .setCoordinatorStarted(JournalEntry.CoordinatorStarted.newBuilder().setVersion("test")).build());
        }
        byte[] bytes = Files.readAllBytes(existing.resolve(Journal.FILE_NAME));
        Outcome r = run("coordinator", "--port", busy, "--state-dir", existing.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--port " + busy) && r.err().contains("cannot listen there"), r.err());
        assertArrayEquals(bytes, Files.readAllBytes(existing.resolve(Journal.FILE_NAME)), "a start record was appended");
        try (Stream<Path> files = Files.list(existing)) {
            assertEquals(1, files.count(), "nothing written next to the journal");
        }

        // as its own process: a new state folder is not even made, and the port is named without
        // Akka's stack trace of the BindException before it
        Path fresh = dir.resolve("fresh");
        try (CliProcesses processes = new CliProcesses(dir)) {
            CliProcesses.Cli c = processes.start("busy-port", "coordinator", "--port", busy, "--state-dir", fresh.toString());
            assertEquals(2, c.awaitExit(Duration.ofSeconds(90)), c.err());
            assertTrue(c.err().contains("hpsearch: error: --host 127.0.0.1 --port " + busy + ": cannot listen there"), c.err());
            assertFalse(c.err().contains("\tat "), "no stack trace: " + c.err());
        }
        assertFalse(Files.exists(fresh), "a start that could not listen made its state folder");
    }

    @Test
    void aWorkerRefusesToPreloadABadCampaignOrAMissingDataSet() throws Exception {
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, campaign("fashion-mnist", ", hiden = [4]", "1e-5", "1e-1", "4"));
        Outcome r = run("worker", "--join", join, "--preload", bad.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("bad.conf: network.hiden"), r.err());
        Path missing = dir.resolve("missing.conf");
        Files.writeString(missing, campaign("cifar10", "", "1e-5", "1e-1", "4"));
        Outcome m = run("worker", "--join", join, "--data-dir", dir.resolve("no-data").toString(), "--preload", missing.toString());
        assertEquals(2, m.code(), m.err());
        assertTrue(m.err().contains("--preload " + missing) && m.err().contains("cifar10"), m.err());
    }

    @Test
    void resultsFromAStateDirNeedsAJournalAndNoJoin() throws Exception {
        Outcome none = run("results", "--state-dir", dir.resolve("nothing-here").toString());
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().contains("--state-dir") && none.err().contains("no journal"), none.err());
        Outcome both = run("results", "--state-dir", stateDir.toString(), "--join", join);
        assertEquals(2, both.code(), both.err());
        assertTrue(both.err().contains("--join"), both.err());
        Outcome neither = run("results");
        assertEquals(2, neither.code(), neither.err());
        assertTrue(neither.err().contains("--join"), neither.err());
    }

    @Test
    void theSameFileWithGoodValuesIsAccepted() throws Exception {
        // the corpus differs from a valid file only in the broken value, so each case tests its check
        Path file = dir.resolve("good.conf");
        Files.writeString(file, campaign("fashion-mnist", "", "1e-5", "1e-1", "4").replace("name = bad", "name = good"));
        Outcome r = run("launch", file.toString(), "--join", join, "--detach");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("campaign good submitted"), r.out());
        try (CoordinatorClient client = CoordinatorClient.using(coordinator.system(), Duration.ofSeconds(10))) {
            StatusAnswer status = client.status("good").toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(1, status.getCampaignsCount());
            client.cancel("good", "test over").toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void outOrCancelOnExitWithDetachIsRefusedBeforeAnythingIsSubmitted() throws Exception {
        Path file = dir.resolve("detached.conf");
        Files.writeString(file, campaign("fashion-mnist", "", "1e-5", "1e-1", "4").replace("name = bad", "name = detached"));
        Outcome r = run("launch", file.toString(), "--join", join, "--detach", "--out", dir.resolve("out").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--out") && r.err().contains("--detach"), r.err());
        // launch --detach ends once the campaign is accepted: there is no exit of a follower to cancel on
        Outcome cancelling = run("launch", file.toString(), "--join", join, "--detach", "--cancel-on-exit");
        assertEquals(2, cancelling.code(), cancelling.err());
        assertTrue(cancelling.err().contains("--cancel-on-exit") && cancelling.err().contains("--detach"), cancelling.err());
        try (CoordinatorClient client = CoordinatorClient.using(coordinator.system(), Duration.ofSeconds(10))) {
            StatusAnswer status = client.status("").toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertTrue(status.getCampaignsList().stream().noneMatch(c -> c.getCampaign().equals("detached")),
                    status.toString());
        }
    }

    @Test
    void anOutFolderThatCannotBeWrittenIsRefusedBeforeAnythingRuns() throws Exception {
        Path file = dir.resolve("unwritable.conf");
        Files.writeString(file, campaign("fashion-mnist", "", "1e-5", "1e-1", "4").replace("name = bad", "name = unwritable"));
        Files.writeString(dir.resolve("a-file"), "in the way");
        String unwritable = dir.resolve("a-file").resolve("sub").toString();
        // "": an unset shell variable, --out "$DIR", which is not taken for the working folder
        for (String out : List.of(unwritable, "")) {
            for (String[] args : List.of(new String[] {"launch", file.toString(), "--join", join, "--out", out},
                    new String[] {"watch", "--join", join, "--out", out},
                    new String[] {"results", "--join", join, "--out", out},
                    new String[] {"local", file.toString(), "--out", out},
                    new String[] {"train", "--dataset", "synthetic", "--epochs", "1", "--schedule", "constant", "--out", out})) {
                Outcome r = run(args);
                assertEquals(2, r.code(), List.of(args) + ": " + r.err());
                assertTrue(out.isEmpty() ? r.err().contains("--out is empty: name a folder")
                                : r.err().contains("--out " + out + ": cannot write the files there") && r.err().contains("a-file: not a folder"),
                        List.of(args) + ": " + r.err());
                assertFalse(r.err().contains("Exception"), List.of(args) + ": " + r.err());
                assertFalse(r.out().contains("status:"), "train refused before training: " + r.out());
            }
        }
        try (CoordinatorClient client = CoordinatorClient.using(coordinator.system(), Duration.ofSeconds(10))) {
            StatusAnswer status = client.status("").toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertTrue(status.getCampaignsList().stream().noneMatch(c -> c.getCampaign().equals("unwritable")),
                    status.toString());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void localRefusesAFingerprintItsDataDoesNotHave() throws Exception {
        // every worker of local shares the one copy it loaded: a campaign it does not match would wait for ever
        Path file = dir.resolve("fingerprint.conf");
        Files.writeString(file, campaign("synthetic", "", "1e-5", "1e-1", "2")
                .replace("validation = 500", "validation = 500, fingerprint = abcdef12, synthetic { train = 2000, dim = 8 }"));
        Outcome r = run("local", file.toString(), "--out", dir.resolve("out").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("fingerprint.conf: data.fingerprint (abcdef12) does not match this machine's copy of synthetic"),
                r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void aClientHostThatIsNotThisMachinesIsNamed() {
        // 192.0.2.0/24 is reserved for documentation: no machine has it
        Outcome r = run("status", "--join", join, "--host", "192.0.2.1", "--timeout", "5");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--host 192.0.2.1: cannot listen there"), r.err());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aWorkerOrClientThatCannotListenSaysSoWithoutAStackTrace() throws Exception {
        // as processes, where Akka's listener would log the BindException's stack trace before the message
        try (CliProcesses processes = new CliProcesses(dir)) {
            CliProcesses.Cli worker = processes.start("worker-bad-host", "worker", "--join", join, "--host", "192.0.2.1");
            CliProcesses.Cli status = processes.start("status-bad-host", "status", "--join", join, "--host", "192.0.2.1",
                    "--timeout", "5");
            for (CliProcesses.Cli c : List.of(worker, status)) {
                assertEquals(2, c.awaitExit(Duration.ofSeconds(90)), c.err());
                assertTrue(c.err().contains("hpsearch: error: --host 192.0.2.1") && c.err().contains("cannot listen there"),
                        c.name() + ": " + c.err());
                assertFalse(c.err().contains("\tat ") || c.err().contains("ERROR TcpListener"), c.name() + ": no stack trace: "
                        + c.err());
            }
        }
    }

    @Test
    void aWildcardAddressIsRefusedNamingTheOption() {
        // a node bound to 0.0.0.0 calls itself so, and drops what other machines send to its real address;
        // refused before any socket is opened, so in this JVM
        String port = join.split(":")[1];
        for (String[] args : List.of(new String[] {"worker", "--join", join, "--host", "0.0.0.0"},
                new String[] {"status", "--join", join, "--host", "::", "--timeout", "5"},
                new String[] {"status", "--join", "0.0.0.0:" + port, "--timeout", "5"})) {
            Outcome r = run(args);
            String name = String.join(" ", args), option = args[2].startsWith("0.0.0.0") ? "--join" : "--host";
            assertEquals(2, r.code(), name + ": " + r.err());
            assertTrue(r.err().contains("hpsearch: error: " + option), name + ": " + r.err());
            assertTrue(r.err().contains("wildcard address"), name + ": " + r.err());
        }
    }

    @Test
    void resultsFromAJournalRefusesTheOptionsOfAConnection() {
        // read from the journal, with nothing to connect to, they would be ignored
        for (String[] option : List.of(new String[] {"--join", join}, new String[] {"--host", "127.0.0.1"},
                new String[] {"--timeout", "5"})) {
            Outcome r = run("results", "--state-dir", stateDir.toString(), option[0], option[1]);
            assertEquals(2, r.code(), List.of(option) + ": " + r.err());
            assertTrue(r.err().contains("--state-dir reads a journal without a cluster; leave out " + option[0]), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void aTimeoutBeyondWhatTheClusterCanScheduleIsRefusedNamingIt() throws Exception {
        Path file = dir.resolve("long-wait.conf");
        Files.writeString(file, campaign("fashion-mnist", "", "1e-5", "1e-1", "4").replace("name = bad", "name = long-wait"));
        for (String[] args : List.of(new String[] {"status", "--join", join}, new String[] {"results", "--join", join},
                new String[] {"watch", "--join", join}, new String[] {"cancel", "long-wait", "--join", join},
                new String[] {"launch", file.toString(), "--join", join, "--detach"})) {
            List<String> withTimeout = new java.util.ArrayList<>(List.of(args));
            withTimeout.addAll(List.of("--timeout", "2000000000"));
            Outcome r = run(withTimeout.toArray(String[]::new));
            assertEquals(2, r.code(), withTimeout + ": " + r.err());
            assertTrue(r.err().startsWith("hpsearch: error: --timeout must be in 1..86400"), withTimeout + ": " + r.err());
            assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        }
        try (CoordinatorClient client = CoordinatorClient.using(coordinator.system(), Duration.ofSeconds(10))) {
            StatusAnswer status = client.status("").toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertTrue(status.getCampaignsList().stream().noneMatch(c -> c.getCampaign().equals("long-wait")),
                    status.toString());
        }
    }

    @Test
    void aMissingCampaignFileIsAUserError() {
        Outcome r = run("launch", dir.resolve("nope.conf").toString(), "--join", join);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("nope.conf"), r.err());
    }

    @Test
    void aBadJoinAddressIsNamed() throws Exception {
        Path file = dir.resolve("good.conf");
        Files.writeString(file, campaign("fashion-mnist", "", "1e-5", "1e-1", "4"));
        Outcome r = run("launch", file.toString(), "--join", "localhost");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--join"), r.err());
        Outcome f = run("results", "--join", join, "--format", "yaml");
        assertEquals(2, f.code(), f.err());
        assertTrue(f.err().contains("--format"), f.err());
    }

    @Test
    void aTableOfNoRowsIsRefusedByEveryCommandThatPrintsOne() throws Exception {
        Path file = dir.resolve("good.conf");
        Files.writeString(file, campaign("fashion-mnist", "", "1e-5", "1e-1", "4"));
        for (String[] args : List.of(new String[] {"launch", file.toString(), "--join", join},
                new String[] {"watch", "--join", join}, new String[] {"results", "--join", join},
                new String[] {"results", "--state-dir", dir.resolve("no-state").toString()},
                new String[] {"local", file.toString()})) {
            List<String> withTop = new java.util.ArrayList<>(List.of(args));
            withTop.addAll(List.of("--top", "0"));
            Outcome r = run(withTop.toArray(String[]::new));
            assertEquals(2, r.code(), withTop + ": " + r.err());
            assertTrue(r.err().contains("--top must be at least 1, got 0"), withTop + ": " + r.err());
        }
    }
}
