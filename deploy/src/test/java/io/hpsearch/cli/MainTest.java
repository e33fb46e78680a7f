package io.hpsearch.cli;

import io.hpsearch.cli.CommandRun.Outcome;
import io.hpsearch.nn.data.DataSetException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.hpsearch.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    /** Runs a throwaway subcommand that throws what {@code thrown} makes. */
    static Outcome runThrowing(Supplier<RuntimeException> thrown) {
        @Command(name = "boom")
        class Boom implements Runnable {
            @Override public void run() { throw thrown.get(); }
        }
        CommandLine cl = Main.commandLine();
        cl.addSubcommand("boom", new Boom());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("boom");
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void versionPrintsTheProjectVersionAndExitsZero() {
        Outcome o = run("--version");
        assertEquals(0, o.code());
        assertTrue(o.out().startsWith("hpsearch "), o.out());
        assertFalse(o.out().contains("unknown"), "version resource not filtered: " + o.out());
        assertFalse(o.out().contains("${"), o.out());
        for (String[] sub : new String[][] {{"local", "-V"}, {"train", "--version"}, {"data", "fetch", "-V"}}) {
            Outcome s = run(sub);
            assertEquals(0, s.code(), String.join(" ", sub));
            assertEquals(o.out(), s.out(), String.join(" ", sub) + " prints the same version");
        }
    }

    @Test
    void helpListsTheSubcommands() {
        Outcome o = run("--help");
        assertEquals(0, o.code());
        assertTrue(o.out().contains("data"), o.out());
        Outcome fetchHelp = run("data", "fetch", "--help");
        assertEquals(0, fetchHelp.code());
        assertTrue(fetchHelp.out().contains("--url-base"), fetchHelp.out());
    }

    @Test
    void unknownOptionIsAUserError() {
        Outcome o = run("data", "fetch", "cifar10", "--no-such-option");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--no-such-option"), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace expected: " + o.err());
    }

    @Test
    void badValueNamesTheValue() {
        Outcome o = run("data", "fetch", "imagenet");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("imagenet"), o.err());
        assertTrue(o.err().contains("cifar10"), "should list the known names: " + o.err());
    }

    @Test
    void noCommandIsAUserError() {
        assertEquals(2, run().code());
        assertEquals(2, run("data").code());
    }

    @Test
    void userErrorGivesExitTwoAndOnlyTheMessage() {
        Outcome o = runThrowing(() -> new UserError("--data-dir /nope is not writable"));
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--data-dir /nope is not writable"), o.err());
        assertFalse(o.err().contains("\tat "), o.err());
    }

    @Test
    void dataSetExceptionIsAUserErrorButAnEscapedIllegalArgumentIsABug() {
        Outcome ds = runThrowing(() -> new DataSetException("missing data file: /x/data_batch_1.bin"));
        assertEquals(2, ds.code());
        assertTrue(ds.err().contains("/x/data_batch_1.bin"), ds.err());
        assertFalse(ds.err().contains("\tat "), ds.err());
        Outcome iae = runThrowing(() -> new IllegalArgumentException("eta must be positive: -1"));
        assertEquals(1, iae.code());
        assertTrue(iae.err().contains("\tat "), "stack trace expected: " + iae.err());
    }

    @Test
    void wrappedUserErrorIsFoundButOtherCausesAreNot() {
        Outcome wrapped = runThrowing(() -> new CompletionException(new UserError("bad --seed")));
        assertEquals(2, wrapped.code());
        assertTrue(wrapped.err().contains("bad --seed"), wrapped.err());
        // A bug that merely has a user-error-looking cause stays a bug.
        assertNull(Main.userErrorIn(new IllegalStateException("bug", new IllegalArgumentException("x"))));
        assertNotNull(Main.userErrorIn(new CompletionException(new DataSetException("x"))));
    }

    @Test
    void otherExceptionsAreBugsWithAStackTrace() {
        Outcome o = runThrowing(() -> new IllegalStateException("invariant broken"));
        assertEquals(1, o.code());
        assertTrue(o.err().contains("java.lang.IllegalStateException: invariant broken"), o.err());
        assertTrue(o.err().contains("\tat "), "stack trace expected: " + o.err());
    }

    @Test
    void runningOutOfMemoryIsAUserErrorThatSaysHowToGiveMore() throws Exception {
        // a real JVM with a small heap, and a layer of 1,000,000 units on 256 inputs (1 GB of weights)
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Xmx128m", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), "io.hpsearch.cli.Main",
                "train", "--dataset", "synthetic", "--hidden", "1000000", "--schedule", "constant", "--epochs", "1")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), output);
        assertTrue(output.contains("hpsearch: error: out of memory (Java heap space; this JVM's heap is at most "), output);
        assertTrue(output.contains("HPSEARCH_JAVA_OPTS=-Xmx"), output);
        assertFalse(output.contains("\tat "), output);
    }

    @Test
    void outOfMemoryAdviceFitsTheCommand() {
        // a cluster client holds a campaign's rows, not a network: its advice is about the table
        for (String command : List.of("launch", "watch", "results", "status", "cancel")) {
            String advice = Main.outOfMemoryAdvice(command, "--join", "127.0.0.1:25520");
            assertTrue(advice.contains("--top K") && advice.contains("HPSEARCH_JAVA_OPTS=-Xmx"), command + ": " + advice);
            assertFalse(advice.contains("network"), command + ": " + advice);
        }
        for (String command : List.of("train", "bench", "local", "worker")) {
            String advice = Main.outOfMemoryAdvice("--verbose", command, "--hidden", "50");
            assertTrue(advice.contains("smaller network, batch or data set"), command + ": " + advice);
        }
    }

    @Test
    void everyRegisteredSubcommandHasAName() {
        CommandLine cl = Main.commandLine();
        assertEquals(Main.subcommands().size(), cl.getSubcommands().size());
        assertTrue(cl.getSubcommands().containsKey("data"));
        assertTrue(cl.getSubcommands().get("data").getSubcommands().containsKey("fetch"));
    }
}
