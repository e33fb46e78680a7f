package io.hpsearch.worker.trial;

import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.worker.TestTrials;
import io.hpsearch.worker.data.DataSetCache;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelWarmUpTest {
    @Test
    void trainsTheTrialsNetworkBrieflyAndFailsLoudlyOnABadSpec() {
        TrialSpec trial = TestTrials.blobsTrial("warm", 0, 50);
        DataSplit data = DataSetCache.inDirectory(null).get(trial.getData()).split();
        KernelWarmUp.Report warm = KernelWarmUp.run(trial, data, 1);
        assertTrue(warm.seconds() > 0);
        // a quiet round ends the warm-up only once the per-step methods had the calls to be compiled
        assertTrue(warm.steps() >= KernelWarmUp.MIN_STEPS || warm.seconds() >= KernelWarmUp.MAX_SECONDS, warm.toString());
        TrialSpec bad = trial.toBuilder().setNetwork(trial.getNetwork().toBuilder().addHidden(-3)).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelWarmUp.run(bad, data, 1));
        assertTrue(e.getMessage().contains("warm-up"), e.getMessage());
    }
}
