package io.hpsearch.cli.output;

import io.hpsearch.nn.metrics.Evaluation;
import io.hpsearch.nn.train.TrainingResult;
import io.hpsearch.nn.train.TrainingStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotsTest {
    @TempDir
    Path dir;

    private static BufferedImage decode(Path file) throws Exception {
        assertTrue(Files.isRegularFile(file), file + " missing");
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, file + " is not a decodable PNG");
        return img;
    }

    /** Number of distinct colours: a blank canvas has one or two, a drawn chart many. */
    private static int colours(BufferedImage img) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) seen.add(img.getRGB(x, y));
        }
        return seen.size();
    }

    @Test
    void trainOutputsWritesEveryFile() throws Exception {
        TrainingResult result = Fixtures.completed(6);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("lambda", 0.005);
        List<Path> written = TrainOutputs.write(dir.resolve("run"), h, result,
                List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"));
        assertEquals(6, written.size());
        Path run = dir.resolve("run");
        for (String f : List.of("cost.png", "loss.png", "accuracy.png")) {
            BufferedImage img = decode(run.resolve(f));
            assertEquals(Plots.WIDTH, img.getWidth(), f);
            assertEquals(Plots.HEIGHT, img.getHeight(), f);
            assertTrue(colours(img) > 8, f + " looks blank");
        }
        BufferedImage confusion = decode(run.resolve("confusion.png"));
        assertEquals(Plots.CONFUSION_WIDTH, confusion.getWidth());
        assertEquals(Plots.CONFUSION_HEIGHT, confusion.getHeight());
        assertTrue(colours(confusion) > 8);
        assertTrue(Files.isRegularFile(run.resolve("result.json")));
        assertTrue(Files.isRegularFile(run.resolve("curves.csv")));
        try (var files = Files.list(run)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void curvesDifferBetweenMetrics() throws Exception {
        TrainingResult result = Fixtures.completed(5);
        Plots.writeCost(dir.resolve("cost.png"), result.curves());
        Plots.writeAccuracy(dir.resolve("accuracy.png"), result.curves());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("cost.png")),
                Files.readAllBytes(dir.resolve("accuracy.png"))));
    }

    @Test
    void divergedRunWithoutCurvesOrConfusionStillPlots() throws Exception {
        TrainingResult diverged = new TrainingResult(TrainingStatus.DIVERGED, List.of(), Evaluation.EMPTY,
                Evaluation.EMPTY, Evaluation.EMPTY, null, 0, 3, 0.1);
        List<Path> written = TrainOutputs.write(dir, Map.of(), diverged, null);
        assertEquals(5, written.size());
        assertFalse(Files.exists(dir.resolve("confusion.png")));
        assertEquals(Plots.WIDTH, decode(dir.resolve("loss.png")).getWidth());
    }

    @Test
    void confusionWithoutNamesUsesLabelNumbers() throws Exception {
        Path file = dir.resolve("c.png");
        Plots.writeConfusion(file, Fixtures.confusion(3), null);
        assertEquals(Plots.CONFUSION_HEIGHT, decode(file).getHeight());
    }
}
