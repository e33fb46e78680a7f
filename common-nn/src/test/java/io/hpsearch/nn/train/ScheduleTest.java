package io.hpsearch.nn.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScheduleTest {

    @Test
    void cyclicalRateAtKnownPoints() {
        ScheduleConfig.Cyclical clr = new ScheduleConfig.Cyclical(1e-5, 1e-1, 500, 0, 2, 1.0);
        assertEquals(1e-5, clr.rate(0, 100), 1e-15);
        assertEquals(1e-5 + 0.5 * (1e-1 - 1e-5), clr.rate(250, 100), 1e-15);
        assertEquals(1e-1, clr.rate(500, 100), 1e-15);
        assertEquals(1e-5 + 0.5 * (1e-1 - 1e-5), clr.rate(750, 100), 1e-15);
        assertEquals(1e-5, clr.rate(1000, 100), 1e-15);
        assertEquals(1e-1, clr.rate(1500, 100), 1e-15);
        assertEquals(2000, clr.totalUpdates(100));
    }

    @Test
    void cyclicalStepInEpochsAndPeakDecay() {
        // n_s = 2 epochs of 45 updates = 90; the second cycle peaks at η_min + (η_max − η_min)/2
        ScheduleConfig.Cyclical clr = new ScheduleConfig.Cyclical(0.01, 0.1, 0, 2.0, 3, 0.5);
        assertEquals(90, clr.stepSize(45));
        assertEquals(0.1, clr.rate(90, 45), 1e-15);
        assertEquals(0.01, clr.rate(180, 45), 1e-15);
        assertEquals(0.055, clr.rate(270, 45), 1e-15);
        assertEquals(0.0325, clr.rate(450, 45), 1e-15);
        assertEquals(540, clr.totalUpdates(45));
    }

    @Test
    void stepDecayAndConstant() {
        ScheduleConfig.StepDecay step = new ScheduleConfig.StepDecay(0.1, 0.5, 2);
        assertEquals(0.1, step.rate(19, 10), 1e-15);
        assertEquals(0.05, step.rate(20, 10), 1e-15);
        assertEquals(0.025, step.rate(45, 10), 1e-15);
        assertEquals(0.3, new ScheduleConfig.Constant(0.3).rate(12345, 7), 0.0);
    }
}
