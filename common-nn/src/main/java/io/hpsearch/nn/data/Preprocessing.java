package io.hpsearch.nn.data;

/**
 * From an {@link OfficialSplit} to the {@link DataSplit} a trial trains on.
 *
 * <p><b>Validation split: by count, no shuffle.</b> The last {@code validationCount} samples of the
 * official training set, in file order, become the validation set; the samples before them are
 * the training set. The split therefore depends on nothing but the count, so every trial of a
 * campaign — whatever its seed — is ranked on the same validation samples. (The official files are
 * already in random order.)
 *
 * <p><b>Training subset:</b> {@code trainSubset > 0} keeps only the first {@code trainSubset}
 * samples of the training part (after the validation samples have been taken off the end);
 * 0 keeps all.
 *
 * <p><b>Standardisation:</b> per-feature mean and standard deviation of the training part — after
 * the subset, i.e. of exactly the samples trained on — applied to training, validation and test
 * (see {@link Standardizer}). Validation and test samples never influence the statistics.
 *
 * <p>Data sets are named {@code <name>/train}, {@code <name>/validation} and {@code <name>/test},
 * where {@code <name>} is the official training set's name without its {@code /train} suffix.
 */
public final class Preprocessing {
    private Preprocessing() {
    }

    /** Split and standardise; the official split is left unchanged. */
    public static DataSplit prepare(OfficialSplit data, int validationCount, int trainSubset) {
        return prepare(data, validationCount, trainSubset, false);
    }

    /**
     * @param consume the caller gives up {@code data}: the official test set is standardised in
     *                place instead of copied (saves one copy of it, about 120 MB for CIFAR-10)
     */
    static DataSplit prepare(OfficialSplit data, int validationCount, int trainSubset, boolean consume) {
        DataSplit raw = split(data, validationCount, trainSubset);
        Standardizer s = Standardizer.fit(raw.train());
        // The test set shares its arrays with data.test(): copy unless the caller gave it up.
        DataSet test = consume ? s.applyInPlace(raw.test()) : s.apply(raw.test());
        // train and validation are fresh copies made by split(): standardise them in place.
        return new DataSplit(s.applyInPlace(raw.train()), s.applyInPlace(raw.validation()), test);
    }

    /**
     * Training / validation / test by count (see the class comment), not standardised. Training and
     * validation are new copies; the test set is the official one, renamed (its arrays shared).
     *
     * @throws DataSetException when {@code validationCount} is negative or not smaller than the
     *                          official training set, or {@code trainSubset} is negative or larger
     *                          than what remains for training
     */
    public static DataSplit split(OfficialSplit data, int validationCount, int trainSubset) {
        DataSet full = data.train();
        String base = baseName(full.name());
        if (validationCount < 0) {
            throw new DataSetException.ImpossibleValidation("validation count must be >= 0, got " + validationCount);
        }
        if (validationCount >= full.size()) {
            throw new DataSetException.ImpossibleValidation("validation count " + validationCount + " must be smaller than the "
                    + full.size() + " samples of the " + base + " training set");
        }
        int trainSize = full.size() - validationCount;
        if (trainSubset < 0) {
            throw new DataSetException("training subset must be >= 0 (0: all), got " + trainSubset);
        }
        if (trainSubset > trainSize) {
            throw new DataSetException("training subset " + trainSubset + " is larger than the " + trainSize
                    + " training samples left of " + base + " after " + validationCount + " validation samples");
        }
        int used = trainSubset == 0 ? trainSize : trainSubset;
        DataSet train = renamed(full.slice(0, used), base + "/train");
        DataSet validation = renamed(full.slice(trainSize, full.size()), base + "/validation");
        DataSet test = renamed(data.test(), base + "/test");
        return new DataSplit(train, validation, test);
    }

    /** Standardises all three parts with the training part's statistics (new copies). */
    public static DataSplit standardise(DataSplit split) {
        Standardizer s = Standardizer.fit(split.train());
        return new DataSplit(s.apply(split.train()), s.apply(split.validation()), s.apply(split.test()));
    }

    private static String baseName(String name) {
        return name.endsWith("/train") ? name.substring(0, name.length() - "/train".length()) : name;
    }

    private static DataSet renamed(DataSet d, String name) {
        return d.name().equals(name) ? d
                : new DataSet(name, d.features(), d.labels(), d.dim(), d.classes(), d.imageShape());
    }
}
