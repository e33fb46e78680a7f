package io.hpsearch.cli.cluster;

import io.hpsearch.cli.UserError;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.TopKAnswer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;

/** {@code hpsearch results}: a campaign's top-k table (and the coordinator's latency percentiles). */
@Command(name = "results", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the top-k table of a campaign on the coordinator at --join: rank, trial, phase, every "
                + "searched value, train/val/test accuracy, epochs, seconds, worker, status; best validation "
                + "accuracy first. Works while the campaign runs (the results so far)."})
public final class ResultsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions connection;

    @Option(names = "--campaign", paramLabel = "NAME",
            description = "The campaign (default: the one submitted last).")
    String campaign;

    @Option(names = "--top", paramLabel = "K", description = "Rows (default: the campaign's top-k).")
    Integer top;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table",
            description = "table, csv, json (one array, snake_case keys) or markdown (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--stats",
            description = "Also print the coordinator's percentiles of trial duration, queue wait and dispatch "
                    + "latency (all campaigns since it started); after the table, or on stderr with csv and json.")
    boolean stats;

    @Override
    public Integer call() {
        Endpoint coordinator = connection.coordinator();
        ResultsTable.Format fmt = FormatOption.parse(format);
        if (top != null && top < 1) throw new UserError("--top must be at least 1, got " + top);
        Duration timeout = connection.timeout();
        String where = coordinator.hostPort();
        PrintWriter out = spec.commandLine().getOut();
        try (CoordinatorClient client = connection.connect(coordinator)) {
            StatusAnswer all = Campaigns.await(client.status(""), timeout, where);
            CampaignStatus status = pick(all, campaign, where);
            TopKAnswer answer = Campaigns.topK(client, status.getCampaign(), top == null ? 0 : top, timeout, where);
            out.print(ResultsTable.of(answer, status).format(fmt));
            if (stats) {
                String text = ResultsTable.stats(all.getStatsList());
                if (fmt == ResultsTable.Format.JSON || fmt == ResultsTable.Format.CSV) {
                    System.err.print(text);
                } else {
                    out.println();
                    out.print(text);
                }
            }
            out.flush();
            if (!Campaigns.finished(status.getState())) {
                System.err.println("campaign " + status.getCampaign() + " is " + Campaigns.stateName(status.getState())
                        + ": " + CampaignProgress.done(status) + " of " + plannedSoFar(status) + " trials planned so far are done");
            }
            return 0;
        }
    }

    private static int plannedSoFar(CampaignStatus s) {
        return s.getPhasesList().stream().mapToInt(p -> p.getPlanned()).sum();
    }

    /** The named campaign, or the one started last. */
    static CampaignStatus pick(StatusAnswer all, String name, String where) {
        if (name != null) {
            return all.getCampaignsList().stream().filter(c -> c.getCampaign().equals(name)).findFirst()
                    .orElseThrow(() -> new UserError("--campaign: no campaign " + name + " on the coordinator at " + where
                            + (all.getCampaignsCount() == 0 ? "" : " (it has: " + String.join(", ",
                            all.getCampaignsList().stream().map(CampaignStatus::getCampaign).toList()) + ")")));
        }
        return all.getCampaignsList().stream().max(Comparator.comparingLong(CampaignStatus::getStartedEpochMillis))
                .orElseThrow(() -> new UserError("the coordinator at " + where + " has no campaigns yet"));
    }
}
