package io.hpsearch.cli.cluster;

import io.hpsearch.cli.UserError;
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

/**
 * What {@code launch} does after submitting and {@code watch} does from the start: follows a
 * campaign on the coordinator with a progress line until it ends, then prints its top-k table (and
 * writes the results files, if asked). Ctrl-C stops the following; the campaign keeps running on
 * the coordinator unless the follower was made to cancel it. A coordinator lost on the way is
 * waited for ({@link CoordinatorLink}).
 */
final class CampaignFollower {
    private final CoordinatorLink link;
    private final String campaign;
    private final Duration timeout;
    private final String where;
    private final PrintWriter out;
    private final PrintStream err;

    CampaignFollower(CoordinatorLink link, String campaign, Duration timeout, String where, PrintWriter out,
                     PrintStream err) {
        this.link = link;
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
     * @return the exit code: 0 when the campaign completed, 1 when it was cancelled or failed,
     *         {@link StopHook#EXIT_STOPPED} when Ctrl-C (or SIGTERM) stopped the following
     */
    int untilEnd(int rows, ResultsTable.Format format, Path filesDir, boolean cancelOnExit) throws InterruptedException {
        CampaignProgress progress = new CampaignProgress(campaign, err, Terminals.stderrIsTerminal());
        StopHook stop = new StopHook("hpsearch-follow-exit", () -> {
            progress.close(); // the bar's last draw before the message, and none after it
            if (cancelOnExit) {
                try {
                    Campaigns.await(link.client().cancel(campaign, "launch stopped (--cancel-on-exit)"), timeout, where);
                    err.println("\ncampaign " + campaign + " cancelled");
                } catch (RuntimeException e) {
                    // the coordinator may be away for a moment (restarting): the campaign then carries on
                    err.println("\ncould not cancel campaign " + campaign + ": " + e.getMessage() + "; it may still run on "
                            + "the coordinator: cancel it with hpsearch cancel " + campaign + " --join " + where);
                }
            } else {
                err.println("\nstopped following campaign " + campaign + "; it keeps running on the coordinator. "
                        + "Follow it again: " + watchCommand(where, campaign) + "; results so far: hpsearch results --join "
                        + where + " --campaign " + campaign);
            }
            err.flush();
        });
        CampaignStatus end;
        try {
            end = Campaigns.follow(p -> link.ask(this::status, p::notice), progress);
        } catch (InterruptedException | RuntimeException e) {
            if (!stop.settle()) return StopHook.EXIT_STOPPED; // the hook has said why, and a stack trace would bury it
            throw e;
        } finally {
            progress.close();
        }
        if (!stop.settle()) return StopHook.EXIT_STOPPED;
        TopKAnswer answer = link.ask(c -> Campaigns.topK(c, campaign, rows, timeout, where), err::println);
        out.print(ResultsTable.of(answer, end).format(format));
        out.flush();
        if (filesDir != null) {
            StatusAnswer stats = link.ask(c -> Campaigns.await(c.status(campaign), timeout, where), err::println);
            TopKAnswer all = link.ask(c -> Campaigns.allResults(c, campaign, timeout, where), err::println);
            ResultFiles.writeForOption(filesDir, all, end, stats.getStatsList(), err);
        }
        err.println("campaign " + campaign + " " + Campaigns.stateName(end.getState()) + Campaigns.reason(end) + " after "
                + CampaignProgress.duration(end.getElapsedSeconds()) + "; " + CampaignProgress.outcomes(end));
        return end.getState() == CampaignState.CAMPAIGN_STATE_COMPLETED ? 0 : 1;
    }

    /**
     * The campaign's status. A coordinator that came back without the campaign was started without
     * its journal (or on another one): the campaign is gone, and the message says so.
     */
    private CampaignStatus status(CoordinatorClient client) {
        try {
            return Campaigns.status(client, campaign, timeout, where);
        } catch (CoordinatorUnreachable e) {
            throw e;
        } catch (UserError e) {
            if (link.reconnections() == 0) throw e;
            // every hpsearch coordinator has a journal (--state-dir defaults to ~/.hpsearch/state), so
            // the likely cause is another folder than the one it ran on, e.g. the default one
            throw new UserError(e.getMessage() + " since it restarted: was it started again on another --state-dir? "
                    + "A coordinator knows only the campaigns in the journal of the --state-dir it runs on", e);
        }
    }
}
