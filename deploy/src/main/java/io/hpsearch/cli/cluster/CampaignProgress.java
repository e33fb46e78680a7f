package io.hpsearch.cli.cluster;

import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.PhaseStatus;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A campaign's progress from its status snapshots: trials done of the total, the current phase,
 * the best validation accuracy so far and the time left. On a terminal, a progress bar redrawn in
 * place; elsewhere one line per change (trials done or phase). It needs nothing but the status,
 * so {@code launch} and {@code watch} show the same.
 *
 * <p>Closed, it prints nothing more. It may be closed from another thread than the one that
 * updates it: a follower stopped by Ctrl-C closes it from its shutdown hook, so that the bar's
 * last draw comes before the hook's message and no progress comes after it.
 */
final class CampaignProgress implements AutoCloseable {
    private final String campaign;
    private final PrintStream out;
    private final boolean terminal;
    private ProgressBar bar; // made at the first status on a terminal, when the total is known
    private String lastLine = "";
    private boolean closed;

    CampaignProgress(String campaign, PrintStream out, boolean terminal) {
        this.campaign = campaign;
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Trials of the whole campaign: a phase's planned count once the coordinator knows it (a
     * refined phase's count is known when it starts), else the count its spec asks for. Once the
     * campaign has ended, a phase that never started adds nothing: the total is then status's
     * {@code planned}.
     */
    static int total(CampaignStatus status) {
        boolean ended = Campaigns.finished(status.getState());
        int total = 0;
        for (PhaseStatus p : status.getPhasesList()) total += p.getPlanned() > 0 || ended ? p.getPlanned() : p.getRequested();
        return total;
    }

    /** Trials out on workers (of an ended campaign: being stopped). */
    static int running(CampaignStatus status) {
        return status.getPhasesList().stream().mapToInt(PhaseStatus::getRunning).sum();
    }

    static int done(CampaignStatus status) {
        int done = 0;
        for (PhaseStatus p : status.getPhasesList()) {
            done += p.getCompleted() + p.getDiverged() + p.getFailed() + p.getCancelled();
        }
        return done;
    }

    /** The trials with an outcome, by outcome: "16 trials: 14 completed, 1 diverged, 1 failed" (outcomes of none left out). */
    static String outcomes(CampaignStatus status) {
        int completed = 0, diverged = 0, failed = 0, cancelled = 0;
        for (PhaseStatus p : status.getPhasesList()) {
            completed += p.getCompleted();
            diverged += p.getDiverged();
            failed += p.getFailed();
            cancelled += p.getCancelled();
        }
        int all = completed + diverged + failed + cancelled;
        List<String> parts = new ArrayList<>();
        if (completed > 0) parts.add(completed + " completed");
        if (diverged > 0) parts.add(diverged + " diverged");
        if (failed > 0) parts.add(failed + " failed");
        if (cancelled > 0) parts.add(cancelled + " cancelled");
        return all + (all == 1 ? " trial" : " trials") + (parts.isEmpty() ? "" : ": " + String.join(", ", parts));
    }

    synchronized void update(CampaignStatus status) {
        if (closed) return;
        int total = total(status);
        int done = done(status);
        String best = status.hasBest() ? String.format(Locale.ROOT, "best val acc %.4f", status.getBest().getValidation().getAccuracy())
                : "no result yet";
        boolean ended = Campaigns.finished(status.getState());
        String message;
        if (ended) {
            int stopping = running(status);
            message = Campaigns.stateName(status.getState())
                    + (stopping > 0 ? ", waiting for " + stopping + " running trial(s) to stop" : "") + ", " + best;
        } else if (status.getState() == CampaignState.CAMPAIGN_STATE_PENDING) {
            // the coordinator says what it waits for (a coordinator before that field says nothing)
            message = status.getWaiting().isEmpty() ? "waiting for a worker" : status.getWaiting();
        } else {
            message = (status.getCurrentPhase().isEmpty() ? "starting" : "phase " + status.getCurrentPhase()) + ", " + best
                    + (status.getWaiting().isEmpty() ? "" : "; " + status.getWaiting());
        }
        if (terminal) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName(campaign).setInitialMax(total).setUnit(" trials", 1)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
                        .setConsumer(new ConsoleProgressBarConsumer(out)).build();
            }
            bar.maxHint(total);
            bar.stepTo(done);
            bar.setExtraMessage(message);
            return;
        }
        String line = String.format(Locale.ROOT, "%s: %d/%d trials, %s", campaign, done, total, message);
        if (line.equals(lastLine)) return;
        lastLine = line;
        double elapsed = status.getElapsedSeconds();
        String left = !ended && done > 0 && done < total ? ", about " + duration(elapsed / done * (total - done)) + " left" : "";
        out.println(line + ", " + duration(elapsed) + " elapsed" + left);
        out.flush();
    }

    /** A line of its own between progress updates (on a terminal, below the bar as drawn so far). */
    synchronized void notice(String line) {
        if (closed) return;
        if (terminal && bar != null) out.println();
        out.println(line);
        out.flush();
        lastLine = ""; // the next update prints its line again
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (bar != null) bar.close(); // draws the bar once more: only once
    }
}
