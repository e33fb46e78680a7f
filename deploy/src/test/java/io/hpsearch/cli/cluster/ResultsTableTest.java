package io.hpsearch.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.ParamValue;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.SearchSpace;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsTableTest {
    private static TrialResult result(String phase, int index, double lambda, double etaMin, double val,
                                      TrialStatus status) {
        return TrialResult.newBuilder()
                .setId(TrialId.newBuilder().setCampaign("c").setPhase(phase).setIndex(index))
                .setStatus(status)
                .addParams(ParamValue.newBuilder().setName("lambda").setValue(lambda))
                .addParams(ParamValue.newBuilder().setName("eta-min").setValue(etaMin))
                .setTrain(Evaluation.newBuilder().setAccuracy(0.9)).setValidation(Evaluation.newBuilder().setAccuracy(val))
                .setTest(Evaluation.newBuilder().setAccuracy(Double.NaN))
                .setEpochs(4).setSeconds(12.25).setWorkerId("10.0.0.2:25521#3fa2").build();
    }

    private static ResultsTable table() {
        TopKAnswer answer = TopKAnswer.newBuilder().setCampaign("c")
                .addRanked(result("fine", 2, 0.0031, 1e-5, 0.875, TrialStatus.TRIAL_STATUS_COMPLETED))
                .addRanked(result("coarse", 0, 1e-4, 2e-5, 0.5, TrialStatus.TRIAL_STATUS_DIVERGED)).setTotal(2).build();
        // the status's space gives the dimensions' order, which the params need not follow
        CampaignStatus status = CampaignStatus.newBuilder().setCampaign("c").addPhases(PhaseStatus.newBuilder()
                .setName("coarse").setSpace(SearchSpace.newBuilder()
                        .addDimensions(Dimension.newBuilder().setName("eta-min"))
                        .addDimensions(Dimension.newBuilder().setName("lambda")))).build();
        return ResultsTable.of(answer, status);
    }

    @Test
    void jsonIsOneArrayWithSnakeCaseKeysInColumnOrder() throws Exception {
        JsonNode rows = new ObjectMapper().readTree(table().format(ResultsTable.Format.JSON));
        assertTrue(rows.isArray());
        assertEquals(2, rows.size());
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = rows.get(0).fieldNames(); it.hasNext(); ) keys.add(it.next());
        assertEquals(List.of("rank", "trial", "phase", "eta_min", "lambda", "train_acc", "val_acc", "test_acc",
                "epochs", "seconds", "worker", "status"), keys);
        JsonNode first = rows.get(0);
        assertEquals(1, first.get("rank").asInt());
        assertEquals("fine#2", first.get("trial").asText());
        assertEquals("fine", first.get("phase").asText());
        assertEquals(0.0031, first.get("lambda").asDouble(), 0);
        assertEquals(1e-5, first.get("eta_min").asDouble(), 0);
        assertEquals(0.875, first.get("val_acc").asDouble(), 0);
        assertTrue(first.get("test_acc").isNull(), "NaN is written as null");
        assertEquals(4, first.get("epochs").asInt());
        assertEquals(12.25, first.get("seconds").asDouble(), 0);
        assertEquals("10.0.0.2:25521", first.get("worker").asText());
        assertEquals("completed", first.get("status").asText());
        assertEquals("diverged", rows.get(1).get("status").asText());
        assertEquals(2, rows.get(1).get("rank").asInt());
    }

    @Test
    void wholeSearchedValuesAreWrittenAsWholeNumbersInEveryFormat() throws Exception {
        // e.g. a searched batch size: 100000 read "1.000e+05" in the table and "100000.0" in CSV
        TopKAnswer answer = TopKAnswer.newBuilder().setCampaign("c")
                .addRanked(result("coarse", 0, 100_000, 0.5, 0.8, TrialStatus.TRIAL_STATUS_COMPLETED)).setTotal(1).build();
        ResultsTable t = ResultsTable.of(answer, null);
        assertEquals("1,coarse#0,coarse,100000,0.5,0.9,0.8,NaN,4,12.25,10.0.0.2:25521,completed",
                t.format(ResultsTable.Format.CSV).lines().toList().get(1));
        JsonNode row = new ObjectMapper().readTree(t.format(ResultsTable.Format.JSON)).get(0);
        assertTrue(row.get("lambda").isIntegralNumber() && row.get("lambda").asLong() == 100_000, row.toString());
        assertTrue(row.get("eta_min").isDouble(), row.toString());
        String table = t.format(ResultsTable.Format.TABLE);
        assertTrue(table.contains(" 100000 ") && table.contains(" 0.5000 "), table);
    }

    @Test
    void csvHasTheSameKeysAndExactNumbers() {
        List<String> lines = table().format(ResultsTable.Format.CSV).lines().toList();
        assertEquals("rank,trial,phase,eta_min,lambda,train_acc,val_acc,test_acc,epochs,seconds,worker,status", lines.get(0));
        assertEquals("1,fine#2,fine,1.0E-5,0.0031,0.9,0.875,NaN,4,12.25,10.0.0.2:25521,completed", lines.get(1));
        assertEquals(3, lines.size());
    }

    @Test
    void markdownIsAPipeTableWithNumbersRightAligned() {
        List<String> lines = table().format(ResultsTable.Format.MARKDOWN).lines().toList();
        assertEquals(4, lines.size());
        assertTrue(lines.get(0).matches("\\| rank \\| trial +\\| phase +\\| eta-min +\\| lambda +\\| train acc \\|.*\\| status +\\|"),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("| ---: | -------- | ------ | --------: |"), lines.get(1));
        for (String l : lines) assertTrue(l.startsWith("|") && l.endsWith("|"), l);
        assertTrue(lines.get(2).contains("| fine#2 "), lines.get(2));
        assertTrue(lines.get(2).contains(" 0.8750 | "), lines.get(2));
    }

    @Test
    void textTableAlignsColumnsAndRoundsForReading() {
        List<String> lines = table().format(ResultsTable.Format.TABLE).lines().toList();
        assertEquals(4, lines.size());
        assertTrue(lines.get(0).startsWith("rank  trial     phase   eta-min"), lines.get(0));
        assertTrue(lines.get(1).matches("-+"), lines.get(1));
        String first = lines.get(2);
        assertTrue(first.startsWith("   1  fine#2    fine"), first);
        assertTrue(first.contains("0.003100") && first.contains("0.8750") && first.contains(" - "), first);
        int status = lines.get(0).indexOf("status");
        assertEquals("completed", first.substring(status).trim());
        assertEquals("diverged", lines.get(3).substring(status).trim());
    }

    @Test
    void aTrialWithoutFinalEvaluationsHasNoAccuraciesRatherThanZeros() throws Exception {
        // a failed trial, or one cancelled while it trained, carries no train/validation/test evaluation
        TrialResult cancelled = result("coarse", 5, 1e-3, 1e-5, 0, TrialStatus.TRIAL_STATUS_CANCELLED).toBuilder()
                .clearTrain().clearValidation().clearTest().setEpochs(2).build();
        TopKAnswer answer = TopKAnswer.newBuilder().setCampaign("c")
                .addRanked(result("coarse", 0, 1e-4, 2e-5, 0.5, TrialStatus.TRIAL_STATUS_COMPLETED))
                .addRanked(cancelled).setTotal(2).build();
        ResultsTable t = ResultsTable.of(answer, null);
        JsonNode row = new ObjectMapper().readTree(t.format(ResultsTable.Format.JSON)).get(1);
        assertTrue(row.get("train_acc").isNull() && row.get("val_acc").isNull() && row.get("test_acc").isNull(), row.toString());
        assertEquals(2, row.get("epochs").asInt());
        assertEquals("2,coarse#5,coarse,0.001,1.0E-5,NaN,NaN,NaN,2,12.25,10.0.0.2:25521,cancelled",
                t.format(ResultsTable.Format.CSV).lines().toList().get(2));
        String line = t.format(ResultsTable.Format.TABLE).lines().toList().get(3);
        assertTrue(line.matches(".*coarse#5 .* - +- +- +2 .*cancelled"), line);
        assertTrue(!line.contains("0.0000"), line);
    }

    @Test
    void statsListEachHistogramInMilliseconds() {
        String text = ResultsTable.stats(List.of(io.hpsearch.protocol.v1.HistogramSummary.newBuilder()
                .setName("dispatch_latency").setCount(12).setP50Ms(0.5).setP90Ms(1.25).setP99Ms(3.5).setMaxMs(4)
                .setMeanMs(0.75).build()));
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).contains("p99"), lines.get(0));
        assertEquals(List.of("dispatch_latency", "12", "0.500", "1.250", "3.500", "4.000", "0.750"),
                List.of(lines.get(1).trim().split(" +")));
    }
}
