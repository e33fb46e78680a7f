package io.hpsearch.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.metrics.Evaluation;
import io.hpsearch.nn.train.OptimizerConfig;
import io.hpsearch.nn.train.ScheduleConfig;
import io.hpsearch.nn.train.TrainingResult;
import io.hpsearch.nn.train.TrainingStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultJsonTest {
    @TempDir
    Path dir;

    private static Map<String, Object> hyperparameters() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("dataset", "cifar10");
        h.put("hidden", new int[] {50, 50});
        h.put("batchNorm", BatchNormMode.values()[0]);
        h.put("lambda", 0.005);
        h.put("eta-min", 1e-5);
        h.put("batch_size", 100);
        h.put("flip", true);
        h.put("schedule", new ScheduleConfig.Cyclical(1e-5, 1e-1, 0, 5, 2, 1));
        h.put("optimizer", OptimizerConfig.ADAM.kind());
        return h;
    }

    @Test
    void writesHyperparametersInOrderThenMetrics() throws Exception {
        Path file = dir.resolve("result.json");
        ResultJson.write(file, hyperparameters(), Fixtures.completed(3));
        JsonNode json = ResultJson.read(file);

        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) keys.add(it.next());
        List<String> expected = new ArrayList<>(List.of("dataset", "hidden", "batch_norm", "lambda", "eta_min",
                "batch_size", "flip", "schedule", "optimizer"));
        expected.addAll(ResultJson.METRIC_KEYS);
        assertEquals(expected, keys);

        assertEquals("cifar10", json.get("dataset").asText());
        assertEquals(50, json.get("hidden").get(1).asInt());
        assertEquals(BatchNormMode.values()[0].name().toLowerCase(), json.get("batch_norm").asText());
        assertEquals(0.005, json.get("lambda").asDouble());
        assertEquals(1e-5, json.get("eta_min").asDouble());
        assertTrue(json.get("flip").asBoolean());
        assertEquals(0.1, json.get("schedule").get("eta_max").asDouble(), "records get snake_case fields");
        assertEquals(2, json.get("schedule").get("cycles").asInt());
        assertEquals("adam", json.get("optimizer").asText());

        assertEquals(0.6125, json.get("train_acc").asDouble());
        assertEquals(0.5375, json.get("val_acc").asDouble());
        assertEquals(0.5312, json.get("test_acc").asDouble());
        assertEquals(1.2, json.get("train_loss").asDouble());
        assertEquals(1.4, json.get("val_loss").asDouble());
        assertEquals(1.45, json.get("test_loss").asDouble());
        assertEquals(1.25, json.get("train_cost").asDouble());
        assertEquals(1.45, json.get("val_cost").asDouble());
        assertEquals(1.5, json.get("test_cost").asDouble());
        assertEquals(3, json.get("epochs").asInt());
        assertEquals(1350, json.get("updates").asLong());
        assertEquals(12.75, json.get("seconds").asDouble());
        assertEquals("completed", json.get("status").asText());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        assertTrue(Files.getPosixFilePermissions(file).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ),
                "readable like any other output file");
    }

    @Test
    void nanIsWrittenAsNull() throws Exception {
        TrainingResult diverged = new TrainingResult(TrainingStatus.DIVERGED, List.of(),
                new Evaluation(Double.NaN, Double.POSITIVE_INFINITY, 0.1), Evaluation.EMPTY, Evaluation.EMPTY,
                null, 1, 17, 0.5);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("lambda", Double.NaN);
        h.put("etas", new double[] {0.1, Double.NaN});
        Path file = dir.resolve("result.json");
        ResultJson.write(file, h, diverged);
        String text = Files.readString(file);
        assertFalse(text.contains("NaN"), text);
        assertFalse(text.contains("Infinity"), text);
        JsonNode json = ResultJson.read(file);
        assertTrue(json.get("lambda").isNull());
        assertTrue(json.get("etas").get(1).isNull());
        assertEquals(0.1, json.get("etas").get(0).asDouble());
        assertTrue(json.get("train_cost").isNull());
        assertTrue(json.get("train_loss").isNull());
        assertEquals(0.1, json.get("train_acc").asDouble());
        assertTrue(json.get("val_acc").isNull());
        assertTrue(json.get("test_acc").isNull());
        assertEquals("diverged", json.get("status").asText());
    }

    @Test
    void clashingKeysAreRefused() {
        Map<String, Object> clash = new LinkedHashMap<>();
        clash.put("batchSize", 1);
        clash.put("batch_size", 2);
        assertThrows(IllegalArgumentException.class, () -> ResultJson.toJson(clash, Fixtures.completed(1)));
        assertThrows(IllegalArgumentException.class,
                () -> ResultJson.toJson(Map.of("testAcc", 1), Fixtures.completed(1)));
    }

    @Test
    void snakeCase() {
        assertEquals("batch_size", ResultJson.snakeCase("batchSize"));
        assertEquals("eta_min", ResultJson.snakeCase("eta-min"));
        assertEquals("bn_alpha", ResultJson.snakeCase("BN alpha"));
        assertEquals("precise_bn_samples", ResultJson.snakeCase("preciseBNSamples"));
        assertEquals("lambda", ResultJson.snakeCase("lambda"));
        assertEquals("already_snake", ResultJson.snakeCase("already_snake"));
        assertEquals("layer2_width", ResultJson.snakeCase("layer2Width"));
    }
}
