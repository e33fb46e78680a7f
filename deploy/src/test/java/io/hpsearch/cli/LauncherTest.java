package io.hpsearch.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs deploy/bin/hpsearch (a copy in a scratch tree, reached through symlinks) with bash. */
class LauncherTest {
    @TempDir
    Path tmp;

    private Path launcher;
    private Path link;

    record Run(int code, String out, String err) { }

    @BeforeEach
    void layOut() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")), "no bash");
        Path source = Path.of("bin", "hpsearch");
        assertTrue(Files.isRegularFile(source), "launcher missing at " + source.toAbsolutePath());
        launcher = tmp.resolve("repo/deploy/bin/hpsearch");
        Files.createDirectories(launcher.getParent());
        Files.copy(source, launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Two hops: links/hp -> ../tools/hpsearch (relative) -> the launcher (absolute).
        Path tools = tmp.resolve("tools");
        Files.createDirectories(tools);
        Files.createSymbolicLink(tools.resolve("hpsearch"), launcher);
        Files.createDirectories(tmp.resolve("links"));
        link = Files.createSymbolicLink(tmp.resolve("links/hp"), Path.of("../tools/hpsearch"));
    }

    private Path out() {
        return tmp.resolve("out.txt");
    }

    private Path err() {
        return tmp.resolve("err.txt");
    }

    /** The launcher (through the symlinks) with {@code args}, its stdout and stderr to {@link #out()} and {@link #err()}. */
    private ProcessBuilder launcher(Map<String, String> env, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("bash", link.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().remove("HPSEARCH_JAR");
        pb.environment().remove("HPSEARCH_JAVA_OPTS");
        pb.environment().remove("HPSEARCH_SHOW_JVM_WARNINGS");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        return pb.redirectOutput(out().toFile()).redirectError(err().toFile());
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        Process p = launcher(env, args).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher hung");
        return new Run(p.exitValue(), Files.readString(out()), Files.readString(err()));
    }

    @Test
    void saysHowToBuildWhenTheJarIsMissing() throws Exception {
        Run r = run(Map.of());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(tmp.resolve("repo/deploy/target/hpsearch.jar").toString() + " is not built yet"), r.err());
        assertTrue(r.err().contains("mvn -q -DskipTests package"), r.err());
    }

    @Test
    void runsTheJarWithTheVectorModuleAndUserOptions() throws Exception {
        Path jar = tmp.resolve("repo/deploy/target/hpsearch.jar");
        writeProbeJar(jar);
        Run r = run(Map.of("HPSEARCH_JAVA_OPTS", "-Dprobe.x=42 -Xmx256m"), "data", "fetch", "two words");
        assertEquals(3, r.code(), "the JVM's exit code comes back: " + r.err());
        // the JVM options the launcher adds print nothing of their own (stdout may be JSON or CSV)
        assertTrue(r.out().startsWith("args=data|fetch|two words"), r.out());
        assertTrue(r.out().contains("probe.x=42"), r.out());
        assertTrue(r.out().contains("headless=true"), r.out());
        assertTrue(r.out().contains("tty=false"), r.out());
        assertTrue(r.out().contains("vector=true"), r.out());
        assertTrue(r.err().contains("probe-stderr"), r.err());
        assertFalse(r.err().contains("incubator"), "incubator warning should be filtered: " + r.err());
    }

    @Test
    void whatTheJvmPrintsAsCtrlCStopsItIsNotLost() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid")), "no setsid");
        writeProbeJar(tmp.resolve("repo/deploy/target/hpsearch.jar"));
        CtrlC ctrlC = CtrlC.signal();
        // in a process group of its own, as a terminal's foreground job, which Ctrl-C's signal
        // reaches as a whole: the JVM and the filter of its stderr
        ProcessBuilder pb = launcher(Map.of(), "wait-for-ctrl-c");
        pb.command().add(0, "setsid");
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out()).contains("probe-waiting")) {
            assertTrue(p.isAlive(), "the probe ended before the signal: " + Files.readString(err()));
            assertTrue(System.nanoTime() < deadline, "the probe did not start");
            Thread.sleep(50);
        }
        ctrlC.send(-p.pid()); // setsid made the launcher, now the JVM, its group's leader
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the JVM did not stop on SIG" + ctrlC.name());
        assertEquals(ctrlC.exitCode(), p.exitValue(), "the JVM's exit code comes back: " + Files.readString(err()));
        // the filter writes the JVM's last bytes after the JVM has ended
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.readString(err()).contains("probe-stopped") && System.nanoTime() < deadline) Thread.sleep(50);
        String err = Files.readString(err());
        assertTrue(err.contains("probe-stopped"), "what the JVM printed as SIG" + ctrlC.name() + " stopped it was lost: '" + err + "'");
        assertFalse(err.contains("incubator"), "incubator warning should be filtered: " + err);
    }

    @Test
    void newerJdksDoNotWarnAboutTheUnsafeMemoryAccessOfProtobufAndAkka() throws Exception {
        // JDK 24 and later warn on stderr; the one this test runs on may be 17, so it takes a newer
        // one installed beside it (as on the project's machine) and is skipped without one
        Path newer = installedJdk(24).orElse(null);
        assumeTrue(newer != null, "no JDK 24 or later in /usr/lib/jvm");
        writeProbeJar(tmp.resolve("repo/deploy/target/hpsearch.jar"));
        Run r = run(Map.of("JAVA_HOME", newer.toString()), "unsafe-memory-access");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.out().contains("unsafe-offset="), r.out());
        assertFalse(r.err().contains("sun.misc.Unsafe"), "JDK " + newer + " warned: " + r.err());
        assertFalse(r.err().contains("WARNING"), r.err());
        // and the warning is there to be silenced: without the launcher's property, the same JDK prints it
        Process plain = new ProcessBuilder(newer.resolve("bin/java").toString(), "-jar",
                tmp.resolve("repo/deploy/target/hpsearch.jar").toString(), "unsafe-memory-access")
                .redirectOutput(out().toFile()).redirectError(err().toFile()).start();
        assertTrue(plain.waitFor(60, TimeUnit.SECONDS), "probe hung");
        assertTrue(Files.readString(err()).contains("sun.misc.Unsafe"), Files.readString(err()));
    }

    /** A JDK in /usr/lib/jvm whose feature version is at least {@code feature}, from its release file. */
    private static Optional<Path> installedJdk(int feature) throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) return Optional.empty();
        try (var dirs = Files.list(jvms)) {
            return dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")) && Files.isRegularFile(d.resolve("release")))
                    .filter(d -> {
                        try {
                            var m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)")
                                    .matcher(Files.readString(d.resolve("release")));
                            return m.find() && Integer.parseInt(m.group(1)) >= feature;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .sorted().findFirst();
        }
    }

    /** The JVM options the launcher gave a command, one per element. */
    private List<String> jvmOptions(String... args) throws Exception {
        Run r = run(Map.of(), args);
        assertEquals(3, r.code(), r.err());
        String line = r.out().lines().filter(l -> l.startsWith("jvm=")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        return List.of(line.substring("jvm=".length()).split("\\|"));
    }

    @Test
    void givesTheClusterCommandsHigherJitThresholdsButKeepsTheCoresAsBefore() throws Exception {
        writeProbeJar(tmp.resolve("repo/deploy/target/hpsearch.jar"));
        String core = "-XX:CompileCommand=CompileThresholdScaling,io.hpsearch.nn.*::*,";
        // workers, local and the clients: four times the JIT's thresholds, the core at 4 × 0.025 = 0.1 of them
        for (String command : List.of("worker", "local", "launch", "watch", "results", "status", "cancel")) {
            List<String> opts = jvmOptions(command);
            assertTrue(opts.contains("-XX:CompileThresholdScaling=4"), command + ": " + opts);
            assertTrue(opts.contains(core + "0.025"), command + ": " + opts);
        }
        // the coordinator (its leases wait for interpreted code), train and bench: the defaults, the core at 0.1
        for (String command : List.of("coordinator", "train", "bench")) {
            List<String> opts = jvmOptions(command);
            assertTrue(opts.contains("-XX:CompileThresholdScaling=1"), command + ": " + opts);
            assertTrue(opts.contains(core + "0.1"), command + ": " + opts);
        }
        assertTrue(jvmOptions("coordinator").contains("-XX:TieredStopAtLevel=1"));
        assertFalse(jvmOptions("worker").contains("-XX:TieredStopAtLevel=1"), "workers train with C2");
    }

    @Test
    void leavesTheClientsTheJvmsDefaultHeapForTheTablesOfLargeCampaigns() throws Exception {
        // results --format csv of a 200,000-trial campaign needs about 400 MB, watch --out of it more:
        // with a 256 MB heap the one ended out of memory and the other died in an Akka thread
        writeProbeJar(tmp.resolve("repo/deploy/target/hpsearch.jar"));
        long train = heap("train");
        for (String command : List.of("launch", "watch", "results", "status", "cancel")) {
            assertTrue(heap(command) > 0.8 * train, command + ": a heap of " + heap(command) + " bytes against train's " + train);
        }
    }

    private long heap(String command) throws Exception {
        Run r = run(Map.of(), command);
        assertEquals(3, r.code(), r.err());
        return Long.parseLong(r.out().lines().filter(l -> l.startsWith("heap=")).findFirst()
                .orElseThrow(() -> new AssertionError(r.out())).substring("heap=".length()));
    }

    @Test
    void passesTheClassDataArchiveNextToTheJar() throws Exception {
        Path jar = tmp.resolve("repo/deploy/target/hpsearch.jar");
        writeProbeJar(jar);
        dumpArchive(jar);
        Run r = run(Map.of("HPSEARCH_JAVA_OPTS", "-Xlog:class+load=info"), "x");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.out().contains(LauncherProbe.class.getName() + " source: shared objects file"),
                "the probe's class should come from the archive: " + r.out());
    }

    @Test
    void runsQuietlyWithoutAnArchiveThatNoLongerMatchesTheJar() throws Exception {
        Path jar = tmp.resolve("repo/deploy/target/hpsearch.jar");
        writeProbeJar(jar);
        dumpArchive(jar);
        // the jar rebuilt after the archive: the JVM refuses the archive, and would say so on stdout
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 10_000));
        Run r = run(Map.of("HPSEARCH_JAVA_OPTS", "-Xlog:class+load=info"), "x");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.out().contains(LauncherProbe.class.getName() + " source: file:"), "loaded from the jar: " + r.out());
        assertFalse((r.out() + r.err()).contains("shared archive"), r.out() + r.err());
    }

    /** Writes the archive the build would write next to {@code jar}, here of the probe's classes. */
    private void dumpArchive(Path jar) throws Exception {
        Path archive = jar.resolveSibling("hpsearch.jsa");
        Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "--add-modules=jdk.incubator.vector", "-jar", jar.toRealPath().toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("dump.txt").toFile()).start();
        assertTrue(dump.waitFor(60, TimeUnit.SECONDS), "archive dump hung");
        assertTrue(Files.isRegularFile(archive) && Files.size(archive) > 0, Files.readString(tmp.resolve("dump.txt")));
    }

    /** A jar whose main class is {@link LauncherProbe}, taken from the compiled test classes. */
    private static void writeProbeJar(Path jar) throws IOException {
        writeProbeJar(jar, LauncherProbe.class);
    }

    /** A jar whose main class is {@code probe} (a class without nested classes), taken from the compiled test classes. */
    static void writeProbeJar(Path jar, Class<?> probe) throws IOException {
        Files.createDirectories(jar.getParent());
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, probe.getName());
        String entry = probe.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (var in = probe.getClassLoader().getResourceAsStream(entry)) {
            bytes = in.readAllBytes();
        }
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os, mf)) {
            jos.putNextEntry(new JarEntry(entry));
            jos.write(bytes);
            jos.closeEntry();
        }
        assertTrue(new String(bytes, StandardCharsets.ISO_8859_1).contains(probe.getSimpleName()));
    }
}
