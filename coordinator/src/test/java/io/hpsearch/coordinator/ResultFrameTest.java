package io.hpsearch.coordinator;

import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.protocol.ClusterConfig;
import io.hpsearch.protocol.v1.ConfusionMatrix;
import io.hpsearch.protocol.v1.EpochMetrics;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.ParamValue;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker sends each trial's result in one remote message, and Artery drops a message larger than
 * its frame: the frame the nodes are configured with must hold the result of the longest trial a
 * campaign file allows, every number of every epoch set.
 */
class ResultFrameTest {
    @Test
    void theLongestTrialsResultFitsTheClustersFrame() {
        long frame = ClusterConfig.base().getBytes("akka.remote.artery.advanced.maximum-frame-size");
        Evaluation full = Evaluation.newBuilder().setCost(1.2345678901).setLoss(0.987654321).setAccuracy(0.8765432109).build();
        TrialResult.Builder r = TrialResult.newBuilder()
                .setId(TrialId.newBuilder().setCampaign("a-campaign-with-a-long-name-of-sixty-four-characters-0123456789")
                        .setPhase("fine-phase-with-a-long-name").setIndex(123_456))
                .setStatus(TrialStatus.TRIAL_STATUS_COMPLETED).setTrain(full).setValidation(full).setTest(full)
                .setEpochs(CampaignFile.MAX_EPOCHS).setUpdates(Long.MAX_VALUE / 3).setSeconds(123_456.789)
                .setWorkerId("255.255.255.255:65535#0123456789abcdef").setLeaseId("L-1234567890")
                .setTestConfusion(ConfusionMatrix.newBuilder().setClasses(100));
        for (int i = 0; i < 100 * 100; i++) r.getTestConfusionBuilder().addCounts(1_000_000L + i);
        for (int d = 0; d < 8; d++) r.addParams(ParamValue.newBuilder().setName("dimension-" + d).setValue(Math.PI * d));
        for (int e = 1; e <= CampaignFile.MAX_EPOCHS; e++) {
            r.addCurves(EpochMetrics.newBuilder().setEpoch(e).setUpdates(e * 5_500_000L).setLearningRate(0.1 / e)
                    .setTrain(full).setValidation(full).setSeconds(e * 12.345));
        }
        int size = r.build().getSerializedSize();
        // room for Artery's envelope (sender, recipient, serializer and manifest)
        assertTrue(size + 4_096 <= frame, "a result of " + CampaignFile.MAX_EPOCHS + " epochs takes " + size
                + " bytes; the frame is " + frame);
    }
}
