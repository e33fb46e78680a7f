package io.hpsearch.coordinator.sampling;

import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.FineRangeSpec;
import io.hpsearch.protocol.v1.ParamValue;
import io.hpsearch.protocol.v1.Parameter;
import io.hpsearch.protocol.v1.SearchSpace;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.hpsearch.coordinator.sampling.SamplersTest.choice;
import static io.hpsearch.coordinator.sampling.SamplersTest.log;
import static io.hpsearch.coordinator.sampling.SamplersTest.space;
import static io.hpsearch.coordinator.sampling.SamplersTest.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FineRangeTest {
    private static final double EPS = 1e-12;

    @Test
    void spanOfTheTopTrialsWidenedByTheMarginInLogSpace() {
        // axis: log10; values −3 and −2; w = 1; ±0.25 → [−3.25, −1.75]
        Dimension f = FineRange.narrow(log("lambda", 1e-5, 1e-1), new double[] {1e-3, 1e-2, 3e-3}, 0.25, 0.05);
        assertEquals(Math.pow(10, -3.25), f.getMin(), EPS);
        assertEquals(Math.pow(10, -1.75), f.getMax(), EPS);
        assertEquals(log("lambda", 1, 2).getScale(), f.getScale());
        assertEquals("lambda", f.getName());
    }

    @Test
    void clippedToTheCoarseRange() {
        // values −2 and −1 (the coarse top): [−2.25, −0.75] → clipped to [−2.25, −1]
        Dimension f = FineRange.narrow(log("lambda", 1e-5, 1e-1), new double[] {1e-2, 1e-1}, 0.25, 0.05);
        assertEquals(Math.pow(10, -2.25), f.getMin(), EPS);
        assertEquals(1e-1, f.getMax());
        // and at the bottom
        Dimension g = FineRange.narrow(log("lambda", 1e-5, 1e-1), new double[] {1e-5, 1e-4}, 0.5, 0.05);
        assertEquals(1e-5, g.getMin());
        assertEquals(Math.pow(10, -3.5), g.getMax(), EPS);
    }

    @Test
    void oneTrialGetsTheMinimumWidth() {
        // coarse width 4 decades, min width 0.05 → w = 0.2 around −3: [−3.1 − 0.05, −2.9 + 0.05]
        Dimension f = FineRange.narrow(log("lambda", 1e-5, 1e-1), new double[] {1e-3}, 0.25, 0.05);
        assertEquals(Math.pow(10, -3.15), f.getMin(), EPS);
        assertEquals(Math.pow(10, -2.85), f.getMax(), EPS);
        // at the edge: [−1.15, −0.85] clipped to [−1.15, −1]
        Dimension g = FineRange.narrow(log("lambda", 1e-5, 1e-1), new double[] {1e-1}, 0.25, 0.05);
        assertEquals(Math.pow(10, -1.15), g.getMin(), EPS);
        assertEquals(1e-1, g.getMax());
    }

    @Test
    void uniformDimensionsWorkOnTheLine() {
        // values 0.2, 0.4 → w = 0.2 → [0.15, 0.45]
        Dimension f = FineRange.narrow(uniform("m", 0, 1), new double[] {0.4, 0.2}, 0.25, 0.05);
        assertEquals(0.15, f.getMin(), EPS);
        assertEquals(0.45, f.getMax(), EPS);
        // zero margin, spread below the minimum width 0.1 of [0, 2]: w = 0.2 around 1.01
        Dimension g = FineRange.narrow(uniform("m", 0, 2), new double[] {1.0, 1.02}, 0, 0.1);
        assertEquals(0.91, g.getMin(), EPS);
        assertEquals(1.11, g.getMax(), EPS);
    }

    @Test
    void choicesKeepThoseOfTheTopTrialsInCoarseOrder() {
        Dimension f = FineRange.narrow(choice("batch", 25, 50, 100, 200), new double[] {200, 50, 200}, 0.25, 0.05);
        assertEquals(List.of(50.0, 200.0), f.getChoicesList());
    }

    @Test
    void fromResultsTakesTheFirstCompletedTopN() {
        SearchSpace coarse = space(log("lambda", 1e-5, 1e-1), uniform("m", 0, 1));
        List<TrialResult> ranked = List.of(
                result(TrialStatus.TRIAL_STATUS_COMPLETED, 1e-3, 0.5),
                result(TrialStatus.TRIAL_STATUS_COMPLETED, 1e-2, 0.7),
                result(TrialStatus.TRIAL_STATUS_DIVERGED, 1e-5, 0.0),   // not counted
                result(TrialStatus.TRIAL_STATUS_COMPLETED, 1e-4, 0.6),  // third completed: beyond top 2
                result(TrialStatus.TRIAL_STATUS_COMPLETED, 1e-1, 0.9));
        FineRangeSpec spec = FineRangeSpec.newBuilder().setFromPhase("coarse").setTopN(2).setMargin(0.25).setMinWidth(0.05).build();
        SearchSpace fine = FineRange.narrow(coarse, spec, ranked);
        assertEquals(Math.pow(10, -3.25), fine.getDimensions(0).getMin(), EPS);
        assertEquals(Math.pow(10, -1.75), fine.getDimensions(0).getMax(), EPS);
        assertEquals(0.45, fine.getDimensions(1).getMin(), EPS);
        assertEquals(0.75, fine.getDimensions(1).getMax(), EPS);
        // nothing completed: the coarse space unchanged
        assertSame(coarse, FineRange.narrow(coarse, spec, List.of(result(TrialStatus.TRIAL_STATUS_FAILED, 1e-3, 0.5))));
    }

    @Test
    void refusesBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> FineRange.narrow(log("l", 1e-5, 1), new double[0], 0.25, 0.05));
        assertThrows(IllegalArgumentException.class, () -> FineRange.narrow(log("l", 1e-5, 1), new double[] {1e-3}, -1, 0.05));
        assertThrows(IllegalArgumentException.class, () -> FineRange.narrow(log("l", 1e-5, 1), new double[] {1e-3}, 0.25, 0));
        assertThrows(IllegalArgumentException.class,
                () -> FineRange.narrow(space(log("lambda", 1e-5, 1)), List.of(List.of(param("other", 1))), 0.25, 0.05));
    }

    private static ParamValue param(String name, double v) {
        return ParamValue.newBuilder().setParameter(Parameter.PARAMETER_LAMBDA).setName(name).setValue(v).build();
    }

    private static TrialResult result(TrialStatus status, double lambda, double m) {
        return TrialResult.newBuilder().setStatus(status)
                .setValidation(Evaluation.newBuilder().setAccuracy(0.5))
                .addParams(param("lambda", lambda))
                .addParams(ParamValue.newBuilder().setParameter(Parameter.PARAMETER_MOMENTUM).setName("m").setValue(m))
                .build();
    }
}
