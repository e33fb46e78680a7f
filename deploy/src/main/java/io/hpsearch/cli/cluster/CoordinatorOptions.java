package io.hpsearch.cli.cluster;

import ch.qos.logback.classic.Level;
import com.typesafe.config.Config;
import io.hpsearch.cli.UserError;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.ClusterConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/** How a client command ({@code launch}, {@code results}) reaches the coordinator. */
final class CoordinatorOptions {
    @Option(names = "--join", paramLabel = "H:P", description = "The coordinator's address, e.g. 10.0.0.1:25520 (required).")
    String join;

    @Option(names = "--host", paramLabel = "H",
            description = "This machine's address as the coordinator reaches it (default: the local address of "
                    + "the route to the coordinator).")
    String host;

    /**
     * The longest {@code --timeout}. Akka's scheduler refuses delays above about 3.4 years (with a
     * stack trace, at the first ask); a day is far more than finding and asking a coordinator takes.
     */
    static final int MAX_TIMEOUT_SECONDS = 86_400;

    @Mixin
    TlsOptions tls;

    /** The node's TLS settings, checked once (the keystore is opened) and kept for reconnects. */
    private Config tlsConfig;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "20",
            description = "Seconds to wait for the coordinator to be found and to answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /** Checks the options, naming the bad one; call before anything connects. */
    Endpoint coordinator() {
        return coordinator(null);
    }

    /** As {@link #coordinator()}; {@code alternative} completes the message for a missing --join. */
    Endpoint coordinator(String alternative) {
        if (join == null) {
            throw new UserError("missing --join H:P, the coordinator's address" + (alternative == null ? "" : " (or " + alternative + ")"));
        }
        Endpoint coordinator = Endpoint.parse("--join", join);
        if (host != null) Endpoint.checkHost("--host", host);
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new UserError("--timeout must be in 1.." + MAX_TIMEOUT_SECONDS + " seconds (a day), got " + timeoutSeconds);
        }
        tlsConfig(); // a bad keystore is named with the other options, before anything connects
        return coordinator;
    }

    private Config tlsConfig() {
        if (tlsConfig == null) tlsConfig = tls.config();
        return tlsConfig;
    }

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    /** Joins the cluster as a client (logging to stderr) and finds the coordinator. */
    CoordinatorClient connect(Endpoint coordinator) {
        String self = host != null ? host : coordinator.localAddressTowards();
        ClusterLogging.toStderr(Level.WARN);
        try {
            return ClusterLogging.withoutBindTrace(() -> CoordinatorClient.join(ClusterConfig.node(ClusterConfig.ROLE_CLIENT,
                    self, 0, List.of(coordinator.seed()), tlsConfig()), timeout()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // a client listens on a free port of --host (or of the address it reaches the coordinator from)
            throw CoordinatorCommand.bindError(e, "--host " + self, "is the address this machine's?");
        }
    }
}
