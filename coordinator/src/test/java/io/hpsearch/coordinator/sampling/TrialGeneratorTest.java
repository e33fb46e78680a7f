package io.hpsearch.coordinator.sampling;

import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.TrialSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialGeneratorTest {
    static final String TEXT = """
            campaign { name = gen, seed = 11 }
            data { set = fashion-mnist, train-subset = 20000 }
            network { hidden = [50, 50] }
            training {
              lambda = 0.001
              schedule { type = cyclic, eta-min = 1e-5, eta-max = 0.1, step-epochs = 2, cycles = 3 }
            }
            search {
              lambda { min = 1e-5, max = 1e-1 }
              eta { min = 1e-2, max = 2e-1 }
              batch { scale = log, min = 16, max = 512 }
            }
            phases = [
              { name = coarse, trials = 200, cycles = 1, train-subset = 5000 }
              { name = fine, trials = 20, refine { from = coarse, top = 5 } }
            ]
            """;

    static CampaignSpec campaign() {
        return CampaignFile.parse(TEXT, "gen.conf");
    }

    @Test
    void sameInputsSameTrial() {
        CampaignSpec c = campaign();
        PhaseSpec coarse = c.getPhases(0);
        assertEquals(TrialGenerator.trial(c, coarse, 17), TrialGenerator.trial(c, coarse, 17));
        // a separately parsed copy of the campaign gives the same trial
        assertEquals(TrialGenerator.trial(c, coarse, 17), TrialGenerator.trial(campaign(), 0, 17));
    }

    @Test
    void independentOfGenerationOrder() {
        CampaignSpec c = campaign();
        PhaseSpec coarse = c.getPhases(0);
        List<TrialSpec> forward = TrialGenerator.trials(c, coarse);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < forward.size(); i++) order.add(i);
        Collections.shuffle(order, new Random(3));
        for (int i : order) assertEquals(forward.get(i), TrialGenerator.trial(c, coarse, i));
        for (int i = forward.size() - 1; i >= 0; i--) assertEquals(forward.get(i), TrialGenerator.trial(c, coarse, i));
    }

    @Test
    void trialsDifferByIndexPhaseAndSeed() {
        CampaignSpec c = campaign();
        PhaseSpec coarse = c.getPhases(0);
        Set<Long> seeds = new HashSet<>();
        Set<Double> lambdas = new HashSet<>();
        for (TrialSpec t : TrialGenerator.trials(c, coarse)) {
            seeds.add(t.getTraining().getSeed());
            lambdas.add(t.getTraining().getLambda());
        }
        assertEquals(200, seeds.size());
        assertEquals(200, lambdas.size());
        CampaignSpec other = c.toBuilder().setSeed(12).build();
        assertNotEquals(TrialGenerator.trial(c, coarse, 0).getTraining(), TrialGenerator.trial(other, coarse, 0).getTraining());
        PhaseSpec renamed = coarse.toBuilder().setName("fine").setSpace(c.getSearch()).clearFine().build();
        assertNotEquals(TrialGenerator.seed(11, "coarse", 0, TrialGenerator.SAMPLING),
                TrialGenerator.seed(11, "fine", 0, TrialGenerator.SAMPLING));
        assertNotEquals(TrialGenerator.trial(c, coarse, 0).getParams(0).getValue(),
                TrialGenerator.trial(c, renamed, 0).getParams(0).getValue());
        assertNotEquals(TrialGenerator.seed(11, "coarse", 1, TrialGenerator.TRAINING),
                TrialGenerator.seed(11, "coarse", 1, TrialGenerator.SAMPLING));
    }

    @Test
    void drawsInsideBoundsAndAppliedToTheRecipe() {
        CampaignSpec c = campaign();
        PhaseSpec coarse = c.getPhases(0);
        for (TrialSpec t : TrialGenerator.trials(c, coarse)) {
            assertEquals("gen", t.getId().getCampaign());
            assertEquals("coarse", t.getId().getPhase());
            assertEquals(0, t.getId().getPhaseOrdinal());
            double lambda = t.getParams(0).getValue(), eta = t.getParams(1).getValue(), batch = t.getParams(2).getValue();
            assertTrue(lambda >= 1e-5 && lambda <= 1e-1, "lambda " + lambda);
            assertTrue(eta >= 1e-2 && eta <= 2e-1, "eta " + eta);
            assertTrue(batch >= 16 && batch <= 512 && batch == Math.rint(batch), "batch " + batch);
            assertEquals(lambda, t.getTraining().getLambda());
            assertEquals(eta, t.getTraining().getSchedule().getCyclical().getEtaMax());
            assertEquals((int) batch, t.getTraining().getBatchSize());
            // phase overrides, and what stays from the recipe
            assertEquals(1, t.getTraining().getSchedule().getCyclical().getCycles());
            assertEquals(5000, t.getTraining().getTrainSubset());
            assertEquals(1e-5, t.getTraining().getSchedule().getCyclical().getEtaMin());
            assertEquals(c.getNetwork(), t.getNetwork());
            assertEquals(c.getData(), t.getData());
            assertEquals(List.of("lambda", "eta", "batch"), t.getParamsList().stream().map(p -> p.getName()).toList());
        }
        assertThrows(IndexOutOfBoundsException.class, () -> TrialGenerator.trial(c, coarse, 200));
    }

    @Test
    void finePhaseNeedsItsResolvedSpace() {
        CampaignSpec c = campaign();
        PhaseSpec fine = c.getPhases(1);
        assertThrows(IllegalStateException.class, () -> TrialGenerator.trial(c, fine, 0));
        io.hpsearch.protocol.v1.SearchSpace narrowSpace = SearchSpaceOf.of(c.getSearch(), 1e-3, 2e-3);
        PhaseSpec resolved = fine.toBuilder().setSpace(narrowSpace).build();
        TrialSpec t = TrialGenerator.trial(c, resolved, 4);
        assertEquals(1, t.getId().getPhaseOrdinal());
        assertEquals(3, t.getTraining().getSchedule().getCyclical().getCycles()); // the recipe's, no override
        assertEquals(20000, t.getTraining().getTrainSubset());
        assertTrue(t.getTraining().getLambda() >= 1e-3 && t.getTraining().getLambda() <= 2e-3);
        assertEquals(t, TrialGenerator.trial(c.toBuilder().setPhases(1, resolved).build(), 1, 4));
    }

    /** The campaign's space with lambda narrowed. */
    private static final class SearchSpaceOf {
        static io.hpsearch.protocol.v1.SearchSpace of(io.hpsearch.protocol.v1.SearchSpace s, double min, double max) {
            Dimension lambda = s.getDimensions(0).toBuilder().setMin(min).setMax(max).build();
            return s.toBuilder().setDimensions(0, lambda).build();
        }
    }

    @Test
    void aNarrowedPhaseHasAKnownSizeUnlessItIsAGridOverChoices() {
        CampaignSpec c = CampaignFile.parse(TEXT, "gen.conf");
        assertEquals(20, TrialGenerator.knownTrialCount(c, c.getPhases(1)).orElseThrow(), "random: its trials");
        String grids = TEXT.replace("{ name = fine, trials = 20, refine", "{ name = fine, sampler = grid, points = 2, refine")
                .replace("{ name = coarse, trials = 200,", "{ name = coarse, sampler = grid, points = 3,");
        CampaignSpec g = CampaignFile.parse(grids, "gen.conf");
        assertEquals(27, TrialGenerator.knownTrialCount(g, g.getPhases(0)).orElseThrow());
        assertEquals(8, TrialGenerator.knownTrialCount(g, g.getPhases(1)).orElseThrow(), "2 points on each of 3 ranges");
        CampaignSpec choices = CampaignFile.parse(grids.replace("batch { scale = log, min = 16, max = 512 }",
                "batch { choices = [16, 64, 256] }"), "gen.conf");
        assertTrue(TrialGenerator.knownTrialCount(choices, choices.getPhases(1)).isEmpty(),
                "the choices the fine grid keeps are those of the coarse phase's best trials");
        assertEquals(27, TrialGenerator.knownTrialCount(choices, choices.getPhases(0)).orElseThrow());
    }
}
