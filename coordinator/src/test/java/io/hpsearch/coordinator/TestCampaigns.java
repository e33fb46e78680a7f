package io.hpsearch.coordinator;

import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.ConstantSchedule;
import io.hpsearch.protocol.v1.DataSetKind;
import io.hpsearch.protocol.v1.DataSpec;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.FineRangeSpec;
import io.hpsearch.protocol.v1.NetworkSpec;
import io.hpsearch.protocol.v1.OptimizerKind;
import io.hpsearch.protocol.v1.OptimizerSpec;
import io.hpsearch.protocol.v1.ParamValue;
import io.hpsearch.protocol.v1.Parameter;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.SamplerKind;
import io.hpsearch.protocol.v1.Scale;
import io.hpsearch.protocol.v1.ScheduleSpec;
import io.hpsearch.protocol.v1.SearchSpace;
import io.hpsearch.protocol.v1.TrainingSpec;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import io.hpsearch.protocol.v1.WorkLease;

/** A small two-phase campaign and a stand-in "training" that scores a trial from its λ and η. */
public final class TestCampaigns {
    public static final String FINGERPRINT = "fp-synthetic-1";

    private TestCampaigns() {
    }

    public static CampaignSpec twoPhase(String name, long seed, int coarse, int fine) {
        return CampaignSpec.newBuilder()
                .setName(name)
                .setSeed(seed)
                .setData(DataSpec.newBuilder().setKind(DataSetKind.DATA_SET_KIND_SYNTHETIC).setValidationSize(100)
                        .setFingerprint(FINGERPRINT))
                .setNetwork(NetworkSpec.newBuilder().addHidden(10))
                .setTraining(TrainingSpec.newBuilder().setBatchSize(100).setEpochs(1).setThreads(1)
                        .setSchedule(ScheduleSpec.newBuilder().setConstant(ConstantSchedule.newBuilder().setEta(0.01)))
                        .setOptimizer(OptimizerSpec.newBuilder().setKind(OptimizerKind.OPTIMIZER_KIND_SGD)))
                .setSearch(SearchSpace.newBuilder()
                        .addDimensions(Dimension.newBuilder().setParameter(Parameter.PARAMETER_LAMBDA)
                                .setScale(Scale.SCALE_LOG_UNIFORM).setMin(1e-5).setMax(1e-1).setName("lambda"))
                        .addDimensions(Dimension.newBuilder().setParameter(Parameter.PARAMETER_ETA)
                                .setScale(Scale.SCALE_LOG_UNIFORM).setMin(1e-4).setMax(1.0).setName("eta")))
                .addPhases(PhaseSpec.newBuilder().setName("coarse").setSampler(SamplerKind.SAMPLER_KIND_RANDOM)
                        .setTrials(coarse))
                .addPhases(PhaseSpec.newBuilder().setName("fine").setSampler(SamplerKind.SAMPLER_KIND_RANDOM)
                        .setTrials(fine)
                        .setFine(FineRangeSpec.newBuilder().setFromPhase("coarse").setTopN(3).setMargin(0.25)
                                .setMinWidth(0.05)))
                .setTopK(5)
                .setMaxAttempts(3)
                .build();
    }

    static double param(WorkLease lease, String name) {
        for (ParamValue p : lease.getTrial().getParamsList()) if (p.getName().equals(name)) return p.getValue();
        throw new AssertionError("no " + name + " in " + lease.getTrial().getId());
    }

    /** The "trained" result: validation accuracy peaks at λ = 1e-3, η = 1e-2. */
    public static TrialResult train(WorkLease lease, String workerId) {
        double l = Math.log10(param(lease, "lambda")) + 3;
        double e = Math.log10(param(lease, "eta")) + 2;
        double acc = 0.9 - 0.03 * l * l - 0.04 * e * e;
        return TrialResult.newBuilder()
                .setId(lease.getTrial().getId())
                .setStatus(TrialStatus.TRIAL_STATUS_COMPLETED)
                .setValidation(Evaluation.newBuilder().setAccuracy(acc).setLoss(2 - acc).setCost(2.1 - acc))
                .setTest(Evaluation.newBuilder().setAccuracy(acc - 0.01))
                .setEpochs(1)
                .setWorkerId(workerId)
                .setLeaseId(lease.getLeaseId())
                .addAllParams(lease.getTrial().getParamsList())
                .build();
    }
}
