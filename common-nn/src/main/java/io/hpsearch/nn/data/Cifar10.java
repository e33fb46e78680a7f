package io.hpsearch.nn.data;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader of the CIFAR-10 binary version ({@code cifar-10-binary.tar.gz}).
 *
 * <p>Each file is a sequence of 3073-byte records: one label byte (0–9), then 3072 pixel bytes —
 * 1024 red, 1024 green, 1024 blue, each plane 32×32 row-major. The number of records in a file is
 * taken from its size (10,000 in the official files), so a size that is not a whole number of
 * records is reported as a truncated file.
 *
 * <p>Features are the pixel bytes as floats scaled from 0..255 to [0, 1] ({@code b / 255f}), kept in
 * the file's channel-planar order, so every row has the {@link ImageShape} (3, 32, 32).
 */
public final class Cifar10 {
    public static final String NAME = "cifar10";
    public static final int CHANNELS = 3;
    public static final int SIDE = 32;
    public static final int PIXELS = CHANNELS * SIDE * SIDE;
    /** Bytes per record: label byte plus pixels. */
    public static final int RECORD_BYTES = 1 + PIXELS;
    public static final int CLASSES = 10;
    public static final ImageShape SHAPE = new ImageShape(CHANNELS, SIDE, SIDE);
    public static final List<String> CLASS_NAMES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    public static final List<String> TRAIN_FILES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";
    /** The folder the official archive unpacks to; accepted inside the given directory. */
    public static final String SUBFOLDER = "cifar-10-batches-bin";

    private Cifar10() {
    }

    /**
     * Loads the five training batches (in order 1..5, concatenated) and the test batch from
     * {@code dir}, or from {@code dir/cifar-10-batches-bin} when {@code dir} itself does not hold
     * them.
     *
     * @throws DataSetException when the directory or a file is missing or a file is truncated
     */
    public static OfficialSplit load(Path dir) {
        Path base = resolveDirectory(dir);
        List<Path> trainFiles = new ArrayList<>();
        for (String f : TRAIN_FILES) trainFiles.add(base.resolve(f));
        DataSet train = readBatches(NAME + "/train", trainFiles);
        DataSet test = readBatches(NAME + "/test", List.of(base.resolve(TEST_FILE)));
        return new OfficialSplit(train, test, CLASS_NAMES);
    }

    /** The directory holding the batch files: {@code dir} or its {@code cifar-10-batches-bin} subfolder. */
    public static Path resolveDirectory(Path dir) {
        if (!Files.isDirectory(dir)) throw DataSetException.missingDirectory(dir);
        if (Files.exists(dir.resolve(TRAIN_FILES.get(0))) || Files.exists(dir.resolve(TEST_FILE))) return dir;
        Path sub = dir.resolve(SUBFOLDER);
        if (Files.isDirectory(sub)) return sub;
        throw new DataSetException("no CIFAR-10 binary batches in " + dir.toAbsolutePath() + " nor in "
                + sub.toAbsolutePath() + ": expected " + TRAIN_FILES.get(0) + " … " + TRAIN_FILES.get(4)
                + " and " + TEST_FILE);
    }

    /** One batch file as a data set. */
    public static DataSet readBatch(Path file) {
        return readBatches(NAME + "/" + file.getFileName(), List.of(file));
    }

    /** The given batch files, concatenated in order, as one data set. */
    public static DataSet readBatches(String name, List<Path> files) {
        long[] records = new long[files.size()];
        long total = 0;
        for (int i = 0; i < files.size(); i++) {
            records[i] = recordCount(files.get(i));
            total += records[i];
        }
        if (total * PIXELS > Integer.MAX_VALUE - 8) {
            throw new DataSetException("CIFAR-10 files " + files + " hold " + total + " records, too many for one array");
        }
        int n = (int) total;
        float[] features = new float[n * PIXELS];
        int[] labels = new int[n];
        int sample = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            byte[] bytes = readAll(file);
            if (bytes.length != records[i] * RECORD_BYTES) {
                throw DataSetException.wrongSize(file, "changed size while reading", records[i] * RECORD_BYTES, bytes.length);
            }
            for (int r = 0; r < records[i]; r++, sample++) {
                int at = r * RECORD_BYTES;
                int label = bytes[at] & 0xFF;
                if (label >= CLASSES) {
                    throw new DataSetException(file.toAbsolutePath() + ": label " + label + " of record " + r
                            + " (byte offset " + at + ") is outside 0.." + (CLASSES - 1));
                }
                labels[sample] = label;
                ByteScale.scale(bytes, at + 1, features, sample * PIXELS, PIXELS);
            }
        }
        return new DataSet(name, features, labels, PIXELS, CLASSES, SHAPE);
    }

    /** Records in a batch file, from its size; the size must be a positive whole number of records. */
    static long recordCount(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw DataSetException.missingFile(file);
        } catch (IOException e) {
            throw new DataSetException("cannot read " + file.toAbsolutePath() + ": " + e, e);
        }
        if (Files.isDirectory(file)) throw new DataSetException(file.toAbsolutePath() + " is a directory, expected a CIFAR-10 batch file");
        if (size == 0 || size % RECORD_BYTES != 0) {
            long whole = size / RECORD_BYTES;
            throw new DataSetException(file.toAbsolutePath() + ": truncated CIFAR-10 batch: expected a whole number of "
                    + RECORD_BYTES + "-byte records (" + (whole + 1) * RECORD_BYTES + " bytes for " + (whole + 1)
                    + " records; 30730000 bytes for the official 10,000), found " + size + " bytes");
        }
        return size / RECORD_BYTES;
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw DataSetException.missingFile(file);
        } catch (AccessDeniedException e) {
            throw new DataSetException("cannot read " + file.toAbsolutePath() + ": permission denied", e);
        } catch (IOException e) {
            throw new DataSetException("cannot read " + file.toAbsolutePath() + ": " + e, e);
        }
    }
}
