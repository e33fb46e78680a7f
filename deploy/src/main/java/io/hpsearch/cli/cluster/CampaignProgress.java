package io.hpsearch.cli.cluster;

import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.PhaseStatus;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A campaign's progress from its status snapshots: trials done of the total, the current phase,
 * the best validation accuracy so far and the time left. On a terminal, a progress bar redrawn in
 * place; elsewhere one line per change (trials done or phase).
 */
final class CampaignProgress implements AutoCloseable {
    private final CampaignSpec spec;
    private final PrintStream out;
    private final ProgressBar bar; // null when not a terminal
    private String lastLine = "";

    CampaignProgress(CampaignSpec spec, PrintStream out, boolean terminal) {
        this.spec = spec;
        this.out = out;
        this.bar = terminal ? new ProgressBarBuilder().setTaskName(spec.getName()).setInitialMax(total(spec, null))
                .setUnit(" trials", 1).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(out)).build() : null;
    }

    /**
     * Trials of the whole campaign: a phase's planned count once the coordinator knows it (a
     * refined phase's count is known when it starts), else the count its spec asks for.
     */
    static int total(CampaignSpec spec, CampaignStatus status) {
        int total = 0;
        for (int i = 0; i < spec.getPhasesCount(); i++) {
            PhaseSpec p = spec.getPhases(i);
            int planned = status != null && i < status.getPhasesCount() ? status.getPhases(i).getPlanned() : 0;
            total += planned > 0 ? planned : p.getTrials();
        }
        return total;
    }

    static int done(CampaignStatus status) {
        int done = 0;
        for (PhaseStatus p : status.getPhasesList()) {
            done += p.getCompleted() + p.getDiverged() + p.getFailed() + p.getCancelled();
        }
        return done;
    }

    void update(CampaignStatus status) {
        int total = total(spec, status);
        int done = done(status);
        String best = status.hasBest() ? String.format(Locale.ROOT, "best val acc %.4f", status.getBest().getValidation().getAccuracy())
                : "no result yet";
        String message = (status.getCurrentPhase().isEmpty() ? "starting" : "phase " + status.getCurrentPhase()) + ", " + best;
        if (bar != null) {
            bar.maxHint(total);
            bar.stepTo(done);
            bar.setExtraMessage(message);
            return;
        }
        String line = String.format(Locale.ROOT, "%s: %d/%d trials, %s", spec.getName(), done, total, message);
        if (line.equals(lastLine)) return;
        lastLine = line;
        double elapsed = status.getElapsedSeconds();
        String left = done > 0 && done < total ? ", about " + duration(elapsed / done * (total - done)) + " left" : "";
        out.println(line + ", " + duration(elapsed) + " elapsed" + left);
        out.flush();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
