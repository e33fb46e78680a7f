package io.hpsearch.protocol;

/**
 * A worker's id ({@code WorkerInfo.worker_id}): {@code host:port#uid}, its node's address and the
 * node's incarnation, so that a worker restarted on the same address is a new worker to the
 * coordinator. Users are shown the {@code host:port}.
 */
public final class WorkerIds {
    private WorkerIds() {
    }

    public static String of(String host, int port, long uid) {
        return host + ":" + port + "#" + Long.toHexString(uid);
    }

    /** The {@code host:port} of a worker id (the id itself if it has no incarnation). */
    public static String hostPort(String workerId) {
        int hash = workerId.indexOf('#');
        return hash < 0 ? workerId : workerId.substring(0, hash);
    }
}
