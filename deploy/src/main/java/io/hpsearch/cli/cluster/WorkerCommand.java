package io.hpsearch.cli.cluster;

import ch.qos.logback.classic.Level;
import com.typesafe.config.Config;
import io.hpsearch.cli.CoreBudget;
import io.hpsearch.cli.UserError;
import io.hpsearch.coordinator.campaign.CampaignFile;
import io.hpsearch.coordinator.sampling.TrialGenerator;
import io.hpsearch.protocol.BuildInfo;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.worker.Worker;
import io.hpsearch.worker.WorkerNode;
import io.hpsearch.worker.WorkerRefusedException;
import io.hpsearch.worker.data.DataSetCache;
import io.hpsearch.worker.data.DataUnavailableException;
import io.hpsearch.worker.trial.KernelWarmUp;
import io.hpsearch.worker.trial.TrialSpecException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hpsearch worker}: joins a coordinator and trains the trials it leases, until stopped. */
@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a worker: join the coordinator at --join and train the trials it leases, "
                + "--slots at a time, each on --threads-per-trial threads. Runs until stopped (Ctrl-C); "
                + "rejoins when the coordinator restarts.",
                "The data sets are read from this machine (see --data-dir); a worker that lacks a campaign's "
                        + "data set says so in its log and gets no trials of that campaign."})
public final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "H",
            description = "This machine's address as the coordinator reaches it (default: the local address of the "
                    + "route to the coordinator).")
    String host;

    @Option(names = "--port", paramLabel = "P", defaultValue = "0",
            description = "TCP port to listen on; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--join", paramLabel = "H:P", required = true,
            description = "The coordinator's address, e.g. 10.0.0.1:25520.")
    String join;

    @Option(names = "--slots", paramLabel = "N",
            description = "Trials trained at once (default: cores / threads per trial, at least 1).")
    Integer slots;

    @Option(names = "--threads-per-trial", paramLabel = "T", defaultValue = "1",
            description = "Threads of each trial (default: ${DEFAULT-VALUE}).")
    int threadsPerTrial;

    @Option(names = "--data-dir", paramLabel = "D",
            description = "Folder holding the data sets (each in it or in a subfolder named after it). Default: "
                    + "fashion-mnist and mnist from /usr/share/datasets when installed, else and for cifar10 "
                    + "~/.hpsearch/data (or $HPSEARCH_DATA_DIR).")
    Path dataDir;

    @Mixin
    TlsOptions tls;

    @Option(names = "--preload", paramLabel = "CAMPAIGN.conf", arity = "1..*",
            description = "Campaign files whose data sets to load before joining, each followed by a short "
                    + "training of its network (results discarded) so that the training code is compiled before "
                    + "the first trial arrives.")
    List<Path> preload = List.of();

    @Override
    public Integer call() throws Exception {
        Endpoint.checkPort("--port", port, true);
        if (host != null) Endpoint.checkHost("--host", host);
        Endpoint coordinator = Endpoint.parse("--join", join);
        // as the client commands do: 127.0.0.1 would be right only for a coordinator on this machine,
        // and one on another machine would never reach a worker that called itself so
        String self = host != null ? host : coordinator.localAddressTowards();
        CoreBudget.checkCount("--threads-per-trial", threadsPerTrial);
        int cores = Runtime.getRuntime().availableProcessors();
        int n = slots != null ? slots : Worker.Settings.defaultSlots(cores, threadsPerTrial);
        CoreBudget.checkCount("--slots", n);
        CoreBudget.excess(n, threadsPerTrial, cores, (slots != null ? "--slots " + n : n + " slot(s)")
                + " × --threads-per-trial " + threadsPerTrial).ifPresent(spec.commandLine().getErr()::println);
        ClusterLogging.toStderr(Level.INFO);
        if (dataDir != null && !Files.isDirectory(dataDir)) {
            // not fatal: the files may be fetched while the worker runs (the cache retries each trial)
            LoggerFactory.getLogger(WorkerCommand.class).warn("--data-dir {} does not exist: this worker cannot "
                    + "load any data set until it does, and takes no trials of campaigns that need one", dataDir);
        }
        WorkerNode.Options options = new WorkerNode.Options(self, port, List.of(coordinator.hostPort()), n,
                threadsPerTrial, BuildInfo.current(), Duration.ofSeconds(60));
        Config tlsConfig = tls.config();
        DataSetCache data = WorkerData.cache(dataDir);
        PrintWriter out = spec.commandLine().getOut();
        for (Path file : preload) preload(file, data, out);
        WorkerNode node;
        try {
            node = ClusterLogging.withoutBindTrace(() -> WorkerNode.start(options, data, s -> s, tlsConfig));
        } catch (RuntimeException e) {
            throw CoordinatorCommand.bindError(e, self, port);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "hpsearch-worker-shutdown"));
        var address = node.system().address();
        out.println("worker " + address.getHost().orElse(self) + ":" + address.getPort().orElse(port) + " with " + n
                + " slot(s) x " + threadsPerTrial + " thread(s), joining the coordinator at " + coordinator.hostPort());
        out.flush();
        try {
            node.whenStopped().toCompletableFuture().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof WorkerRefusedException refused) {
                throw new UserError("the coordinator at " + coordinator.hostPort() + " refused this worker: "
                        + refused.getMessage(), refused);
            }
            throw e;
        }
        return 0;
    }

    /** Loads the campaign's data set into {@code data} and trains its first trial briefly. */
    private void preload(Path file, DataSetCache data, PrintWriter out) {
        CampaignSpec campaign = CampaignFile.read(file);
        long start = System.nanoTime();
        DataSetCache.Entry entry;
        try {
            entry = data.get(campaign.getData());
        } catch (DataUnavailableException | TrialSpecException e) {
            throw new UserError("--preload " + file + ": data: " + e.getMessage(), e);
        }
        double loaded = (System.nanoTime() - start) / 1e9;
        TrialSpec first = TrialGenerator.trial(campaign, 0, 0);
        KernelWarmUp.Report warm = KernelWarmUp.run(first, entry.split(), threadsPerTrial);
        out.printf(java.util.Locale.ROOT, "preloaded %s for %s (fingerprint %s) in %.1f s; training code warmed in %.1f s (%d steps)%n",
                entry.key(), campaign.getName(), entry.fingerprint(), loaded, warm.seconds(), warm.steps());
        out.flush();
    }
}
