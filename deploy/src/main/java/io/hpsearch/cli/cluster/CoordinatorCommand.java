package io.hpsearch.cli.cluster;

import ch.qos.logback.classic.Level;
import io.hpsearch.cli.UserError;
import io.hpsearch.coordinator.Coordinator;
import io.hpsearch.coordinator.CoordinatorNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hpsearch coordinator}: runs the cluster's coordinator until stopped (Ctrl-C, SIGTERM). */
@Command(name = "coordinator", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the coordinator of a search cluster: it queues campaigns, leases their trials to the "
                + "workers that join it and keeps the leaderboards. Runs until stopped (Ctrl-C).",
                "Campaign state lives in memory: a coordinator that stops forgets its campaigns."})
public final class CoordinatorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
            description = "Address to bind to, as workers and clients reach it; use the machine's network "
                    + "address for a cluster on several machines (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "P", defaultValue = "25520",
            description = "TCP port (Artery) to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--state-dir", paramLabel = "D",
            description = "Reserved for the campaign journal, which is not implemented yet: the folder is "
                    + "created if missing but nothing is written to it, and a restarted coordinator does not "
                    + "recover its campaigns.")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        Endpoint.checkPort("--port", port, false);
        if (stateDir != null) {
            try {
                java.nio.file.Files.createDirectories(stateDir);
            } catch (java.io.IOException e) {
                throw new UserError("--state-dir " + stateDir + ": cannot create it: " + e.getMessage(), e);
            }
        }
        ClusterLogging.toStderr(Level.INFO);
        CoordinatorNode node;
        try {
            node = CoordinatorNode.start(CoordinatorNode.config(host, port, List.of()), Coordinator.Settings.defaults());
        } catch (RuntimeException e) {
            throw bindError(e, host, port);
        }
        Thread hook = new Thread(node::close, "hpsearch-coordinator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        out.println("coordinator up at " + host + ":" + port + " (" + node.address() + ")");
        if (stateDir != null) out.println("note: --state-dir is reserved for the journal; campaigns are kept in memory only");
        out.println("workers: hpsearch worker --host <this worker's address> --port <P> --join " + host + ":" + port);
        out.println("launch:  hpsearch launch CAMPAIGN.conf --join " + host + ":" + port);
        out.flush();
        node.system().getWhenTerminated().toCompletableFuture().join();
        return 0;
    }

    /** A port in use or an address not of this machine is the user's to fix. */
    static RuntimeException bindError(RuntimeException e, String host, int port) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException || (t.getMessage() != null && t.getMessage().contains("Failed to bind"))) {
                return new UserError("--host " + host + " --port " + port + ": cannot listen there (" + t.getMessage()
                        + "); is the port in use, or the address not this machine's?", e);
            }
        }
        return e;
    }
}
