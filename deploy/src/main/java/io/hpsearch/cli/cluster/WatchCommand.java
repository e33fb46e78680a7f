package io.hpsearch.cli.cluster;

import io.hpsearch.cli.output.OutputFolder;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code hpsearch watch}: follows a campaign already on the coordinator (one launched with
 * {@code --detach}, or whose {@code launch} was stopped) as {@code launch} does, and prints its
 * top-k table when it ends; at once for a campaign that has ended.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Follow a campaign on the coordinator at --join (submitted earlier, e.g. with launch --detach): "
                + "show its progress as launch does and print its top-k table when it ends (at once if it has).",
                "Ctrl-C stops watching; the campaign keeps running.",
                "Exit code 0 when the campaign completed, 1 when it was cancelled or failed."})
public final class WatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions connection;

    @Option(names = "--campaign", paramLabel = "NAME", description = "The campaign (default: the one submitted last).")
    String campaign;

    @Mixin
    TableOptions table;

    @Option(names = "--out", paramLabel = "DIR",
            description = "When the campaign ends, also write its results files into DIR, as hpsearch local does.")
    Path out;

    @Mixin
    FollowOptions follow;

    @Override
    public Integer call() throws Exception {
        ResultsTable.Format fmt = table.format();
        int rows = table.rows();
        Endpoint coordinator = connection.coordinator();
        Duration reconnectFor = follow.reconnectFor();
        Duration timeout = connection.timeout();
        if (out != null) OutputFolder.prepare("--out", out);
        String where = coordinator.hostPort();
        try (CoordinatorLink link = new CoordinatorLink(() -> connection.connect(coordinator), where, reconnectFor,
                "run this command again to follow the campaign once the coordinator is back")) {
            // a coordinator that is not there at the start is not waited for (a wrong address, most likely)
            StatusAnswer all = Campaigns.await(link.client().status(""), timeout, where);
            CampaignStatus status = ResultsCommand.pick(all, campaign, "the coordinator at " + where);
            String name = status.getCampaign();
            System.err.println("watching campaign " + name + " on " + where + " (Ctrl-C stops watching; the campaign keeps running)");
            return new CampaignFollower(link, name, timeout, where, spec.commandLine().getOut(), System.err)
                    .untilEnd(rows, fmt, out, false);
        }
    }
}
