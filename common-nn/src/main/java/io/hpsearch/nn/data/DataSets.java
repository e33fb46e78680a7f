package io.hpsearch.nn.data;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The entry point the CLI and the worker use: a data set by name, split and standardised.
 *
 * <p>Names (case-insensitive):
 * <ul>
 *   <li>{@code cifar10} (also {@code cifar-10}): the CIFAR-10 binary batches in {@code dir} or its
 *       {@code cifar-10-batches-bin} subfolder; {@code dir} is required. 50,000 + 10,000 samples, 3072
 *       features.</li>
 *   <li>{@code fashion-mnist} (also {@code fashion_mnist}, {@code fashionmnist}): the four IDX files
 *       in {@code dir} or its {@code fashion-mnist} subfolder; when {@code dir} is {@code null},
 *       {@link #DEFAULT_FASHION_MNIST_DIR}. 60,000 + 10,000 samples, 784 features.</li>
 *   <li>{@code mnist}: the same for the digits, in {@code dir} or its {@code mnist} subfolder; when
 *       {@code dir} is {@code null}, {@link #DEFAULT_MNIST_DIR}.</li>
 *   <li>{@code synthetic}, optionally followed by {@code :key=value,…} (see
 *       {@link SyntheticData#parse}): Gaussian blobs generated from {@code seed}; {@code dir} is
 *       ignored. Defaults: 10,000 training + 2,000 test samples, 256 features, 10 classes.</li>
 * </ul>
 * A directory that is given but does not hold the files is an error; there is no silent fallback
 * to the default directory. Pixel features are scaled to [0, 1] before standardisation.
 *
 * <p>The seed is used by the synthetic data only: the validation split is by count (the last
 * {@code validationCount} official training samples, see {@link Preprocessing}), identical for
 * every seed.
 */
public final class DataSets {
    public static final String CIFAR10 = Cifar10.NAME;
    public static final String FASHION_MNIST = Mnist.FASHION_MNIST;
    public static final String MNIST = Mnist.MNIST;
    public static final String SYNTHETIC = SyntheticData.NAME;
    public static final List<String> NAMES = List.of(CIFAR10, FASHION_MNIST, MNIST, SYNTHETIC);
    public static final Path DEFAULT_FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final Path DEFAULT_MNIST_DIR = Path.of("/usr/share/datasets/mnist");
    /** Validation samples a caller may use when the user names none (the DD2424 convention). */
    public static final int DEFAULT_VALIDATION_COUNT = 5000;

    private DataSets() {
    }

    /** {@link #load(String, Path, int, int, long)} on the whole training part (no subset). */
    public static DataSplit load(String name, Path dir, int validationCount, long seed) {
        return load(name, dir, validationCount, 0, seed);
    }

    /**
     * Loads the named data set, takes the last {@code validationCount} training samples as the
     * validation set, keeps the first {@code trainSubset} of the rest (0: all), and standardises all
     * three parts with the training part's per-feature mean and standard deviation.
     *
     * @throws DataSetException for an unknown name, a missing or damaged file, or a validation count
     *                          ('val') or subset that does not fit the training set
     */
    public static DataSplit load(String name, Path dir, int validationCount, int trainSubset, long seed) {
        return Preprocessing.prepare(loadOfficial(name, dir, seed), validationCount, trainSubset, true);
    }

    /** Synthetic data of the given spec, split and standardised like the named data sets. */
    public static DataSplit loadSynthetic(SyntheticData.Spec spec, long seed, int validationCount, int trainSubset) {
        return Preprocessing.prepare(SyntheticData.generate(spec, seed), validationCount, trainSubset, true);
    }

    /**
     * SHA-256 (hex) over the fingerprints of the training, validation and test parts: equal exactly
     * when two splits hold the same numbers in the same parts.
     */
    public static String fingerprint(DataSplit split) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (DataSet d : new DataSet[] {split.train(), split.validation(), split.test()}) {
                md.update(d.fingerprint().getBytes(StandardCharsets.US_ASCII));
                md.update((byte) ';');
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** The named data set's official training and test sets, as read (pixels in [0, 1], not standardised). */
    public static OfficialSplit loadOfficial(String name, Path dir, long seed) {
        String canonical = canonicalName(name);
        switch (canonical) {
            case CIFAR10:
                if (dir == null) throw new DataSetException("cifar10 needs a data directory (holding "
                        + Cifar10.SUBFOLDER + " or its batch files)");
                return Cifar10.load(dir);
            case FASHION_MNIST:
                return Mnist.loadFashion(idxDirectory(dir, DEFAULT_FASHION_MNIST_DIR, FASHION_MNIST));
            case MNIST:
                return Mnist.loadDigits(idxDirectory(dir, DEFAULT_MNIST_DIR, MNIST));
            case SYNTHETIC:
                return SyntheticData.generate(SyntheticData.parse(options(name)),
                        SyntheticData.seed(options(name)).orElse(seed));
            default:
                throw new IllegalStateException(canonical);
        }
    }

    /** Class names of the named data set, indexed by label. */
    public static List<String> classNames(String name) {
        switch (canonicalName(name)) {
            case CIFAR10: return Cifar10.CLASS_NAMES;
            case FASHION_MNIST: return Mnist.FASHION_CLASS_NAMES;
            case MNIST: return Mnist.DIGIT_CLASS_NAMES;
            default: return SyntheticData.classNames(SyntheticData.parse(options(name)).classes());
        }
    }

    /**
     * One of {@link #NAMES} for a user's spelling of a data-set name; synthetic options are dropped.
     *
     * @throws DataSetException for an unknown name
     */
    public static String canonicalName(String name) {
        if (name == null) throw new DataSetException("no data set named; known: " + String.join(", ", NAMES));
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "cifar10": case "cifar-10": case "cifar_10": return CIFAR10;
            case "fashion-mnist": case "fashion_mnist": case "fashionmnist": return FASHION_MNIST;
            case "mnist": return MNIST;
            default:
                if (n.equals(SYNTHETIC) || n.startsWith(SYNTHETIC + ":")) return SYNTHETIC;
                throw new DataSetException("unknown data set '" + name + "'; known: " + String.join(", ", NAMES));
        }
    }

    private static String options(String name) {
        int colon = name.indexOf(':');
        return colon < 0 ? "" : name.substring(colon + 1);
    }

    /** {@code dir} (or its {@code subfolder} when {@code dir} lacks the files), or the default when {@code dir} is null. */
    private static Path idxDirectory(Path dir, Path defaultDir, String subfolder) {
        if (dir == null) return defaultDir;
        if (!Files.isDirectory(dir)) throw DataSetException.missingDirectory(dir);
        if (holdsIdx(dir)) return dir;
        Path sub = dir.resolve(subfolder);
        return Files.isDirectory(sub) && holdsIdx(sub) ? sub : dir;
    }

    private static boolean holdsIdx(Path dir) {
        return Files.exists(dir.resolve(Mnist.TRAIN_IMAGES)) || Files.exists(dir.resolve(Mnist.TRAIN_IMAGES + ".gz"));
    }
}
