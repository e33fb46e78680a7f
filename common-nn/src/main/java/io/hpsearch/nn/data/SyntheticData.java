package io.hpsearch.nn.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Random;

/**
 * Seeded synthetic classification data for tests and timing: Gaussian blobs.
 *
 * <p>Each class owns {@code clustersPerClass} centres whose coordinates are drawn from
 * N(0, σ²) with σ = separation / √(2·dim), so that two centres lie about {@code separation} apart;
 * a sample is its centre plus unit Gaussian noise in every feature. With several clusters per class
 * the classes are not linearly separable, and with the default separation of 4 the classes overlap
 * enough that no classifier is perfect: learnable, not trivial.
 *
 * <p>Everything is a pure function of the arguments: the centres come from the seed alone, the
 * training and test samples from two further streams derived from the seed, all through
 * {@link java.util.Random}, whose algorithm the JDK specifies. Training and test parts therefore
 * share one distribution but no samples.
 */
public final class SyntheticData {
    public static final String NAME = "synthetic";
    public static final Spec DEFAULT = new Spec(10_000, 2_000, 256, 10, 2, 4.0, null);

    private static final long CENTRES_STREAM = 0x5DEECE66DL;
    private static final long TRAIN_STREAM = 0x9E3779B97F4A7C15L;
    private static final long TEST_STREAM = 0xC2B2AE3D27D4EB4FL;

    private SyntheticData() {
    }

    /**
     * Shape of a synthetic data set.
     *
     * @param trainSamples     samples in the training part (before any validation split)
     * @param testSamples      samples in the test part
     * @param dim              features per sample; must equal {@code imageShape.size()} when a shape is given
     * @param classes          number of classes (at least 2)
     * @param clustersPerClass Gaussian blobs per class (at least 1)
     * @param separation       typical distance between two blob centres, in noise standard deviations
     * @param imageShape       layout of a row as an image, or {@code null}
     */
    public record Spec(int trainSamples, int testSamples, int dim, int classes, int clustersPerClass,
                       double separation, ImageShape imageShape) {
        public Spec {
            if (trainSamples < 0 || testSamples < 0) {
                throw new DataSetException("synthetic sample counts must be >= 0: train=" + trainSamples + ", test=" + testSamples);
            }
            if (dim <= 0) throw new DataSetException("synthetic dim must be positive: " + dim);
            if (classes < 2) throw new DataSetException("synthetic classes must be at least 2: " + classes);
            if (clustersPerClass < 1) throw new DataSetException("synthetic clusters must be at least 1: " + clustersPerClass);
            if (!(separation >= 0 && Double.isFinite(separation))) {
                throw new DataSetException("synthetic sep must be finite and >= 0: " + separation);
            }
            // the features of each part, and the class centres, are one array each
            long values = (long) Math.max(trainSamples, testSamples) * dim;
            if (values > Integer.MAX_VALUE - 8) {
                throw new DataSetException("synthetic train=" + trainSamples + ", test=" + testSamples + " and dim=" + dim
                        + " make " + values + " values in one array, more than it can hold");
            }
            long centres = (long) classes * clustersPerClass * dim;
            if (centres > Integer.MAX_VALUE - 8) {
                throw new DataSetException("synthetic classes=" + classes + ", clusters=" + clustersPerClass + " and dim="
                        + dim + " make " + centres + " centre values in one array, more than it can hold");
            }
            if (imageShape != null && imageShape.size() != dim) {
                throw new DataSetException("synthetic image shape " + imageShape + " holds " + imageShape.size()
                        + " values, but dim=" + dim);
            }
        }

        /** The default spec with the given sizes. */
        public static Spec of(int trainSamples, int testSamples, int dim, int classes) {
            return new Spec(trainSamples, testSamples, dim, classes, DEFAULT.clustersPerClass, DEFAULT.separation, null);
        }

        /**
         * A spec where 0 (or a {@code null} shape) means "the default" for every field, as in the
         * {@code hpsearch.v1.SyntheticData} message. With an image shape and no dim, dim is the
         * shape's size.
         */
        public static Spec orDefaults(int trainSamples, int testSamples, int dim, int classes, int clustersPerClass,
                                      double separation, ImageShape imageShape) {
            int d = dim != 0 ? dim : imageShape != null ? imageShape.size() : DEFAULT.dim;
            return new Spec(trainSamples != 0 ? trainSamples : DEFAULT.trainSamples,
                    testSamples != 0 ? testSamples : DEFAULT.testSamples, d,
                    classes != 0 ? classes : DEFAULT.classes,
                    clustersPerClass != 0 ? clustersPerClass : DEFAULT.clustersPerClass,
                    separation != 0 ? separation : DEFAULT.separation, imageShape);
        }

        public Spec withImageShape(ImageShape shape) {
            return new Spec(trainSamples, testSamples, shape.size(), classes, clustersPerClass, separation, shape);
        }

        public Spec withSeparation(double sep) {
            return new Spec(trainSamples, testSamples, dim, classes, clustersPerClass, sep, imageShape);
        }

        public Spec withClustersPerClass(int clusters) {
            return new Spec(trainSamples, testSamples, dim, classes, clusters, separation, imageShape);
        }
    }

    /** Training and test parts of the spec, with class names {@code class 0}, {@code class 1}, …. */
    public static OfficialSplit generate(Spec spec, long seed) {
        float[] centres = centres(spec, seed);
        DataSet train = samples(NAME + "/train", spec, centres, spec.trainSamples(), seed ^ TRAIN_STREAM);
        DataSet test = samples(NAME + "/test", spec, centres, spec.testSamples(), seed ^ TEST_STREAM);
        return new OfficialSplit(train, test, classNames(spec.classes()));
    }

    /** {@code samples} training samples of the default spec with the given dimension and classes. */
    public static DataSet generate(int samples, int dim, int classes, long seed) {
        return generate(Spec.of(samples, 0, dim, classes), seed).train();
    }

    /** {@code samples} training samples shaped as images. */
    public static DataSet generate(int samples, ImageShape shape, int classes, long seed) {
        return generate(Spec.of(samples, 0, shape.size(), classes).withImageShape(shape), seed).train();
    }

    public static List<String> classNames(int classes) {
        List<String> names = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) names.add("class " + c);
        return names;
    }

    /**
     * Parses {@code key=value} pairs separated by commas, over the defaults: {@code train},
     * {@code test}, {@code dim}, {@code classes}, {@code clusters}, {@code sep}, {@code image}
     * (as {@code CxHxW}; sets dim), and {@code seed}, which is no part of the spec and is read by
     * {@link #seed(String)}. An empty string gives {@link #DEFAULT}.
     *
     * @throws DataSetException naming the offending pair
     */
    public static Spec parse(String text) {
        int train = DEFAULT.trainSamples(), test = DEFAULT.testSamples(), dim = DEFAULT.dim();
        int classes = DEFAULT.classes(), clusters = DEFAULT.clustersPerClass();
        double sep = DEFAULT.separation();
        ImageShape shape = null;
        boolean dimGiven = false;
        if (text != null && !text.isBlank()) {
            for (String part : text.split(",")) {
                String p = part.trim();
                String[] kv = keyValue(p);
                String key = kv[0], value = kv[1];
                try {
                    switch (key) {
                        case "train" -> train = Integer.parseInt(value);
                        case "test" -> test = Integer.parseInt(value);
                        case "dim" -> { dim = Integer.parseInt(value); dimGiven = true; }
                        case "classes" -> classes = Integer.parseInt(value);
                        case "clusters" -> clusters = Integer.parseInt(value);
                        case "sep" -> sep = Double.parseDouble(value);
                        case "image" -> shape = parseShape(value);
                        case "seed" -> Long.parseLong(value); // the generator's, not the spec's: seed(text)
                        default -> throw new DataSetException("unknown synthetic data option '" + key
                                + "' (known: train, test, dim, classes, clusters, sep, image, seed)");
                    }
                } catch (NumberFormatException e) {
                    throw new DataSetException("synthetic data option '" + p + "': not a number", e);
                } catch (IllegalArgumentException e) {
                    throw new DataSetException("synthetic data option '" + p + "': " + e.getMessage(), e);
                }
            }
        }
        if (shape != null && !dimGiven) dim = shape.size();
        return new Spec(train, test, dim, classes, clusters, sep, shape);
    }

    /**
     * The {@code seed} option of {@code key=value} pairs as {@link #parse} reads them, if given: the
     * seed to generate the data with, where a caller would otherwise take its own (a training run's).
     *
     * @throws DataSetException naming the pair when it is not a whole number
     */
    public static OptionalLong seed(String text) {
        if (text == null || text.isBlank()) return OptionalLong.empty();
        OptionalLong seed = OptionalLong.empty();
        for (String part : text.split(",")) {
            String p = part.trim();
            String[] kv = keyValue(p);
            if (kv[0].equals("seed")) {
                try {
                    seed = OptionalLong.of(Long.parseLong(kv[1]));
                } catch (NumberFormatException e) {
                    throw new DataSetException("synthetic data option '" + p + "': not a number", e);
                }
            }
        }
        return seed;
    }

    /** {@code key=value} as the key (lower case) and the value, both trimmed. */
    private static String[] keyValue(String pair) {
        int eq = pair.indexOf('=');
        if (eq <= 0) throw new DataSetException("synthetic data option '" + pair + "' is not key=value");
        return new String[] {pair.substring(0, eq).trim().toLowerCase(Locale.ROOT), pair.substring(eq + 1).trim()};
    }

    private static ImageShape parseShape(String value) {
        String[] parts = value.toLowerCase(Locale.ROOT).split("x");
        if (parts.length != 3) throw new DataSetException("synthetic image shape '" + value + "' is not CxHxW");
        return new ImageShape(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                Integer.parseInt(parts[2].trim()));
    }

    private static float[] centres(Spec spec, long seed) {
        Random rng = new Random(seed ^ CENTRES_STREAM);
        int count = spec.classes() * spec.clustersPerClass();
        double sigma = spec.separation() / Math.sqrt(2.0 * spec.dim());
        float[] centres = new float[count * spec.dim()];
        for (int i = 0; i < centres.length; i++) centres[i] = (float) (sigma * rng.nextGaussian());
        return centres;
    }

    private static DataSet samples(String name, Spec spec, float[] centres, int n, long seed) {
        Random rng = new Random(seed);
        int dim = spec.dim();
        float[] features = new float[Math.multiplyExact(n, dim)];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(spec.classes());
            int cluster = rng.nextInt(spec.clustersPerClass());
            labels[i] = label;
            int c = (label * spec.clustersPerClass() + cluster) * dim;
            int out = i * dim;
            for (int j = 0; j < dim; j++) features[out + j] = (float) (centres[c + j] + rng.nextGaussian());
        }
        return new DataSet(name, features, labels, dim, spec.classes(), spec.imageShape());
    }
}
