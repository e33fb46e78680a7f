package io.hpsearch.nn.fast;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads that run one {@link Task} together: the caller is member 0 and
 * {@code threads − 1} daemon workers owned by the team are the others. Every member runs the same
 * task with its own index, and the task synchronises its phases with {@link #barrier}. This is a
 * fork/join of fixed ranges: a task decides from {@code (member, threads)} which rows or columns
 * each member owns, so who computes what never depends on timing.
 *
 * <p>Nothing allocates per {@link #run}: the task objects are made once by their owner, the
 * barrier is a counter and a generation number, and waiting members spin briefly, then park.
 * One team serves one trial on one caller thread at a time; it is not reentrant.
 *
 * <p>If a member throws, the barrier breaks, every member leaves the task, {@link #run} throws
 * with that failure as the cause, and the team cannot be used again.
 *
 * <p>A team made by {@link #recording} also times each member's work and waits between its
 * barriers into a {@link PhaseTimes}, while that is recording (a diagnostic; the others pay one
 * null check per barrier for it).
 *
 * <p>A team of several threads goes solo when the machine is oversubscribed: a member that waits
 * for one the OS has descheduled waits out a time slice, at each of a step's barriers (with one
 * busy process beside a two-thread trial on two cores, its median step took 1.1 ms against 0.25 ms
 * on one thread). When in most of a window of runs the members were parked for a quarter of a
 * millisecond or more in all, the caller runs the next runs alone
 * ({@link #threads()} is then 1, and a task computes every member's share in turn), for a span
 * that doubles after each contended window and halves after each other, then tries the team again. Tasks cut their work the same way for any number of threads, so results do not
 * change, bit for bit.
 */
public final class Team implements AutoCloseable {
    /** A body run by every member; {@code member} is in {@code [0, threads)}. */
    @FunctionalInterface
    public interface Task {
        void run(int member);
    }

    /**
     * Spins before parking: long enough to cover a phase's wait (with 2^12, the members of a
     * two-thread Fashion-MNIST step on this project's machine were parked for 0.25 ms or more in
     * most steps without any contention), short enough not to hog a shared core for long.
     */
    private static final int SPINS = 1 << 15;
    /** Runs of the team over which parking is counted. */
    static final int WINDOW = 16;
    /** Runs alone after the first contended window; doubled for each contended window in a row, up to {@link #MAX_SOLO}. */
    static final int MIN_SOLO = 256;
    static final int MAX_SOLO = 1 << 14;

    private static final Team SERIAL = new Team();

    private final int threads;
    /** Members taking part in the coming runs: {@link #threads}, or 1 while the caller runs alone. Written by the caller between runs. */
    private int active;
    /** Whether the team goes solo under contention (not while recording phases: their table is per member). */
    private final boolean adaptive;
    /**
     * Parked time of a run's members, added up, that marks it contended: members waiting for one
     * the OS has descheduled park at barrier after barrier (a Fashion-MNIST step takes about 0.15
     * ms), while a short park now and then is common on a busy or virtual machine without contention.
     */
    static final long LONG_WAIT_NANOS = 250_000;
    /** Runs of the current window, and those in which a member waited long. */
    private int windowRuns, parkedRuns;
    /**
     * Solo runs left; runs of a solo period decided after the last run, to start with the next (so
     * that between runs {@link #threads()} is what the last run used); the span of the next solo period.
     */
    private int soloLeft, soloPending, nextSolo = MIN_SOLO;
    /** Nanoseconds each member spent parked since the caller last looked (after a run). */
    private final java.util.concurrent.atomic.AtomicLongArray parkedNanos;
    private final Thread[] members;
    private final AtomicInteger arrived = new AtomicInteger();
    private final AtomicIntegerArray sleeping;
    private volatile int generation;
    private volatile boolean broken;
    private volatile Throwable failure;
    private volatile Task task;
    /** Where the runs' time goes, or null: {@link #recording}. */
    private final PhaseTimes phases;

    private Team() {
        this.threads = 1;
        this.active = 1;
        this.adaptive = false;
        this.members = new Thread[] {null};
        this.sleeping = new AtomicIntegerArray(1);
        this.parkedNanos = new java.util.concurrent.atomic.AtomicLongArray(1);
        this.phases = null;
    }

    private Team(int threads, String name, PhaseTimes phases) {
        this.threads = threads;
        this.active = threads;
        this.adaptive = phases == null;
        this.phases = phases;
        this.members = new Thread[threads];
        this.sleeping = new AtomicIntegerArray(threads);
        this.parkedNanos = new java.util.concurrent.atomic.AtomicLongArray(threads);
        for (int t = 1; t < threads; t++) {
            int member = t;
            Thread w = new Thread(() -> workerLoop(member), name + "-" + t);
            w.setDaemon(true);
            members[t] = w;
        }
        for (int t = 1; t < threads; t++) members[t].start();
    }

    /** The caller alone for one thread (nothing to close), otherwise a new team the caller must close. */
    public static Team create(int threads) {
        return create(threads, "nn-team");
    }

    public static Team create(int threads, String name) {
        if (threads <= 0) throw new IllegalArgumentException("threads must be positive: " + threads);
        return threads == 1 ? SERIAL : new Team(threads, name, null);
    }

    /**
     * A new team (for one thread too, since the shared caller-only team must not record) whose
     * runs are timed phase by phase into {@code phases} while its recording is on.
     */
    public static Team recording(int threads, String name, PhaseTimes phases) {
        if (threads <= 0) throw new IllegalArgumentException("threads must be positive: " + threads);
        if (phases.members() != threads) {
            throw new IllegalArgumentException("phase times for " + phases.members() + " members, team of " + threads);
        }
        return new Team(threads, name, phases);
    }

    /** The caller-only team. */
    public static Team serial() {
        return SERIAL;
    }

    /**
     * Members of the coming run: what a task cuts its work by. The team's size, or 1 while the caller
     * runs alone (call it from inside a task, or between runs).
     */
    public int threads() {
        return active;
    }

    /** The team's size, whether or not it runs alone for now: what per-member workspaces are made for. */
    public int size() {
        return threads;
    }

    /** Runs the next {@code runs} runs on the caller alone, as under contention (for tests). */
    void soloFor(int runs) {
        soloPending = runs;
    }

    /** Ids of the team's own worker threads (not the caller's), e.g. to measure what they allocate. */
    public long[] workerIds() {
        long[] ids = new long[threads - 1];
        for (int t = 1; t < threads; t++) ids[t - 1] = members[t].getId();
        return ids;
    }

    /** Runs {@code task} on every member and returns when all have finished it. */
    public void run(Task task) {
        if (threads == 1) {
            if (phases != null && phases.recording()) {
                long now = System.nanoTime();
                phases.started(0, 0, now);
                task.run(0);
                barrier(0); // times the last phase
            } else {
                task.run(0);
            }
            return;
        }
        if (broken) throw new IllegalStateException("team is closed or failed", failure);
        if (soloPending > 0) {
            active = 1;
            soloLeft = soloPending;
            soloPending = 0;
        } else if (active == 1 && soloLeft == 0) {
            active = threads;
            for (int t = 0; t < threads; t++) parkedNanos.set(t, 0); // the members parked while the caller ran alone
        }
        if (active == 1) {
            soloLeft--;
            task.run(0);
            return;
        }
        members[0] = Thread.currentThread();
        this.task = task;
        boolean ok = false;
        try {
            start(0);
            task.run(0);
            barrier(0); // end: every member is done writing
            ok = true;
        } catch (BrokenTeam e) {
            // reported below
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            this.task = null;
        }
        if (ok && adaptive) observe();
        if (!ok) {
            Throwable f = failure;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error er) throw er;
            throw new IllegalStateException("team failed", f);
        }
    }

    /**
     * Waits until every member has reached this barrier. Call it the same number of times from every
     * member within one task. A no-op for one thread, but for ending a phase of a {@link #recording}
     * team's timed run.
     */
    public void barrier(int member) {
        PhaseTimes times = phases;
        if (times == null || !times.recording()) {
            if (active > 1) await(member);
            return;
        }
        long arrived = System.nanoTime();
        if (threads > 1) await(member);
        times.passed(member, arrived, System.nanoTime());
    }

    /** The barrier that starts a run: its wait is not a phase's. */
    private void start(int member) {
        PhaseTimes times = phases;
        if (times == null) {
            await(member);
            return;
        }
        long arrived = System.nanoTime();
        await(member);
        long left = System.nanoTime();
        if (times.recording()) times.started(member, left - arrived, left);
    }

    private void await(int member) {
        int gen = generation;
        if (arrived.incrementAndGet() == threads) {
            arrived.set(0);
            generation = gen + 1;
            for (int t = 0; t < threads; t++) {
                if (t != member && sleeping.get(t) != 0) LockSupport.unpark(members[t]);
            }
            if (broken) throw BrokenTeam.INSTANCE;
            return;
        }
        boolean interrupted = false;
        int spins = 0;
        long parkedAt = 0;
        while (generation == gen) {
            if (broken) {
                if (interrupted) Thread.currentThread().interrupt();
                throw BrokenTeam.INSTANCE;
            }
            if (spins < SPINS) {
                spins++;
                Thread.onSpinWait();
            } else {
                if (parkedAt == 0) parkedAt = System.nanoTime();
                sleeping.set(member, 1);
                // Re-check after announcing: the releaser reads `sleeping` after bumping the generation.
                if (generation == gen && !broken) LockSupport.park(this);
                sleeping.set(member, 0);
                // An interrupt makes park return at once; keep waiting, then restore the flag so the
                // trainer sees the cancellation between batches.
                if (Thread.interrupted()) interrupted = true;
            }
        }
        if (parkedAt != 0) parkedNanos.addAndGet(member, System.nanoTime() - parkedAt);
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** After a team run: goes solo when most runs of a window had a member wait long. */
    private void observe() {
        long parked = 0;
        for (int t = 0; t < threads; t++) parked += parkedNanos.getAndSet(t, 0);
        if (parked >= LONG_WAIT_NANOS) parkedRuns++;
        if (++windowRuns < WINDOW) return;
        if (2 * parkedRuns > WINDOW) {
            soloPending = nextSolo;
            nextSolo = Math.min(MAX_SOLO, 2 * nextSolo);
        } else {
            // halved, not reset: under lasting contention a window now and then passes, and each
            // window on the team costs a few time slices
            nextSolo = Math.max(MIN_SOLO, nextSolo / 2);
        }
        windowRuns = parkedRuns = 0;
    }

    private void workerLoop(int member) {
        while (true) {
            try {
                start(member);
            } catch (BrokenTeam e) {
                return;
            }
            try {
                task.run(member);
                barrier(member); // end
            } catch (BrokenTeam e) {
                return;
            } catch (Throwable e) {
                fail(e);
                return;
            }
        }
    }

    private void fail(Throwable e) {
        if (failure == null) failure = e;
        breakBarrier();
    }

    private void breakBarrier() {
        broken = true;
        for (int t = 0; t < threads; t++) {
            Thread m = members[t];
            if (m != null) LockSupport.unpark(m);
        }
    }

    /** Stops the workers; the team cannot run tasks afterwards. */
    @Override
    public void close() {
        if (threads == 1) return;
        breakBarrier();
    }

    /** Thrown inside members when the team breaks; carries no stack, it is only a signal. */
    private static final class BrokenTeam extends RuntimeException {
        static final BrokenTeam INSTANCE = new BrokenTeam();

        private BrokenTeam() {
            super("team broken", null, false, false);
        }
    }
}
