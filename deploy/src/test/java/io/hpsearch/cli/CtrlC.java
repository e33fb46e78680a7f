package io.hpsearch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for the processes a test starts: the signal a terminal sends, with {@code kill}.
 *
 * <p>That is SIGINT, unless this JVM was started with SIGINT ignored (in the background of a
 * non-interactive shell, e.g. {@code mvn test &} in a script): the processes it starts inherit that,
 * and a JVM leaves an ignored SIGINT ignored. SIGTERM stands for it then; the JVM handles it the
 * same way (shutdown hooks, then exit 128 + the signal's number), and so does the launcher's filter.
 */
public record CtrlC(String name, int number) {
    /** What stands for Ctrl-C in the processes this JVM starts. */
    public static CtrlC signal() throws IOException {
        return sigintIgnored() ? new CtrlC("TERM", 15) : new CtrlC("INT", 2);
    }

    /** The exit code of a JVM the signal stopped. */
    public int exitCode() {
        return 128 + number;
    }

    /** Sends the signal to process {@code pid}, or to the process group {@code -pid}. */
    public void send(long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("bash", "-c", "kill -s " + name + " -- " + pid).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -s " + name + " -- " + pid + " failed");
        }
    }

    /** Whether this JVM ignores SIGINT (the mask of ignored signals in /proc/self/status, bit 2 - 1). */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) return false;
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 2) != 0;
        }
        return false;
    }
}
