package io.hpsearch.cli.cluster;

import ch.qos.logback.classic.Level;
import com.typesafe.config.Config;
import io.hpsearch.cli.UserError;
import io.hpsearch.coordinator.Coordinator;
import io.hpsearch.coordinator.CoordinatorNode;
import io.hpsearch.coordinator.journal.JournalCorruptException;
import io.hpsearch.protocol.BuildInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hpsearch coordinator}: runs the cluster's coordinator until stopped (Ctrl-C, SIGTERM). */
@Command(name = "coordinator", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the coordinator of a search cluster: it queues campaigns, leases their trials to the "
                + "workers that join it and keeps the leaderboards. Runs until stopped (Ctrl-C).",
                "Every campaign event is journaled in --state-dir before it is acknowledged; a coordinator "
                        + "restarted on the same folder carries on where it stopped (finished trials are not run "
                        + "again, trials that were running are dispatched again)."})
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
            description = "Folder of the campaign journal (journal.log), created if missing; one coordinator at a "
                    + "time (default: ~/.hpsearch/state).")
    Path stateDir;

    @Option(names = "--repair-journal",
            description = "If the journal is damaged before its end, cut it at the damage and start (the bytes from "
                    + "there on are moved to journal.log.damaged-<time>) instead of refusing to start.")
    boolean repair;

    @Option(names = "--lease-timeout", paramLabel = "S", defaultValue = "600",
            description = "Seconds a leased trial may go without reporting an epoch before it is given to another "
                    + "worker (default: ${DEFAULT-VALUE}).")
    long leaseTimeoutSeconds;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "3",
            description = "Dispatches of a trial (a worker lost, a lease expired or the trial threw) before it is "
                    + "recorded FAILED, for campaigns that do not set max-attempts (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Mixin
    TlsOptions tls;

    /**
     * The longest {@code --lease-timeout}: far above any epoch's time, and far below the ~292 years
     * of nanoseconds a long holds, past which the expiry check overflowed and every lease expired
     * at once (a huge value meant as "never" would then re-queue every trial as soon as it started).
     */
    static final long MAX_LEASE_TIMEOUT_SECONDS = 365L * 24 * 3600;

    /** The default state folder, {@code ~/.hpsearch/state}. */
    public static Path defaultStateDir() {
        return Path.of(System.getProperty("user.home"), ".hpsearch", "state");
    }

    @Override
    public Integer call() throws Exception {
        Endpoint.checkPort("--port", port, false);
        Endpoint.checkHost("--host", host);
        if (leaseTimeoutSeconds < 1 || leaseTimeoutSeconds > MAX_LEASE_TIMEOUT_SECONDS) {
            throw new UserError("--lease-timeout must be in 1.." + MAX_LEASE_TIMEOUT_SECONDS + " seconds (a year), got "
                    + leaseTimeoutSeconds);
        }
        if (maxAttempts < 1 || maxAttempts > 100) throw new UserError("--max-attempts must be in 1..100, got " + maxAttempts);
        Path dir = stateDir != null ? stateDir : defaultStateDir();
        Config tlsConfig = tls.config();
        ClusterLogging.toStderr(Level.INFO);
        Coordinator.Settings defaults = Coordinator.Settings.defaults();
        Coordinator.Settings settings = new Coordinator.Settings(leaseTimeoutSeconds * 1000, defaults.idleRetry(),
                defaults.park(), defaults.tick(), maxAttempts, defaults.nanoTime(), defaults.clock(), defaults.leasePrefix(),
                BuildInfo.current());
        CoordinatorNode node;
        try {
            node = ClusterLogging.withoutBindTrace(() -> CoordinatorNode.start(tlsConfig.withFallback(CoordinatorNode.config(host, port, List.of())),
                    settings, dir, repair, settings.build().version()));
        } catch (JournalCorruptException e) {
            throw new UserError("--state-dir " + dir + ": " + e.getMessage()
                    + (repair || e.offset() == 0 ? "" : " (start with --repair-journal to cut it there; nothing is deleted)"), e);
        } catch (IOException e) {
            throw new UserError("--state-dir " + dir + ": cannot use it (" + io.hpsearch.cli.IoErrors.reason(e, dir) + ")", e);
        } catch (RuntimeException e) {
            throw bindError(e, host, port);
        }
        Thread hook = new Thread(node::close, "hpsearch-coordinator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        CoordinatorNode.Recovery r = node.recovery();
        for (String note : r.notes()) out.println("warning: " + note);
        out.println("journal: " + r.journal() + (r.records() == 0 ? " (new)"
                : " (replayed " + r.records() + " records: " + r.campaigns() + " campaign(s), " + r.active()
                + " still running, " + r.voidedLeases() + " trial(s) that were running queued again)"));
        out.println("coordinator up at " + host + ":" + port + " (" + node.address() + ")");
        // the other machines need the cluster's keystore too (a copy of the file, and the password)
        String tlsHint = tls.enabled() ? " --tls-keystore <its copy of " + tls.keyStore().getFileName() + ">" : "";
        out.println("workers: hpsearch worker --host <this worker's address> --port <P> --join " + host + ":" + port + tlsHint);
        out.println("launch:  hpsearch launch CAMPAIGN.conf --join " + host + ":" + port + tlsHint);
        if (tls.enabled()) out.println("TLS:     every node needs a copy of " + tls.keyStore() + " and $" + TlsOptions.PASSWORD_VARIABLE);
        out.flush();
        node.system().getWhenTerminated().toCompletableFuture().join();
        return 0;
    }

    /** A port in use or an address not of this machine is the user's to fix. */
    static RuntimeException bindError(RuntimeException e, String host, int port) {
        return bindError(e, "--host " + host + " --port " + port, "is the port in use, or the address not this machine's?");
    }

    /**
     * As {@link #bindError(RuntimeException, String, int)} for the options given as {@code options},
     * with {@code hint} after the reason; {@code e} itself when it is not a failure to listen.
     */
    static RuntimeException bindError(RuntimeException e, String options, String hint) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException || (t.getMessage() != null && t.getMessage().contains("Failed to bind"))) {
                return new UserError(options + ": cannot listen there (" + t.getMessage() + "); " + hint, e);
            }
        }
        return e;
    }
}
