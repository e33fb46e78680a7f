package io.hpsearch.cli.cluster;

import io.hpsearch.cli.UserError;
import io.hpsearch.cli.output.OutputFolder;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.coordinator.journal.JournalCorruptException;
import io.hpsearch.coordinator.journal.JournalReader;
import io.hpsearch.coordinator.state.CampaignRun;
import io.hpsearch.coordinator.state.CoordinatorState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TopKQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hpsearch results}: a campaign's top-k table (and the coordinator's latency percentiles). */
@Command(name = "results", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the top-k table of a campaign on the coordinator at --join, or in the journal of a "
                + "coordinator's --state-dir (offline, no cluster needed): rank, trial, phase, every searched value, "
                + "train/val/test accuracy, epochs, seconds, worker, status; best validation accuracy first. Works "
                + "while the campaign runs (the results so far)."})
public final class ResultsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions connection;

    @Option(names = "--state-dir", paramLabel = "D",
            description = "Read the journal in this coordinator state folder instead of asking a running coordinator "
                    + "(it may be running or not; the journal is only read).")
    Path stateDir;

    @Option(names = "--campaign", paramLabel = "NAME",
            description = "The campaign (default: the one submitted last).")
    String campaign;

    @Option(names = "--phase", paramLabel = "NAME",
            description = "Only the trials of this phase (e.g. fine), ranked among themselves (default: every phase). "
                    + "--out still writes the whole campaign.")
    String phase;

    @Mixin
    TableOptions table;

    @Option(names = "--stats",
            description = "Also print the coordinator's percentiles of trial duration, queue wait and dispatch "
                    + "latency (all campaigns since it started); after the table, or on stderr with csv and json.")
    boolean stats;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Also write the campaign's results files into DIR, as hpsearch local does: every trial in "
                    + "results.json, results.csv and results.md, a figure of the search per searched dimension "
                    + "(search-NAME.png), each trial's curves (curves/PHASE-INDEX.csv), every trial's "
                    + "--train-command line (train-commands.txt), and with --join stats.txt.")
    Path out;

    @Option(names = "--train-command", paramLabel = "TRIAL",
            description = "Instead of the table, print the 'hpsearch train' command that trains trial TRIAL again on one "
                    + "machine (as the table names it, e.g. fine#3; or best, the first row): the same data, network, "
                    + "recipe and seed, so the same numbers. Add --out, or --data-dir where the data set is elsewhere.")
    String trainCommand;

    @Override
    public Integer call() throws IOException {
        if (trainCommand != null) {
            for (String option : new String[] {"--top", "--format", "--stats", "--out"}) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new UserError("--train-command prints a command, not the table; leave out " + option);
                }
            }
        }
        ResultsTable.Format fmt = table.format();
        int rows = table.rows();
        if (out != null) OutputFolder.prepare("--out", out);
        if (stateDir != null) {
            for (String option : new String[] {"--join", "--host", "--timeout"}) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new UserError("--state-dir reads a journal without a cluster; leave out " + option
                            + " (or --state-dir)");
                }
            }
            if (stats) {
                throw new UserError("--stats: the latency histograms live in the running coordinator; use --join");
            }
            return offline(fmt, rows);
        }
        Endpoint coordinator = connection.coordinator("--state-dir D to read a journal instead");
        Duration timeout = connection.timeout();
        String where = coordinator.hostPort();
        PrintWriter out = spec.commandLine().getOut();
        try (CoordinatorClient client = connection.connect(coordinator)) {
            StatusAnswer all = Campaigns.await(client.status(""), timeout, where);
            CampaignStatus status = pick(all, campaign, "the coordinator at " + where);
            if (trainCommand != null) {
                TopKAnswer withSpec = Campaigns.await(client.topK(TrialTrainCommand.query(status.getCampaign(),
                        phase(status))), timeout, where);
                out.println(TrialTrainCommand.line(withSpec, trainCommand, "the coordinator at " + where));
                out.flush();
                return 0;
            }
            TopKAnswer answer = Campaigns.topK(client, status.getCampaign(), phase(status), rows, timeout, where);
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
            if (this.out != null) {
                ResultFiles.writeForOption(this.out, Campaigns.allResults(client, status.getCampaign(), timeout, where), status,
                        all.getStatsList(), System.err);
            }
            warnIfRunning(status);
            return 0;
        }
    }

    /** The table from the journal in {@link #stateDir}, read as it is on disk. */
    private int offline(ResultsTable.Format fmt, int rows) throws IOException {
        CoordinatorState.Read read;
        try {
            read = CoordinatorState.read(stateDir, 3);
        } catch (NoSuchFileException e) {
            throw new UserError("--state-dir " + stateDir + ": no journal there (" + e.getFile() + " does not exist)", e);
        } catch (JournalCorruptException e) {
            throw new UserError("--state-dir " + stateDir + ": " + e.getMessage(), e);
        }
        JournalReader.Damage damage = read.read().damage();
        if (damage != null) {
            boolean torn = damage.kind() == JournalReader.DamageKind.TORN_TAIL;
            PrintWriter err = spec.commandLine().getErr();
            err.println("warning: journal " + read.read().file()
                    + (torn ? " ends with an incomplete record" : " has a damaged record, with more after it,")
                    + " at byte offset " + damage.offset() + " (" + damage.reason() + "); showing the "
                    + read.read().records() + " records before it"
                    + (torn ? "" : " (a coordinator refuses to start on it without --repair-journal)"));
            err.flush();
        }
        long now = System.currentTimeMillis();
        StatusAnswer.Builder all = StatusAnswer.newBuilder();
        for (CampaignRun run : read.state().campaigns()) all.addCampaigns(run.status(now));
        CampaignStatus status = pick(all.build(), campaign, "the journal " + read.read().file());
        CampaignRun run = read.state().campaign(status.getCampaign()).orElseThrow();
        if (trainCommand != null) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(TrialTrainCommand.line(run.topK(TrialTrainCommand.query(run.name(), phase(status))), trainCommand,
                    "the journal " + read.read().file()));
            out.flush();
            return 0;
        }
        TopKAnswer answer = run.topK(TopKQuery.newBuilder().setCampaign(run.name()).setPhase(phase(status)).setK(rows).build());
        PrintWriter out = spec.commandLine().getOut();
        out.print(ResultsTable.of(answer, status).format(fmt));
        out.flush();
        if (this.out != null) {
            ResultFiles.writeForOption(this.out, run.topK(TopKQuery.newBuilder().setCampaign(run.name())
                    .setK(Campaigns.ALL).setWithSpec(true).build()), status, null, System.err);
        }
        warnIfRunning(status);
        return 0;
    }

    /** The --phase asked for ("" for every phase), checked against the campaign's phases. */
    private String phase(CampaignStatus status) {
        if (phase == null) return "";
        List<String> names = status.getPhasesList().stream().map(PhaseStatus::getName).toList();
        if (!names.contains(phase)) {
            throw new UserError("--phase " + phase + ": campaign " + status.getCampaign() + " has no such phase (it has: "
                    + String.join(", ", names) + ")");
        }
        return phase;
    }

    private static void warnIfRunning(CampaignStatus status) {
        if (!Campaigns.finished(status.getState())) {
            System.err.println("campaign " + status.getCampaign() + " is " + Campaigns.stateName(status.getState())
                    + ": " + CampaignProgress.done(status) + " of " + StatusTable.planned(status) + " trials planned so far are done");
        }
    }

    /** The named campaign, or the one started last; {@code where} names the source ("the coordinator at …"). */
    static CampaignStatus pick(StatusAnswer all, String name, String where) {
        if (name != null) {
            return all.getCampaignsList().stream().filter(c -> c.getCampaign().equals(name)).findFirst()
                    .orElseThrow(() -> new UserError("no campaign " + name + " in " + where
                            + (all.getCampaignsCount() == 0 ? "" : " (it has: " + String.join(", ",
                            all.getCampaignsList().stream().map(CampaignStatus::getCampaign).toList()) + ")")));
        }
        return all.getCampaignsList().stream().max(Comparator.comparingLong(CampaignStatus::getStartedEpochMillis))
                .orElseThrow(() -> new UserError(where + " has no campaigns yet"));
    }
}
