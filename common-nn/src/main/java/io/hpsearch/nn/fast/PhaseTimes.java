package io.hpsearch.nn.fast;

/**
 * Where a team's runs spend their time, member by member: for each phase of a run (the work
 * between two of its barriers, numbered from the start of the run) the nanoseconds spent working
 * in it and waiting at the barrier that ends it, plus the wait at the start of each run (a worker
 * waiting for the caller's next run, the caller for the workers to wake). A diagnostic for
 * {@code hpsearch bench --phases}: it shows which phases the threads share badly and how much
 * each member waits for the other.
 *
 * <p>Besides the totals, each member's work in each phase is counted in a histogram (64 bins per
 * power of two: within 1.6 %), for its median ({@link #medianWork}): a step whose thread the OS took away for a time
 * slice adds milliseconds to the mean, not to the median, so the medians still compare two
 * versions of the code on a machine that is not idle.
 *
 * <p>Recording is off until {@link #record(boolean)} turns it on, so a caller can leave out runs it
 * does not want (the bench leaves out the evaluations between epochs). Each member writes only
 * its own rows; read the figures after the runs, from the thread that drove them. Turning
 * recording on for the first time in a compiled loop sends the JIT back to its slow tiers for a
 * while (the branch was never taken), so record from the start and {@link #clear} what came
 * before the runs of interest.
 */
public final class PhaseTimes {
    /** Phases beyond this many in one run are added to the last one. */
    public static final int MAX_PHASES = 32;
    /** Bins per power of two of a histogram (below 2 × this, one bin per nanosecond). */
    private static final int SUB = 64;
    private static final int SUB_BITS = 6;
    /** Bins of each histogram, up to 2⁶³ ns. */
    private static final int BINS = (64 - SUB_BITS) * SUB;

    private final int members;
    private final long[][] work, wait;
    /** [member][phase], made when the phase is first seen. */
    private final int[][][] workBins;
    private final long[] startWait, lastExit;
    private final int[] phase, phasesSeen;
    private long runs;
    private volatile boolean recording;

    /** @param members the team's size */
    public PhaseTimes(int members) {
        if (members <= 0) throw new IllegalArgumentException("members must be positive: " + members);
        this.members = members;
        work = new long[members][MAX_PHASES];
        wait = new long[members][MAX_PHASES];
        workBins = new int[members][MAX_PHASES][];
        startWait = new long[members];
        lastExit = new long[members];
        phase = new int[members];
        phasesSeen = new int[members];
    }

    public int members() {
        return members;
    }

    /** Records the runs that start from now on (true) or none (false). */
    public void record(boolean on) {
        recording = on;
    }

    /** Forgets every run recorded so far; call it between runs, from the thread that drives them. */
    public void clear() {
        for (int t = 0; t < members; t++) {
            java.util.Arrays.fill(work[t], 0);
            java.util.Arrays.fill(wait[t], 0);
            for (int[] bins : workBins[t]) if (bins != null) java.util.Arrays.fill(bins, 0);
            startWait[t] = 0;
            phasesSeen[t] = 0;
        }
        runs = 0;
    }

    /** Runs recorded, counted by member 0. */
    public long runs() {
        return runs;
    }

    /** Phases of the longest run member t recorded. */
    public int phases(int member) {
        return phasesSeen[member];
    }

    /** Nanoseconds member t worked in phase p, over all recorded runs. */
    public long work(int member, int phase) {
        return work[member][phase];
    }

    /**
     * The median of member t's work in phase p over the recorded runs that reached it, in ns (the
     * middle of its histogram bin; 0 when none did).
     */
    public double medianWork(int member, int phase) {
        int[] bins = workBins[member][phase];
        if (bins == null) return 0;
        long count = 0;
        for (int b : bins) count += b;
        if (count == 0) return 0;
        long seen = 0;
        for (int i = 0; i < BINS; i++) {
            seen += bins[i];
            if (2 * seen >= count) return binMiddle(i);
        }
        throw new IllegalStateException("unreachable: the bins hold " + count + " runs");
    }

    /** The histogram bin of a duration of {@code nanos} ≥ 0. */
    static int bin(long nanos) {
        if (nanos < 2 * SUB) return (int) nanos;
        int e = 63 - Long.numberOfLeadingZeros(nanos); // ≥ SUB_BITS + 1
        return (e - SUB_BITS + 1) * SUB + (int) ((nanos >>> (e - SUB_BITS)) & (SUB - 1));
    }

    /** The middle of bin i, ns. */
    static double binMiddle(int i) {
        if (i < 2 * SUB) return i + 0.5;
        int e = i / SUB + SUB_BITS - 1, sub = i % SUB;
        long width = 1L << (e - SUB_BITS);
        return (SUB + sub) * (double) width + width / 2.0;
    }

    /** Nanoseconds member t waited at the barrier that ends phase p, over all recorded runs. */
    public long wait(int member, int phase) {
        return wait[member][phase];
    }

    /** Nanoseconds member t waited at the start of the recorded runs. */
    public long startWait(int member) {
        return startWait[member];
    }

    // ---------------------------------------------------------------- called by Team

    boolean recording() {
        return recording;
    }

    /** Member t has passed the start of a run after waiting {@code waited} ns for it. */
    void started(int member, long waited, long now) {
        startWait[member] += waited;
        phase[member] = 0;
        lastExit[member] = now;
        if (member == 0) runs++;
    }

    /** Member t reached a barrier at {@code arrived} and left it at {@code left}. */
    void passed(int member, long arrived, long left) {
        int p = Math.min(phase[member], MAX_PHASES - 1);
        long worked = arrived - lastExit[member];
        work[member][p] += worked;
        int[] bins = workBins[member][p];
        if (bins == null) bins = workBins[member][p] = new int[BINS];
        bins[bin(Math.max(0, worked))]++;
        wait[member][p] += left - arrived;
        lastExit[member] = left;
        phase[member]++;
        phasesSeen[member] = Math.max(phasesSeen[member], p + 1);
    }
}
