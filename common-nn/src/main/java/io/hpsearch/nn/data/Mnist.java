package io.hpsearch.nn.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loader of MNIST and Fashion-MNIST from their four IDX files (see {@link Idx}):
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}, each either raw or gzip-compressed with a {@code .gz} suffix (the
 * raw file is used when both exist; compression itself is detected from the content).
 *
 * <p>Features are the pixel bytes scaled from 0..255 to [0, 1] ({@code b / 255f}); the image shape
 * is (1, rows, cols) as the header says (1×28×28 for the official files); 10 classes.
 */
public final class Mnist {
    public static final String MNIST = "mnist";
    public static final String FASHION_MNIST = "fashion-mnist";
    public static final int CLASSES = 10;
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    public static final List<String> DIGIT_CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    public static final List<String> FASHION_CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private Mnist() {
    }

    /** Fashion-MNIST from {@code dir}. */
    public static OfficialSplit loadFashion(Path dir) {
        return load(dir, FASHION_MNIST, FASHION_CLASS_NAMES);
    }

    /** MNIST (digits) from {@code dir}. */
    public static OfficialSplit loadDigits(Path dir) {
        return load(dir, MNIST, DIGIT_CLASS_NAMES);
    }

    /**
     * The official training and test sets from the four IDX files in {@code dir}; data sets are
     * named {@code name/train} and {@code name/test}.
     *
     * @throws DataSetException when the directory or a file is missing, truncated, has a bad magic
     *                          number, or images and labels disagree in count or size
     */
    public static OfficialSplit load(Path dir, String name, List<String> classNames) {
        if (classNames.size() != CLASSES) throw new IllegalArgumentException("need " + CLASSES + " class names: " + classNames);
        if (!Files.isDirectory(dir)) throw DataSetException.missingDirectory(dir);
        DataSet train = read(name + "/train", find(dir, TRAIN_IMAGES), find(dir, TRAIN_LABELS));
        DataSet test = read(name + "/test", find(dir, TEST_IMAGES), find(dir, TEST_LABELS));
        if (!train.imageShape().equals(test.imageShape())) {
            throw new DataSetException("training and test images in " + dir.toAbsolutePath() + " differ in size: "
                    + train.imageShape() + " vs " + test.imageShape());
        }
        return new OfficialSplit(train, test, classNames);
    }

    /** One images file and its labels file as a data set. */
    public static DataSet read(String name, Path imagesFile, Path labelsFile) {
        Idx.Images images = Idx.readImages(imagesFile);
        int[] labels = Idx.readLabels(labelsFile);
        if (labels.length != images.count()) {
            throw new DataSetException("images and labels disagree in count: " + imagesFile.toAbsolutePath() + " holds "
                    + images.count() + " images, " + labelsFile.toAbsolutePath() + " holds " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= CLASSES) {
                throw new DataSetException(labelsFile.toAbsolutePath() + ": label " + labels[i] + " of sample " + i
                        + " is outside 0.." + (CLASSES - 1));
            }
        }
        int dim = images.pixelsPerImage();
        float[] features = new float[images.pixels().length];
        ByteScale.scale(images.pixels(), 0, features, 0, features.length);
        return new DataSet(name, features, labels, dim, CLASSES, new ImageShape(1, images.rows(), images.cols()));
    }

    /** {@code dir/base} if it exists, else {@code dir/base.gz}. */
    static Path find(Path dir, String base) {
        Path raw = dir.resolve(base);
        if (Files.exists(raw)) return raw;
        Path gz = dir.resolve(base + ".gz");
        if (Files.exists(gz)) return gz;
        throw new DataSetException("missing data file: " + raw.toAbsolutePath() + " (nor " + gz.getFileName() + ")");
    }
}
