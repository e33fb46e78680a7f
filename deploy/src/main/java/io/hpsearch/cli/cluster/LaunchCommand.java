package io.hpsearch.cli.cluster;

import io.hpsearch.cli.UserError;
import io.hpsearch.cli.progress.Terminals;
import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.TopKAnswer;
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
import java.util.concurrent.atomic.AtomicBoolean;

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
                        + "(read its results later with 'hpsearch results'), unless --cancel-on-exit is given.",
                "Exit code 0 when the campaign completed, 1 when it was cancelled or failed."})
public final class LaunchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CAMPAIGN.conf", description = "The campaign file (HOCON).")
    Path file;

    @Mixin
    CoordinatorOptions connection;

    @Option(names = "--detach", description = "Submit and return at once; follow with 'hpsearch results'.")
    boolean detach;

    @Option(names = "--cancel-on-exit", description = "Cancel the campaign when launch is stopped (Ctrl-C) before it ends.")
    boolean cancelOnExit;

    @Option(names = "--top", paramLabel = "K", description = "Rows of the final table (default: the campaign's top-k).")
    Integer top;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table",
            description = "Final table as table, csv, json or markdown (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "DIR",
            description = "When the campaign ends, also write its results files into DIR, as hpsearch local does "
                    + "(not with --detach: use hpsearch results --out then).")
    Path out;

    @Override
    public Integer call() throws Exception {
        // Everything the user wrote is checked before any connection is made.
        CampaignSpec campaign = CampaignFile.read(file);
        Endpoint coordinator = connection.coordinator();
        ResultsTable.Format fmt = FormatOption.parse(format);
        if (top != null && top < 1) throw new UserError("--top must be at least 1, got " + top);
        if (detach && out != null) {
            throw new UserError("--out writes the results when the campaign ends, which --detach does not wait for; "
                    + "use hpsearch results --out later");
        }
        Duration timeout = connection.timeout();
        String where = coordinator.hostPort();

        PrintWriter out = spec.commandLine().getOut();
        PrintStream err = System.err;
        try (CoordinatorClient client = connection.connect(coordinator)) {
            Campaigns.submit(client, campaign, timeout, where);
            String name = campaign.getName();
            String resultsCommand = "hpsearch results --join " + where + " --campaign " + name;
            if (detach) {
                out.println("campaign " + name + " submitted to " + where + "; follow it with: " + resultsCommand);
                out.flush();
                return 0;
            }
            err.println("campaign " + name + " submitted to " + where + " (Ctrl-C stops following it; the campaign "
                    + (cancelOnExit ? "is then cancelled" : "keeps running") + ")");
            AtomicBoolean ended = new AtomicBoolean();
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                if (ended.get()) return;
                if (cancelOnExit) {
                    try {
                        Campaigns.await(client.cancel(name, "launch stopped (--cancel-on-exit)"), timeout, where);
                        err.println("\ncampaign " + name + " cancelled");
                    } catch (RuntimeException e) {
                        err.println("\ncould not cancel campaign " + name + ": " + e.getMessage());
                    }
                } else {
                    err.println("\nstopped following campaign " + name + "; it keeps running on the coordinator. "
                            + "Results: " + resultsCommand);
                }
                main.interrupt();
            }, "hpsearch-launch-exit");
            Runtime.getRuntime().addShutdownHook(hook);
            CampaignStatus end;
            try {
                end = Campaigns.follow(client, campaign, timeout, where, err, Terminals.stderrIsTerminal());
            } finally {
                ended.set(true);
            }
            TopKAnswer answer = Campaigns.topK(client, name, top == null ? 0 : top, timeout, where);
            out.print(ResultsTable.of(answer, end).format(fmt));
            out.flush();
            if (this.out != null) {
                StatusAnswer stats = Campaigns.await(client.status(name), timeout, where);
                ResultFiles.writeForOption(this.out, Campaigns.topK(client, name, Campaigns.ALL, timeout, where), end,
                        stats.getStatsList(), err);
            }
            err.println("campaign " + name + " " + Campaigns.stateName(end.getState()) + " after "
                    + CampaignProgress.duration(end.getElapsedSeconds()) + "; " + answer.getTotal() + " trials with a result");
            return end.getState() == CampaignState.CAMPAIGN_STATE_COMPLETED ? 0 : 1;
        }
    }
}
