package io.hpsearch.cli.train;

import io.hpsearch.cli.UserError;
import io.hpsearch.nn.data.DataSetException;
import io.hpsearch.nn.data.DataSets;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.data.SyntheticData;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Which data set to load and how to split it. */
public final class DataOptions {
    @Option(names = "--dataset", paramLabel = "fashion-mnist|cifar10|mnist|synthetic[:k=v,…]", defaultValue = "fashion-mnist",
            description = "Data set (default: ${DEFAULT-VALUE}). synthetic takes options, e.g. "
                    + "synthetic:train=10000,test=2000,dim=256,classes=10 (and seed=N, the data's seed; default --seed).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Folder holding the data set's files (fashion-mnist: default /usr/share/datasets/fashion-mnist; "
                    + "cifar10: the folder 'hpsearch data fetch cifar10' filled).")
    Path dataDir;

    @Option(names = "--val", paramLabel = "N", defaultValue = "5000",
            description = "Training samples held out for validation (default: ${DEFAULT-VALUE}).")
    int validation;

    @Option(names = "--data-fingerprint", paramLabel = "HEX",
            description = "Refuse to train unless the loaded data (its training, validation and test parts) has this "
                    + "SHA-256 fingerprint, as a campaign's data.fingerprint makes its workers do.")
    String fingerprint;

    public String name() {
        return dataset;
    }

    /**
     * Loads and standardises the data set; missing or damaged files raise DataSetException (exit 2),
     * and so does a copy whose fingerprint is not {@code --data-fingerprint}.
     */
    public DataSplit load(long seed) {
        if (validation < 0) throw new UserError("--val must be >= 0, got " + validation);
        DataSplit split;
        try {
            split = DataSets.load(dataset, directory(dataset, dataDir), validation, 0, seed);
        } catch (DataSetException.ImpossibleValidation e) {
            throw new UserError("--val: " + e.getMessage(), e);
        }
        if (fingerprint != null) {
            String actual = DataSets.fingerprint(split);
            if (!actual.equalsIgnoreCase(fingerprint.trim())) {
                throw new UserError("--data-fingerprint " + fingerprint + ": this copy of " + dataset
                        + (dataDir == null ? "" : " in " + dataDir) + " with --val " + validation + " has fingerprint " + actual
                        + " (another version of the data, or another split)");
            }
        }
        return split;
    }

    /**
     * The folder to read {@code dataset} from: {@code dataDir} if given, else for CIFAR-10 the
     * one {@code hpsearch data fetch} fills (the other named sets know their own default).
     *
     * @throws UserError naming --dataset for a data set that does not exist
     */
    static Path directory(String dataset, Path dataDir) {
        String canonical;
        try {
            canonical = DataSets.canonicalName(dataset);
        } catch (RuntimeException e) {
            throw new UserError("--dataset: " + e.getMessage());
        }
        if (dataDir == null && canonical.equals(DataSets.CIFAR10)) {
            return io.hpsearch.cli.data.DataDirs.defaultDataDir();
        }
        return dataDir;
    }

    public List<String> classNames(int classes) {
        try {
            return DataSets.classNames(dataset);
        } catch (RuntimeException e) {
            return SyntheticData.classNames(classes);
        }
    }
}
