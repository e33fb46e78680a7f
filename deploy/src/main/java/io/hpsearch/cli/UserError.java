package io.hpsearch.cli;

/**
 * A problem the user can fix (a bad option value, a missing or corrupt file, an unreachable
 * server): the command line prints the message, without a stack trace, and exits with code 2.
 * The message must name the option, file or value at fault.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
