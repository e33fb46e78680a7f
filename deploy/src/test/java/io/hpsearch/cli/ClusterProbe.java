package io.hpsearch.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

/**
 * Main class of the stand-in jar the local-cluster.sh test runs: a coordinator and workers that
 * start in a moment and print what the script waits for, or fail as the real ones do.
 */
public final class ClusterProbe {
    public static void main(String[] args) throws IOException, InterruptedException {
        List<String> a = List.of(args);
        if (a.get(0).equals("coordinator")) {
            int port = Integer.parseInt(a.get(a.indexOf("--port") + 1));
            ServerSocket listening;
            try {
                listening = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            } catch (BindException e) {
                System.err.println("hpsearch: error: --host 127.0.0.1 --port " + port + ": cannot listen there ("
                        + e.getMessage() + "); is the port in use, or the address not this machine's?");
                System.exit(2);
                return;
            }
            System.out.println("coordinator up at 127.0.0.1:" + port + " (" + listening.getLocalSocketAddress()
                    + ", pid " + ProcessHandle.current().pid() + ")");
        } else if (a.get(0).equals("worker")) {
            if (a.contains("--slots") && a.get(a.indexOf("--slots") + 1).equals("0")) {
                System.err.println("hpsearch: error: --slots must be in 1..1024, got 0");
                System.exit(2);
            }
            System.out.println("coordinator found: akka://hpsearch@" + a.get(a.indexOf("--join") + 1) + "/user/coordinator");
        } else {
            System.out.println("ran " + String.join(" ", a));
            return;
        }
        Thread.sleep(Long.MAX_VALUE); // until stopped
    }
}
