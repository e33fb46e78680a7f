package io.hpsearch.cli.train;

import io.hpsearch.cli.CommandRun.Outcome;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpsearch.nn.data.DataSets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.hpsearch.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TrainCommandTest {

    private static final String SMALL = "synthetic:train=3000,test=500,dim=40,classes=5,sep=8";

    @Test
    void trainsOnSyntheticDataAndWritesEveryResultFile(@TempDir Path dir) throws Exception {
        Outcome o = run("train", "--dataset", SMALL, "--val", "500", "--hidden", "30,20", "--lambda", "0.001",
                "--eta-min", "1e-4", "--eta-max", "0.5", "--cycles", "1", "--step-epochs", "2", "--seed", "3",
                "--out", dir.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("status: COMPLETED"), o.out());
        for (String f : List.of("result.json", "curves.csv", "cost.png", "loss.png", "accuracy.png", "confusion.png")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        JsonNode json = new ObjectMapper().readTree(dir.resolve("result.json").toFile());
        assertEquals("completed", json.get("status").asText());
        assertEquals(0.001, json.get("lambda").asDouble());
        assertEquals(0.5, json.get("eta_max").asDouble());
        assertEquals(4, json.get("epochs").asInt(), "2 × n_s = 4 epochs");
        assertEquals(500, json.get("val").asInt());
        assertTrue(json.get("val_acc").asDouble() > 0.9, "learnable blobs: " + json.get("val_acc"));
        assertTrue(json.has("test_acc") && json.has("train_loss") && json.has("seconds"));
        assertEquals(0.9, json.get("bn_alpha").asDouble(), "the moving averages' weight, default");
        List<String> csv = Files.readAllLines(dir.resolve("curves.csv"));
        assertEquals(1 + 4, csv.size(), "header + one line per epoch");
    }

    @Test
    void trainEvalEndMeasuresTheTrainingSetAfterTheLastEpochOnly(@TempDir Path dir) throws Exception {
        Path every = dir.resolve("every"), end = dir.resolve("end");
        for (Path out : List.of(every, end)) {
            Outcome o = run("train", "--dataset", SMALL, "--val", "500", "--hidden", "30,20", "--cycles", "1",
                    "--step-epochs", "2", "--seed", "3", "--train-eval", out == end ? "end" : "epoch", "--out", out.toString());
            assertEquals(0, o.code(), o.err());
        }
        List<String> everyRows = Files.readAllLines(every.resolve("curves.csv")), endRows = Files.readAllLines(end.resolve("curves.csv"));
        assertEquals(1 + 4, endRows.size());
        // columns: epoch,updates,learning_rate,train_cost,train_loss,train_acc,val_cost,val_loss,val_acc,seconds
        for (int e = 1; e <= 4; e++) {
            String[] a = everyRows.get(e).split(","), b = endRows.get(e).split(",");
            assertEquals(e < 4 ? "NaN" : a[5], b[5], "train_acc of epoch " + e);
            assertEquals(a[8], b[8], "the same training, the same validation accuracy in epoch " + e);
        }
        JsonNode a = new ObjectMapper().readTree(every.resolve("result.json").toFile());
        JsonNode b = new ObjectMapper().readTree(end.resolve("result.json").toFile());
        assertEquals(a.get("train_acc").asDouble(), b.get("train_acc").asDouble(), 0.0);
        assertEquals("end", b.get("train_eval").asText());
    }

    @Test
    void bothEnginesTrainTheSameRecipeToTheSameAccuracy(@TempDir Path dir) throws Exception {
        double[] acc = new double[2];
        String[] engines = {"fast", "reference"};
        for (int e = 0; e < 2; e++) {
            Path out = dir.resolve(engines[e]);
            Outcome o = run("train", "--engine", engines[e], "--dataset", SMALL, "--val", "500", "--hidden", "30,20",
                    "--eta-min", "1e-4", "--eta-max", "0.5", "--cycles", "1", "--step-epochs", "2", "--seed", "3",
                    "--out", out.toString());
            assertEquals(0, o.code(), o.err());
            JsonNode json = new ObjectMapper().readTree(out.resolve("result.json").toFile());
            assertEquals(engines[e], json.get("engine").asText());
            acc[e] = json.get("val_acc").asDouble();
        }
        assertTrue(acc[0] > 0.9 && Math.abs(acc[0] - acc[1]) <= 0.01, "fast " + acc[0] + ", reference " + acc[1]);
    }

    @Test
    void divergingRunEndsDivergedKeepsItsCurvesAndDoesNotCrash(@TempDir Path dir) throws Exception {
        Outcome o = run("train", "--dataset", SMALL, "--val", "500", "--no-bn", "--hidden", "30,20",
                "--schedule", "constant", "--eta", "1000", "--epochs", "3", "--out", dir.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("status: DIVERGED"), o.out());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("result.json").toFile());
        assertEquals("diverged", json.get("status").asText());
        assertTrue(Files.exists(dir.resolve("curves.csv")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--lambda -1            | --lambda",
            "--eta-min 0.5          | --eta-min",
            "--hidden 50,0          | --hidden",
            "--hidden 50,x          | --hidden: 'x' is not a layer width",
            "--hidden 100000000     | --hidden: a layer of 100000000 units on 40 inputs",
            "--batch 0              | --batch",
            "--batch 100000         | --batch",
            "--optimizer rmsprop    | --optimizer",
            "--init gauss           | --init",
            "--schedule warp        | --schedule",
            "--bn sideways          | --bn",
            "--threads 0            | --threads",
            "--no-such-option       | --no-such-option",
            "--dataset imagenet     | imagenet",
            "--engine turbo         | --engine",
            "--train-eval sometimes | --train-eval",
            "--optimizer adam --beta2 1 | --beta2",
            "--optimizer adam --epsilon 0 | --epsilon",
            "--epochs 1             | --epochs has no effect under a cyclic schedule",
    })
    void impossibleOptionsAreRefusedNamingTheOption(String args, String named) {
        String dataset = args.contains("--dataset") ? "" : "--dataset " + SMALL;
        String[] argv = ("train " + dataset + " --val 500 --cycles 1 --step-epochs 1 " + args).trim().split("\\s+");
        Outcome o = run(argv);
        assertEquals(2, o.code(), o.out() + o.err());
        assertTrue(o.err().contains(named), "error should name " + named + ": " + o.err());
        assertTrue(!o.err().contains("\tat "), "no stack trace for a user error: " + o.err());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // started, they would run for hours
    void thousandsOfThreadsAreRefusedBeforeAnyIsStarted() {
        Outcome o = run("train", "--dataset", SMALL, "--val", "500", "--threads", "2000");
        assertEquals(2, o.code(), o.out() + o.err());
        assertTrue(o.err().contains("--threads must be in 1..1024, got 2000"), o.err());
    }

    /** An option the chosen recipe would not read is refused, as --epochs under a cyclic schedule is. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--eta 0.05                                          | --eta has no effect under a cyclic schedule",
            "--decay-factor 0.5                                  | --decay-factor has no effect under a cyclic schedule",
            "--decay-every 2                                     | --decay-every has no effect under a cyclic schedule",
            "--step-epochs 1 --step-updates 20                   | --step-epochs and --step-updates both",
            "--schedule constant --epochs 2 --eta-max 0.5        | --eta-max is for a cyclic schedule",
            "--schedule constant --epochs 2 --cycles 3           | --cycles is for a cyclic schedule",
            "--schedule constant --epochs 2 --decay-every 1      | --decay-every is for a step schedule",
            "--schedule step --epochs 2 --eta-min 1e-4           | --eta-min is for a cyclic schedule",
            "--schedule step --epochs 2 --step-updates 5         | --step-updates is for a cyclic schedule",
            "--step-updates 0                                    | --step-updates must be positive, got 0",
            "--momentum 0.5                                      | --momentum is used only with --optimizer momentum",
            "--optimizer adam --momentum 0.5                     | --momentum is used only with --optimizer momentum",
            "--beta1 0.8                                         | --beta1 is used only with --optimizer adam",
            "--optimizer momentum --epsilon 1e-6                 | --epsilon is used only with --optimizer adam",
            "--precise-samples 100                               | --precise-samples is used only with --bn-stats precise",
            "--no-bn --bn after                                  | --bn has no effect with --no-bn",
            "--no-bn --bn-alpha 0.5                              | --bn-alpha has no effect with --no-bn",
    })
    void optionsTheRecipeWouldIgnoreAreRefused(String args, String message) {
        String[] argv = ("train --dataset " + SMALL + " --val 500 " + args).trim().split("\\s+");
        Outcome o = run(argv);
        assertEquals(2, o.code(), o.out() + o.err());
        assertTrue(o.err().contains(message), "error should say '" + message + "': " + o.err());
        assertFalse(o.out().contains("status:"), "refused before training: " + o.out());
    }

    @Test
    void theOptionsOfTheChosenRecipeAreAccepted(@TempDir Path dir) {
        for (String args : List.of("--schedule step --epochs 2 --eta 0.05 --decay-factor 0.5 --decay-every 1",
                "--cycles 1 --step-updates 10 --optimizer momentum --momentum 0.5 --bn-stats precise --precise-samples 100",
                "--cycles 1 --step-updates 10 --optimizer adam --beta1 0.8 --beta2 0.99 --epsilon 1e-6",
                "--schedule constant --epochs 1 --eta 0.05 --no-bn")) {
            String[] argv = ("train --dataset " + SMALL + " --val 500 --hidden 10 " + args).split("\\s+");
            Outcome o = run(argv);
            assertEquals(0, o.code(), args + ": " + o.err());
        }
    }

    @Test
    void aDataFingerprintOtherThanTheCopysIsRefusedBeforeTraining() {
        String actual = DataSets.fingerprint(DataSets.load(SMALL, null, 500, 0, 1));
        String[] recipe = {"train", "--dataset", SMALL, "--val", "500", "--hidden", "10", "--schedule", "constant",
                "--epochs", "1", "--eta", "0.05", "--data-fingerprint"};
        Outcome right = run(with(recipe, actual.toUpperCase(java.util.Locale.ROOT)));
        assertEquals(0, right.code(), right.err());
        Outcome wrong = run(with(recipe, "ab12"));
        assertEquals(2, wrong.code(), wrong.out() + wrong.err());
        assertTrue(wrong.err().contains("--data-fingerprint ab12: this copy of " + SMALL + " with --val 500 has fingerprint "
                + actual), wrong.err());
        assertFalse(wrong.out().contains("status:"), "refused before training: " + wrong.out());
        // another split of the same data is other data
        Outcome otherSplit = run(with(with(recipe, actual), "--val", "600"));
        assertEquals(2, otherSplit.code(), otherSplit.err());
    }

    private static String[] with(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    @Test
    void hiddenNoneTrainsASoftmaxRegression() {
        Outcome o = run("train", "--dataset", SMALL, "--val", "500", "--hidden", "none", "--schedule", "constant",
                "--epochs", "1", "--eta", "0.05");
        assertEquals(0, o.code(), o.err());
        // the summary's network line names the layers: input straight to the classes
        assertTrue(o.out().contains("[]"), o.out());
    }

    @Test
    void aValidationSetAsLargeAsTheTrainingSetIsRefusedNamingVal() {
        Outcome o = run("train", "--dataset", SMALL, "--val", "3000", "--cycles", "1", "--step-epochs", "1");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("--val: validation count 3000 must be smaller than the 3000 samples"), o.err());
        assertTrue(!o.err().contains("\tat "), o.err());
    }

    @Test
    void aNetworkWithoutBatchNormalisationRecordsNoBnAlpha(@TempDir Path dir) throws Exception {
        Outcome o = run("train", "--dataset", SMALL, "--val", "500", "--hidden", "10", "--schedule", "constant",
                "--epochs", "1", "--eta", "0.05", "--no-bn", "--out", dir.toString());
        assertEquals(0, o.code(), o.err());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("result.json").toFile());
        assertEquals("off", json.get("batch_norm").asText());
        assertTrue(!json.has("bn_alpha"), json.toString());
    }

    @Test
    void missingDataDirectoryNamesThePath(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere");
        Outcome o = run("train", "--dataset", "fashion-mnist", "--data-dir", missing.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains(missing.toString()), o.err());
    }

    @Test
    void truncatedCifarFileNamesTheFileAndTheExpectedSize(@TempDir Path dir) throws Exception {
        for (int i = 1; i <= 5; i++) Files.write(dir.resolve("data_batch_" + i + ".bin"), new byte[3073 * 2]);
        Files.write(dir.resolve("test_batch.bin"), new byte[3073 + 100]); // a record and a bit
        Outcome o = run("train", "--dataset", "cifar10", "--data-dir", dir.toString(), "--val", "2");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("test_batch.bin"), o.err());
        assertTrue(o.err().contains("3073"), "names the record size: " + o.err());
    }

    /** Real data, a small recipe: a BN network must learn Fashion-MNIST well above chance in two epochs. */
    @Test
    void learnsFashionMnistFromTheDebianFiles(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")), "dataset-fashion-mnist not installed");
        Outcome o = run("train", "--dataset", "fashion-mnist", "--train-subset", "10000", "--val", "5000",
                "--hidden", "50,50", "--lambda", "0.005", "--eta-min", "1e-5", "--eta-max", "0.1", "--cycles", "1",
                "--step-epochs", "1", "--out", dir.toString());
        assertEquals(0, o.code(), o.err());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("result.json").toFile());
        assertTrue(json.get("test_acc").asDouble() > 0.80, "test accuracy " + json.get("test_acc"));
        assertTrue(json.get("val_acc").asDouble() > 0.80, "validation accuracy " + json.get("val_acc"));
    }
}
