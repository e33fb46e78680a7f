package io.hpsearch.cli.output;

import io.hpsearch.nn.metrics.Evaluation;
import io.hpsearch.nn.train.EpochMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CurvesCsvTest {
    @TempDir
    Path dir;

    @Test
    void oneRowPerEpochWithTheValuesGiven() throws Exception {
        List<EpochMetrics> curves = Fixtures.curves(4);
        Path file = dir.resolve("curves.csv");
        CurvesCsv.write(file, curves);
        List<String> lines = Files.readAllLines(file);
        assertEquals("epoch,updates,learning_rate,train_cost,train_loss,train_acc,val_cost,val_loss,val_acc,seconds",
                lines.get(0));
        assertEquals(5, lines.size());
        for (int i = 0; i < 4; i++) {
            EpochMetrics m = curves.get(i);
            String[] f = lines.get(i + 1).split(",", -1);
            assertEquals(10, f.length);
            assertEquals(m.epoch(), Integer.parseInt(f[0]));
            assertEquals(m.updates(), Long.parseLong(f[1]));
            assertEquals(m.learningRate(), Double.parseDouble(f[2]));
            assertEquals(m.train().cost(), Double.parseDouble(f[3]));
            assertEquals(m.train().loss(), Double.parseDouble(f[4]));
            assertEquals(m.train().accuracy(), Double.parseDouble(f[5]));
            assertEquals(m.validation().cost(), Double.parseDouble(f[6]));
            assertEquals(m.validation().loss(), Double.parseDouble(f[7]));
            assertEquals(m.validation().accuracy(), Double.parseDouble(f[8]));
            assertEquals(m.seconds(), Double.parseDouble(f[9]));
        }
    }

    @Test
    void missingValidationIsNaN() throws Exception {
        EpochMetrics m = new EpochMetrics(1, 10, 0.01, new Evaluation(1, 0.9, 0.5), Evaluation.EMPTY, 2);
        Path file = dir.resolve("curves.csv");
        CurvesCsv.write(file, List.of(m));
        String row = Files.readAllLines(file).get(1);
        assertEquals("1,10,0.01,1.0,0.9,0.5,NaN,NaN,NaN,2.0", row);
        assertTrue(Double.isNaN(Double.parseDouble(row.split(",")[8])));
    }

    @Test
    void emptyCurvesGiveTheHeaderOnly() throws Exception {
        Path file = dir.resolve("curves.csv");
        CurvesCsv.write(file, List.of());
        assertEquals(List.of(CurvesCsv.HEADER), Files.readAllLines(file));
    }
}
