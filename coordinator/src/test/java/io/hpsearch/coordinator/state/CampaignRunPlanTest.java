package io.hpsearch.coordinator.state;

import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.PhaseStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a campaign counts as planned before its later phases start, and after it is cancelled. */
class CampaignRunPlanTest {
    private static final String TEXT = """
            campaign { name = plan, seed = 5 }
            data { set = fashion-mnist }
            network { hidden = [10] }
            training { epochs = 1, schedule { type = constant, eta = 0.01 } }
            search { lambda { min = 1e-5, max = 1e-1 }, BATCH }
            phases = [
              { name = coarse, sampler = grid, points = 3 }
              { name = fine, FINE, refine { from = coarse, top = 2 } }
            ]
            """;

    private static List<Integer> planned(CampaignStatus s) {
        return s.getPhasesList().stream().map(PhaseStatus::getPlanned).toList();
    }

    private static CampaignSpec spec(String batch, String fine) {
        return CampaignFile.parse(TEXT.replace("BATCH", batch).replace("FINE", fine), "plan.conf");
    }

    @Test
    void aRefinedPhaseCountsFromTheStartUnlessItIsAGridOverChoices() {
        String range = "batch { min = 50, max = 100 }", choices = "batch { choices = [50, 100] }";
        CampaignSpec random = spec(range, "sampler = random, trials = 4");
        assertEquals(9 + 4, CampaignRun.plan(random));
        CampaignRun run = new CampaignRun(random, 0);
        assertEquals(List.of(9, 4), planned(run.status(0)));
        // cancelled before the fine phase began: its 4 trials are still what the campaign had planned
        run.cancel(1, "test");
        assertEquals(List.of(9, 4), planned(run.status(1)));

        assertEquals(List.of(9, 4), planned(new CampaignRun(spec(range, "sampler = grid, points = 2"), 0).status(0)),
                "2 points on each of two ranges");
        CampaignSpec overChoices = spec(choices, "sampler = grid, points = 2");
        assertEquals(List.of(6, 0), planned(new CampaignRun(overChoices, 0).status(0)),
                "which batches the fine grid keeps depends on the coarse results");
        assertEquals(6, CampaignRun.plan(overChoices));
    }
}
