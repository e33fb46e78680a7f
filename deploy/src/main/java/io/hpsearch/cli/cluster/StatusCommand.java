package io.hpsearch.cli.cluster;

import io.hpsearch.cli.UserError;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.v1.StatusAnswer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code hpsearch status}: the coordinator's campaign queue and its workers. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show the campaigns on the coordinator at --join, in the order they run (state, phase, "
                + "trials done of planned, running, pending, failed, best so far, elapsed), and the workers taking "
                + "its trials (slots, threads per trial, cores, data sets held, version)."})
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions connection;

    @Option(names = "--campaign", paramLabel = "NAME", description = "Only this campaign (default: all of them).")
    String campaign;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table",
            description = "table, json (one object: campaigns and workers, snake_case keys) or markdown "
                    + "(default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        ResultsTable.Format fmt = FormatOption.parse(format);
        if (fmt == ResultsTable.Format.CSV) {
            throw new UserError("--format csv: status is two tables (campaigns and workers); use table, json or markdown");
        }
        Endpoint coordinator = connection.coordinator();
        String where = coordinator.hostPort();
        try (CoordinatorClient client = connection.connect(coordinator)) {
            StatusAnswer all = Campaigns.await(client.status(""), connection.timeout(), where);
            if (campaign != null) {
                // checked here rather than by the coordinator, to name the campaigns it does have
                ResultsCommand.pick(all, campaign, "the coordinator at " + where);
                all = all.toBuilder().clearCampaigns().addAllCampaigns(all.getCampaignsList().stream()
                        .filter(c -> c.getCampaign().equals(campaign)).toList()).build();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(new StatusTable(all).format(fmt));
            out.flush();
            return 0;
        }
    }
}
