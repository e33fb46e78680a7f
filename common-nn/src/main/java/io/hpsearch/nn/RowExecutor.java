package io.hpsearch.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a loop over output rows, either on the calling thread or split into contiguous row ranges
 * over a fixed pool.
 *
 * <p>Every output row is produced by exactly one thread, and the kernels that use this compute each
 * element with a summation order that does not depend on the split. Results are therefore
 * bit-identical for any number of threads, which is what makes multi-threaded runs reproducible.
 */
public abstract class RowExecutor implements AutoCloseable {

    /** Work (multiply-adds) below which splitting costs more than it saves. Does not affect results. */
    static final long MIN_PARALLEL_WORK = 1L << 15;

    /** A body run over rows {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /** Runs everything on the caller's thread; no pool, nothing to close. */
    public static final RowExecutor SERIAL = new RowExecutor() {
        @Override public int threads() { return 1; }
        @Override public void forRows(int rows, long work, RangeBody body) { body.run(0, rows); }
        @Override public void close() { }
    };

    /** The serial executor for 1 thread, otherwise a new fixed pool the caller must close. */
    public static RowExecutor create(int threads) {
        if (threads <= 0) throw new IllegalArgumentException("threads must be positive: " + threads);
        return threads == 1 ? SERIAL : new Pooled(threads);
    }

    public abstract int threads();

    /**
     * Runs {@code body} over {@code [0, rows)}, possibly split into ranges run concurrently.
     *
     * @param work an estimate of the cost (multiply-adds), to keep small jobs on the caller's thread
     */
    public abstract void forRows(int rows, long work, RangeBody body);

    @Override
    public abstract void close();

    private static final class Pooled extends RowExecutor {
        private final int threads;
        private final ExecutorService pool;

        Pooled(int threads) {
            this.threads = threads;
            AtomicInteger count = new AtomicInteger();
            ThreadFactory factory = r -> {
                Thread t = new Thread(r, "nn-rows-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            // threads − 1 helpers: the calling thread takes the last range itself.
            this.pool = Executors.newFixedThreadPool(threads - 1, factory);
        }

        @Override public int threads() { return threads; }

        @Override
        public void forRows(int rows, long work, RangeBody body) {
            int parts = Math.min(threads, rows);
            if (parts <= 1 || work < MIN_PARALLEL_WORK) {
                body.run(0, rows);
                return;
            }
            List<Future<?>> futures = new ArrayList<>(parts - 1);
            for (int p = 0; p < parts - 1; p++) {
                int from = (int) ((long) rows * p / parts);
                int to = (int) ((long) rows * (p + 1) / parts);
                futures.add(pool.submit(() -> body.run(from, to)));
            }
            Throwable failure = null;
            try {
                body.run((int) ((long) rows * (parts - 1) / parts), rows);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            boolean interrupted = false;
            for (Future<?> f : futures) {
                while (true) {
                    try {
                        f.get();
                        break;
                    } catch (InterruptedException e) {
                        // Finish waiting so no helper still writes into our matrices, then report it.
                        interrupted = true;
                    } catch (ExecutionException e) {
                        if (failure == null) failure = e.getCause();
                        break;
                    }
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            if (failure instanceof RuntimeException re) throw re;
            if (failure instanceof Error er) throw er;
            if (failure != null) throw new IllegalStateException(failure);
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }
}
