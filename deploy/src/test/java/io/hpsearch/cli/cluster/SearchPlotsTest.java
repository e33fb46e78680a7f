package io.hpsearch.cli.cluster;

import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.ParamValue;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.Scale;
import io.hpsearch.protocol.v1.SearchSpace;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchPlotsTest {
    @TempDir
    Path dir;

    private static TrialResult trial(String phase, int index, double lambda, double momentum, double val, TrialStatus s) {
        return TrialResult.newBuilder().setId(TrialId.newBuilder().setCampaign("c").setPhase(phase).setIndex(index))
                .setStatus(s)
                .addParams(ParamValue.newBuilder().setName("lambda").setValue(lambda))
                .addParams(ParamValue.newBuilder().setName("momentum").setValue(momentum))
                .setValidation(Evaluation.newBuilder().setAccuracy(val)).build();
    }

    /** Best first, as the coordinator ranks them; the fine phase holds the best trial. */
    private static TopKAnswer answer() {
        return TopKAnswer.newBuilder().setCampaign("c")
                .addRanked(trial("fine", 1, 3e-3, 0.9, 0.86, TrialStatus.TRIAL_STATUS_COMPLETED))
                .addRanked(trial("coarse", 2, 1e-3, 0.5, 0.84, TrialStatus.TRIAL_STATUS_COMPLETED))
                .addRanked(trial("fine", 0, 5e-3, 0.95, 0.83, TrialStatus.TRIAL_STATUS_COMPLETED))
                .addRanked(trial("coarse", 0, 1e-5, 0.01, 0.40, TrialStatus.TRIAL_STATUS_DIVERGED))
                .addRanked(trial("coarse", 1, 1e-1, 0.2, Double.NaN, TrialStatus.TRIAL_STATUS_FAILED))
                .setTotal(5).build();
    }

    private static CampaignStatus status() {
        SearchSpace space = SearchSpace.newBuilder()
                .addDimensions(Dimension.newBuilder().setName("lambda").setScale(Scale.SCALE_LOG_UNIFORM).setMin(1e-5).setMax(1e-1))
                .addDimensions(Dimension.newBuilder().setName("momentum").setScale(Scale.SCALE_UNIFORM).setMin(0.01).setMax(0.99))
                .build();
        return CampaignStatus.newBuilder().setCampaign("c")
                .addPhases(PhaseStatus.newBuilder().setName("coarse").setSpace(space))
                .addPhases(PhaseStatus.newBuilder().setName("fine").setSpace(space)).build();
    }

    private static List<String> names(XYChart chart) {
        return new ArrayList<>(chart.getSeriesMap().keySet());
    }

    @Test
    void eachPhaseIsASeriesInTheCampaignsOrderAndTheBestTrialIsMarked() {
        ResultsTable table = ResultsTable.of(answer(), status());
        XYChart lambda = SearchPlots.chart(table, table.dimensions().indexOf("lambda"), status(), "c");
        // the failed trial has no validation accuracy: left out, and counted in the title
        assertEquals(List.of("coarse (2)", "fine (2)", "best (0.8600)"), names(lambda));
        assertTrue(lambda.getTitle().contains("1 trial without one"), lambda.getTitle());
        XYSeries coarse = lambda.getSeriesMap().get("coarse (2)");
        assertArrayEquals(new double[] {1e-3, 1e-5}, coarse.getXData(), 0);
        assertArrayEquals(new double[] {0.84, 0.40}, coarse.getYData(), 0);
        XYSeries best = lambda.getSeriesMap().get("best (0.8600)");
        assertArrayEquals(new double[] {3e-3}, best.getXData(), 0);
        assertTrue(lambda.getStyler().isXAxisLogarithmic(), "lambda is searched log-uniformly");
        XYChart momentum = SearchPlots.chart(table, table.dimensions().indexOf("momentum"), status(), "c");
        assertFalse(momentum.getStyler().isXAxisLogarithmic(), "momentum is searched uniformly, though it spans 2 decades");
    }

    @Test
    void theRangeTheFineRuleGaveIsDrawnAsTwoLines() {
        Dimension momentum = Dimension.newBuilder().setName("momentum").setScale(Scale.SCALE_UNIFORM).setMin(0.01).setMax(0.99).build();
        CampaignStatus narrowed = status().toBuilder().setPhases(1, PhaseStatus.newBuilder().setName("fine")
                .setSpace(SearchSpace.newBuilder()
                        .addDimensions(Dimension.newBuilder().setName("lambda").setScale(Scale.SCALE_LOG_UNIFORM).setMin(1e-3).setMax(1e-2))
                        .addDimensions(momentum))).build();
        ResultsTable table = ResultsTable.of(answer(), narrowed);
        assertEquals(List.of("fine"), SearchPlots.narrowedPhases("lambda", narrowed));
        XYChart lambda = SearchPlots.chart(table, table.dimensions().indexOf("lambda"), narrowed, "c");
        assertTrue(lambda.getXAxisTitle().endsWith("lines: the range fine sampled"), lambda.getXAxisTitle());
        XYSeries edges = lambda.getSeriesMap().get("fine range");
        assertArrayEquals(new double[] {1e-3, 1e-2}, edges.getXData(), 0);
        assertFalse(edges.isShowInLegend());
        // momentum's range was not narrowed, and neither was anything in the campaign without a rule
        assertEquals(List.of(), SearchPlots.narrowedPhases("momentum", narrowed));
        assertEquals(List.of(), SearchPlots.narrowedPhases("lambda", status()));
        assertFalse(SearchPlots.chart(table, table.dimensions().indexOf("momentum"), narrowed, "c").getXAxisTitle().contains("lines"));
    }

    @Test
    void withoutTheStatusTheValuesDecideTheScale() {
        ResultsTable table = ResultsTable.of(answer(), null);
        assertTrue(SearchPlots.chart(table, 0, null, "c").getStyler().isXAxisLogarithmic(), "1e-5 to 5e-3");
        TopKAnswer narrow = TopKAnswer.newBuilder().setCampaign("c")
                .addRanked(trial("coarse", 0, 0.01, 0.5, 0.8, TrialStatus.TRIAL_STATUS_COMPLETED))
                .addRanked(trial("coarse", 1, 0.05, 0.6, 0.7, TrialStatus.TRIAL_STATUS_COMPLETED)).build();
        assertFalse(SearchPlots.chart(ResultsTable.of(narrow, null), 0, null, "c").getStyler().isXAxisLogarithmic(),
                "a factor of 5");
    }

    @Test
    void writesOneDrawnFigurePerDimensionEvenWithNoResultYet() throws Exception {
        List<Path> files = SearchPlots.write(dir, ResultsTable.of(answer(), status()), status(), "c");
        assertEquals(List.of(dir.resolve("search-lambda.png"), dir.resolve("search-momentum.png")), files);
        for (Path f : files) {
            BufferedImage img = ImageIO.read(f.toFile());
            assertNotNull(img, f + " is not a PNG");
            assertEquals(SearchPlots.WIDTH, img.getWidth());
            assertEquals(SearchPlots.HEIGHT, img.getHeight());
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < img.getHeight(); y += 3) {
                for (int x = 0; x < img.getWidth(); x += 3) colours.add(img.getRGB(x, y));
            }
            assertTrue(colours.size() > 8, f + " looks blank");
        }
        TopKAnswer none = TopKAnswer.newBuilder().setCampaign("c").build();
        Path empty = dir.resolve("empty");
        List<Path> noResults = SearchPlots.write(empty, ResultsTable.of(none, status()), status(), "c");
        assertEquals(2, noResults.size());
        assertNotNull(ImageIO.read(noResults.get(0).toFile()));
        assertEquals("c: no trial with a validation accuracy yet",
                SearchPlots.chart(ResultsTable.of(none, status()), 0, status(), "c").getTitle());
        CampaignStatus cancelled = status().toBuilder().setState(CampaignState.CAMPAIGN_STATE_CANCELLED).build();
        assertEquals("c: no trial with a validation accuracy",
                SearchPlots.chart(ResultsTable.of(none, cancelled), 0, cancelled, "c").getTitle(), "an ended campaign will have none");
    }

    @Test
    void fileNamesKeepTheKeyButNothingAPathCouldMisread() {
        assertEquals("search-eta-min.png", SearchPlots.fileName("eta-min"));
        assertEquals("search-optimizer.beta1.png", SearchPlots.fileName("optimizer.beta1"));
        assertEquals("search-a_b_c.png", SearchPlots.fileName("a/b c"));
    }
}
