package io.hpsearch.nn.metrics;

/** counts[true class][predicted class]. */
public record ConfusionMatrix(int[][] counts) {
    public int classes() {
        return counts.length;
    }

    public long total() {
        long t = 0;
        for (int[] row : counts) for (int c : row) t += c;
        return t;
    }

    public double accuracy() {
        long right = 0;
        for (int i = 0; i < counts.length; i++) right += counts[i][i];
        long t = total();
        return t == 0 ? Double.NaN : (double) right / t;
    }
}
