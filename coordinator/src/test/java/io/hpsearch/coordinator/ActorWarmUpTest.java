package io.hpsearch.coordinator;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ActorWarmUpTest {
    @Test
    void theWarmUpCampaignRunsToItsEndThroughTheSerializers() {
        long start = System.nanoTime();
        // every trial of both phases leased, reported (its messages serialized and back) and recorded
        assertEquals(ActorWarmUp.TRIALS, ActorWarmUp.run());
        System.out.printf("actor warm-up: %d trials in %.2f s%n", ActorWarmUp.TRIALS, (System.nanoTime() - start) / 1e9);
    }
}
