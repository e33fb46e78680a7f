package io.hpsearch.cli;

/** Main class of the stand-in jar the launcher test runs: reports what the launcher passed to the JVM. */
public final class LauncherProbe {
    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("wait-for-ctrl-c")) {
            // a command that says something as Ctrl-C stops it, as launch does: a shutdown hook
            // prints it, a moment after the signal has reached every process of the group
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.err.println("probe-stopped");
            }));
            System.out.println("probe-waiting");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        if (args.length > 0 && args[0].equals("unsafe-memory-access")) {
            // what protobuf and Akka do, which JDK 24 and later warn about unless allowed
            try {
                Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                java.lang.reflect.Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
                theUnsafe.setAccessible(true);
                Object unsafe = theUnsafe.get(null);
                Object offset = unsafeClass.getMethod("arrayBaseOffset", Class.class).invoke(unsafe, byte[].class);
                System.out.println("unsafe-offset=" + offset);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        System.out.println("args=" + String.join("|", args));
        System.out.println("probe.x=" + System.getProperty("probe.x"));
        System.out.println("headless=" + System.getProperty("java.awt.headless"));
        System.out.println("tty=" + System.getProperty("hpsearch.stderr.tty"));
        System.out.println("vector=" + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        System.out.println("heap=" + Runtime.getRuntime().maxMemory());
        System.out.println("jvm=" + String.join("|", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.err.println("probe-stderr");
        System.exit(3);
    }
}
