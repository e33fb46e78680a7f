package io.hpsearch.worker.data;

/** The worker's copy of a data set has another fingerprint than the one the trial expects. */
public final class FingerprintMismatchException extends DataUnavailableException {
    private static final long serialVersionUID = 1L;

    private final String expected;
    private final String actual;

    public FingerprintMismatchException(DataKey key, String expected, String actual) {
        super(key, "data set " + key + " on this worker has fingerprint " + actual + ", but the trial expects "
                + expected + "; refusing it so that results on different data are never ranked together", null);
        this.expected = expected;
        this.actual = actual;
    }

    /** The fingerprint in the trial's DataSpec. */
    public String expected() {
        return expected;
    }

    /** The fingerprint of this worker's copy. */
    public String actual() {
        return actual;
    }
}
