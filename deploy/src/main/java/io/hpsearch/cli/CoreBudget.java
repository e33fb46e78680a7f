package io.hpsearch.cli;

import java.util.Optional;

/**
 * Whether the training threads a command is asked for fit in this machine's cores. A trial of
 * several threads meets at barriers a few times every step; when there are more training threads
 * than cores, a member the OS has descheduled holds up the others for a time slice at barrier after
 * barrier, and the trial runs several times slower than on one thread (3 threads on 2 cores: about 4
 * times, README's {@code hpsearch bench}). Single-thread trials only share the cores, so more of
 * them than cores is no warning.
 */
public final class CoreBudget {
    /** Most slots of a worker, and most threads of a trial: far above any machine's cores, low enough to catch a typo. */
    public static final int MOST = 1024;

    private CoreBudget() {
    }

    /** Refuses a count of slots or threads outside 1..{@link #MOST}, naming {@code option}. */
    public static void checkCount(String option, int n) {
        if (n < 1 || n > MOST) throw new UserError(option + " must be in 1.." + MOST + ", got " + n);
    }

    /**
     * The warning for {@code trials} trials at once of {@code threadsPerTrial} threads each on
     * {@code cores} cores, or empty when they fit; {@code asked} names the options that asked for
     * them, e.g. {@code "--slots 2 × --threads-per-trial 2"}.
     */
    public static Optional<String> excess(int trials, int threadsPerTrial, int cores, String asked) {
        long threads = (long) trials * threadsPerTrial;
        if (threadsPerTrial <= 1 || threads <= cores) return Optional.empty();
        return Optional.of("warning: " + threads + " training threads (" + asked + ") on " + cores
                + " cores: a trial's threads meet at every step, and one waiting for a core holds up the others, so"
                + " training runs many times slower; keep them within the cores");
    }

    /** {@link #excess} on this machine. */
    public static Optional<String> excess(int trials, int threadsPerTrial, String asked) {
        return excess(trials, threadsPerTrial, Runtime.getRuntime().availableProcessors(), asked);
    }
}
