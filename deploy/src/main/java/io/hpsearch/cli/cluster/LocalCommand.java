package io.hpsearch.cli.cluster;

import io.hpsearch.cli.output.OutputFolder;
import ch.qos.logback.classic.Level;
import io.hpsearch.cli.UserError;
import io.hpsearch.cli.progress.Terminals;
import io.hpsearch.coordinator.Coordinator;
import io.hpsearch.coordinator.CoordinatorNode;
import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.worker.WorkerNode;
import io.hpsearch.worker.data.DataKey;
import io.hpsearch.worker.data.DataSetCache;
import io.hpsearch.worker.data.DataUnavailableException;
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
                + "(results.json, results.csv, results.md, stats.txt, search-NAME.png, curves/PHASE-INDEX.csv)."})
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
        if (threadsPerTrial < 1) throw new UserError("--threads-per-trial must be at least 1, got " + threadsPerTrial);
        int rows = table.rows();
        ResultsTable.Format fmt = table.format();
        int cores = Runtime.getRuntime().availableProcessors();
        int n = slots != null ? slots : Math.max(1, cores / (workers * threadsPerTrial));
        if (n < 1) throw new UserError("--slots must be at least 1, got " + n);
        Path dir = out != null ? out : Path.of("runs", campaign.getName());
        OutputFolder.prepare("--out", dir);
        ClusterLogging.toStderr(Level.WARN);
        PrintStream err = System.err;

        // One copy of the data for every worker of this JVM, loaded before anything starts, so a
        // missing data set is an error here rather than a campaign that waits for ever.
        DataSetCache data = WorkerData.cache(dataDir);
        try {
            err.println("loading " + campaign.getData().getKind().name().replace("DATA_SET_KIND_", "").toLowerCase(java.util.Locale.ROOT)
                    + " ...");
            data.load(DataKey.of(campaign.getData()));
        } catch (DataUnavailableException | TrialSpecException e) {
            throw new UserError(file + ": data: " + e.getMessage()
                    + (dataDir == null ? " (give the folder with --data-dir, or run 'hpsearch data fetch')" : ""), e);
        }

        Duration timeout = Duration.ofSeconds(30);
        List<WorkerNode> nodes = new ArrayList<>();
        try (CoordinatorNode coordinator = CoordinatorNode.start(CoordinatorNode.config("127.0.0.1", 0, List.of()),
                Coordinator.Settings.defaults())) {
            int port = (Integer) coordinator.system().address().getPort().orElseThrow();
            try {
                for (int i = 0; i < workers; i++) {
                    nodes.add(WorkerNode.start(new WorkerNode.Options("127.0.0.1", 0, List.of("127.0.0.1:" + port), n,
                            threadsPerTrial, WorkerCommand.version(), Duration.ofSeconds(60)), data));
                }
                err.println("coordinator and " + workers + " worker(s) x " + n + " slot(s) x " + threadsPerTrial
                        + " thread(s) on 127.0.0.1:" + port);
                CoordinatorClient client = CoordinatorClient.using(coordinator.system(), timeout);
                String where = "127.0.0.1:" + port + " (in this JVM)";
                Campaigns.submit(client, campaign, timeout, where);
                CampaignStatus end = Campaigns.follow(progress -> Campaigns.status(client, campaign.getName(), timeout, where),
                        campaign.getName(), err, Terminals.stderrIsTerminal());
                TopKAnswer all = Campaigns.allResults(client, campaign.getName(), timeout, where);
                StatusAnswer stats = Campaigns.await(client.status(campaign.getName()), timeout, where);
                TopKAnswer shown = Campaigns.topK(client, campaign.getName(), rows, timeout, where);
                PrintWriter o = spec.commandLine().getOut();
                o.print(ResultsTable.of(shown, end).format(fmt));
                o.flush();
                List<Path> files;
                try {
                    files = ResultFiles.write(dir, all, end, stats.getStatsList());
                } catch (IOException e) {
                    throw OutputFolder.cannotWrite("--out", dir, e);
                }
                err.println("campaign " + campaign.getName() + " " + Campaigns.stateName(end.getState()) + " after "
                        + CampaignProgress.duration(end.getElapsedSeconds()) + "; " + all.getTotal()
                        + " trials; " + files.size() + " files written to " + dir);
                return end.getState() == CampaignState.CAMPAIGN_STATE_COMPLETED ? 0 : 1;
            } finally {
                for (WorkerNode w : nodes) w.close();
            }
        }
    }
}
