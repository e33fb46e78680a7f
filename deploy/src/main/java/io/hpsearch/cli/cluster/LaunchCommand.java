package io.hpsearch.cli.cluster;

import io.hpsearch.cli.output.OutputFolder;
import io.hpsearch.cli.UserError;
import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.protocol.v1.CampaignSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code hpsearch launch}: checks a campaign file, submits it to a running coordinator, follows it
 * with a progress bar and prints its top-k table. The campaign runs on the coordinator: stopping
 * {@code launch} (Ctrl-C) leaves it running unless {@code --cancel-on-exit}.
 */
@Command(name = "launch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Submit a campaign to the coordinator at --join, show its progress (trials done, phase, "
                + "best so far, time left) and print its top-k table when it ends.",
                "The campaign file is checked first: an invalid one is refused (exit 2) before anything connects.",
                "The campaign runs on the coordinator: Ctrl-C stops following it but leaves it running "
                        + "(follow it again with 'hpsearch watch'), unless --cancel-on-exit is given.",
                "Exit code 0 when the campaign completed, 1 when it was cancelled or failed."})
public final class LaunchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CAMPAIGN.conf", description = "The campaign file (HOCON).")
    Path file;

    @Mixin
    CoordinatorOptions connection;

    @Option(names = "--detach", description = "Submit and return at once; follow it later with 'hpsearch watch'.")
    boolean detach;

    @Option(names = "--cancel-on-exit", description = "Cancel the campaign when launch is stopped (Ctrl-C) before it ends.")
    boolean cancelOnExit;

    @Mixin
    TableOptions table;

    @Option(names = "--out", paramLabel = "DIR",
            description = "When the campaign ends, also write its results files into DIR, as hpsearch local does "
                    + "(not with --detach: use hpsearch watch --out then).")
    Path out;

    @Mixin
    FollowOptions follow;

    @Override
    public Integer call() throws Exception {
        // Everything the user wrote is checked before any connection is made.
        CampaignSpec campaign = CampaignFile.read(file);
        Endpoint coordinator = connection.coordinator();
        ResultsTable.Format fmt = table.format();
        int rows = table.rows();
        if (detach && out != null) {
            throw new UserError("--out writes the results when the campaign ends, which --detach does not wait for; "
                    + "use hpsearch watch --out (or results --out) later");
        }
        if (detach && cancelOnExit) {
            throw new UserError("--cancel-on-exit cancels the campaign when launch stops following it, and --detach "
                    + "does not follow it; to cancel it later, use hpsearch cancel");
        }
        if (out != null) OutputFolder.prepare("--out", out);
        Duration reconnectFor = follow.reconnectFor();
        Duration timeout = connection.timeout();
        String where = coordinator.hostPort();
        String name = campaign.getName();

        PrintWriter out = spec.commandLine().getOut();
        PrintStream err = System.err;
        try (CoordinatorLink link = new CoordinatorLink(() -> connection.connect(coordinator), where, reconnectFor,
                "the campaign may still be running there: follow it again with " + CampaignFollower.watchCommand(where, name))) {
            // a coordinator that is not there at the start is not waited for (a wrong address, most likely)
            Campaigns.submit(link.client(), campaign, timeout, where);
            if (detach) {
                out.println("campaign " + name + " submitted to " + where + "; follow it with: "
                        + CampaignFollower.watchCommand(where, name));
                out.flush();
                return 0;
            }
            err.println("campaign " + name + " submitted to " + where + " (Ctrl-C stops following it; the campaign "
                    + (cancelOnExit ? "is then cancelled" : "keeps running") + ")");
            return new CampaignFollower(link, name, timeout, where, out, err).untilEnd(rows, fmt, this.out, cancelOnExit);
        }
    }
}
