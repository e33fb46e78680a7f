package io.hpsearch.cli.progress;

import io.hpsearch.nn.metrics.Evaluation;
import io.hpsearch.nn.train.EpochMetrics;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingProgressTest {
    private static EpochMetrics epoch(int e, double valAcc) {
        return new EpochMetrics(e, 100L * e, 0.01, new Evaluation(1, 1, 0.5), new Evaluation(1, 1, valAcc), e);
    }

    private static String runEpochs(boolean terminal, int epochs) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (TrainingProgress p = new TrainingProgress("train", epochs, out, terminal)) {
            for (int e = 1; e <= epochs; e++) {
                for (long u = 100L * (e - 1) + 1; u <= 100L * e; u++) p.onUpdate(u, 100L * epochs);
                p.onEpoch(epoch(e, 0.40 + 0.01 * e));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void outsideATerminalOneLinePerEpoch() {
        String text = runEpochs(false, 3);
        List<String> lines = text.lines().toList();
        assertEquals(3, lines.size(), text);
        for (int e = 1; e <= 3; e++) {
            String line = lines.get(e - 1);
            assertTrue(line.contains("epoch " + e + "/3"), line);
            assertTrue(line.contains(String.format("val acc %.2f%%", 100 * (0.40 + 0.01 * e))), line);
            assertTrue(line.contains(100 * e + "/300"), "updates so far: " + line);
            assertFalse(line.contains("\r") || line.contains("\u001b"), "no terminal control codes in a log: " + line);
        }
    }

    @Test
    void onATerminalTheBarCarriesTheEpochMessage() {
        String text = runEpochs(true, 2);
        assertTrue(text.contains("epoch 2/2 · val acc 42.00%"), text);
        assertTrue(text.contains("\r"), "a terminal bar is redrawn in place");
    }

    @Test
    void withoutValidationShowsTrainingAccuracy() {
        TrainingProgress p = new TrainingProgress("t", 0, new PrintStream(new ByteArrayOutputStream()), false);
        try (p) {
            String m = p.message(new EpochMetrics(4, 10, 0.1, new Evaluation(1, 1, 0.25), Evaluation.EMPTY, 1));
            assertEquals("epoch 4 · train acc 25.00%", m);
        }
    }
}
