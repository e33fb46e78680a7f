package io.hpsearch.cli.cluster;

import io.hpsearch.cli.UserError;
import io.hpsearch.protocol.ClusterConfig;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A {@code host:port} given on the command line (e.g. {@code --join}), checked with the option named. */
record Endpoint(String host, int port) {
    static Endpoint parse(String option, String value) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new UserError(option + ": '" + value + "' is not HOST:PORT (e.g. 10.0.0.1:25520)");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UserError(option + ": port of '" + value + "' is not a number");
        }
        if (port < 1 || port > 65535) throw new UserError(option + ": port of '" + value + "' is not in 1..65535");
        String host = value.substring(0, colon);
        if (isWildcard(host)) {
            throw new UserError(option + ": '" + value + "' names no machine (" + host + " is the wildcard address); give the "
                    + "coordinator's address, e.g. 10.0.0.1:25520");
        }
        return new Endpoint(host, port);
    }

    /**
     * Refuses a wildcard {@code --host} (0.0.0.0, ::). A node is addressed by the host it binds:
     * bound to 0.0.0.0 it listens on every interface but calls itself 0.0.0.0, and drops every
     * message sent to it by the address another machine knows it by, so a coordinator started so
     * was never found by a worker elsewhere.
     */
    static void checkHost(String option, String host) {
        if (isWildcard(host)) {
            throw new UserError(option + " " + host + ": the wildcard address names no machine, and the others reach a node "
                    + "only at the address it binds; give this machine's address as they reach it (e.g. 10.0.0.1)");
        }
    }

    /** An IP literal of the wildcard address (no name is looked up). */
    private static boolean isWildcard(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!h.matches("[0-9.:]+")) return false;
        try {
            return InetAddress.getByName(h).isAnyLocalAddress();
        } catch (IOException e) {
            return false;
        }
    }

    static void checkPort(String option, int port, boolean zeroAllowed) {
        if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
            throw new UserError(option + " must be in " + (zeroAllowed ? 0 : 1) + "..65535, got " + port);
        }
    }

    /** The seed-node address of this endpoint. */
    String seed() {
        return ClusterConfig.address(host, port);
    }

    String hostPort() {
        return host + ":" + port;
    }

    /**
     * This machine's address as seen from this endpoint: the local address of a UDP socket
     * "connected" to it (no packet is sent). A cluster member must be reachable by the others, so a
     * client joining a coordinator on another machine cannot bind to 127.0.0.1.
     */
    String localAddressTowards() {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port));
            InetAddress local = s.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) return "127.0.0.1";
            return local.getHostAddress();
        } catch (IOException | RuntimeException e) {
            throw new UserError("--join " + hostPort() + ": cannot find a route to " + host + " (" + e.getMessage()
                    + "); give this machine's address with --host", e);
        }
    }
}
