package io.hpsearch.nn.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Writes small files in the official CIFAR-10 and IDX layouts. */
final class TestFiles {
    private TestFiles() {
    }

    /** Random CIFAR-10 records: {@code records × 3073} bytes, labels 0..9. */
    static byte[] cifarRecords(int records, long seed) {
        Random rng = new Random(seed);
        byte[] bytes = new byte[records * 3073];
        rng.nextBytes(bytes);
        for (int r = 0; r < records; r++) bytes[r * 3073] = (byte) rng.nextInt(10);
        return bytes;
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An IDX3 unsigned-byte image file: header then {@code pixels}. */
    static byte[] idxImages(int count, int rows, int cols, byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
        b.putInt(2051).putInt(count).putInt(rows).putInt(cols).put(pixels);
        return b.array();
    }

    /** An IDX1 unsigned-byte label file. */
    static byte[] idxLabels(byte[] labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(2049).putInt(labels.length).put(labels);
        return b.array();
    }

    static byte[] gzip(byte[] bytes) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(bytes);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] randomLabels(int n, int classes, long seed) {
        Random rng = new Random(seed);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) rng.nextInt(classes);
        return b;
    }

    /** A small MNIST-style set of four files in {@code dir}; gzipped or raw. Returns {train pixels, train labels, test pixels, test labels}. */
    static byte[][] writeIdxSet(Path dir, int train, int test, int rows, int cols, boolean gzip, long seed) {
        byte[] trainPixels = randomBytes(train * rows * cols, seed);
        byte[] trainLabels = randomLabels(train, 10, seed + 1);
        byte[] testPixels = randomBytes(test * rows * cols, seed + 2);
        byte[] testLabels = randomLabels(test, 10, seed + 3);
        String suffix = gzip ? ".gz" : "";
        writeMaybeGzip(dir.resolve("train-images-idx3-ubyte" + suffix), idxImages(train, rows, cols, trainPixels), gzip);
        writeMaybeGzip(dir.resolve("train-labels-idx1-ubyte" + suffix), idxLabels(trainLabels), gzip);
        writeMaybeGzip(dir.resolve("t10k-images-idx3-ubyte" + suffix), idxImages(test, rows, cols, testPixels), gzip);
        writeMaybeGzip(dir.resolve("t10k-labels-idx1-ubyte" + suffix), idxLabels(testLabels), gzip);
        return new byte[][] {trainPixels, trainLabels, testPixels, testLabels};
    }

    static Path writeMaybeGzip(Path file, byte[] bytes, boolean gzip) {
        return write(file, gzip ? gzip(bytes) : bytes);
    }
}
