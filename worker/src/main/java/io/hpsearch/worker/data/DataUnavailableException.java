package io.hpsearch.worker.data;

/**
 * This worker does not hold the data a trial asks for: the files are missing or damaged, or (the
 * subclass {@link FingerprintMismatchException}) its copy differs from the campaign's. Not the
 * trial's fault: the worker tells the coordinator (wire message {@code DataUnavailable}) and takes
 * no more trials of that campaign, instead of failing them one after another.
 */
public class DataUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient DataKey key;

    public DataUnavailableException(DataKey key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The data set asked for. */
    public DataKey key() {
        return key;
    }
}
