package io.hpsearch.worker.data;

import io.hpsearch.nn.data.DataSetException;
import io.hpsearch.nn.data.DataSets;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.protocol.v1.DataSpec;
import io.hpsearch.worker.trial.TrialSpecException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The data sets of one worker JVM: each is loaded (split and standardised) once, on the first
 * trial that asks for it, and then shared read-only by every trial; its fingerprint is computed
 * once, at load time. Thread-safe: when several trials ask for a set that is not loaded yet, one of
 * them loads it and the others wait for that load.
 *
 * <p>The copy is the whole training part (minus validation): a trial's {@code train_subset} is
 * applied by the trainer (the first N samples of the standardised set), so one copy serves every
 * trial of a campaign. The fingerprint a campaign names must therefore be
 * {@code DataSets.fingerprint(DataSets.load(name, dir, validation, 0, seed))}.
 *
 * <p>A load that fails is not remembered: the next trial tries again, so a worker whose files are
 * fetched while it runs picks them up without a restart.
 */
public final class DataSetCache {
    /** A loaded data set: read-only, shared by concurrent trials. */
    public record Entry(DataKey key, DataSplit split, String fingerprint) {
    }

    private final Function<String, Path> directories;
    private final ConcurrentHashMap<DataKey, FutureTask<Entry>> entries = new ConcurrentHashMap<>();
    private final AtomicInteger loads = new AtomicInteger();

    /**
     * @param directories folder of each data set by canonical name ({@link DataSets#NAMES}); a
     *                    {@code null} folder means {@link DataSets}' default for that set
     */
    public DataSetCache(Function<String, Path> directories) {
        this.directories = Objects.requireNonNull(directories, "directories");
    }

    /** Every data set read from {@code dir} ({@code null}: each set's default location). */
    public static DataSetCache inDirectory(Path dir) {
        return new DataSetCache(name -> dir);
    }

    /**
     * The data of a trial, after checking the spec's fingerprint (when set) against this copy.
     *
     * @throws TrialSpecException           for a data spec no worker could load (unset kind, bad
     *                                      synthetic options)
     * @throws DataUnavailableException     when this worker cannot load the data set
     * @throws FingerprintMismatchException when the copy differs from the one the trial expects
     * @throws CancellationException        when the thread is interrupted while waiting for a load
     */
    public Entry get(DataSpec spec) {
        DataKey key = DataKey.of(spec);
        Entry entry = load(key);
        String expected = spec.getFingerprint().trim().toLowerCase(Locale.ROOT);
        if (!expected.isEmpty() && !expected.equals(entry.fingerprint())) {
            throw new FingerprintMismatchException(key, expected, entry.fingerprint());
        }
        return entry;
    }

    /**
     * The data set of {@code key}, loading it if no trial has yet.
     *
     * @throws DataUnavailableException when it cannot be loaded (the message says why)
     * @throws CancellationException    when the thread is interrupted while waiting for a load
     */
    public Entry load(DataKey key) {
        FutureTask<Entry> task = entries.computeIfAbsent(key, k -> new FutureTask<>(() -> read(k)));
        // Whoever runs it first loads; run() returns at once for the others, who wait in get().
        task.run();
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for data set " + key);
        } catch (ExecutionException e) {
            entries.remove(key, task);
            Throwable cause = e.getCause();
            if (cause instanceof DataSetException d) {
                throw new DataUnavailableException(key, "cannot load data set " + key + ": " + d.getMessage(), d);
            }
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException("loading data set " + key, cause);
        }
    }

    /** The data sets loaded so far (not those still loading). */
    public List<Entry> loaded() {
        List<Entry> out = new ArrayList<>();
        for (FutureTask<Entry> task : entries.values()) {
            if (!task.isDone()) continue;
            try {
                out.add(task.get());
            } catch (ExecutionException | InterruptedException | CancellationException e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                // a failed load: not loaded (and about to be removed by the trial that saw it fail)
            }
        }
        return out;
    }

    /** Fingerprints of the data sets loaded so far (for {@code WorkerInfo.data_fingerprints}). */
    public List<String> fingerprints() {
        return loaded().stream().map(Entry::fingerprint).sorted().toList();
    }

    /** How many loads have started (a cached set counts once). */
    public int loads() {
        return loads.get();
    }

    private Entry read(DataKey key) {
        loads.incrementAndGet();
        DataSplit split = key.synthetic() != null
                ? DataSets.loadSynthetic(key.synthetic(), key.seed(), key.validationSize(), 0)
                : DataSets.load(key.name(), directories.apply(key.name()), key.validationSize(), 0, key.seed());
        return new Entry(key, split, DataSets.fingerprint(split));
    }
}
