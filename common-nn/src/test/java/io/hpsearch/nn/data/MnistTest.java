package io.hpsearch.nn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MnistTest {
    @TempDir
    Path dir;

    private static void assertSamples(byte[] pixels, byte[] labels, int rows, int cols, DataSet d) {
        assertEquals(labels.length, d.size());
        assertEquals(rows * cols, d.dim());
        assertEquals(10, d.classes());
        assertEquals(new ImageShape(1, rows, cols), d.imageShape());
        for (int i = 0; i < labels.length; i++) {
            assertEquals(labels[i] & 0xFF, d.label(i), "label " + i);
            for (int p = 0; p < rows * cols; p++) {
                assertEquals((pixels[i * rows * cols + p] & 0xFF) / 255f, d.feature(i, p), "sample " + i + " pixel " + p);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsEveryValueRawOrGzipped(boolean gzip) {
        byte[][] w = TestFiles.writeIdxSet(dir, 7, 4, 5, 3, gzip, 11); // 5 rows × 3 columns: not square
        OfficialSplit data = Mnist.loadFashion(dir);
        assertSamples(w[0], w[1], 5, 3, data.train());
        assertSamples(w[2], w[3], 5, 3, data.test());
        assertEquals("fashion-mnist/train", data.train().name());
        assertEquals(Mnist.FASHION_CLASS_NAMES, data.classNames());
        assertEquals("T-shirt/top", data.classNames().get(0));
        assertEquals("Ankle boot", data.classNames().get(9));
    }

    @Test
    void detectsGzipByContentWhateverTheName() {
        byte[] pixels = TestFiles.randomBytes(6 * 4, 3);
        Path file = TestFiles.write(dir.resolve("images-without-suffix"), TestFiles.gzip(TestFiles.idxImages(6, 2, 2, pixels)));
        assertTrue(Idx.isGzip(file));
        Idx.Images images = Idx.readImages(file);
        assertEquals(6, images.count());
        assertEquals(2, images.rows());
        assertEquals(2, images.cols());
        assertTrue(Arrays.equals(pixels, images.pixels()));
        Path raw = TestFiles.write(dir.resolve("raw.gz"), TestFiles.idxImages(6, 2, 2, pixels));
        assertFalse(Idx.isGzip(raw));
        assertTrue(Arrays.equals(pixels, Idx.readImages(raw).pixels()));
    }

    @Test
    void prefersRawFileAndFallsBackToGz() throws IOException {
        byte[][] gz = TestFiles.writeIdxSet(dir, 3, 2, 2, 2, true, 1);
        byte[][] raw = TestFiles.writeIdxSet(dir, 5, 2, 2, 2, false, 2);
        assertSamples(raw[0], raw[1], 2, 2, Mnist.loadDigits(dir).train());
        Files.delete(dir.resolve("train-images-idx3-ubyte"));
        Files.delete(dir.resolve("train-labels-idx1-ubyte"));
        assertSamples(gz[0], gz[1], 2, 2, Mnist.loadDigits(dir).train());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void fileShorterThanItsHeaderNamesPathAndSizes(boolean gzip) {
        byte[] full = TestFiles.idxImages(10, 4, 4, TestFiles.randomBytes(160, 5)); // 176 bytes
        Path file = TestFiles.writeMaybeGzip(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(full, 150), gzip);
        DataSetException e = assertThrows(DataSetException.class, () -> Idx.readImages(file));
        String m = e.getMessage();
        assertTrue(m.contains(file.toAbsolutePath().toString()), m);
        assertTrue(m.contains("expected 176 bytes, found 150 bytes"), m);
    }

    @Test
    void labelFileShorterThanItsHeader() {
        byte[] full = TestFiles.idxLabels(TestFiles.randomLabels(30, 10, 1)); // 38 bytes
        Path file = TestFiles.write(dir.resolve("labels"), Arrays.copyOf(full, 20));
        DataSetException e = assertThrows(DataSetException.class, () -> Idx.readLabels(file));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected 38 bytes, found 20 bytes"), e.getMessage());
    }

    @Test
    void truncatedHeader() {
        Path file = TestFiles.write(dir.resolve("tiny"), new byte[] {0, 0, 8});
        DataSetException e = assertThrows(DataSetException.class, () -> Idx.readImages(file));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected 16 bytes, found 3 bytes"), e.getMessage());
    }

    @Test
    void cutOffGzipStreamNamesPathAndSizes() {
        byte[] full = TestFiles.idxImages(50, 10, 10, TestFiles.randomBytes(5000, 5)); // 5016 bytes
        byte[] gz = TestFiles.gzip(full);
        Path file = TestFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
        DataSetException e = assertThrows(DataSetException.class, () -> Idx.readImages(file));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected 5016"), e.getMessage());
        assertTrue(e.getMessage().contains("found"), e.getMessage());
    }

    @Test
    void gzipHeaderCutOffNamesPathAndSize() {
        byte[] gz = TestFiles.gzip(TestFiles.idxLabels(new byte[] {1, 2, 3}));
        Path file = TestFiles.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), Arrays.copyOf(gz, 5));
        DataSetException e = assertThrows(DataSetException.class, () -> Idx.readLabels(file));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("found 5 compressed bytes"), e.getMessage());
    }

    @Test
    void fileLongerThanItsHeaderIsRejected() {
        byte[] full = TestFiles.idxLabels(TestFiles.randomLabels(5, 10, 1)); // 13 bytes
        Path file = TestFiles.write(dir.resolve("labels"), Arrays.copyOf(full, 16));
        DataSetException e = assertThrows(DataSetException.class, () -> Idx.readLabels(file));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected 13 bytes, found 16 bytes"), e.getMessage());
    }

    @Test
    void badMagicNumbers() {
        Path labels = TestFiles.write(dir.resolve("labels-as-images"), TestFiles.idxLabels(new byte[] {1, 2}));
        DataSetException e = assertThrows(DataSetException.class, () -> Idx.readImages(labels));
        assertTrue(e.getMessage().contains(labels.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected 2051") && e.getMessage().contains("found 2049"), e.getMessage());

        byte[] img = TestFiles.idxImages(1, 2, 2, new byte[4]);
        Path images = TestFiles.write(dir.resolve("images-as-labels"), img);
        e = assertThrows(DataSetException.class, () -> Idx.readLabels(images));
        assertTrue(e.getMessage().contains("expected 2049") && e.getMessage().contains("found 2051"), e.getMessage());

        img[2] = 0x0D; // float elements instead of unsigned bytes
        Path floats = TestFiles.write(dir.resolve("float-images"), img);
        e = assertThrows(DataSetException.class, () -> Idx.readImages(floats));
        assertTrue(e.getMessage().contains("0x00000d03"), e.getMessage());
    }

    @Test
    void imagesAndLabelsMustAgreeInCount() {
        Path images = TestFiles.write(dir.resolve("i"), TestFiles.idxImages(3, 2, 2, new byte[12]));
        Path labels = TestFiles.write(dir.resolve("l"), TestFiles.idxLabels(new byte[4]));
        DataSetException e = assertThrows(DataSetException.class, () -> Mnist.read("x", images, labels));
        assertTrue(e.getMessage().contains("3 images") && e.getMessage().contains("4 labels"), e.getMessage());
        assertTrue(e.getMessage().contains(images.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void labelOutsideTheClassesIsRejected() {
        Path images = TestFiles.write(dir.resolve("i"), TestFiles.idxImages(2, 1, 1, new byte[2]));
        Path labels = TestFiles.write(dir.resolve("l"), TestFiles.idxLabels(new byte[] {3, 12}));
        DataSetException e = assertThrows(DataSetException.class, () -> Mnist.read("x", images, labels));
        assertTrue(e.getMessage().contains("label 12") && e.getMessage().contains(labels.toAbsolutePath().toString()),
                e.getMessage());
    }

    @Test
    void missingFileAndDirectoryAreNamed() throws IOException {
        TestFiles.writeIdxSet(dir, 3, 2, 2, 2, true, 1);
        Path gone = dir.resolve("t10k-labels-idx1-ubyte.gz");
        Files.delete(gone);
        DataSetException e = assertThrows(DataSetException.class, () -> Mnist.loadFashion(dir));
        assertTrue(e.getMessage().contains(dir.resolve("t10k-labels-idx1-ubyte").toAbsolutePath().toString()), e.getMessage());
        Path nowhere = dir.resolve("nowhere");
        e = assertThrows(DataSetException.class, () -> Mnist.loadFashion(nowhere));
        assertTrue(e.getMessage().contains(nowhere.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void trainAndTestImageSizesMustAgree() {
        TestFiles.writeIdxSet(dir, 3, 2, 2, 2, false, 1);
        TestFiles.write(dir.resolve("t10k-images-idx3-ubyte"), TestFiles.idxImages(2, 3, 3, new byte[18]));
        assertThrows(DataSetException.class, () -> Mnist.loadFashion(dir));
    }
}
