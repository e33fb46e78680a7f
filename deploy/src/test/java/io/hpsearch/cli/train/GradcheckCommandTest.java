package io.hpsearch.cli.train;

import io.hpsearch.cli.data.DataDirs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.hpsearch.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class GradcheckCommandTest {

    private static double lastLineValue(String out) {
        List<String> lines = out.lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("max_relative_error="), last);
        return Double.parseDouble(last.substring("max_relative_error=".length()));
    }

    @Test
    void passesForBnAndPlainNetworksAndPrintsEveryTensor() {
        var bn = run("gradcheck", "--hidden", "20,15,10");
        assertEquals(0, bn.code(), bn.err());
        for (String t : List.of("W1", "gamma1", "beta1", "W2", "gamma3", "beta3", "W4", "b4")) {
            assertTrue(bn.out().contains(t), "table lists " + t + ":\n" + bn.out());
        }
        assertTrue(lastLineValue(bn.out()) <= 1e-6);

        var plain = run("gradcheck", "--hidden", "20,15", "--no-bn");
        assertEquals(0, plain.code(), plain.err());
        assertTrue(plain.out().contains("b1") && !plain.out().contains("gamma1"), plain.out());
        assertTrue(lastLineValue(plain.out()) <= 1e-6);
    }

    @Test
    void findsItsDataSetAsTrainDoesAndNamesTheOption() {
        var unknown = run("gradcheck", "--dataset", "imagenet");
        assertEquals(2, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("--dataset: unknown data set 'imagenet'"), unknown.err());

        // CIFAR-10 without --data-dir is looked for where 'hpsearch data fetch' puts it
        Path fetched = DataDirs.defaultDataDir();
        assumeFalse(Files.isDirectory(fetched), "CIFAR-10 may be fetched into " + fetched);
        var gradcheck = run("gradcheck", "--dataset", "cifar10");
        var train = run("train", "--dataset", "cifar10");
        assertEquals(2, gradcheck.code(), gradcheck.err());
        assertTrue(gradcheck.err().contains(fetched.toString()), gradcheck.err());
        assertEquals(train.err(), gradcheck.err());
    }

    @Test
    void nonFiniteNumbersAreRefusedNamingTheOption() {
        for (String[] bad : new String[][] {{"--lambda", "Infinity"}, {"--lambda", "NaN"}, {"--tolerance", "Infinity"}}) {
            var o = run("gradcheck", "--hidden", "5", bad[0], bad[1]);
            assertEquals(2, o.code(), String.join(" ", bad) + ": " + o.out() + o.err());
            assertTrue(o.err().contains(bad[0] + " must be a finite"), o.err());
        }
    }

    @Test
    void exitsOneWhenAnErrorExceedsTheTolerance() {
        // No double-precision check agrees to 1e-15 on every entry: the command must report failure.
        var o = run("gradcheck", "--hidden", "10", "--tolerance", "1e-15");
        assertEquals(1, o.code(), o.out());
        assertTrue(lastLineValue(o.out()) > 1e-15);
    }
}
