package io.hpsearch.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PreprocessingTest {
    private static final List<String> NAMES = List.of("a", "b", "c");

    /** Sample i has features (i, 10 i + j …) and label i % 3. */
    private static DataSet indexed(String name, int n, int dim, int offset) {
        float[] f = new float[n * dim];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = (i + offset) % 3;
            for (int j = 0; j < dim; j++) f[i * dim + j] = (i + offset) * (j + 1);
        }
        return new DataSet(name, f, l, dim, 3, null);
    }

    private static DataSet random(String name, int n, int dim, double mean, double scale, long seed) {
        Random rng = new Random(seed);
        float[] f = new float[n * dim];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = rng.nextInt(3);
            for (int j = 0; j < dim; j++) f[i * dim + j] = (float) (mean + j + scale * (j + 1) * rng.nextGaussian());
        }
        return new DataSet(name, f, l, dim, 3, null);
    }

    @Test
    void lastSamplesBecomeValidationInOrder() {
        OfficialSplit data = new OfficialSplit(indexed("toy/train", 20, 2, 0), indexed("toy/test", 5, 2, 100), NAMES);
        DataSplit s = Preprocessing.split(data, 6, 0);
        assertEquals(14, s.train().size());
        assertEquals(6, s.validation().size());
        assertEquals(5, s.test().size());
        for (int i = 0; i < 14; i++) {
            assertEquals(i, s.train().feature(i, 0));
            assertEquals(i % 3, s.train().label(i));
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(14 + i, s.validation().feature(i, 0));
            assertEquals(2f * (14 + i), s.validation().feature(i, 1));
            assertEquals((14 + i) % 3, s.validation().label(i));
        }
        assertEquals("toy/train", s.train().name());
        assertEquals("toy/validation", s.validation().name());
        assertEquals("toy/test", s.test().name());
        DataSplit again = Preprocessing.split(data, 6, 0);
        assertEquals(s.train().fingerprint(), again.train().fingerprint());
        assertEquals(s.validation().fingerprint(), again.validation().fingerprint());
    }

    @Test
    void subsetKeepsTheFirstTrainingSamples() {
        OfficialSplit data = new OfficialSplit(indexed("toy/train", 20, 2, 0), indexed("toy/test", 5, 2, 100), NAMES);
        DataSplit s = Preprocessing.split(data, 5, 8);
        assertEquals(8, s.train().size());
        assertEquals(7f, s.train().feature(7, 0));
        assertEquals(5, s.validation().size());
        assertEquals(15f, s.validation().feature(0, 0));
        assertThrows(DataSetException.class, () -> Preprocessing.split(data, 5, 16));
        assertEquals(15, Preprocessing.split(data, 5, 15).train().size());
        assertThrows(DataSetException.class, () -> Preprocessing.split(data, 5, -1));
    }

    @Test
    void validationCountMustLeaveTrainingSamples() {
        OfficialSplit data = new OfficialSplit(indexed("toy/train", 20, 2, 0), indexed("toy/test", 5, 2, 100), NAMES);
        for (int bad : new int[] {20, 21, -1}) {
            DataSetException e = assertThrows(DataSetException.class, () -> Preprocessing.split(data, bad, 0));
            assertTrue(e.getMessage().contains("val") && e.getMessage().contains(Integer.toString(bad)), e.getMessage());
        }
        DataSplit s = Preprocessing.prepare(data, 0, 0);
        assertEquals(0, s.validation().size());
        assertEquals(20, s.train().size());
    }

    @Test
    void standardisationUsesTrainingStatisticsOnly() {
        int dim = 4;
        DataSet official = random("toy/train", 300, dim, 5, 2, 1);
        DataSet test = random("toy/test", 50, dim, -40, 9, 2);
        OfficialSplit data = new OfficialSplit(official, test, NAMES);
        DataSplit s = Preprocessing.prepare(data, 100, 0);

        // statistics of samples 0..199 of the official training set, computed here independently
        double[] mean = new double[dim];
        double[] std = new double[dim];
        for (int j = 0; j < dim; j++) {
            double sum = 0;
            for (int i = 0; i < 200; i++) sum += official.feature(i, j);
            mean[j] = sum / 200;
            double sq = 0;
            for (int i = 0; i < 200; i++) sq += Math.pow(official.feature(i, j) - mean[j], 2);
            std[j] = Math.sqrt(sq / 200);
        }
        for (int j = 0; j < dim; j++) {
            double m = 0, v = 0;
            for (int i = 0; i < 200; i++) m += s.train().feature(i, j);
            m /= 200;
            for (int i = 0; i < 200; i++) v += Math.pow(s.train().feature(i, j) - m, 2);
            assertEquals(0, m, 1e-5, "train mean of feature " + j);
            assertEquals(1, Math.sqrt(v / 200), 1e-5, "train std of feature " + j);
            for (int i = 0; i < 100; i++) {
                assertEquals((official.feature(200 + i, j) - mean[j]) / std[j], s.validation().feature(i, j), 1e-4);
            }
            for (int i = 0; i < 50; i++) {
                assertEquals((test.feature(i, j) - mean[j]) / std[j], s.test().feature(i, j), 1e-4);
            }
        }

        // other validation and test samples: training part unchanged, validation and test far from N(0, 1)
        float[] changed = official.features().clone();
        for (int k = 200 * dim; k < changed.length; k++) changed[k] = changed[k] * 50 + 1000;
        DataSplit s2 = Preprocessing.prepare(new OfficialSplit(official.withFeatures(changed),
                random("toy/test", 50, dim, 300, 40, 3), NAMES), 100, 0);
        assertEquals(s.train().fingerprint(), s2.train().fingerprint());
        assertNotEquals(s.validation().fingerprint(), s2.validation().fingerprint());
        assertTrue(s2.validation().feature(0, 0) > 100, "validation is not standardised with its own statistics");
    }

    @Test
    void standardisationStatisticsComeFromTheSubset() {
        DataSet official = random("toy/train", 300, 3, 0, 1, 4);
        OfficialSplit data = new OfficialSplit(official, random("toy/test", 10, 3, 0, 1, 5), NAMES);
        DataSplit s = Preprocessing.prepare(data, 100, 50);
        Standardizer fromSubset = Standardizer.fit(official.slice(0, 50));
        assertArrayEquals(fromSubset.apply(official.slice(200, 300)).features(), s.validation().features());
    }

    @Test
    void prepareLeavesTheOfficialDataUnchanged() {
        DataSet official = random("toy/train", 60, 3, 2, 1, 6);
        DataSet test = random("toy/test", 10, 3, 2, 1, 7);
        String before = official.fingerprint() + test.fingerprint();
        Preprocessing.prepare(new OfficialSplit(official, test, NAMES), 10, 0);
        assertEquals(before, official.fingerprint() + test.fingerprint());
    }

    @Test
    void constantFeatureIsCentredNotDividedByZero() {
        float[] f = {3, 1, 3, 2, 3, 6};            // feature 0 constant 3 in training, feature 1 varies
        DataSet train = new DataSet("t", f, new int[] {0, 1, 0}, 2, 2, null);
        Standardizer s = Standardizer.fit(train);
        assertEquals(1f, s.std()[0]);
        assertEquals(3f, s.mean()[0]);
        DataSet other = s.apply(new DataSet("o", new float[] {5, 3}, new int[] {1}, 2, 2, null));
        assertEquals(2f, other.feature(0, 0));
        double std1 = Math.sqrt(((1 - 3.0) * (1 - 3.0) + (2 - 3.0) * (2 - 3.0) + (6 - 3.0) * (6 - 3.0)) / 3);
        assertEquals(0.0, other.feature(0, 1), 1e-6);
        assertEquals((1 - 3.0) / std1, s.apply(train).feature(0, 1), 1e-6);
        for (float v : s.apply(train).features()) assertTrue(Float.isFinite(v));
    }

    @Test
    void standardiseAllThreeWithTrainStatistics() {
        DataSet a = random("x/train", 40, 2, 1, 1, 8);
        DataSet b = random("x/validation", 20, 2, 9, 3, 9);
        DataSet c = random("x/test", 20, 2, -9, 3, 10);
        DataSplit s = Preprocessing.standardise(new DataSplit(a, b, c));
        Standardizer st = Standardizer.fit(a);
        assertArrayEquals(st.apply(b).features(), s.validation().features());
        assertArrayEquals(st.apply(c).features(), s.test().features());
        assertNotEquals(Standardizer.fit(b).mean()[0], st.mean()[0]);
    }
}
