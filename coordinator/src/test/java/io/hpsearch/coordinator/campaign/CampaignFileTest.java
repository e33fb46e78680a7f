package io.hpsearch.coordinator.campaign;

import io.hpsearch.coordinator.sampling.SearchParameters;
import io.hpsearch.coordinator.sampling.TrialGenerator;
import io.hpsearch.coordinator.state.CoordinatorState;
import io.hpsearch.protocol.v1.BatchNormMode;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.DataSetKind;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.InitKind;
import io.hpsearch.protocol.v1.NetworkSpec;
import io.hpsearch.protocol.v1.OptimizerKind;
import io.hpsearch.protocol.v1.Parameter;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.SamplerKind;
import io.hpsearch.protocol.v1.Scale;
import io.hpsearch.protocol.v1.ScheduleSpec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CampaignFileTest {
    private static final Path RESOURCES = Path.of("src/test/resources/campaigns");
    private static final Path EXAMPLES = Path.of("../deploy/campaigns");

    @Test
    void quickExampleParses() {
        CampaignSpec c = CampaignFile.read(EXAMPLES.resolve("fashion-mnist-quick.conf"));
        assertEquals("fashion-mnist-quick", c.getName());
        assertEquals("fashion-mnist-quick.conf", c.getSource());
        assertEquals(42, c.getSeed());
        assertEquals(DataSetKind.DATA_SET_KIND_FASHION_MNIST, c.getData().getKind());
        assertEquals(5000, c.getData().getValidationSize());
        assertEquals(10000, c.getTraining().getTrainSubset());
        assertEquals(List.of(50, 50), c.getNetwork().getHiddenList());
        assertEquals(BatchNormMode.BATCH_NORM_MODE_BEFORE_RELU, c.getNetwork().getBatchNorm());
        assertEquals(InitKind.INIT_KIND_HE, c.getNetwork().getInit().getKind());
        assertEquals(ScheduleSpec.KindCase.CYCLICAL, c.getTraining().getSchedule().getKindCase());
        assertEquals(1.0, c.getTraining().getSchedule().getCyclical().getStepEpochs());
        assertEquals(List.of("lambda", "eta"), c.getSearch().getDimensionsList().stream().map(Dimension::getName).toList());
        assertEquals(Parameter.PARAMETER_ETA, c.getSearch().getDimensions(1).getParameter());
        assertEquals(2, c.getPhasesCount());
        PhaseSpec coarse = c.getPhases(0), fine = c.getPhases(1);
        assertEquals(8, coarse.getTrials());
        assertEquals(1, coarse.getCycles());
        assertFalse(coarse.hasFine());
        assertEquals(4, fine.getTrials());
        assertEquals("coarse", fine.getFine().getFromPhase());
        assertEquals(3, fine.getFine().getTopN());
        // the coarse trials can be generated straight away
        assertEquals(8, TrialGenerator.trials(c, coarse).size());
    }

    @Test
    void cifarExampleReproducesTheReportsRecipe() {
        CampaignSpec c = CampaignFile.read(EXAMPLES.resolve("cifar10-3layer.conf"));
        assertEquals(DataSetKind.DATA_SET_KIND_CIFAR10, c.getData().getKind());
        assertEquals(List.of(50, 50), c.getNetwork().getHiddenList());
        assertEquals(BatchNormMode.BATCH_NORM_MODE_BEFORE_RELU, c.getNetwork().getBatchNorm());
        assertEquals(100, c.getTraining().getBatchSize());
        assertEquals(OptimizerKind.OPTIMIZER_KIND_SGD, c.getTraining().getOptimizer().getKind());
        var cyc = c.getTraining().getSchedule().getCyclical();
        assertEquals(1e-5, cyc.getEtaMin());
        assertEquals(1e-1, cyc.getEtaMax());
        assertEquals(5.0, cyc.getStepEpochs());
        Dimension lambda = c.getSearch().getDimensions(0);
        assertEquals(Parameter.PARAMETER_LAMBDA, lambda.getParameter());
        assertEquals(Scale.SCALE_LOG_UNIFORM, lambda.getScale());
        assertEquals(1e-5, lambda.getMin());
        assertEquals(1e-1, lambda.getMax());
        assertEquals(List.of("coarse", "fine"), c.getPhasesList().stream().map(PhaseSpec::getName).toList());
        assertTrue(c.getPhases(1).hasFine());
    }

    @Test
    void baseOfTheInvalidCorpusIsValid() {
        CampaignSpec c = CampaignFile.read(RESOURCES.resolve("valid-base.conf"));
        assertEquals("base", c.getName());
        assertEquals(7, c.getSeed());
        assertEquals(2000, c.getTraining().getTrainSubset());
    }

    @Test
    void defaultsAndOptionalForms() {
        String text = """
                campaign { name = d }
                data { set = synthetic, validation = 500, synthetic { train = 3000, dim = 12, classes = 3, image = "3x2x2", seed = 5 } }
                network { hidden = [], batch-norm = off, init = "sigma:0.001" }
                training {
                  epochs = 4
                  schedule { type = step, eta = 0.05, factor = 0.5, every-epochs = 2 }
                  optimizer { type = adam, beta2 = 0.99 }
                  bn-stats = precise
                  train-eval = end
                  flip = true
                }
                search {
                  batch { choices = [32, 64] }
                  decay-factor { scale = uniform, min = 0.1, max = 0.9 }
                }
                phases = [ { name = g, sampler = grid, points = 3 } ]
                """;
        CampaignSpec c = CampaignFile.parse(text, "d.conf");
        assertEquals(1, c.getSeed());
        assertEquals(10, c.getTopK());
        assertEquals(0, c.getMaxAttempts(), "not set: the coordinator's --max-attempts decides");
        assertEquals(DataSetKind.DATA_SET_KIND_SYNTHETIC, c.getData().getKind());
        assertEquals(3000, c.getData().getSynthetic().getTrainSamples());
        assertEquals(3, c.getData().getSynthetic().getImageChannels());
        assertEquals(5, c.getData().getSynthetic().getSeed());
        assertEquals(0, c.getNetwork().getHiddenCount());
        assertEquals(BatchNormMode.BATCH_NORM_MODE_OFF, c.getNetwork().getBatchNorm());
        assertEquals(InitKind.INIT_KIND_NORMAL, c.getNetwork().getInit().getKind());
        assertEquals(0.001, c.getNetwork().getInit().getSigma());
        assertEquals(0.0, c.getTraining().getLambda());
        assertEquals(100, c.getTraining().getBatchSize());
        // a trial's threads are the worker's --threads-per-trial, not the campaign's
        assertEquals(0, c.getTraining().getThreads());
        // flips need images, which this synthetic set has
        assertTrue(c.getTraining().getFlip());
        assertEquals(io.hpsearch.protocol.v1.TrainEvaluation.TRAIN_EVALUATION_LAST_EPOCH, c.getTraining().getTrainEvaluation());
        assertEquals(OptimizerKind.OPTIMIZER_KIND_ADAM, c.getTraining().getOptimizer().getKind());
        assertEquals(0.9, c.getTraining().getOptimizer().getBeta1());
        assertEquals(0.99, c.getTraining().getOptimizer().getBeta2());
        assertEquals(1e-8, c.getTraining().getOptimizer().getEpsilon());
        assertEquals(0.5, c.getTraining().getSchedule().getStep().getFactor());
        assertEquals(Scale.SCALE_CHOICE, c.getSearch().getDimensions(0).getScale());
        assertEquals(Scale.SCALE_UNIFORM, c.getSearch().getDimensions(1).getScale());
        assertEquals(SamplerKind.SAMPLER_KIND_GRID, c.getPhases(0).getSampler());
        assertEquals(0, c.getPhases(0).getTrials());
        assertEquals(2 * 3, TrialGenerator.trialCount(c, c.getPhases(0)));
    }

    @Test
    void maxAttemptsLeftOutIsTheCoordinatorsAndSetIsTheCampaigns() {
        String text = """
                campaign { name = m MAX }
                data { set = fashion-mnist, train-subset = 1000 }
                network { hidden = [10] }
                training { epochs = 1, schedule { type = constant, eta = 0.01 } }
                search { lambda { min = 1e-5, max = 1e-1 } }
                phases = [ { name = p, trials = 2 } ]
                """;
        CoordinatorState coordinator = new CoordinatorState("t", 5); // hpsearch coordinator --max-attempts 5
        assertEquals(5, coordinator.maxAttempts(CampaignFile.parse(text.replace("MAX", ""), "m.conf")));
        assertEquals(2, coordinator.maxAttempts(CampaignFile.parse(text.replace("MAX", ", max-attempts = 2"), "m.conf")));
        assertEquals(3, new CoordinatorState("t", 3).maxAttempts(CampaignFile.parse(text.replace("MAX", ""), "m.conf")),
                "the coordinator's default");
    }

    @TestFactory
    Stream<DynamicTest> everyInvalidFileIsRefusedNamingTheKey() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(RESOURCES.resolve("invalid"))) {
            files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertTrue(files.size() >= 40, "corpus has " + files.size() + " files");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : files) {
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                List<String> lines = Files.readAllLines(file);
                String key = header(lines, "# expect-key:");
                String message = header(lines, "# expect-message:");
                CampaignFileException e = assertThrows(CampaignFileException.class, () -> CampaignFile.read(file));
                System.out.println(e.getMessage());
                String name = file.getFileName().toString();
                assertEquals(key, e.key(), e.getMessage());
                assertEquals(name, e.file());
                String prefix = name + ": " + (key.isEmpty() ? "" : key + " ");
                assertTrue(e.getMessage().startsWith(prefix), "'" + e.getMessage() + "' should start with '" + prefix + "'");
                assertTrue(e.getMessage().contains(message), "'" + e.getMessage() + "' should contain '" + message + "'");
            }));
        }
        return tests.stream();
    }

    private static String header(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> l.substring(prefix.length()).trim())
                .orElseThrow(() -> new AssertionError("no " + prefix + " line"));
    }

    @Test
    void messageHasTheDocumentedShape() {
        String text = """
                campaign { name = x }
                data { set = mnist }
                network { hidden = [10] }
                training { schedule { type = constant, eta = 0.1 }, epochs = 1 }
                search { lambda { min = 0, max = 1 } }
                phases = [ { name = a, trials = 1 } ]
                """;
        CampaignFileException e = assertThrows(CampaignFileException.class, () -> CampaignFile.parse(text, "campaign.conf"));
        assertEquals("campaign.conf: search.lambda.min (0) must be positive on a log scale", e.getMessage());
    }

    @Test
    void aBatchAsLargeAsTheSmallestTrainingSetIsAccepted() {
        String text = """
                campaign { name = b }
                data { set = fashion-mnist, train-subset = 2000 }
                network { hidden = [10] }
                training { epochs = 1, schedule { type = constant, eta = 0.01 } }
                search {
                  batch { choices = [100, 300] }
                  train-subset { min = 300, max = 55000 }
                }
                phases = [ { name = p, trials = 2 }, { name = q, trials = 1 } ]
                """;
        CampaignSpec c = CampaignFile.parse(text, "b.conf");
        assertEquals(2, c.getPhasesCount());
        // A searched training set that can be one sample smaller than the largest batch is refused, naming the batch's key.
        CampaignFileException e = assertThrows(CampaignFileException.class,
                () -> CampaignFile.parse(text.replace("min = 300", "min = 299"), "b.conf"));
        assertEquals("search.batch.choices", e.key());
        assertTrue(e.getMessage().contains("(300) exceeds the 299 training samples of a trial in phase p (search.train-subset.min)"),
                e.getMessage());
    }

    @Test
    void aSearchedInitSigmaTakesNoInitOrASigmaInitAndRefusesHeOrXavier() {
        String text = """
                campaign { name = s }
                data { set = fashion-mnist }
                network { hidden = [10]INIT }
                training { epochs = 1, schedule { type = constant, eta = 0.01 } }
                search { init-sigma { min = 1e-3, max = 1e-1 } }
                phases = [ { name = p, trials = 2 } ]
                """;
        assertEquals(InitKind.INIT_KIND_HE, CampaignFile.parse(text.replace("INIT", ""), "s.conf").getNetwork().getInit().getKind(),
                "the base network's default, replaced by every trial's σ");
        CampaignSpec sigma = CampaignFile.parse(text.replace("INIT", ", init = \"sigma:0.5\""), "s.conf");
        assertEquals(0.5, sigma.getNetwork().getInit().getSigma());
        NetworkSpec.Builder trial = sigma.getNetwork().toBuilder();
        SearchParameters.apply(Parameter.PARAMETER_INIT_SIGMA, 0.02, trial, sigma.getTraining().toBuilder());
        assertEquals(InitKind.INIT_KIND_NORMAL, trial.getInit().getKind());
        assertEquals(0.02, trial.getInit().getSigma());
        for (String init : List.of("he", "xavier")) {
            CampaignFileException e = assertThrows(CampaignFileException.class,
                    () -> CampaignFile.parse(text.replace("INIT", ", init = " + init), "s.conf"));
            assertEquals("network.init", e.key());
            assertTrue(e.getMessage().contains("(" + init + ") is replaced in every trial by the searched init-sigma"), e.getMessage());
        }
    }

    @Test
    void unreadableFileIsRefusedNamingIt() {
        CampaignFileException e = assertThrows(CampaignFileException.class,
                () -> CampaignFile.read(RESOURCES.resolve("no-such-file.conf")));
        assertEquals(RESOURCES.resolve("no-such-file.conf") + ": cannot be read: no such file", e.getMessage());
    }
}
