package io.hpsearch.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10Test {
    private static final int[] TRAIN_RECORDS = {3, 1, 2, 4, 2};
    private static final int TEST_RECORDS = 3;

    @TempDir
    Path dir;

    /** Writes five training batches and a test batch with the record counts above; returns their bytes (train concatenated, test). */
    private byte[][] writeBatches(Path into) {
        byte[] all = new byte[Arrays.stream(TRAIN_RECORDS).sum() * 3073];
        int at = 0;
        for (int b = 0; b < 5; b++) {
            byte[] bytes = TestFiles.cifarRecords(TRAIN_RECORDS[b], 100 + b);
            TestFiles.write(into.resolve("data_batch_" + (b + 1) + ".bin"), bytes);
            System.arraycopy(bytes, 0, all, at, bytes.length);
            at += bytes.length;
        }
        byte[] test = TestFiles.cifarRecords(TEST_RECORDS, 200);
        TestFiles.write(into.resolve("test_batch.bin"), test);
        return new byte[][] {all, test};
    }

    private static void assertRecords(byte[] bytes, DataSet d) {
        int n = bytes.length / 3073;
        assertEquals(n, d.size());
        assertEquals(3072, d.dim());
        assertEquals(10, d.classes());
        assertEquals(new ImageShape(3, 32, 32), d.imageShape());
        for (int r = 0; r < n; r++) {
            assertEquals(bytes[r * 3073] & 0xFF, d.label(r), "label of record " + r);
            for (int p = 0; p < 3072; p++) {
                float expected = (bytes[r * 3073 + 1 + p] & 0xFF) / 255f;
                if (expected != d.feature(r, p)) {
                    assertEquals(expected, d.feature(r, p), "record " + r + " pixel " + p);
                }
            }
        }
    }

    @Test
    void readsEveryLabelAndPixelOfAllBatchesInOrder() {
        byte[][] written = writeBatches(dir);
        OfficialSplit data = Cifar10.load(dir);
        assertRecords(written[0], data.train());
        assertRecords(written[1], data.test());
        assertEquals(Cifar10.CLASS_NAMES, data.classNames());
        assertEquals("airplane", data.classNames().get(0));
        assertEquals("truck", data.classNames().get(9));
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float v : data.train().features()) { min = Math.min(min, v); max = Math.max(max, v); }
        assertTrue(min >= 0f && max <= 1f, "features in [0, 1]: " + min + ".." + max);
    }

    @Test
    void acceptsTheArchiveSubfolder() {
        byte[][] written = writeBatches(dir.resolve("cifar-10-batches-bin"));
        OfficialSplit data = Cifar10.load(dir);
        assertRecords(written[0], data.train());
        assertRecords(written[1], data.test());
    }

    @Test
    void readsOneBatchWithItsRecordCountFromTheFileSize() {
        byte[] two = TestFiles.cifarRecords(2, 7);
        Path file = TestFiles.write(dir.resolve("data_batch_1.bin"), two);
        DataSet d = Cifar10.readBatch(file);
        assertRecords(two, d);
        byte[] five = TestFiles.cifarRecords(5, 8);
        assertRecords(five, Cifar10.readBatch(TestFiles.write(dir.resolve("other.bin"), five)));
    }

    @Test
    void channelPlanesStayInFileOrder() {
        byte[] rec = new byte[3073];
        rec[0] = 4;
        Arrays.fill(rec, 1, 1 + 1024, (byte) 255);         // red plane
        Arrays.fill(rec, 1 + 1024, 1 + 2048, (byte) 0);    // green plane
        Arrays.fill(rec, 1 + 2048, 3073, (byte) 51);       // blue plane
        rec[1 + 33] = 0;                                   // red, row 1, column 1
        DataSet d = Cifar10.readBatch(TestFiles.write(dir.resolve("b.bin"), rec));
        assertEquals(4, d.label(0));
        assertEquals(1f, d.feature(0, 0));
        assertEquals(0f, d.feature(0, 33));
        assertEquals(0f, d.feature(0, 1024 + 500));
        assertEquals(0.2f, d.feature(0, 2048 + 1023), 1e-7);
    }

    @Test
    void truncatedFileNamesPathAndSizes() {
        writeBatches(dir);
        byte[] bytes = TestFiles.cifarRecords(2, 9);
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 100); // 6046 bytes: two records less 100 bytes
        Path file = TestFiles.write(dir.resolve("data_batch_4.bin"), cut);
        DataSetException e = assertThrows(DataSetException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("found 6046 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("expected") && e.getMessage().contains("6146 bytes"), e.getMessage());
    }

    @Test
    void emptyFileIsRejected() {
        Path file = TestFiles.write(dir.resolve("data_batch_1.bin"), new byte[0]);
        DataSetException e = assertThrows(DataSetException.class, () -> Cifar10.readBatch(file));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()) && e.getMessage().contains("found 0 bytes"),
                e.getMessage());
    }

    @Test
    void missingBatchIsNamed() throws IOException {
        writeBatches(dir);
        Path gone = dir.resolve("data_batch_3.bin");
        Files.delete(gone);
        DataSetException e = assertThrows(DataSetException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains(gone.toAbsolutePath().toString()), e.getMessage());
        Path test = dir.resolve("test_batch.bin");
        TestFiles.write(gone, TestFiles.cifarRecords(1, 1));
        Files.delete(test);
        e = assertThrows(DataSetException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains(test.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void missingOrEmptyDirectoryIsNamed() {
        Path nowhere = dir.resolve("nowhere");
        DataSetException e = assertThrows(DataSetException.class, () -> Cifar10.load(nowhere));
        assertTrue(e.getMessage().contains(nowhere.toAbsolutePath().toString()), e.getMessage());
        e = assertThrows(DataSetException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void labelOutsideTheClassesIsRejected() {
        byte[] bytes = TestFiles.cifarRecords(3, 5);
        bytes[2 * 3073] = 10;
        Path file = TestFiles.write(dir.resolve("data_batch_1.bin"), bytes);
        DataSetException e = assertThrows(DataSetException.class, () -> Cifar10.readBatch(file));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()) && e.getMessage().contains("record 2"),
                e.getMessage());
    }

    @Test
    void loadsTheSameNumbersTwice() {
        writeBatches(dir);
        assertEquals(Cifar10.load(dir).train().fingerprint(), Cifar10.load(dir).train().fingerprint());
        assertArrayEquals(Cifar10.load(dir).test().labels(), Cifar10.load(dir).test().labels());
    }
}
