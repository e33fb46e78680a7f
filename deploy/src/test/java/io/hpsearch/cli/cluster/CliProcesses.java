package io.hpsearch.cli.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code hpsearch} commands as real JVM processes, started from the test class path (in
 * {@code mvn verify} the shaded jar is built only after the tests), with stdout and stderr in
 * files. {@link #close()} kills every process it started, with their children.
 */
final class CliProcesses implements AutoCloseable {
    /** A started command; its output files can be read while it runs. */
    record Cli(String name, Process process, Path stdout, Path stderr) {
        String out() {
            return read(stdout);
        }

        String err() {
            return read(stderr);
        }

        /** Waits until stdout or stderr holds {@code text}; fails early if the process ends first. */
        void awaitOutput(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (out().contains(text) || err().contains(text)) return;
                if (!process.isAlive()) {
                    throw new AssertionError(name + " ended (exit " + process.exitValue() + ") before printing '" + text
                            + "'\nstdout:\n" + out() + "\nstderr:\n" + err());
                }
                Thread.sleep(100);
            }
            throw new AssertionError(name + " did not print '" + text + "' within " + timeout
                    + "\nstdout:\n" + out() + "\nstderr:\n" + err());
        }

        int awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout + "\nstdout:\n" + out() + "\nstderr:\n" + err());
            }
            return process.exitValue();
        }

        private static String read(Path p) {
            try {
                return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final Path dir;
    private final List<Process> started = new ArrayList<>();

    CliProcesses(Path dir) {
        this.dir = dir;
    }

    /** Starts {@code hpsearch args…} as its own JVM; {@code name} names its log files. */
    Cli start(String name, String... args) throws IOException {
        return startWith(List.of(), name, args);
    }

    /**
     * As {@link #start}, with {@code classPathFirst} ahead of the test class path (e.g. a folder
     * whose {@code hpsearch-version.properties} makes the process another build).
     */
    Cli startWith(List<Path> classPathFirst, String name, String... args) throws IOException {
        return startWith(classPathFirst, java.util.Map.of(), name, args);
    }

    /** As {@link #startWith(List, String, String...)}, with {@code environment} added to the process's. */
    Cli startWith(List<Path> classPathFirst, java.util.Map<String, String> environment, String name, String... args)
            throws IOException {
        List<String> classPath = new ArrayList<>();
        for (Path p : classPathFirst) classPath.add(p.toString());
        classPath.add(System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Xmx512m", "-XX:+UseSerialGC",
                "-Djava.awt.headless=true", "-Dhpsearch.stderr.tty=false",
                "-cp", String.join(java.io.File.pathSeparator, classPath), "io.hpsearch.cli.Main"));
        command.addAll(List.of(args));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        // a cluster's TLS settings of the developer's shell are not the test's
        builder.environment().remove("HPSEARCH_TLS_KEYSTORE");
        builder.environment().remove("HPSEARCH_TLS_PASSWORD");
        builder.environment().putAll(environment);
        Process p = builder.start();
        synchronized (started) {
            started.add(p);
        }
        return new Cli(name, p, out, err);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        List<Process> all;
        synchronized (started) {
            all = new ArrayList<>(started);
        }
        for (Process p : all) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : all) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
