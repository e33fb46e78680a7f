package io.hpsearch.coordinator.stats;

import io.hpsearch.protocol.v1.HistogramSummary;
import org.HdrHistogram.Histogram;

/**
 * One HdrHistogram of durations, recorded in microseconds (3 significant digits, auto-resizing,
 * so hour-long trials and microsecond dispatches fit in one histogram). Not thread-safe: it is
 * owned by one actor; {@link #summary} copies the figures out.
 */
public final class LatencyHistogram {
    private final String name;
    private final Histogram histogram = new Histogram(3);

    public LatencyHistogram(String name) {
        this.name = name;
        histogram.setAutoResize(true);
    }

    public String name() {
        return name;
    }

    /** Records one duration; a negative one (a clock that went back) counts as 0. */
    public void recordNanos(long nanos) {
        histogram.recordValue(Math.max(0, nanos) / 1_000);
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /** p50/p90/p99/max/mean in milliseconds (all 0 when empty). */
    public HistogramSummary summary() {
        HistogramSummary.Builder b = HistogramSummary.newBuilder().setName(name).setCount(histogram.getTotalCount());
        if (histogram.getTotalCount() > 0) {
            b.setP50Ms(ms(histogram.getValueAtPercentile(50)))
                    .setP90Ms(ms(histogram.getValueAtPercentile(90)))
                    .setP99Ms(ms(histogram.getValueAtPercentile(99)))
                    .setMaxMs(ms(histogram.getMaxValue()))
                    .setMeanMs(histogram.getMean() / 1_000.0);
        }
        return b.build();
    }

    private static double ms(long micros) {
        return micros / 1_000.0;
    }
}
