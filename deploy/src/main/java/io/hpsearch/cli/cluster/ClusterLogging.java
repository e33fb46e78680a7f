package io.hpsearch.cli.cluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Logging of the cluster commands: Akka and the coordinator and worker log through slf4j, and
 * logback's default would write DEBUG lines to stdout, mixed into tables and JSON. The cluster
 * commands send log lines to stderr instead, at INFO for the long-running nodes (coordinator,
 * worker: their log is what an operator reads) and WARN for the short-lived clients.
 * A {@code logback.xml} given with {@code -Dlogback.configurationFile} is left alone.
 */
final class ClusterLogging {
    private ClusterLogging() {
    }

    static void toStderr(Level level) {
        if (System.getProperty("logback.configurationFile") != null) return;
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return;
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
        encoder.start();
        ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        root.setLevel(level);
        if (level.isGreaterOrEqual(Level.WARN)) {
            // A client leaving (or local's nodes stopping) aborts its TCP streams on purpose;
            // the stream warnings that follow say nothing to the user.
            context.getLogger("akka.stream.Materializer").setLevel(Level.ERROR);
            // A client that loses the coordinator (launch and watch wait for it) says so in its own
            // words; Akka's membership and transport warnings on the way (unreachable, downed,
            // quarantined) would only bury that line.
            context.getLogger("akka.cluster").setLevel(Level.ERROR);
            context.getLogger("akka.remote").setLevel(Level.ERROR);
            // launch --cancel-on-exit stopped by Ctrl-C while the coordinator is away connects again
            // to cancel, inside the JVM's shutdown: Akka then warns that it "could not addJvmShutdownHook",
            // a line after the command's own last word that says nothing to the user.
            context.getLogger("akka.actor.CoordinatedShutdown").setLevel(Level.ERROR);
        }
    }

    /** A node's start-up. */
    @FunctionalInterface
    interface Start<T> {
        T run() throws IOException;
    }

    /**
     * Runs a node's start-up with Akka's TCP listener silent. A port it cannot bind is logged there
     * as an error with the whole {@code BindException} stack trace, and then the start fails and
     * the command says which port in its own words (exit 2); the trace would only bury that line.
     * After a start that succeeded the listener logs as before; after one that failed it stays
     * silent, since its error may still be on its way through Akka's logging. A logback.xml given
     * with {@code -Dlogback.configurationFile} is left alone.
     */
    static <T> T withoutBindTrace(Start<T> start) throws IOException {
        if (System.getProperty("logback.configurationFile") != null
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return start.run();
        }
        Logger listener = context.getLogger("akka.io.TcpListener");
        Level before = listener.getLevel();
        listener.setLevel(Level.OFF);
        T started = start.run();
        listener.setLevel(before);
        return started;
    }
}
