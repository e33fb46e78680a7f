package io.hpsearch.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs deploy/local-cluster.sh (a copy in a scratch tree, with deploy/bin/hpsearch) on a stand-in
 * jar whose coordinator and workers start in a moment or fail as the real ones do ({@link ClusterProbe}).
 */
class LocalClusterScriptTest {
    @TempDir
    Path tmp;

    private Path deploy;
    private Path cluster;
    private int port;

    record Run(int code, String out, String err, double seconds) { }

    @BeforeEach
    void layOut() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")), "no bash");
        deploy = tmp.resolve("repo/deploy");
        for (String script : List.of("local-cluster.sh", "bin/hpsearch")) {
            Path copy = deploy.resolve(script);
            Files.createDirectories(copy.getParent());
            Files.copy(Path.of(script), copy);
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        LauncherTest.writeProbeJar(deploy.resolve("target/hpsearch.jar"), ClusterProbe.class);
        cluster = tmp.resolve("cluster");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
    }

    @AfterEach
    void stop() throws Exception {
        run(tmp, Map.of(), "repo/deploy/local-cluster.sh", "stop");
    }

    /** bash SCRIPT args… in {@code dir}, the cluster in {@link #cluster} on {@link #port} unless {@code env} says otherwise. */
    private Run run(Path dir, Map<String, String> env, String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", script));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        for (String name : List.of("HPSEARCH_JAR", "HPSEARCH_JAVA_OPTS", "HPSEARCH_WORKER_OPTS", "HPSEARCH_STATE_DIR",
                "HPSEARCH_WORKER_PIN")) {
            pb.environment().remove(name);
        }
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("HPSEARCH_CLUSTER_DIR", cluster.toString());
        pb.environment().put("HPSEARCH_PORT", Integer.toString(port));
        pb.environment().putAll(env);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly(); // what it started is stopped after the test
            throw new AssertionError("local-cluster.sh still running after 120 s: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err), (System.nanoTime() - start) / 1e9);
    }

    /** The coordinator's pid, from the line its log shows when it is up. */
    private long coordinatorPid() throws IOException {
        Matcher m = Pattern.compile("pid (\\d+)\\)").matcher(Files.readString(cluster.resolve("coordinator.log")));
        assertTrue(m.find(), "no coordinator up");
        return Long.parseLong(m.group(1));
    }

    @Test
    void aWorkerThatEndsAtStartStopsTheStartAtOnceWithItsErrorAndExitCode() throws Exception {
        Run r = run(tmp, Map.of("HPSEARCH_WORKER_OPTS", "--slots 0"), "repo/deploy/local-cluster.sh", "2");
        assertEquals(2, r.code(), "the worker's exit code: " + r.err());
        // not after waiting the 180 s a worker gets to find the coordinator
        assertTrue(r.seconds() < 60, "took " + r.seconds() + " s");
        // both workers refuse --slots 0; the first the script finds ended is named, either one
        assertTrue(Pattern.compile("worker-[12] \\(pid \\d+\\) ended with exit code 2").matcher(r.err()).find(), r.err());
        assertTrue(r.err().contains("hpsearch: error: --slots must be in 1..1024, got 0"), r.err());
        assertTrue(r.err().contains("start-up failed; stopping what was started"), r.err());
        // what did start is stopped
        assertFalse(ProcessHandle.of(coordinatorPid()).map(ProcessHandle::isAlive).orElse(false), "the coordinator still runs");
        assertFalse(Files.exists(cluster.resolve("pids")));
    }

    @Test
    void workerOptionsTheScriptSetsItselfAreRefusedBeforeAnythingStarts() throws Exception {
        for (String opts : List.of("--slots 1 --port 27099", "--host=10.0.0.2")) {
            Run r = run(tmp, Map.of("HPSEARCH_WORKER_OPTS", opts), "repo/deploy/local-cluster.sh", "1");
            assertEquals(2, r.code(), opts + ": " + r.err());
            String option = opts.contains("--port") ? "--port" : "--host";
            assertTrue(r.err().contains("HPSEARCH_WORKER_OPTS: " + option + " is set by this script"), opts + ": " + r.err());
            assertFalse(Files.exists(cluster.resolve("coordinator.log")), "a coordinator was started");
        }
    }

    @Test
    void aCoordinatorWhosePortIsTakenStopsTheStartAtOnce() throws Exception {
        try (ServerSocket taken = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            Run r = run(tmp, Map.of(), "repo/deploy/local-cluster.sh", "1");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.seconds() < 30, "took " + r.seconds() + " s"); // not the 60 s the coordinator gets
            assertTrue(r.err().contains("coordinator (pid "), r.err());
            assertTrue(r.err().contains("--port " + port + ": cannot listen there"), r.err());
            assertFalse(r.out().contains("hpsearch cluster:"), r.out());
        }
    }

    /** The CPUs a process may run on, as /proc/PID/status lists them (e.g. "0-1"). */
    private static String cpusOf(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Cpus_allowed_list:")) return line.substring(line.indexOf(':') + 1).trim();
        }
        throw new AssertionError("no Cpus_allowed_list for " + pid);
    }

    /** The workers' pids (after the coordinator's in the pids file). */
    private List<Long> workerPids() throws IOException {
        List<String> lines = Files.readAllLines(cluster.resolve("pids"));
        return lines.subList(1, lines.size()).stream().map(Long::parseLong).toList();
    }

    @Test
    void workersGetCpusOfTheirOwnWhenTheirThreadsFitAndTheOsPlacesThemOtherwise() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "no /proc");
        String all = cpusOf(ProcessHandle.current().pid());
        assumeTrue(all.matches("0-([1-9]\\d*)"), "CPUs 0..k, k >= 1, for this test: " + all);
        Run pinned = run(tmp, Map.of(), "repo/deploy/local-cluster.sh", "2");
        assertEquals(0, pinned.code(), pinned.err());
        assertTrue(pinned.out().contains("  CPUs:    worker-1 on CPU 0, worker-2 on CPU 1 (HPSEARCH_WORKER_PIN=off lets "
                + "the OS place them)\n"), pinned.out());
        assertEquals(List.of("0", "1"), List.of(cpusOf(workerPids().get(0)), cpusOf(workerPids().get(1))));
        run(tmp, Map.of(), "repo/deploy/local-cluster.sh", "stop");

        // off, or more trial threads than CPUs: every CPU for every worker
        int cpus = Integer.parseInt(all.substring(2)) + 1;
        for (Map<String, String> env : List.of(Map.of("HPSEARCH_WORKER_PIN", "off"),
                Map.of("HPSEARCH_WORKER_OPTS", "--slots " + cpus))) {
            Run placed = run(tmp, env, "repo/deploy/local-cluster.sh", "2");
            assertEquals(0, placed.code(), env + ": " + placed.err());
            assertTrue(placed.out().contains("  CPUs:    placed by the OS\n"), env + ": " + placed.out());
            for (long pid : workerPids()) assertEquals(all, cpusOf(pid), env.toString());
            run(tmp, Map.of(), "repo/deploy/local-cluster.sh", "stop");
        }

        // a lone worker is left to the OS too
        Run alone = run(tmp, Map.of(), "repo/deploy/local-cluster.sh", "1");
        assertEquals(0, alone.code(), alone.err());
        assertTrue(alone.out().contains("  CPUs:    placed by the OS\n"), alone.out());
        assertEquals(all, cpusOf(workerPids().get(0)));
        run(tmp, Map.of(), "repo/deploy/local-cluster.sh", "stop");

        Run bad = run(tmp, Map.of("HPSEARCH_WORKER_PIN", "yes"), "repo/deploy/local-cluster.sh", "1");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("HPSEARCH_WORKER_PIN must be on or off, got 'yes'"), bad.err());
    }

    @Test
    void theCommandsItPrintsWorkFromTheDirectoryItWasStartedIn() throws Exception {
        // from the repository's folder: paths relative to it, as README shows them
        Run inRepo = run(tmp.resolve("repo"), Map.of(), "deploy/local-cluster.sh", "1");
        assertEquals(0, inRepo.code(), inRepo.err());
        assertTrue(inRepo.out().contains("  launch:  deploy/bin/hpsearch launch deploy/campaigns/fashion-mnist-quick.conf --join 127.0.0.1:"
                + port + "\n"), inRepo.out());
        assertTrue(inRepo.out().contains("  stop:    HPSEARCH_CLUSTER_DIR=" + cluster + " deploy/local-cluster.sh stop\n"), inRepo.out());
        assertEquals(0, run(tmp.resolve("repo"), Map.of(), "deploy/local-cluster.sh", "stop").code());

        // from a folder beside it: absolute paths, and they work there
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Run beside = run(elsewhere, Map.of(), "../repo/deploy/local-cluster.sh", "1");
        assertEquals(0, beside.code(), beside.err());
        String real = deploy.toRealPath().toString();
        assertTrue(beside.out().contains("  launch:  " + real + "/bin/hpsearch launch " + real
                + "/campaigns/fashion-mnist-quick.conf --join 127.0.0.1:" + port + "\n"), beside.out());
        String status = beside.out().lines().filter(l -> l.startsWith("  status:  ")).findFirst().orElseThrow()
                .substring("  status:  ".length());
        Run ran = run(elsewhere, Map.of(), "-c", status);
        assertEquals("ran status --join 127.0.0.1:" + port, ran.out().strip(), ran.err());
        String stop = beside.out().lines().filter(l -> l.startsWith("  stop:    ")).findFirst().orElseThrow()
                .substring("  stop:    ".length());
        Run stopped = run(elsewhere, Map.of("HPSEARCH_CLUSTER_DIR", "/nonexistent"), "-c", stop);
        assertTrue(stopped.out().contains("cluster in " + cluster + " stopped"), stopped.out() + stopped.err());
    }
}
