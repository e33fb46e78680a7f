package io.hpsearch.cli.cluster;

import io.hpsearch.cli.output.FinishBeforeExit;
import io.hpsearch.cli.output.OutputFolder;
import ch.qos.logback.classic.Level;
import io.hpsearch.cli.CoreBudget;
import io.hpsearch.cli.UserError;
import io.hpsearch.cli.progress.Terminals;
import io.hpsearch.coordinator.Coordinator;
import io.hpsearch.coordinator.CoordinatorNode;
import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.BuildInfo;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.worker.WorkerNode;
import io.hpsearch.worker.data.DataSetCache;
import io.hpsearch.worker.data.DataUnavailableException;
import io.hpsearch.worker.data.FingerprintMismatchException;
import io.hpsearch.worker.trial.TrialSpecException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hpsearch local}: a coordinator and N workers in this JVM (each its own actor system,
 * talking over Artery TCP on 127.0.0.1 like a real cluster), one campaign, its table and files.
 */
@Command(name = "local", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a campaign on this machine: a coordinator and --workers workers in one JVM, with "
                + "progress; then print the top-k table and write the results files into --out "
                + "(results.json, results.csv, results.md, stats.txt, search-NAME.png, curves/PHASE-INDEX.csv, "
                + "train-commands.txt).",
                "Ctrl-C stops it, and the campaign with it (it runs in this JVM): nothing is written then."})
public final class LocalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CAMPAIGN.conf", description = "The campaign file (HOCON).")
    Path file;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "Workers (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--slots", paramLabel = "N",
            description = "Trials each worker trains at once (default: cores / (workers x threads per trial), at least 1).")
    Integer slots;

    @Option(names = "--threads-per-trial", paramLabel = "T", defaultValue = "1",
            description = "Threads of each trial (default: ${DEFAULT-VALUE}).")
    int threadsPerTrial;

    @Option(names = "--data-dir", paramLabel = "D",
            description = "Folder holding the data sets (default: as for 'hpsearch worker').")
    Path dataDir;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder of the results files (default: runs/CAMPAIGN-NAME).")
    Path out;

    @Mixin
    TableOptions table;

    @Override
    public Integer call() throws Exception {
        CampaignSpec campaign = CampaignFile.read(file);
        if (workers < 1 || workers > 64) throw new UserError("--workers must be in 1..64, got " + workers);
        CoreBudget.checkCount("--threads-per-trial", threadsPerTrial);
        int rows = table.rows();
        ResultsTable.Format fmt = table.format();
        int cores = Runtime.getRuntime().availableProcessors();
        int n = slots != null ? slots : Math.max(1, cores / (workers * threadsPerTrial));
        CoreBudget.checkCount("--slots", n);
        Path dir = out != null ? out : Path.of("runs", campaign.getName());
        OutputFolder.prepare("--out", dir);
        ClusterLogging.toStderr(Level.WARN);
        PrintStream err = System.err;
        CoreBudget.excess(workers * n, threadsPerTrial, cores, "--workers " + workers + " × "
                + (slots != null ? "--slots " + n : n + " slot(s)") + " × --threads-per-trial " + threadsPerTrial)
                .ifPresent(err::println);

        // One copy of the data for every worker of this JVM, loaded before anything starts, so a
        // missing data set is an error here rather than a campaign that waits for ever.
        DataSetCache data = WorkerData.cache(dataDir);
        String dataSetName = CampaignFile.dataSetName(campaign.getData().getKind());
        try {
            err.println("loading " + dataSetName + " ...");
            // with the campaign's fingerprint checked: every worker here shares this copy, so
            // a mismatch would leave the campaign waiting for a worker that can never come
            data.get(campaign.getData());
        } catch (FingerprintMismatchException e) {
            throw new UserError(file + ": data.fingerprint (" + e.expected() + ") does not match this machine's copy of "
                    + dataSetName + ", whose fingerprint is " + e.actual(), e);
        } catch (DataUnavailableException | TrialSpecException e) {
            throw new UserError(file + ": data: " + e.getMessage()
                    + (dataDir == null ? " (give the folder with --data-dir, or run 'hpsearch data fetch')" : ""), e);
        }

        Duration timeout = Duration.ofSeconds(30);
        String name = campaign.getName();
        CampaignProgress progress = new CampaignProgress(name, err, Terminals.stderrIsTerminal());
        StopHook stop = new StopHook("hpsearch-local-exit", () -> {
            progress.close(); // the bar's last draw before the message, and none after it
            err.println("\nstopped before campaign " + name + " ended; nothing written to " + dir
                    + " (the campaign ran in this JVM, and ends with it)");
            err.flush();
        });
        List<WorkerNode> nodes = new ArrayList<>();
        List<Thread> hooks = new ArrayList<>();
        try (CoordinatorNode coordinator = CoordinatorNode.start(CoordinatorNode.config("127.0.0.1", 0, List.of()),
                Coordinator.Settings.defaults().withBuild(BuildInfo.current()))) {
            int port = (Integer) coordinator.system().address().getPort().orElseThrow();
            try {
                for (int i = 0; i < workers; i++) {
                    WorkerNode w = WorkerNode.start(new WorkerNode.Options("127.0.0.1", 0, List.of("127.0.0.1:" + port), n,
                            threadsPerTrial, BuildInfo.current(), Duration.ofSeconds(60)), data);
                    nodes.add(w);
                    // Ctrl-C: Akka's own shutdown hook ends each node's actor system, and a worker whose
                    // system ends while it is not closed takes that for a lost cluster and logs that it
                    // starts a new one to rejoin. Closed by a hook of its own, which runs at the same
                    // time, it just stops, as hpsearch worker does.
                    hooks.add(new Thread(w::close, "hpsearch-local-worker-shutdown"));
                    Runtime.getRuntime().addShutdownHook(hooks.get(hooks.size() - 1));
                }
                err.println("coordinator and " + workers + " worker(s) x " + n + " slot(s) x " + threadsPerTrial
                        + " thread(s) on 127.0.0.1:" + port);
                CoordinatorClient client = CoordinatorClient.using(coordinator.system(), timeout);
                String where = "127.0.0.1:" + port + " (in this JVM)";
                Campaigns.submit(client, campaign, timeout, where);
                CampaignStatus end;
                try {
                    end = Campaigns.follow(p -> Campaigns.status(client, name, timeout, where), progress);
                } finally {
                    progress.close();
                }
                if (!stop.settle()) return StopHook.EXIT_STOPPED;
                TopKAnswer all = Campaigns.allResults(client, name, timeout, where);
                StatusAnswer stats = Campaigns.await(client.status(name), timeout, where);
                TopKAnswer shown = Campaigns.topK(client, name, rows, timeout, where);
                PrintWriter o = spec.commandLine().getOut();
                o.print(ResultsTable.of(shown, end).format(fmt));
                o.flush();
                // the campaign ended in this JVM and is nowhere else: a Ctrl-C now waits for its files
                try (FinishBeforeExit writing = FinishBeforeExit.holding("the results files are written to " + dir)) {
                    List<Path> files;
                    try {
                        files = ResultFiles.write(dir, all, end, stats.getStatsList());
                    } catch (IOException e) {
                        throw OutputFolder.cannotWrite("--out", dir, e);
                    }
                    err.println("campaign " + name + " " + Campaigns.stateName(end.getState()) + " after "
                            + CampaignProgress.duration(end.getElapsedSeconds()) + "; " + CampaignProgress.outcomes(end)
                            + "; " + files.size() + " files written to " + dir);
                }
                return end.getState() == CampaignState.CAMPAIGN_STATE_COMPLETED ? 0 : 1;
            } finally {
                for (WorkerNode w : nodes) w.close();
                try {
                    for (Thread hook : hooks) Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hooks are running: they find the workers closed
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            // stopped by Ctrl-C: the nodes this thread asks end under it, which is no news to the user
            if (!stop.settle()) return StopHook.EXIT_STOPPED;
            throw e;
        }
    }
}
