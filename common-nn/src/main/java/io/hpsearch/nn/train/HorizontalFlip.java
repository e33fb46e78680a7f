package io.hpsearch.nn.train;

import io.hpsearch.nn.data.ImageShape;
import org.ejml.data.DMatrixRMaj;

import java.util.SplittableRandom;

/** Augmentation: mirror each image of a batch left-right with probability ½. */
public final class HorizontalFlip {
    private HorizontalFlip() {
    }

    /**
     * Flips rows of {@code batch} in place: for each sample one coin from {@code rng} (in row order),
     * and when it comes up, every row of every channel plane is reversed.
     */
    public static void apply(DMatrixRMaj batch, ImageShape shape, SplittableRandom rng) {
        if (batch.numCols != shape.size()) {
            throw new IllegalArgumentException("rows of " + batch.numCols + " values do not match image shape " + shape);
        }
        for (int i = 0; i < batch.numRows; i++) {
            if (rng.nextBoolean()) flipRow(batch.data, i * batch.numCols, shape);
        }
    }

    /**
     * The float twin of {@link #apply(DMatrixRMaj, ImageShape, SplittableRandom)}: flips rows
     * {@code [0, rows)} of the row-major batch at {@code data[0 ..]}, one coin per row in row order,
     * so both trainers flip the same samples for the same stream.
     */
    public static void apply(float[] data, int rows, ImageShape shape, SplittableRandom rng) {
        int size = shape.size();
        if ((long) rows * size > data.length) {
            throw new IllegalArgumentException(rows + " rows of " + size + " values exceed the batch buffer");
        }
        for (int i = 0; i < rows; i++) {
            if (rng.nextBoolean()) flipRow(data, i * size, shape);
        }
    }

    static void flipRow(float[] data, int offset, ImageShape shape) {
        int w = shape.width();
        for (int c = 0; c < shape.channels(); c++) {
            for (int y = 0; y < shape.height(); y++) {
                int row = offset + (c * shape.height() + y) * w;
                for (int a = row, b = row + w - 1; a < b; a++, b--) {
                    float t = data[a];
                    data[a] = data[b];
                    data[b] = t;
                }
            }
        }
    }

    /** Mirrors one sample starting at {@code offset}. */
    static void flipRow(double[] data, int offset, ImageShape shape) {
        int w = shape.width();
        for (int c = 0; c < shape.channels(); c++) {
            for (int y = 0; y < shape.height(); y++) {
                int row = offset + (c * shape.height() + y) * w;
                for (int a = row, b = row + w - 1; a < b; a++, b--) {
                    double t = data[a];
                    data[a] = data[b];
                    data[b] = t;
                }
            }
        }
    }
}
