package io.hpsearch.worker.trial;

/**
 * A trial spec this worker cannot run: a required field left unset, an enum value it does not
 * know (a newer coordinator), or a value out of range. The message names the field path, e.g.
 * {@code training.schedule.cyclical.cycles}, and the value.
 */
public class TrialSpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TrialSpecException(String message) {
        super(message);
    }

    public TrialSpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
