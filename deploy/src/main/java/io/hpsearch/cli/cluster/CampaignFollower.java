package io.hpsearch.cli.cluster;

import io.hpsearch.cli.progress.Terminals;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.TopKAnswer;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@code launch} does after submitting and {@code watch} does from the start: follows a
 * campaign on the coordinator with a progress line until it ends, then prints its top-k table (and
 * writes the results files, if asked). Ctrl-C stops the following; the campaign keeps running on
 * the coordinator unless the follower was made to cancel it.
 */
final class CampaignFollower {
    private final CoordinatorClient client;
    private final String campaign;
    private final Duration timeout;
    private final String where;
    private final PrintWriter out;
    private final PrintStream err;

    CampaignFollower(CoordinatorClient client, String campaign, Duration timeout, String where, PrintWriter out,
                     PrintStream err) {
        this.client = client;
        this.campaign = campaign;
        this.timeout = timeout;
        this.where = where;
        this.out = out;
        this.err = err;
    }

    /** The command that follows this campaign again. */
    static String watchCommand(String where, String campaign) {
        return "hpsearch watch --join " + where + " --campaign " + campaign;
    }

    /**
     * Follows the campaign to its end and prints its table.
     *
     * @param rows         rows of the table, 0 for the campaign's top-k
     * @param filesDir     where to write the results files when it ends, or null
     * @param cancelOnExit whether Ctrl-C cancels the campaign (else it only stops the following)
     * @return the exit code: 0 when the campaign completed, 1 when it was cancelled or failed
     */
    int untilEnd(int rows, ResultsTable.Format format, Path filesDir, boolean cancelOnExit) throws InterruptedException {
        AtomicBoolean ended = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            if (ended.get()) return;
            if (cancelOnExit) {
                try {
                    Campaigns.await(client.cancel(campaign, "launch stopped (--cancel-on-exit)"), timeout, where);
                    err.println("\ncampaign " + campaign + " cancelled");
                } catch (RuntimeException e) {
                    err.println("\ncould not cancel campaign " + campaign + ": " + e.getMessage());
                }
            } else {
                err.println("\nstopped following campaign " + campaign + "; it keeps running on the coordinator. "
                        + "Follow it again: " + watchCommand(where, campaign) + "; results so far: hpsearch results --join "
                        + where + " --campaign " + campaign);
            }
            main.interrupt();
        }, "hpsearch-follow-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        CampaignStatus end;
        try {
            end = Campaigns.follow(client, campaign, timeout, where, err, Terminals.stderrIsTerminal());
        } finally {
            ended.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook has run or is running: nothing to remove
            }
        }
        TopKAnswer answer = Campaigns.topK(client, campaign, rows, timeout, where);
        out.print(ResultsTable.of(answer, end).format(format));
        out.flush();
        if (filesDir != null) {
            StatusAnswer stats = Campaigns.await(client.status(campaign), timeout, where);
            ResultFiles.writeForOption(filesDir, Campaigns.allResults(client, campaign, timeout, where), end,
                    stats.getStatsList(), err);
        }
        err.println("campaign " + campaign + " " + Campaigns.stateName(end.getState()) + " after "
                + CampaignProgress.duration(end.getElapsedSeconds()) + "; " + answer.getTotal() + " trials with a result");
        return end.getState() == CampaignState.CAMPAIGN_STATE_COMPLETED ? 0 : 1;
    }
}
