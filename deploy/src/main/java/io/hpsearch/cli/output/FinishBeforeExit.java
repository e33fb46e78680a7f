package io.hpsearch.cli.output;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * A set of output files that Ctrl-C must not cut in the middle. They are written once the run they
 * come from has ended, and are often all that is left of it (a campaign run by {@code hpsearch
 * local} lives only in its JVM; a {@code train} run is not kept anywhere else), and a folder holding
 * some of them beside an earlier run's others would read as one run. Ctrl-C (or SIGTERM) makes the
 * JVM run its shutdown hooks, then exit, whatever its threads are doing: while one of these is
 * open, its hook says so and holds the exit until {@link #close()}, so the files are all written.
 */
public final class FinishBeforeExit implements AutoCloseable {
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    private FinishBeforeExit(String what, PrintStream err) {
        hook = new Thread(() -> {
            err.println();
            err.println("stopping once " + what);
            err.flush();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hpsearch-finish-writing");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Holds a Ctrl-C's exit from now until {@link #close()}; {@code what} completes "stopping once
     * …", e.g. {@code "the results files are written to runs/x"}.
     */
    public static FinishBeforeExit holding(String what) {
        return new FinishBeforeExit(what, System.err);
    }

    /** The files are written (or their writing failed): a Ctrl-C's exit goes on. */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the JVM is exiting: the hook, released above, returns and the exit goes on
        }
    }
}
