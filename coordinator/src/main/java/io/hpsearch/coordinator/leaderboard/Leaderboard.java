package io.hpsearch.coordinator.leaderboard;

import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable ranking of trial results, best first.
 *
 * <p>Order ({@link #ORDER}):
 * <ol>
 *   <li>COMPLETED trials before all others; among the rest DIVERGED, then FAILED, then CANCELLED
 *       (then any other status);</li>
 *   <li>higher validation accuracy first (a NaN accuracy counts as the lowest);</li>
 *   <li>lower validation loss first (NaN counts as the highest);</li>
 *   <li>trial id: campaign name, then phase ordinal, then index, ascending.</li>
 * </ol>
 * Test accuracy is carried for reporting and never looked at. Non-completed trials are ranked by
 * the same accuracy and loss rules within their status group, so a table lists them last, in a
 * stable order.
 */
public final class Leaderboard {
    /** The ranking order, best first. */
    public static final Comparator<TrialResult> ORDER = Comparator
            .comparingInt((TrialResult r) -> statusRank(r.getStatus()))
            .thenComparing((a, b) -> higherFirst(a.getValidation().getAccuracy(), b.getValidation().getAccuracy()))
            .thenComparing((a, b) -> lowerFirst(a.getValidation().getLoss(), b.getValidation().getLoss()))
            .thenComparing(TrialResult::getId, Leaderboard::compareIds);

    private final List<TrialResult> ranked;

    private Leaderboard(List<TrialResult> ranked) {
        this.ranked = ranked;
    }

    /** The results, ranked. */
    public static Leaderboard of(Collection<TrialResult> results) {
        List<TrialResult> sorted = new ArrayList<>(results);
        sorted.sort(ORDER);
        return new Leaderboard(List.copyOf(sorted));
    }

    /** A leaderboard with one more result. */
    public Leaderboard with(TrialResult result) {
        return with(List.of(result));
    }

    /**
     * A leaderboard with {@code more} results, none of them in this one: they are sorted and merged
     * into this ranking (m log m + m log n comparisons and a copy of the list) rather than the
     * whole ranked again, so that a running campaign of 100,000 results, asked for a page of its
     * table after each few new ones, does not sort them all each time.
     */
    public Leaderboard with(Collection<TrialResult> more) {
        if (more.isEmpty()) return this;
        List<TrialResult> added = new ArrayList<>(more);
        added.sort(ORDER);
        List<TrialResult> merged = new ArrayList<>(ranked.size() + added.size());
        int from = 0;
        for (TrialResult r : added) {
            int at = Collections.binarySearch(ranked.subList(from, ranked.size()), r, ORDER);
            int to = from + (at >= 0 ? at + 1 : -at - 1); // after an equal one, as a stable sort of old then new
            merged.addAll(ranked.subList(from, to));
            merged.add(r);
            from = to;
        }
        merged.addAll(ranked.subList(from, ranked.size()));
        return new Leaderboard(Collections.unmodifiableList(merged));
    }

    /** Every result, best first. */
    public List<TrialResult> ranked() {
        return ranked;
    }

    /** The best {@code k} results (fewer if there are fewer). */
    public List<TrialResult> top(int k) {
        if (k < 0) throw new IllegalArgumentException("k must be ≥ 0: " + k);
        return ranked.subList(0, Math.min(k, ranked.size()));
    }

    /** The best {@code k} results of one phase. */
    public List<TrialResult> top(int k, String phase) {
        if (k < 0) throw new IllegalArgumentException("k must be ≥ 0: " + k);
        return ranked.stream().filter(r -> r.getId().getPhase().equals(phase)).limit(k).toList();
    }

    public int size() {
        return ranked.size();
    }

    /** Rank of the status group: COMPLETED 0, DIVERGED 1, FAILED 2, CANCELLED 3, anything else 4. */
    static int statusRank(TrialStatus s) {
        return switch (s) {
            case TRIAL_STATUS_COMPLETED -> 0;
            case TRIAL_STATUS_DIVERGED -> 1;
            case TRIAL_STATUS_FAILED -> 2;
            case TRIAL_STATUS_CANCELLED -> 3;
            default -> 4;
        };
    }

    private static int higherFirst(double a, double b) {
        boolean na = Double.isNaN(a), nb = Double.isNaN(b);
        if (na || nb) return Boolean.compare(na, nb);
        return Double.compare(b, a);
    }

    private static int lowerFirst(double a, double b) {
        boolean na = Double.isNaN(a), nb = Double.isNaN(b);
        if (na || nb) return Boolean.compare(na, nb);
        return Double.compare(a, b);
    }

    /** Campaign name, then phase ordinal, then index. */
    public static int compareIds(TrialId a, TrialId b) {
        int c = a.getCampaign().compareTo(b.getCampaign());
        if (c != 0) return c;
        c = Integer.compare(a.getPhaseOrdinal(), b.getPhaseOrdinal());
        return c != 0 ? c : Integer.compare(a.getIndex(), b.getIndex());
    }
}
