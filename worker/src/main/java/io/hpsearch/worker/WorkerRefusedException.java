package io.hpsearch.worker;

/**
 * The coordinator refused this worker ({@code hpsearch.v1.WorkerRefused}): it will lease it nothing,
 * because the worker's training code differs from its own. The message is the coordinator's reason.
 */
public final class WorkerRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WorkerRefusedException(String reason) {
        super(reason);
    }
}
