package io.hpsearch.cli.cluster;

import ch.qos.logback.classic.Level;
import io.hpsearch.cli.UserError;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.ClusterConfig;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.TopKAnswer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hpsearch results}: a campaign's top-k table (and the coordinator's latency percentiles). */
@Command(name = "results", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the top-k table of a campaign on the coordinator at --join: rank, trial, phase, every "
                + "searched value, train/val/test accuracy, epochs, seconds, worker, status; best validation "
                + "accuracy first. Works while the campaign runs (the results so far)."})
public final class ResultsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--join", paramLabel = "H:P", required = true, description = "The coordinator's address, e.g. 10.0.0.1:25520.")
    String join;

    @Option(names = "--host", paramLabel = "H",
            description = "This machine's address as the coordinator reaches it (default: the local address of "
                    + "the route to the coordinator).")
    String host;

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

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "20",
            description = "Seconds to wait for the coordinator to be found and to answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        Endpoint coordinator = Endpoint.parse("--join", join);
        ResultsTable.Format fmt = FormatOption.parse(format);
        if (top != null && top < 1) throw new UserError("--top must be at least 1, got " + top);
        if (timeoutSeconds < 1) throw new UserError("--timeout must be at least 1 second, got " + timeoutSeconds);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        String where = coordinator.hostPort();
        String self = host != null ? host : coordinator.localAddressTowards();
        ClusterLogging.toStderr(Level.WARN);
        PrintWriter out = spec.commandLine().getOut();
        try (CoordinatorClient client = CoordinatorClient.join(ClusterConfig.node(ClusterConfig.ROLE_CLIENT, self, 0,
                List.of(coordinator.seed())), timeout)) {
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
