package io.hpsearch.cli.cluster;

import io.hpsearch.cli.UserError;
import picocli.CommandLine.Option;

import java.time.Duration;

/** How {@code launch} and {@code watch} follow a campaign through a coordinator's restart. */
final class FollowOptions {
    @Option(names = "--reconnect-for", paramLabel = "S", defaultValue = "600",
            description = "Seconds to wait for a coordinator lost while following (e.g. killed and started again on "
                    + "its --state-dir) before giving up; 0 gives up at once (default: ${DEFAULT-VALUE}).")
    int reconnectForSeconds;

    /** Checks the option, naming it; call before anything connects. */
    Duration reconnectFor() {
        if (reconnectForSeconds < 0) throw new UserError("--reconnect-for must be 0 or more seconds, got " + reconnectForSeconds);
        return Duration.ofSeconds(reconnectForSeconds);
    }
}
