package io.hpsearch.coordinator.dispatch;

import io.hpsearch.protocol.v1.TrialId;

/**
 * A trial's identity as a plain value, for hash keys. A protobuf {@link TrialId} works as a key
 * too, but its hashCode and equals go through protobuf's field reflection: slow on every new
 * instance, and tens of milliseconds the first time in a JVM, which the first dispatch of a
 * campaign used to pay while a worker waited.
 */
public record TrialKey(String campaign, int phaseOrdinal, int index) {
    public static TrialKey of(TrialId id) {
        return new TrialKey(id.getCampaign(), id.getPhaseOrdinal(), id.getIndex());
    }
}
