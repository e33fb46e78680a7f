package io.hpsearch.worker.data;

import io.hpsearch.nn.data.DataSets;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.data.ImageShape;
import io.hpsearch.nn.data.SyntheticData;
import io.hpsearch.protocol.v1.DataSetKind;
import io.hpsearch.protocol.v1.DataSpec;
import io.hpsearch.worker.TestTrials;
import io.hpsearch.worker.trial.TrialSpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSetCacheTest {

    @Test
    void concurrentTrialsShareOneLoad() throws Exception {
        DataSetCache cache = DataSetCache.inDirectory(null);
        // Big enough that the load takes a while and the eight requests really overlap it.
        DataSpec spec = TestTrials.blobs().toBuilder()
                .setSynthetic(TestTrials.blobs().getSynthetic().toBuilder().setTrainSamples(40_000).setDim(256)).build();
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<DataSetCache.Entry>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return cache.get(spec);
                }));
            }
            start.countDown();
            DataSetCache.Entry first = futures.get(0).get();
            for (Future<DataSetCache.Entry> f : futures) assertSame(first, f.get());
            assertEquals(1, cache.loads());
            assertEquals(List.of(first.fingerprint()), cache.fingerprints());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theCopyIsTheWholeSplitStandardisedWithItsFingerprint() {
        DataSetCache cache = DataSetCache.inDirectory(null);
        DataSetCache.Entry e = cache.get(TestTrials.blobs());
        // What anyone computing a campaign's fingerprint gets: the same options, no subset.
        SyntheticData.Spec s = new SyntheticData.Spec(3000, 1000, 32, 4, 1, 6.0, null);
        DataSplit independent = DataSets.loadSynthetic(s, 11, 500, 0);
        assertEquals(DataSets.fingerprint(independent), e.fingerprint());
        assertEquals(2500, e.split().train().size());
        assertEquals(500, e.split().validation().size());
        assertEquals(1000, e.split().test().size());
        // A trial asking with that fingerprint gets the same copy, without another load.
        assertSame(e, cache.get(TestTrials.blobs().toBuilder().setFingerprint(e.fingerprint().toUpperCase()).build()));
        assertEquals(1, cache.loads());
    }

    @Test
    void otherOptionsAreAnotherCopy() {
        DataSetCache cache = DataSetCache.inDirectory(null);
        DataSetCache.Entry a = cache.get(TestTrials.blobs());
        DataSetCache.Entry b = cache.get(TestTrials.blobs().toBuilder().setValidationSize(600).build());
        DataSetCache.Entry c = cache.get(TestTrials.blobs().toBuilder()
                .setSynthetic(TestTrials.blobs().getSynthetic().toBuilder().setSeed(12)).build());
        assertNotSame(a, b);
        assertNotSame(a, c);
        assertEquals(3, cache.loads());
        assertEquals(3, cache.fingerprints().size());
        assertEquals(3, cache.fingerprints().stream().distinct().count());
    }

    @Test
    void aFingerprintMismatchIsRefusedNamingBoth() {
        DataSetCache cache = DataSetCache.inDirectory(null);
        String actual = cache.get(TestTrials.blobs()).fingerprint();
        String other = "00ff" + actual.substring(4);
        FingerprintMismatchException e = assertThrows(FingerprintMismatchException.class,
                () -> cache.get(TestTrials.blobs().toBuilder().setFingerprint(other).build()));
        assertEquals(other, e.expected());
        assertEquals(actual, e.actual());
        assertTrue(e.getMessage().contains(other) && e.getMessage().contains(actual), e.getMessage());
        assertTrue(e instanceof DataUnavailableException, "the worker reports it like missing data");
    }

    @Test
    void aMissingDataSetIsReportedAndRetriedNextTime(@TempDir Path empty) {
        DataSetCache cache = DataSetCache.inDirectory(empty);
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> cache.get(TestTrials.fashionMnist(5000)));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
        assertEquals(DataSets.FASHION_MNIST, e.key().name());
        assertThrows(DataUnavailableException.class, () -> cache.get(TestTrials.fashionMnist(5000)));
        assertEquals(2, cache.loads(), "a failed load is not remembered");
        assertEquals(List.of(), cache.fingerprints());

        DataUnavailableException cifar = assertThrows(DataUnavailableException.class,
                () -> DataSetCache.inDirectory(null).get(DataSpec.newBuilder()
                        .setKind(DataSetKind.DATA_SET_KIND_CIFAR10).setValidationSize(5000).build()));
        assertTrue(cifar.getMessage().contains("cifar10"), cifar.getMessage());
    }

    @Test
    void directoriesArePerDataSet() {
        // Fashion-MNIST from its default folder while another set would read elsewhere.
        DataSetCache cache = new DataSetCache(name -> name.equals(DataSets.CIFAR10) ? Path.of("/nonexistent") : null);
        DataSetCache.Entry e = cache.get(TestTrials.fashionMnist(10_000));
        assertEquals(50_000, e.split().train().size());
        assertEquals(10_000, e.split().validation().size());
        assertEquals(784, e.split().train().dim());
    }

    @Test
    void dataSpecsAWorkerCannotLoadAreRefusedByField() {
        DataSetCache cache = DataSetCache.inDirectory(null);
        assertMessage(cache, "data.kind: not set", DataSpec.newBuilder().setValidationSize(10).build());
        assertMessage(cache, "data.kind: unknown value 77", DataSpec.newBuilder().setKindValue(77).build());
        assertMessage(cache, "data.synthetic: set for data set DATA_SET_KIND_FASHION_MNIST",
                TestTrials.fashionMnist(10).toBuilder().setSynthetic(TestTrials.blobs().getSynthetic()).build());
        assertMessage(cache, "data.synthetic: synthetic classes must be at least 2",
                TestTrials.blobs().toBuilder().setSynthetic(TestTrials.blobs().getSynthetic().toBuilder().setClasses(1)).build());
        assertMessage(cache, "data.synthetic.image_*", TestTrials.blobs().toBuilder()
                .setSynthetic(TestTrials.blobs().getSynthetic().toBuilder().setImageChannels(1)).build());
        assertMessage(cache, "data.validation_size: must be >= 0",
                TestTrials.blobs().toBuilder().setValidationSize(-1).build());
        assertEquals(0, cache.loads());
    }

    private static void assertMessage(DataSetCache cache, String expected, DataSpec spec) {
        TrialSpecException e = assertThrows(TrialSpecException.class, () -> cache.get(spec));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void syntheticOptionsMapToTheGeneratorsSpecWithZeroMeaningDefault() {
        io.hpsearch.protocol.v1.SyntheticData none = io.hpsearch.protocol.v1.SyntheticData.getDefaultInstance();
        DataKey defaults = DataKey.of(DataSpec.newBuilder().setKind(DataSetKind.DATA_SET_KIND_SYNTHETIC).setSynthetic(none).build());
        assertEquals(SyntheticData.DEFAULT, defaults.synthetic());
        assertEquals(0, defaults.seed());
        assertEquals(defaults, DataKey.of(DataSpec.newBuilder().setKind(DataSetKind.DATA_SET_KIND_SYNTHETIC).build()));

        DataKey all = DataKey.of(DataSpec.newBuilder().setKind(DataSetKind.DATA_SET_KIND_SYNTHETIC).setValidationSize(7)
                .setSynthetic(io.hpsearch.protocol.v1.SyntheticData.newBuilder().setTrainSamples(100).setTestSamples(20)
                        .setClasses(3).setClustersPerClass(4).setSeparation(2.5).setSeed(99)
                        .setImageChannels(2).setImageHeight(3).setImageWidth(4)).build());
        assertEquals(new DataKey(DataSets.SYNTHETIC, 7,
                new SyntheticData.Spec(100, 20, 24, 3, 4, 2.5, new ImageShape(2, 3, 4)), 99), all);

        assertEquals(new DataKey(DataSets.MNIST, 5, null, 0),
                DataKey.of(DataSpec.newBuilder().setKind(DataSetKind.DATA_SET_KIND_MNIST).setValidationSize(5).build()));
        assertEquals(new DataKey(DataSets.CIFAR10, 5, null, 0),
                DataKey.of(DataSpec.newBuilder().setKind(DataSetKind.DATA_SET_KIND_CIFAR10).setValidationSize(5).build()));
    }

    @Test
    void aThreadInterruptedWhileWaitingForALoadIsCancelled() throws Exception {
        DataSetCache cache = DataSetCache.inDirectory(null);
        DataSpec big = TestTrials.blobs().toBuilder()
                .setSynthetic(TestTrials.blobs().getSynthetic().toBuilder().setTrainSamples(60_000).setDim(512)).build();
        Thread loader = new Thread(() -> cache.get(big));
        loader.start();
        while (cache.loads() == 0) Thread.onSpinWait();
        Throwable[] seen = new Throwable[1];
        Thread waiter = new Thread(() -> {
            try {
                cache.get(big);
            } catch (Throwable t) {
                seen[0] = t;
            }
        });
        waiter.start();
        Thread.sleep(50);
        boolean stillLoading = loader.isAlive();
        waiter.interrupt();
        waiter.join(10_000);
        assertTrue(!waiter.isAlive(), "an interrupted waiter does not wait for the load");
        loader.join(120_000);
        if (stillLoading) {
            assertTrue(seen[0] instanceof CancellationException, String.valueOf(seen[0]));
        }
        // The waiter's interrupt does not disturb the loader: its copy stands, loaded once.
        assertEquals(1, cache.loads());
        assertEquals(1, cache.loaded().size());
    }
}
