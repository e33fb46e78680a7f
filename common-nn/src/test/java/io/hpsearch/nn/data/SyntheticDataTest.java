package io.hpsearch.nn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyntheticDataTest {
    @Test
    void pureFunctionOfItsArguments() {
        SyntheticData.Spec spec = SyntheticData.Spec.of(300, 100, 20, 5);
        OfficialSplit a = SyntheticData.generate(spec, 42);
        OfficialSplit b = SyntheticData.generate(spec, 42);
        assertEquals(a.train().fingerprint(), b.train().fingerprint());
        assertEquals(a.test().fingerprint(), b.test().fingerprint());
        assertNotEquals(a.train().fingerprint(), SyntheticData.generate(spec, 43).train().fingerprint());
        assertNotEquals(a.train().fingerprint(), a.test().fingerprint());
        assertEquals(SyntheticData.generate(300, 20, 5, 42).fingerprint(), a.train().fingerprint());
    }

    @Test
    void shapesAndLabels() {
        OfficialSplit d = SyntheticData.generate(SyntheticData.Spec.of(500, 70, 12, 4), 1);
        assertEquals(500, d.train().size());
        assertEquals(70, d.test().size());
        assertEquals(12, d.train().dim());
        assertEquals(4, d.train().classes());
        assertNull(d.train().imageShape());
        int[] counts = new int[4];
        for (int l : d.train().labels()) counts[l]++;
        for (int c : counts) assertTrue(c > 80, "every class present: " + java.util.Arrays.toString(counts));
        assertEquals(4, d.classNames().size());

        DataSet img = SyntheticData.generate(30, new ImageShape(3, 4, 5), 10, 2);
        assertEquals(60, img.dim());
        assertEquals(new ImageShape(3, 4, 5), img.imageShape());
    }

    /** Test accuracy of the nearest class mean (means estimated on the training part). */
    private static double nearestMeanAccuracy(OfficialSplit d) {
        DataSet tr = d.train();
        int k = tr.classes(), dim = tr.dim();
        double[][] mean = new double[k][dim];
        int[] n = new int[k];
        for (int i = 0; i < tr.size(); i++) {
            n[tr.label(i)]++;
            for (int j = 0; j < dim; j++) mean[tr.label(i)][j] += tr.feature(i, j);
        }
        for (int c = 0; c < k; c++) for (int j = 0; j < dim; j++) mean[c][j] /= n[c];
        DataSet te = d.test();
        int right = 0;
        for (int i = 0; i < te.size(); i++) {
            int best = -1;
            double bestD = Double.MAX_VALUE;
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < dim; j++) s += Math.pow(te.feature(i, j) - mean[c][j], 2);
                if (s < bestD) { bestD = s; best = c; }
            }
            if (best == te.label(i)) right++;
        }
        return right / (double) te.size();
    }

    @Test
    void learnableButNotTrivial() {
        SyntheticData.Spec oneBlob = SyntheticData.Spec.of(4000, 1000, 50, 10).withClustersPerClass(1);
        double acc = nearestMeanAccuracy(SyntheticData.generate(oneBlob, 5));
        assertTrue(acc > 0.4 && acc < 0.99, "nearest class mean accuracy " + acc);
        double easy = nearestMeanAccuracy(SyntheticData.generate(oneBlob.withSeparation(8), 5));
        double hard = nearestMeanAccuracy(SyntheticData.generate(oneBlob.withSeparation(1), 5));
        assertTrue(easy > acc && acc > hard, easy + " > " + acc + " > " + hard);
        assertTrue(hard < 0.4, "separation 1 overlaps heavily: " + hard);
        // two blobs per class: the class mean is a worse summary, so a linear rule loses accuracy
        double twoBlobs = nearestMeanAccuracy(SyntheticData.generate(oneBlob.withClustersPerClass(2), 5));
        assertTrue(twoBlobs < acc && twoBlobs > 0.15, "two blobs per class: " + twoBlobs + " vs one: " + acc);
    }

    @Test
    void zeroMeansDefault() {
        assertEquals(SyntheticData.DEFAULT, SyntheticData.Spec.orDefaults(0, 0, 0, 0, 0, 0, null));
        SyntheticData.Spec s = SyntheticData.Spec.orDefaults(30, 0, 0, 3, 0, 2.0, new ImageShape(2, 3, 3));
        assertEquals(30, s.trainSamples());
        assertEquals(SyntheticData.DEFAULT.testSamples(), s.testSamples());
        assertEquals(18, s.dim());
        assertEquals(3, s.classes());
        assertEquals(SyntheticData.DEFAULT.clustersPerClass(), s.clustersPerClass());
        assertEquals(2.0, s.separation());
    }

    @Test
    void parsesOptions() {
        SyntheticData.Spec s = SyntheticData.parse("train=100, test=20,classes=3,clusters=4,sep=2.5,image=3x2x2");
        assertEquals(100, s.trainSamples());
        assertEquals(20, s.testSamples());
        assertEquals(12, s.dim());
        assertEquals(3, s.classes());
        assertEquals(4, s.clustersPerClass());
        assertEquals(2.5, s.separation());
        assertEquals(new ImageShape(3, 2, 2), s.imageShape());
        assertEquals(SyntheticData.DEFAULT, SyntheticData.parse(""));
        assertEquals(7, SyntheticData.parse("dim=7").dim());
        for (String bad : new String[] {"train=x", "colour=3", "dim", "image=3x2", "dim=5,image=3x2x2", "classes=1", "test=-1",
                "train=100000000,dim=100000", "test=100000000,dim=100000", "classes=100000,clusters=100000"}) {
            DataSetException e = assertThrows(DataSetException.class, () -> SyntheticData.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad.split("[=,]")[0]), e.getMessage());
        }
    }
}
