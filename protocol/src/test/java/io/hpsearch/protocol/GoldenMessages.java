package io.hpsearch.protocol;

import com.google.protobuf.Message;
import io.hpsearch.protocol.v1.ActorEnvelope;
import io.hpsearch.protocol.v1.BatchNormMode;
import io.hpsearch.protocol.v1.BnStatistics;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CyclicalSchedule;
import io.hpsearch.protocol.v1.DataSetKind;
import io.hpsearch.protocol.v1.DataSpec;
import io.hpsearch.protocol.v1.DataUnavailable;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.EpochMetrics;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.FineRangeSpec;
import io.hpsearch.protocol.v1.InitKind;
import io.hpsearch.protocol.v1.InitSpec;
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
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.protocol.v1.TrialStatus;
import io.hpsearch.protocol.v1.WorkLease;
import io.hpsearch.protocol.v1.WorkRequest;
import io.hpsearch.protocol.v1.WorkerInfo;

import java.util.List;

/**
 * The representative messages whose v1 encodings are checked in under
 * {@code src/test/resources/golden/v1/<full name>.bin}. {@link GoldenBytesTest} parses those files
 * and checks field values written out by hand, so a schema change that alters how old bytes read
 * (a renumbered field, a changed type) fails it.
 *
 * <p>The files were generated once, with this version of the schema. Do not regenerate them to make
 * the test pass after a schema change: that defeats the test. Regenerate only when a deliberately
 * new golden set is wanted (a new version directory, e.g. {@code golden/v2}):
 * <pre>
 * mvn -Dbuild.dirname=target-proto -pl protocol -am test -Dtest=GoldenBytesWriter \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dhpsearch.golden.write=src/test/resources/golden/v1
 * </pre>
 * (the path is relative to the protocol module; an existing file is not overwritten).
 */
final class GoldenMessages {
    private GoldenMessages() {
    }

    static List<Message> all() {
        return List.of(campaignSpec(), trialSpec(), trialResult(), workLease(), workRequest(), dataUnavailable(),
                actorEnvelope());
    }

    static TrainingSpec training() {
        return TrainingSpec.newBuilder()
                .setLambda(0.005)
                .setBatchSize(100)
                .setEpochs(0)
                .setSchedule(ScheduleSpec.newBuilder().setCyclical(CyclicalSchedule.newBuilder()
                        .setEtaMin(1e-5).setEtaMax(1e-1).setStepEpochs(5).setCycles(2).setMaxDecay(1.0)))
                .setOptimizer(OptimizerSpec.newBuilder().setKind(OptimizerKind.OPTIMIZER_KIND_SGD))
                .setTestStatistics(BnStatistics.BN_STATISTICS_PRECISE)
                .setPreciseSamples(10000)
                .setFlip(true)
                .setTrainSubset(0)
                .setSeed(7)
                .setThreads(2)
                .build();
    }

    static CampaignSpec campaignSpec() {
        return CampaignSpec.newBuilder()
                .setName("cifar10-3layer")
                .setSeed(20240611L)
                .setData(DataSpec.newBuilder().setKind(DataSetKind.DATA_SET_KIND_CIFAR10).setValidationSize(5000)
                        .setFingerprint("ab12"))
                .setNetwork(NetworkSpec.newBuilder().addHidden(50).addHidden(50)
                        .setBatchNorm(BatchNormMode.BATCH_NORM_MODE_BEFORE_RELU)
                        .setInit(InitSpec.newBuilder().setKind(InitKind.INIT_KIND_HE)).setBnAlpha(0.9))
                .setTraining(training())
                .setSearch(SearchSpace.newBuilder()
                        .addDimensions(Dimension.newBuilder().setParameter(Parameter.PARAMETER_LAMBDA)
                                .setScale(Scale.SCALE_LOG_UNIFORM).setMin(1e-5).setMax(1e-1).setName("lambda"))
                        .addDimensions(Dimension.newBuilder().setParameter(Parameter.PARAMETER_BATCH_SIZE)
                                .setScale(Scale.SCALE_CHOICE).addChoices(50).addChoices(100).setName("batch")))
                .addPhases(PhaseSpec.newBuilder().setName("coarse").setSampler(SamplerKind.SAMPLER_KIND_RANDOM)
                        .setTrials(20).setCycles(1))
                .addPhases(PhaseSpec.newBuilder().setName("fine").setSampler(SamplerKind.SAMPLER_KIND_GRID)
                        .setTrials(0).setGridPoints(4).setCycles(2)
                        .setFine(FineRangeSpec.newBuilder().setFromPhase("coarse").setTopN(3).setMargin(0.25)
                                .setMinWidth(0.05)))
                .setTopK(10)
                .setMaxAttempts(3)
                .setSource("cifar10-3layer.conf")
                .build();
    }

    static TrialId trialId() {
        return TrialId.newBuilder().setCampaign("cifar10-3layer").setPhase("fine").setPhaseOrdinal(1).setIndex(13)
                .build();
    }

    static TrialSpec trialSpec() {
        CampaignSpec c = campaignSpec();
        return TrialSpec.newBuilder()
                .setId(trialId())
                .setData(c.getData())
                .setNetwork(c.getNetwork())
                .setTraining(training().toBuilder().setLambda(0.0021).setSeed(-4_611_686_018_427_387_904L))
                .addParams(ParamValue.newBuilder().setParameter(Parameter.PARAMETER_LAMBDA).setName("lambda")
                        .setValue(0.0021))
                .build();
    }

    static TrialResult trialResult() {
        return TrialResult.newBuilder()
                .setId(trialId())
                .setStatus(TrialStatus.TRIAL_STATUS_COMPLETED)
                .addCurves(EpochMetrics.newBuilder().setEpoch(1).setUpdates(450).setLearningRate(0.05)
                        .setTrain(Evaluation.newBuilder().setCost(1.9).setLoss(1.6).setAccuracy(0.41))
                        .setValidation(Evaluation.newBuilder().setCost(2.0).setLoss(1.7).setAccuracy(0.39))
                        .setSeconds(3.5))
                .addCurves(EpochMetrics.newBuilder().setEpoch(2).setUpdates(900).setLearningRate(1e-5)
                        .setTrain(Evaluation.newBuilder().setCost(1.5).setLoss(1.3).setAccuracy(0.55))
                        .setValidation(Evaluation.newBuilder().setCost(1.6).setLoss(1.4).setAccuracy(0.52))
                        .setSeconds(7.25))
                .setTrain(Evaluation.newBuilder().setCost(1.5).setLoss(1.3).setAccuracy(0.55))
                .setValidation(Evaluation.newBuilder().setCost(1.6).setLoss(1.4).setAccuracy(0.52))
                .setTest(Evaluation.newBuilder().setCost(1.61).setLoss(1.41).setAccuracy(0.5321))
                .setEpochs(2)
                .setUpdates(900)
                .setSeconds(7.25)
                .setWorkerId("node-b:25520#1")
                .setLeaseId("L-17")
                .addParams(ParamValue.newBuilder().setParameter(Parameter.PARAMETER_LAMBDA).setName("lambda")
                        .setValue(0.0021))
                .build();
    }

    static WorkLease workLease() {
        return WorkLease.newBuilder().setLeaseId("L-17").setTrial(trialSpec()).setAttempt(2).setLeaseMillis(60_000)
                .build();
    }

    static WorkRequest workRequest() {
        return WorkRequest.newBuilder()
                .setWorker(WorkerInfo.newBuilder().setWorkerId("node-b:25520#1").setHost("node-b").setSlots(4)
                        .setThreadsPerTrial(1).setCores(8).addDataFingerprints("ab12").setVersion("0.1.0"))
                .setFreeSlots(3)
                .build();
    }

    static DataUnavailable dataUnavailable() {
        return DataUnavailable.newBuilder()
                .setWorker(workRequest().getWorker())
                .setCampaign("cifar10-3layer")
                .setFingerprint("ab12")
                .setError("no file /data/cifar-10-batches-bin/data_batch_1.bin")
                .setLeaseId("L-17")
                .build();
    }

    /** The envelope of a RequestWork record: the worker's ref, the WorkRequest as payload. */
    static ActorEnvelope actorEnvelope() {
        return ActorEnvelope.newBuilder()
                .setReplyTo("akka://hpsearch@node-b:25520/user/worker#-1234567")
                .setPayload(workRequest().toByteString())
                .build();
    }
}
