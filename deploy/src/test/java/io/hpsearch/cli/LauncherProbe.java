package io.hpsearch.cli;

/** Main class of the stand-in jar the launcher test runs: reports what the launcher passed to the JVM. */
public final class LauncherProbe {
    public static void main(String[] args) {
        System.out.println("args=" + String.join("|", args));
        System.out.println("probe.x=" + System.getProperty("probe.x"));
        System.out.println("headless=" + System.getProperty("java.awt.headless"));
        System.out.println("tty=" + System.getProperty("hpsearch.stderr.tty"));
        System.out.println("vector=" + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        System.out.println("jvm=" + String.join("|", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.err.println("probe-stderr");
        System.exit(3);
    }
}
