package io.hpsearch.nn.train;

import io.hpsearch.nn.data.ImageShape;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HorizontalFlipTest {

    @Test
    void mirrorsEveryRowOfEveryChannelPlane() {
        ImageShape shape = new ImageShape(2, 2, 3);
        double[] image = {1, 2, 3, 4, 5, 6, /* channel 1 */ 7, 8, 9, 10, 11, 12};
        double[] row = image.clone();
        HorizontalFlip.flipRow(row, 0, shape);
        assertArrayEquals(new double[] {3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}, row, 0.0);
    }

    @Test
    void flipsAboutHalfTheSamples() {
        ImageShape shape = new ImageShape(1, 1, 2);
        int n = 2000;
        DMatrixRMaj batch = new DMatrixRMaj(n, 2);
        for (int i = 0; i < n; i++) {
            batch.set(i, 0, 0);
            batch.set(i, 1, 1);
        }
        HorizontalFlip.apply(batch, shape, new SplittableRandom(3));
        int flipped = 0;
        for (int i = 0; i < n; i++) if (batch.get(i, 0) == 1) flipped++;
        assertTrue(flipped > 900 && flipped < 1100, "flipped " + flipped);
    }
}
