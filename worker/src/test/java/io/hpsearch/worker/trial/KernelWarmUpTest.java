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
        assertTrue(KernelWarmUp.run(trial, data, 1) > 0);
        TrialSpec bad = trial.toBuilder().setNetwork(trial.getNetwork().toBuilder().addHidden(-3)).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelWarmUp.run(bad, data, 1));
        assertTrue(e.getMessage().contains("warm-up"), e.getMessage());
    }
}
