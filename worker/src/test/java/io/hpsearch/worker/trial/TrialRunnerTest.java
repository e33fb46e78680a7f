package io.hpsearch.worker.trial;

import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.protocol.v1.BatchNormMode;
import io.hpsearch.protocol.v1.EpochMetrics;
import io.hpsearch.protocol.v1.TrainingSpec;
import io.hpsearch.protocol.v1.TrialProgress;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.protocol.v1.TrialStatus;
import io.hpsearch.worker.TestTrials;
import io.hpsearch.worker.data.DataSetCache;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialRunnerTest {
    private static final DataSetCache DATA = DataSetCache.inDirectory(null);
    private static final TrialRunner RUNNER = new TrialRunner("test-worker", 1);

    private static DataSplit blobs() {
        return DATA.get(TestTrials.blobs()).split();
    }

    @Test
    void aTrialTrainsStreamsEachEpochAndReportsCompleted() {
        TrialSpec spec = TestTrials.blobsTrial("c1", 3, 3);
        List<TrialProgress> progress = new ArrayList<>();
        TrialResult r = RUNNER.run(spec, blobs(), "lease-7", progress::add);

        assertEquals(TrialStatus.TRIAL_STATUS_COMPLETED, r.getStatus(), r.getError());
        assertEquals(spec.getId(), r.getId());
        assertEquals("test-worker", r.getWorkerId());
        assertEquals("lease-7", r.getLeaseId());
        assertEquals(spec.getParamsList(), r.getParamsList());
        assertEquals("", r.getError());
        // 2500 training samples, batches of 50: 50 updates per epoch.
        assertEquals(3, r.getEpochs());
        assertEquals(150, r.getUpdates());
        assertTrue(r.getSeconds() > 0);
        assertTrue(r.getTest().getAccuracy() > 0.9, "test accuracy " + r.getTest().getAccuracy());
        assertTrue(r.getValidation().getAccuracy() > 0.9, "validation accuracy " + r.getValidation().getAccuracy());
        assertTrue(r.getCurves(2).getTrain().getLoss() < r.getCurves(0).getTrain().getLoss(), "loss falls");

        assertEquals(3, progress.size());
        for (int e = 0; e < 3; e++) {
            TrialProgress p = progress.get(e);
            assertEquals(spec.getId(), p.getId());
            assertEquals("lease-7", p.getLeaseId());
            assertEquals("test-worker", p.getWorkerId());
            assertEquals(e + 1, p.getEpoch().getEpoch());
            assertEquals(50L * (e + 1), p.getUpdatesDone());
            assertEquals(150, p.getUpdatesTotal());
            assertEquals(0.02, p.getEpoch().getLearningRate(), 0.0);
            assertEquals(r.getCurves(e), p.getEpoch());
        }

        assertEquals(4, r.getTestConfusion().getClasses());
        long total = 0, right = 0;
        for (int i = 0; i < 16; i++) {
            total += r.getTestConfusion().getCounts(i);
            if (i % 5 == 0) right += r.getTestConfusion().getCounts(i);
        }
        assertEquals(1000, total);
        assertEquals(r.getTest().getAccuracy(), (double) right / total, 1e-12);
    }

    @Test
    void theTrainSubsetComesFromTheTrainingSpec() {
        TrialSpec spec = TestTrials.trial("c1", 0, TestTrials.blobs(),
                TestTrials.network(BatchNormMode.BATCH_NORM_MODE_BEFORE_RELU, 16), TestTrials.training(1e-4, 0.02, 2, 50, 1000));
        List<TrialProgress> progress = new ArrayList<>();
        TrialResult r = RUNNER.run(spec, blobs(), "", progress::add);
        assertEquals(TrialStatus.TRIAL_STATUS_COMPLETED, r.getStatus(), r.getError());
        assertEquals(40, r.getUpdates());
        assertEquals(40, progress.get(0).getUpdatesTotal());
    }

    @Test
    void aDivergingTrialIsAResultNotAFailure() {
        // No BN, λ = 0.1 and η = 100: every update multiplies the weights by about −19.
        TrainingSpec training = TestTrials.training(0.1, 100, 50, 50, 0).toBuilder()
                .setOptimizer(io.hpsearch.protocol.v1.OptimizerSpec.newBuilder()
                        .setKind(io.hpsearch.protocol.v1.OptimizerKind.OPTIMIZER_KIND_SGD)).build();
        TrialSpec spec = TestTrials.trial("c1", 1, TestTrials.blobs(),
                TestTrials.network(BatchNormMode.BATCH_NORM_MODE_OFF, 16), training);
        TrialResult r = RUNNER.run(spec, blobs(), "l", p -> { });
        assertEquals(TrialStatus.TRIAL_STATUS_DIVERGED, r.getStatus());
        assertEquals("", r.getError());
        assertTrue(r.getUpdates() < 50 * 50, "stopped early: " + r.getUpdates());
        for (EpochMetrics m : r.getCurvesList()) assertTrue(Double.isFinite(m.getTrain().getCost()));
    }

    @Test
    void aSpecTheWorkerCannotRunFailsWithItsMessage() {
        TrialSpec noSchedule = TestTrials.blobsTrial("c1", 2, 1).toBuilder()
                .setTraining(TestTrials.training(0, 0.02, 1, 50, 0).toBuilder().clearSchedule()).build();
        TrialResult r = RUNNER.run(noSchedule, blobs(), "l", p -> { });
        assertEquals(TrialStatus.TRIAL_STATUS_FAILED, r.getStatus());
        assertEquals("training.schedule: not set", r.getError());
        assertEquals(noSchedule.getId(), r.getId());
        assertEquals(noSchedule.getParamsList(), r.getParamsList());

        TrialSpec flipOnVectors = TestTrials.blobsTrial("c1", 2, 1).toBuilder()
                .setTraining(TestTrials.training(0, 0.02, 1, 50, 0).toBuilder().setFlip(true)).build();
        TrialResult f = RUNNER.run(flipOnVectors, blobs(), "l", p -> { });
        assertEquals(TrialStatus.TRIAL_STATUS_FAILED, f.getStatus());
        assertTrue(f.getError().contains("flip needs image data"), f.getError());
    }

    @Test
    void anExceptionDuringTrainingFailsTheTrialWithItsMessage() {
        TrialResult r = RUNNER.run(TestTrials.blobsTrial("c1", 4, 3), blobs(), "l", p -> {
            if (p.getEpoch().getEpoch() == 2) throw new IllegalStateException("disk full");
        });
        assertEquals(TrialStatus.TRIAL_STATUS_FAILED, r.getStatus());
        assertEquals("java.lang.IllegalStateException: disk full", r.getError());
        assertEquals(2, r.getCurvesCount(), "epochs done before the failure are kept");
        assertEquals(2, r.getEpochs());
    }

    @Test
    void anInterruptedTrialIsCancelledWithTheEpochsItFinished() throws Exception {
        TrialResult[] out = new TrialResult[1];
        Thread t = new Thread(() -> out[0] = RUNNER.run(TestTrials.blobsTrial("c1", 5, 20), blobs(), "l", p -> {
            // As the worker does to cancel: interrupt the training thread.
            if (p.getEpoch().getEpoch() == 1) Thread.currentThread().interrupt();
        }));
        t.start();
        t.join(60_000);
        assertFalse(t.isAlive());
        assertEquals(TrialStatus.TRIAL_STATUS_CANCELLED, out[0].getStatus());
        assertEquals(1, out[0].getCurvesCount());
        assertEquals(1, out[0].getEpochs());
        assertEquals(50, out[0].getUpdates());
    }

    @Test
    void learnsFashionMnistFromASmallSubset() {
        TrialSpec spec = TestTrials.trial("fmnist", 0, TestTrials.fashionMnist(5000),
                TestTrials.network(BatchNormMode.BATCH_NORM_MODE_BEFORE_RELU, 50), TestTrials.training(1e-4, 0.02, 2, 100, 5000));
        List<TrialProgress> progress = new ArrayList<>();
        TrialResult r = new TrialRunner("w", 2).run(spec, DATA.get(spec.getData()).split(), "", progress::add);
        assertEquals(TrialStatus.TRIAL_STATUS_COMPLETED, r.getStatus(), r.getError());
        assertEquals(100, r.getUpdates());
        assertEquals(2, progress.size());
        // Ten classes: chance is 10 %; a [50] network sees 5000 images twice.
        assertTrue(r.getValidation().getAccuracy() > 0.75, "validation accuracy " + r.getValidation().getAccuracy());
        assertTrue(r.getTest().getAccuracy() > 0.75, "test accuracy " + r.getTest().getAccuracy());
        assertEquals(10, r.getTestConfusion().getClasses());
        assertEquals(10_000, r.getTestConfusion().getCountsList().stream().mapToLong(Long::longValue).sum());
    }
}
