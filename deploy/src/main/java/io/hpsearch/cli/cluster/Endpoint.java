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
        return new Endpoint(value.substring(0, colon), port);
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
