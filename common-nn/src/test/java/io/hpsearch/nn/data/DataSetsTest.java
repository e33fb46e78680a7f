package io.hpsearch.nn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSetsTest {
    private static final Path FASHION = DataSets.DEFAULT_FASHION_MNIST_DIR;

    @TempDir
    Path dir;

    @Test
    void namesAreCanonicalised() {
        assertEquals("cifar10", DataSets.canonicalName("CIFAR-10"));
        assertEquals("fashion-mnist", DataSets.canonicalName("Fashion_MNIST"));
        assertEquals("mnist", DataSets.canonicalName("mnist"));
        assertEquals("synthetic", DataSets.canonicalName("synthetic:dim=3"));
        DataSetException e = assertThrows(DataSetException.class, () -> DataSets.canonicalName("imagenet"));
        assertTrue(e.getMessage().contains("imagenet") && e.getMessage().contains("cifar10"), e.getMessage());
        assertEquals("automobile", DataSets.classNames("cifar10").get(1));
        assertEquals("Trouser", DataSets.classNames("fashion-mnist").get(1));
        assertEquals(3, DataSets.classNames("synthetic:classes=3").size());
    }

    @Test
    void syntheticIsSplitAndStandardised() {
        DataSplit s = DataSets.load("synthetic:train=600,test=150,dim=8,classes=4", null, 100, 9);
        assertEquals(500, s.train().size());
        assertEquals(100, s.validation().size());
        assertEquals(150, s.test().size());
        assertEquals("synthetic/validation", s.validation().name());
        assertStandardised(s.train());
        DataSplit again = DataSets.load("synthetic:train=600,test=150,dim=8,classes=4", Path.of("ignored"), 100, 9);
        assertEquals(s.train().fingerprint(), again.train().fingerprint());
        assertEquals(s.test().fingerprint(), again.test().fingerprint());
        assertEquals(250, DataSets.load("synthetic:train=600,test=150,dim=8,classes=4", null, 100, 250, 9).train().size());
    }

    @Test
    void syntheticSpecAndSplitFingerprint() {
        SyntheticData.Spec spec = SyntheticData.parse("train=600,test=150,dim=8,classes=4");
        DataSplit a = DataSets.loadSynthetic(spec, 9, 100, 0);
        DataSplit b = DataSets.load("synthetic:train=600,test=150,dim=8,classes=4", null, 100, 9);
        assertEquals(DataSets.fingerprint(a), DataSets.fingerprint(b));
        assertEquals(a.train().fingerprint(), b.train().fingerprint());
        // same numbers, other split: another fingerprint
        assertTrue(!DataSets.fingerprint(a).equals(DataSets.fingerprint(DataSets.loadSynthetic(spec, 9, 101, 0))));
        assertTrue(!DataSets.fingerprint(a).equals(DataSets.fingerprint(DataSets.loadSynthetic(spec, 10, 100, 0))));
    }

    @Test
    void validationCountTooLargeNamesVal() {
        DataSetException e = assertThrows(DataSetException.class,
                () -> DataSets.load("synthetic:train=50,test=10,dim=3", null, 50, 1));
        assertTrue(e.getMessage().contains("val") && e.getMessage().contains("50"), e.getMessage());
    }

    @Test
    void cifarFromADirectory() {
        for (int b = 1; b <= 5; b++) TestFiles.write(dir.resolve("cifar-10-batches-bin/data_batch_" + b + ".bin"), TestFiles.cifarRecords(2, b));
        TestFiles.write(dir.resolve("cifar-10-batches-bin/test_batch.bin"), TestFiles.cifarRecords(3, 9));
        DataSplit s = DataSets.load("cifar10", dir, 4, 0);
        assertEquals(6, s.train().size());
        assertEquals(4, s.validation().size());
        assertEquals(3, s.test().size());
        assertEquals(new ImageShape(3, 32, 32), s.train().imageShape());
        assertStandardised(s.train());
        DataSetException e = assertThrows(DataSetException.class, () -> DataSets.load("cifar10", null, 4, 0));
        assertTrue(e.getMessage().contains("cifar10"), e.getMessage());
        assertThrows(DataSetException.class, () -> DataSets.load("cifar10", dir, 10, 0));
    }

    @Test
    void idxFromAGivenDirectoryOrItsSubfolderWithoutFallback() {
        byte[][] w = TestFiles.writeIdxSet(dir.resolve("fashion-mnist"), 6, 2, 2, 2, true, 3);
        OfficialSplit raw = DataSets.loadOfficial("fashion-mnist", dir, 0);
        assertEquals(6, raw.train().size());
        assertEquals((w[0][5] & 0xFF) / 255f, raw.train().feature(1, 1));
        Path empty = dir.resolve("empty");
        TestFiles.write(empty.resolve("readme"), new byte[1]);
        DataSetException e = assertThrows(DataSetException.class, () -> DataSets.load("fashion-mnist", empty, 1, 0));
        assertTrue(e.getMessage().contains(empty.toAbsolutePath().toString()), e.getMessage());
        e = assertThrows(DataSetException.class, () -> DataSets.load("mnist", dir.resolve("nowhere"), 1, 0));
        assertEquals("missing data directory: " + dir.resolve("nowhere").toAbsolutePath(), e.getMessage());
        // a file given for the folder: said so, for IDX and CIFAR-10 alike
        for (String set : new String[] {"fashion-mnist", "cifar10"}) {
            Path file = empty.resolve("readme");
            e = assertThrows(DataSetException.class, () -> DataSets.load(set, file, 1, 0));
            assertEquals("data directory is a file, not a folder: " + file.toAbsolutePath(), e.getMessage());
        }
    }

    private static void assertStandardised(DataSet d) {
        for (int j = 0; j < d.dim(); j++) {
            double m = 0, v = 0;
            for (int i = 0; i < d.size(); i++) m += d.feature(i, j);
            m /= d.size();
            for (int i = 0; i < d.size(); i++) v += Math.pow(d.feature(i, j) - m, 2);
            double sd = Math.sqrt(v / d.size());
            assertEquals(0, m, 1e-4, "mean of feature " + j);
            assertTrue(Math.abs(sd - 1) < 1e-3 || sd == 0, "std of feature " + j + ": " + sd);
        }
    }

    /** Bytes of a gzipped IDX file after its header, read here without the loader. */
    private static byte[] payload(Path gz, int header) throws IOException {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(gz)))) {
            in.readNBytes(header);
            return in.readAllBytes();
        }
    }

    @Test
    void realFashionMnist() throws IOException {
        assumeTrue(Files.isDirectory(FASHION), FASHION + " missing");
        long t0 = System.nanoTime();
        OfficialSplit data = Mnist.loadFashion(FASHION);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("Fashion-MNIST train + test loaded in %.2f s%n", seconds);
        assertTrue(seconds < 10, "loading took " + seconds + " s");

        assertEquals(60_000, data.train().size());
        assertEquals(10_000, data.test().size());
        assertEquals(784, data.train().dim());
        assertEquals(new ImageShape(1, 28, 28), data.train().imageShape());
        checkAgainstFiles(data.train(), FASHION.resolve("train-images-idx3-ubyte.gz"), FASHION.resolve("train-labels-idx1-ubyte.gz"));
        checkAgainstFiles(data.test(), FASHION.resolve("t10k-images-idx3-ubyte.gz"), FASHION.resolve("t10k-labels-idx1-ubyte.gz"));

        for (DataSet d : new DataSet[] {data.train(), data.test()}) {
            int[] counts = new int[10];
            for (int l : d.labels()) counts[l]++;
            for (int c : counts) assertTrue(Math.abs(c - d.size() / 10) < d.size() / 50, "class counts " + java.util.Arrays.toString(counts));
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (float v : d.features()) { min = Math.min(min, v); max = Math.max(max, v); }
            assertEquals(0f, min);
            assertEquals(1f, max);
        }

        DataSplit s = DataSets.load("fashion-mnist", null, 5000, 0);
        assertEquals(55_000, s.train().size());
        assertEquals(5_000, s.validation().size());
        assertEquals(data.train().label(55_000), s.validation().label(0));
        assertEquals(data.test().fingerprint().length(), s.test().fingerprint().length());
        double m = 0;
        for (int i = 0; i < s.train().size(); i++) m += s.train().feature(i, 400);
        assertEquals(0, m / s.train().size(), 1e-4);
    }

    /** Pixel sum per sample and labels, from the files read independently of the loader. */
    private static void checkAgainstFiles(DataSet d, Path images, Path labels) throws IOException {
        byte[] px = payload(images, 16);
        byte[] lb = payload(labels, 8);
        assertEquals(d.size() * 784, px.length);
        assertEquals(d.size(), lb.length);
        for (int i = 0; i < d.size(); i++) {
            assertEquals(lb[i] & 0xFF, d.label(i));
            long bytes = 0;
            double floats = 0;
            for (int p = 0; p < 784; p++) {
                bytes += px[i * 784 + p] & 0xFF;
                floats += d.feature(i, p);
            }
            assertEquals(bytes / 255.0, floats, 1e-3, "sample " + i);
        }
    }
}
