package io.hpsearch.cli.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Waiting, in the tests of real processes, for something they write (a journal, a log) to show a state. */
final class Polls {
    private Polls() {
    }

    /**
     * {@code probe}'s value once it has one, asked every 100 ms until {@code timeout}; then an
     * AssertionError naming {@code what}, followed by {@code detail} (e.g. the journal so far).
     */
    static <T> T await(String what, Duration timeout, Callable<Optional<T>> probe, Supplier<String> detail) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> v = probe.call();
            if (v.isPresent()) return v.get();
            Thread.sleep(100);
        }
        String more = detail.get();
        throw new AssertionError("timed out waiting for " + what + (more.isEmpty() ? "" : "; " + more));
    }
}
