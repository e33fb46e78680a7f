package io.hpsearch.coordinator.state;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WarmUpTest {
    @Test
    void everyTrialOfBothPhasesIsDispatchedAndRecorded() {
        assertEquals(200, WarmUp.run(200));
        assertEquals(3, WarmUp.run(3));
    }
}
