package io.hpsearch.protocol;

import io.hpsearch.protocol.v1.ActorEnvelope;
import io.hpsearch.protocol.v1.BatchNormMode;
import io.hpsearch.protocol.v1.BnStatistics;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.DataSetKind;
import io.hpsearch.protocol.v1.DataUnavailable;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.InitKind;
import io.hpsearch.protocol.v1.OptimizerKind;
import io.hpsearch.protocol.v1.Parameter;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.SamplerKind;
import io.hpsearch.protocol.v1.Scale;
import io.hpsearch.protocol.v1.ScheduleSpec;
import io.hpsearch.protocol.v1.TrainingSpec;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.protocol.v1.TrialStatus;
import io.hpsearch.protocol.v1.WorkLease;
import io.hpsearch.protocol.v1.WorkRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads messages written by protocol v1 from checked-in bytes (src/test/resources/golden/v1) and
 * checks their fields against values written out here by hand.
 */
class GoldenBytesTest {
    private final ProtobufSerializer serializer = new ProtobufSerializer();

    private Object read(String fullName) throws IOException {
        try (InputStream in = GoldenBytesTest.class.getResourceAsStream("/golden/v1/" + fullName + ".bin")) {
            assertNotNull(in, "missing golden file for " + fullName);
            return serializer.fromBinary(in.readAllBytes(), fullName);
        }
    }

    @Test
    void campaignSpec() throws IOException {
        CampaignSpec c = (CampaignSpec) read("hpsearch.v1.CampaignSpec");
        assertTrue(c.getUnknownFields().asMap().isEmpty(), "fields became unknown: " + c.getUnknownFields());
        assertEquals("cifar10-3layer", c.getName());
        assertEquals(20240611L, c.getSeed());
        assertEquals(DataSetKind.DATA_SET_KIND_CIFAR10, c.getData().getKind());
        assertEquals(5000, c.getData().getValidationSize());
        assertEquals("ab12", c.getData().getFingerprint());
        assertEquals(List.of(50, 50), c.getNetwork().getHiddenList());
        assertEquals(BatchNormMode.BATCH_NORM_MODE_BEFORE_RELU, c.getNetwork().getBatchNorm());
        assertEquals(InitKind.INIT_KIND_HE, c.getNetwork().getInit().getKind());
        assertEquals(0.9, c.getNetwork().getBnAlpha());
        checkTraining(c.getTraining(), 0.005, 7);

        assertEquals(2, c.getSearch().getDimensionsCount());
        Dimension lambda = c.getSearch().getDimensions(0);
        assertEquals(Parameter.PARAMETER_LAMBDA, lambda.getParameter());
        assertEquals(Scale.SCALE_LOG_UNIFORM, lambda.getScale());
        assertEquals(1e-5, lambda.getMin());
        assertEquals(1e-1, lambda.getMax());
        assertEquals("lambda", lambda.getName());
        Dimension batch = c.getSearch().getDimensions(1);
        assertEquals(Parameter.PARAMETER_BATCH_SIZE, batch.getParameter());
        assertEquals(Scale.SCALE_CHOICE, batch.getScale());
        assertEquals(List.of(50.0, 100.0), batch.getChoicesList());

        assertEquals(2, c.getPhasesCount());
        PhaseSpec coarse = c.getPhases(0);
        assertEquals("coarse", coarse.getName());
        assertEquals(SamplerKind.SAMPLER_KIND_RANDOM, coarse.getSampler());
        assertEquals(20, coarse.getTrials());
        assertEquals(1, coarse.getCycles());
        assertFalse(coarse.hasFine());
        PhaseSpec fine = c.getPhases(1);
        assertEquals("fine", fine.getName());
        assertEquals(SamplerKind.SAMPLER_KIND_GRID, fine.getSampler());
        assertEquals(4, fine.getGridPoints());
        assertEquals(2, fine.getCycles());
        assertEquals("coarse", fine.getFine().getFromPhase());
        assertEquals(3, fine.getFine().getTopN());
        assertEquals(0.25, fine.getFine().getMargin());
        assertEquals(0.05, fine.getFine().getMinWidth());
        assertEquals(10, c.getTopK());
        assertEquals(3, c.getMaxAttempts());
        assertEquals("cifar10-3layer.conf", c.getSource());
    }

    private static void checkTraining(TrainingSpec t, double lambda, long seed) {
        assertEquals(lambda, t.getLambda());
        assertEquals(100, t.getBatchSize());
        assertEquals(0, t.getEpochs());
        assertEquals(ScheduleSpec.KindCase.CYCLICAL, t.getSchedule().getKindCase());
        assertEquals(1e-5, t.getSchedule().getCyclical().getEtaMin());
        assertEquals(1e-1, t.getSchedule().getCyclical().getEtaMax());
        assertEquals(0, t.getSchedule().getCyclical().getStepUpdates());
        assertEquals(5.0, t.getSchedule().getCyclical().getStepEpochs());
        assertEquals(2, t.getSchedule().getCyclical().getCycles());
        assertEquals(1.0, t.getSchedule().getCyclical().getMaxDecay());
        assertEquals(OptimizerKind.OPTIMIZER_KIND_SGD, t.getOptimizer().getKind());
        assertEquals(BnStatistics.BN_STATISTICS_PRECISE, t.getTestStatistics());
        assertEquals(10000, t.getPreciseSamples());
        assertTrue(t.getFlip());
        assertEquals(0, t.getTrainSubset());
        assertEquals(seed, t.getSeed());
        assertEquals(2, t.getThreads());
    }

    private static void checkTrialId(TrialId id) {
        assertEquals("cifar10-3layer", id.getCampaign());
        assertEquals("fine", id.getPhase());
        assertEquals(1, id.getPhaseOrdinal());
        assertEquals(13, id.getIndex());
    }

    private static void checkTrialSpec(TrialSpec t) {
        assertTrue(t.getUnknownFields().asMap().isEmpty());
        checkTrialId(t.getId());
        assertEquals(DataSetKind.DATA_SET_KIND_CIFAR10, t.getData().getKind());
        assertEquals(List.of(50, 50), t.getNetwork().getHiddenList());
        checkTraining(t.getTraining(), 0.0021, -4_611_686_018_427_387_904L);
        assertEquals(1, t.getParamsCount());
        assertEquals(Parameter.PARAMETER_LAMBDA, t.getParams(0).getParameter());
        assertEquals("lambda", t.getParams(0).getName());
        assertEquals(0.0021, t.getParams(0).getValue());
    }

    @Test
    void trialSpec() throws IOException {
        checkTrialSpec((TrialSpec) read("hpsearch.v1.TrialSpec"));
    }

    @Test
    void trialResult() throws IOException {
        TrialResult r = (TrialResult) read("hpsearch.v1.TrialResult");
        assertTrue(r.getUnknownFields().asMap().isEmpty());
        checkTrialId(r.getId());
        assertEquals(TrialStatus.TRIAL_STATUS_COMPLETED, r.getStatus());
        assertEquals(2, r.getCurvesCount());
        assertEquals(1, r.getCurves(0).getEpoch());
        assertEquals(450, r.getCurves(0).getUpdates());
        assertEquals(0.05, r.getCurves(0).getLearningRate());
        assertEquals(0.41, r.getCurves(0).getTrain().getAccuracy());
        assertEquals(1.7, r.getCurves(0).getValidation().getLoss());
        assertEquals(3.5, r.getCurves(0).getSeconds());
        assertEquals(2, r.getCurves(1).getEpoch());
        assertEquals(1e-5, r.getCurves(1).getLearningRate());
        assertEquals(1.5, r.getTrain().getCost());
        assertEquals(1.3, r.getTrain().getLoss());
        assertEquals(0.55, r.getTrain().getAccuracy());
        assertEquals(1.6, r.getValidation().getCost());
        assertEquals(1.4, r.getValidation().getLoss());
        assertEquals(0.52, r.getValidation().getAccuracy());
        assertEquals(1.61, r.getTest().getCost());
        assertEquals(1.41, r.getTest().getLoss());
        assertEquals(0.5321, r.getTest().getAccuracy());
        assertEquals(2, r.getEpochs());
        assertEquals(900, r.getUpdates());
        assertEquals(7.25, r.getSeconds());
        assertEquals("node-b:25520#1", r.getWorkerId());
        assertEquals("L-17", r.getLeaseId());
        assertEquals("", r.getError());
        assertEquals(0.0021, r.getParams(0).getValue());
        assertFalse(r.hasTestConfusion());
    }

    @Test
    void workLease() throws IOException {
        WorkLease l = (WorkLease) read("hpsearch.v1.WorkLease");
        assertEquals("L-17", l.getLeaseId());
        assertEquals(2, l.getAttempt());
        assertEquals(60_000, l.getLeaseMillis());
        checkTrialSpec(l.getTrial());
    }

    @Test
    void workRequest() throws IOException {
        WorkRequest w = (WorkRequest) read("hpsearch.v1.WorkRequest");
        assertEquals(3, w.getFreeSlots());
        assertEquals("node-b:25520#1", w.getWorker().getWorkerId());
        assertEquals("node-b", w.getWorker().getHost());
        assertEquals(4, w.getWorker().getSlots());
        assertEquals(1, w.getWorker().getThreadsPerTrial());
        assertEquals(8, w.getWorker().getCores());
        assertEquals(List.of("ab12"), w.getWorker().getDataFingerprintsList());
        assertEquals("0.1.0", w.getWorker().getVersion());
    }

    @Test
    void dataUnavailable() throws IOException {
        DataUnavailable d = (DataUnavailable) read("hpsearch.v1.DataUnavailable");
        assertTrue(d.getUnknownFields().asMap().isEmpty());
        assertEquals("node-b:25520#1", d.getWorker().getWorkerId());
        assertEquals(List.of("ab12"), d.getWorker().getDataFingerprintsList());
        assertEquals("cifar10-3layer", d.getCampaign());
        assertEquals("ab12", d.getFingerprint());
        assertEquals("no file /data/cifar-10-batches-bin/data_batch_1.bin", d.getError());
        assertEquals("L-17", d.getLeaseId());
    }

    @Test
    void actorEnvelope() throws IOException {
        ActorEnvelope e = (ActorEnvelope) read("hpsearch.v1.ActorEnvelope");
        assertTrue(e.getUnknownFields().asMap().isEmpty());
        assertEquals("akka://hpsearch@node-b:25520/user/worker#-1234567", e.getReplyTo());
        WorkRequest w = WorkRequest.parseFrom(e.getPayload());
        assertEquals(3, w.getFreeSlots());
        assertEquals("node-b:25520#1", w.getWorker().getWorkerId());
    }

    @Test
    void goldenBytesAreWhatTheCurrentSchemaWrites() throws IOException, NotSerializableException {
        // The golden values re-encode to the same bytes: encoding is stable too.
        for (var m : GoldenMessages.all()) {
            String name = m.getDescriptorForType().getFullName();
            try (InputStream in = GoldenBytesTest.class.getResourceAsStream("/golden/v1/" + name + ".bin")) {
                assertNotNull(in, name);
                byte[] golden = in.readAllBytes();
                assertEquals(m, serializer.fromBinary(golden, name), name);
            }
        }
    }
}
