package io.hpsearch.coordinator.stats;

import io.hpsearch.protocol.v1.HistogramSummary;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LatencyHistogramTest {
    @Test
    void percentilesInMilliseconds() {
        LatencyHistogram h = new LatencyHistogram("x");
        assertEquals(HistogramSummary.newBuilder().setName("x").build(), h.summary());
        // 1..100 ms
        for (int i = 1; i <= 100; i++) h.recordNanos(i * 1_000_000L);
        h.recordNanos(-5); // counts as 0
        HistogramSummary s = h.summary();
        assertEquals(101, s.getCount());
        assertEquals(50.0, s.getP50Ms(), 0.05);
        assertEquals(90.0, s.getP90Ms(), 0.1);
        assertEquals(99.0, s.getP99Ms(), 0.1);
        assertEquals(100.0, s.getMaxMs(), 0.1);
        assertEquals(5050.0 / 101, s.getMeanMs(), 0.05);
        // an hour fits too (auto-resize)
        h.recordNanos(3_600_000_000_000L);
        assertEquals(3_600_000.0, h.summary().getMaxMs(), 3_600_000.0 * 1e-3);
    }
}
