package io.hpsearch.cli.cluster;

import io.hpsearch.cli.UserError;

/**
 * No coordinator answered within the timeout: it is not running, not reachable from here, or
 * was lost while a client was talking to it. A user error (exit 2) for a one-off command; a
 * follower ({@link CoordinatorLink}) waits for the coordinator to come back instead.
 */
final class CoordinatorUnreachable extends UserError {
    CoordinatorUnreachable(String message, Throwable cause) {
        super(message, cause);
    }
}
