package io.hpsearch.nn;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatrixOpsTest {

    private static DMatrixRMaj random(int r, int c, Random rng) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int i = 0; i < m.data.length; i++) m.data[i] = rng.nextGaussian();
        return m;
    }

    private static void assertClose(DMatrixRMaj expected, DMatrixRMaj actual) {
        assertTrue(expected.numRows == actual.numRows && expected.numCols == actual.numCols, "shape");
        for (int i = 0; i < expected.data.length; i++) {
            assertTrue(Math.abs(expected.data[i] - actual.data[i]) <= 1e-12 * (1 + Math.abs(expected.data[i])),
                    "element " + i + ": " + expected.data[i] + " vs " + actual.data[i]);
        }
    }

    @Test
    void productsAgreeWithEjml() {
        Random rng = new Random(4);
        // odd sizes exercise the unrolled loops' remainders
        DMatrixRMaj a = random(23, 37, rng), w = random(37, 13, rng), g = random(23, 13, rng), b = random(1, 13, rng);
        DMatrixRMaj out = new DMatrixRMaj(1, 1), expected = new DMatrixRMaj(1, 1);

        MatrixOps.affine(RowExecutor.SERIAL, a, w, b, out);
        CommonOps_DDRM.mult(a, w, expected);
        for (int i = 0; i < 23; i++) for (int j = 0; j < 13; j++) expected.add(i, j, b.get(0, j));
        assertClose(expected, out);

        MatrixOps.transposeTimes(RowExecutor.SERIAL, a, g, out);
        CommonOps_DDRM.multTransA(a, g, expected);
        assertClose(expected, out);

        MatrixOps.timesTranspose(RowExecutor.SERIAL, g, w, out);
        CommonOps_DDRM.multTransB(g, w, expected);
        assertClose(expected, out);
    }

    @Test
    void rowSplitsGiveBitIdenticalResults() {
        Random rng = new Random(5);
        DMatrixRMaj a = random(101, 97, rng), w = random(97, 51, rng), g = random(101, 51, rng);
        DMatrixRMaj s1 = new DMatrixRMaj(1, 1), s2 = new DMatrixRMaj(1, 1), s3 = new DMatrixRMaj(1, 1);
        try (RowExecutor two = RowExecutor.create(2); RowExecutor three = RowExecutor.create(3)) {
            MatrixOps.affine(RowExecutor.SERIAL, a, w, null, s1);
            MatrixOps.affine(two, a, w, null, s2);
            MatrixOps.affine(three, a, w, null, s3);
            assertArrayEquals(s1.data, s2.data, 0.0);
            assertArrayEquals(s1.data, s3.data, 0.0);

            MatrixOps.transposeTimes(RowExecutor.SERIAL, a, g, s1);
            MatrixOps.transposeTimes(two, a, g, s2);
            MatrixOps.transposeTimes(three, a, g, s3);
            assertArrayEquals(s1.data, s2.data, 0.0);
            assertArrayEquals(s1.data, s3.data, 0.0);

            MatrixOps.timesTranspose(RowExecutor.SERIAL, g, w, s1);
            MatrixOps.timesTranspose(three, g, w, s3);
            assertArrayEquals(s1.data, s3.data, 0.0);
        }
    }
}
