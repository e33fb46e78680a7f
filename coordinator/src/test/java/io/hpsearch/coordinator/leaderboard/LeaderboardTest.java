package io.hpsearch.coordinator.leaderboard;

import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LeaderboardTest {
    private static TrialResult r(String name, TrialStatus status, int ordinal, int index, double valAcc, double valLoss,
                                 double testAcc) {
        return TrialResult.newBuilder()
                .setId(TrialId.newBuilder().setCampaign("c").setPhase(ordinal == 0 ? "coarse" : "fine")
                        .setPhaseOrdinal(ordinal).setIndex(index))
                .setStatus(status)
                .setValidation(Evaluation.newBuilder().setAccuracy(valAcc).setLoss(valLoss))
                .setTest(Evaluation.newBuilder().setAccuracy(testAcc))
                .setWorkerId(name) // used here as a label
                .build();
    }

    private static final TrialStatus OK = TrialStatus.TRIAL_STATUS_COMPLETED;

    private static List<String> names(List<TrialResult> rs) {
        return rs.stream().map(TrialResult::getWorkerId).toList();
    }

    private static List<String> rankShuffled(List<TrialResult> results) {
        // the order must not depend on the input order
        List<String> first = null;
        for (int seed = 0; seed < 5; seed++) {
            List<TrialResult> copy = new ArrayList<>(results);
            Collections.shuffle(copy, new Random(seed));
            List<String> ranked = names(Leaderboard.of(copy).ranked());
            if (first == null) first = ranked;
            assertEquals(first, ranked);
        }
        return first;
    }

    @Test
    void higherValidationAccuracyFirstTestAccuracyIgnored() {
        List<TrialResult> rs = List.of(
                r("a", OK, 0, 0, 0.50, 1.0, 0.99),
                r("b", OK, 0, 1, 0.53, 1.5, 0.10),
                r("c", OK, 0, 2, 0.51, 0.9, 0.50));
        assertEquals(List.of("b", "c", "a"), rankShuffled(rs));
    }

    @Test
    void accuracyTieBrokenByLowerValidationLoss() {
        List<TrialResult> rs = List.of(
                r("a", OK, 0, 0, 0.52, 1.40, 0),
                r("b", OK, 0, 1, 0.52, 1.30, 0),
                r("c", OK, 0, 2, 0.52, Double.NaN, 0),
                r("d", OK, 0, 3, 0.52, 1.35, 0));
        assertEquals(List.of("b", "d", "a", "c"), rankShuffled(rs));
    }

    @Test
    void fullTieBrokenByTrialId() {
        List<TrialResult> rs = List.of(
                r("fine-0", OK, 1, 0, 0.52, 1.3, 0),
                r("coarse-10", OK, 0, 10, 0.52, 1.3, 0),
                r("coarse-2", OK, 0, 2, 0.52, 1.3, 0));
        // phase ordinal, then index numerically (2 before 10)
        assertEquals(List.of("coarse-2", "coarse-10", "fine-0"), rankShuffled(rs));
    }

    @Test
    void nonCompletedTrialsRankLastByStatus() {
        List<TrialResult> rs = List.of(
                r("cancelled", TrialStatus.TRIAL_STATUS_CANCELLED, 0, 0, 0.9, 0.1, 0),
                r("failed", TrialStatus.TRIAL_STATUS_FAILED, 0, 1, 0.9, 0.1, 0),
                r("diverged", TrialStatus.TRIAL_STATUS_DIVERGED, 0, 2, 0.95, Double.NaN, 0),
                r("poor", OK, 0, 3, 0.10, 2.3, 0),
                r("nan", OK, 0, 4, Double.NaN, Double.NaN, 0),
                r("good", OK, 0, 5, 0.50, 1.4, 0));
        assertEquals(List.of("good", "poor", "nan", "diverged", "failed", "cancelled"), rankShuffled(rs));
    }

    @Test
    void topK() {
        List<TrialResult> rs = List.of(
                r("a", OK, 0, 0, 0.1, 1, 0), r("b", OK, 1, 0, 0.2, 1, 0), r("c", OK, 0, 1, 0.3, 1, 0));
        Leaderboard lb = Leaderboard.of(rs);
        assertEquals(List.of("c", "b"), names(lb.top(2)));
        assertEquals(List.of("c", "b", "a"), names(lb.top(10)));
        assertEquals(List.of(), lb.top(0));
        assertEquals(List.of("c", "a"), names(lb.top(5, "coarse")));
        assertEquals(List.of("d", "c", "b", "a"), names(lb.with(r("d", OK, 1, 1, 0.4, 1, 0)).ranked()));
        assertEquals(3, lb.size());
        assertThrows(IllegalArgumentException.class, () -> lb.top(-1));
    }
}
