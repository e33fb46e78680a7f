package io.hpsearch.worker;

import io.hpsearch.protocol.v1.BatchNormMode;
import io.hpsearch.protocol.v1.BnStatistics;
import io.hpsearch.protocol.v1.ConstantSchedule;
import io.hpsearch.protocol.v1.DataSetKind;
import io.hpsearch.protocol.v1.DataSpec;
import io.hpsearch.protocol.v1.InitKind;
import io.hpsearch.protocol.v1.InitSpec;
import io.hpsearch.protocol.v1.NetworkSpec;
import io.hpsearch.protocol.v1.OptimizerKind;
import io.hpsearch.protocol.v1.OptimizerSpec;
import io.hpsearch.protocol.v1.Parameter;
import io.hpsearch.protocol.v1.ParamValue;
import io.hpsearch.protocol.v1.ScheduleSpec;
import io.hpsearch.protocol.v1.SyntheticData;
import io.hpsearch.protocol.v1.TrainingSpec;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialSpec;

/** Trial specs for the tests, built the way the coordinator builds them (every field set). */
public final class TestTrials {
    private TestTrials() {
    }

    /** Well-separated Gaussian blobs: 3000 training (500 of them validation), 1000 test, 32 features, 4 classes. */
    public static DataSpec blobs() {
        return DataSpec.newBuilder().setKind(DataSetKind.DATA_SET_KIND_SYNTHETIC).setValidationSize(500)
                .setSynthetic(SyntheticData.newBuilder().setTrainSamples(3000).setTestSamples(1000).setDim(32)
                        .setClasses(4).setClustersPerClass(1).setSeparation(6.0).setSeed(11))
                .build();
    }

    public static DataSpec fashionMnist(int validation) {
        return DataSpec.newBuilder().setKind(DataSetKind.DATA_SET_KIND_FASHION_MNIST).setValidationSize(validation).build();
    }

    public static NetworkSpec network(BatchNormMode bn, int... hidden) {
        NetworkSpec.Builder b = NetworkSpec.newBuilder().setBatchNorm(bn)
                .setInit(InitSpec.newBuilder().setKind(InitKind.INIT_KIND_HE)).setBnAlpha(0.9);
        for (int h : hidden) b.addHidden(h);
        return b.build();
    }

    /** SGD with momentum, constant η, EMA statistics. */
    public static TrainingSpec training(double lambda, double eta, int epochs, int batch, int trainSubset) {
        return TrainingSpec.newBuilder().setLambda(lambda).setBatchSize(batch).setEpochs(epochs)
                .setSchedule(ScheduleSpec.newBuilder().setConstant(ConstantSchedule.newBuilder().setEta(eta)))
                .setOptimizer(OptimizerSpec.newBuilder().setKind(OptimizerKind.OPTIMIZER_KIND_MOMENTUM).setMomentum(0.9))
                .setTestStatistics(BnStatistics.BN_STATISTICS_MOVING_AVERAGE).setPreciseSamples(1000)
                .setTrainSubset(trainSubset).setSeed(5).setThreads(1).build();
    }

    public static TrialSpec trial(String campaign, int index, DataSpec data, NetworkSpec network, TrainingSpec training) {
        return TrialSpec.newBuilder()
                .setId(TrialId.newBuilder().setCampaign(campaign).setPhase("coarse").setPhaseOrdinal(0).setIndex(index))
                .setData(data).setNetwork(network).setTraining(training)
                .addParams(ParamValue.newBuilder().setParameter(Parameter.PARAMETER_LAMBDA).setName("lambda")
                        .setValue(training.getLambda()))
                .addParams(ParamValue.newBuilder().setParameter(Parameter.PARAMETER_ETA).setName("eta")
                        .setValue(training.getSchedule().getConstant().getEta()))
                .build();
    }

    /** A quick trial on {@link #blobs()}: [16] BN network, a few epochs, learns to well over 90 %. */
    public static TrialSpec blobsTrial(String campaign, int index, int epochs) {
        return trial(campaign, index, blobs(), network(BatchNormMode.BATCH_NORM_MODE_BEFORE_RELU, 16),
                training(1e-4, 0.02, epochs, 50, 0));
    }
}
