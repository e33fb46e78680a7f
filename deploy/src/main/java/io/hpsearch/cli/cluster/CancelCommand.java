package io.hpsearch.cli.cluster;

import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.v1.CancelAck;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code hpsearch cancel}: ends a queued or running campaign. The coordinator journals the
 * cancellation, leases none of its trials from then on and tells the workers running them to stop;
 * the results it already has stay in its table.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Cancel a queued or running campaign on the coordinator at --join: no more of its trials "
                + "are started, the running ones are stopped, and the results so far stay readable with "
                + "'hpsearch results'. The next queued campaign, if any, goes on.",
                "Exit code 0 when cancelled, 1 when the campaign had already ended, 2 when there is no such campaign."})
public final class CancelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The campaign's name (its campaign.name).")
    String campaign;

    @Mixin
    CoordinatorOptions connection;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "cancelled with hpsearch cancel",
            description = "Why, for the coordinator's journal and log (default: ${DEFAULT-VALUE}).")
    String reason;

    @Override
    public Integer call() {
        Endpoint coordinator = connection.coordinator();
        String where = coordinator.hostPort();
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        try (CoordinatorClient client = connection.connect(coordinator)) {
            // The coordinator refuses an unknown or ended campaign itself; asking first lets the
            // message list the campaigns it has and tells the two cases apart for the exit code.
            StatusAnswer all = Campaigns.await(client.status(""), connection.timeout(), where);
            CampaignStatus status = ResultsCommand.pick(all, campaign, "the coordinator at " + where);
            String results = "hpsearch results --join " + where + " --campaign " + campaign;
            if (Campaigns.finished(status.getState())) return alreadyEnded(status, results, err);
            CancelAck ack = Campaigns.await(client.cancel(campaign, reason), connection.timeout(), where);
            if (!ack.getCancelled()) {
                // it ended between the two questions (another cancel, or its last trial), which the
                // coordinator's status says; or the coordinator could not journal the cancellation
                if (ack.hasStatus() && Campaigns.finished(ack.getStatus().getState())) {
                    return alreadyEnded(ack.getStatus(), results, err);
                }
                err.println("campaign " + campaign + " not cancelled: " + ack.getError());
                err.flush();
                return 1;
            }
            // the trials running now are stopped on their workers, and recorded with what they ran;
            // counted by the coordinator as it cancelled, since trials end between two questions
            CampaignStatus cancelled = ack.hasStatus() ? ack.getStatus() : status;
            int stopping = CampaignProgress.running(cancelled);
            int done = CampaignProgress.done(cancelled);
            out.println("campaign " + campaign + " cancelled on " + where + " after " + done
                    + (done == 1 ? " trial" : " trials") + (stopping > 0 ? " (" + stopping + " running, being stopped: each is recorded with "
                    + "the epochs it ran)" : "") + "; its results so far: " + results);
            out.flush();
            return 0;
        }
    }

    private int alreadyEnded(CampaignStatus status, String results, PrintWriter err) {
        err.println("campaign " + campaign + " has already ended (" + Campaigns.stateName(status.getState())
                + "); nothing cancelled. Its results: " + results);
        err.flush();
        return 1;
    }
}
