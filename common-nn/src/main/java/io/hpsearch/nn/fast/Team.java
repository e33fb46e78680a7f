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
 */
public final class Team implements AutoCloseable {
    /** A body run by every member; {@code member} is in {@code [0, threads)}. */
    @FunctionalInterface
    public interface Task {
        void run(int member);
    }

    /** Spins before parking: long enough to cover a short phase, short enough not to hog a shared core. */
    private static final int SPINS = 1 << 12;

    private static final Team SERIAL = new Team();

    private final int threads;
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
        this.members = new Thread[] {null};
        this.sleeping = new AtomicIntegerArray(1);
        this.phases = null;
    }

    private Team(int threads, String name, PhaseTimes phases) {
        this.threads = threads;
        this.phases = phases;
        this.members = new Thread[threads];
        this.sleeping = new AtomicIntegerArray(threads);
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

    public int threads() {
        return threads;
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
            if (threads > 1) await(member);
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
        while (generation == gen) {
            if (broken) {
                if (interrupted) Thread.currentThread().interrupt();
                throw BrokenTeam.INSTANCE;
            }
            if (spins < SPINS) {
                spins++;
                Thread.onSpinWait();
            } else {
                sleeping.set(member, 1);
                // Re-check after announcing: the releaser reads `sleeping` after bumping the generation.
                if (generation == gen && !broken) LockSupport.park(this);
                sleeping.set(member, 0);
                // An interrupt makes park return at once; keep waiting, then restore the flag so the
                // trainer sees the cancellation between batches.
                if (Thread.interrupted()) interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
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
