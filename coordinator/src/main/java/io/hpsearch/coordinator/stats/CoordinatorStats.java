package io.hpsearch.coordinator.stats;

import io.hpsearch.protocol.v1.HistogramSummary;

import java.util.List;

/**
 * The coordinator's three latency histograms. Durations are differences of the coordinator's
 * injected nano clock:
 * <ul>
 *   <li>{@value #TRIAL_DURATION}: lease sent → result received (one per recorded result of a
 *       leased trial);</li>
 *   <li>{@value #QUEUE_WAIT}: trial queued (or re-queued) → leased;</li>
 *   <li>{@value #DISPATCH_LATENCY}: the later of (a worker's work request received, the trial
 *       queued) → the lease sent; so a request parked while there was no trial to lease counts
 *       from the moment a trial arrived (one value per lease).</li>
 * </ul>
 */
public final class CoordinatorStats {
    public static final String TRIAL_DURATION = "trial_duration";
    public static final String QUEUE_WAIT = "queue_wait";
    public static final String DISPATCH_LATENCY = "dispatch_latency";

    public final LatencyHistogram trialDuration = new LatencyHistogram(TRIAL_DURATION);
    public final LatencyHistogram queueWait = new LatencyHistogram(QUEUE_WAIT);
    public final LatencyHistogram dispatchLatency = new LatencyHistogram(DISPATCH_LATENCY);

    /** Summaries in a fixed order: trial duration, queue wait, dispatch latency. */
    public List<HistogramSummary> summaries() {
        return List.of(trialDuration.summary(), queueWait.summary(), dispatchLatency.summary());
    }
}
