package io.hpsearch.cli;

import io.hpsearch.nn.data.DataSetException;
import io.hpsearch.protocol.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The {@code hpsearch} command line.
 *
 * <p>Exit codes: {@value #EXIT_OK} success; {@value #EXIT_USER_ERROR} a user error (bad option or
 * value, or an exception for which {@link #isUserError(Throwable)} holds: message on stderr, no
 * stack trace); {@value #EXIT_BUG} anything else (stack trace on stderr).
 */
@Command(name = "hpsearch", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Distributed hyperparameter search for batch-normalised k-layer networks.",
        synopsisSubcommandLabel = "COMMAND")
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_BUG = 1;
    public static final int EXIT_USER_ERROR = 2;

    /**
     * The subcommands of {@code hpsearch}, in the order {@code --help} lists them: each entry is a
     * class (or instance) annotated with picocli's {@code @Command}, whose {@code name} is the
     * subcommand's name. Adding a command is adding one line here.
     */
    static List<Object> subcommands() {
        return List.of(
                io.hpsearch.cli.train.TrainCommand.class,
                io.hpsearch.cli.train.GradcheckCommand.class,
                io.hpsearch.cli.bench.BenchCommand.class,
                DataCommand.class,
                io.hpsearch.cli.cluster.LocalCommand.class,
                io.hpsearch.cli.cluster.CoordinatorCommand.class,
                io.hpsearch.cli.cluster.WorkerCommand.class,
                io.hpsearch.cli.cluster.LaunchCommand.class,
                io.hpsearch.cli.cluster.WatchCommand.class,
                io.hpsearch.cli.cluster.ResultsCommand.class,
                io.hpsearch.cli.cluster.StatusCommand.class,
                io.hpsearch.cli.cluster.CancelCommand.class
        );
    }

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int code;
        try {
            code = run(System.out, System.err, args);
        } catch (OutOfMemoryError e) {
            // asked for more than the heap holds: the user's to fix
            System.err.println("hpsearch: error: out of memory (" + e.getMessage() + "; this JVM's heap is at most "
                    + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB): " + outOfMemoryAdvice(args));
            code = EXIT_USER_ERROR;
        } catch (Throwable t) { // an Error escaping picocli: still a bug, still a stack trace
            t.printStackTrace();
            code = EXIT_BUG;
        }
        System.exit(code);
    }

    /**
     * What a user can do when {@code args}' command ran out of memory: a training command held too
     * large a network, batch or data set; a cluster client, a campaign's table (its rows grow with
     * the trials: a 200,000-trial campaign's whole table takes about 400 MB).
     */
    static String outOfMemoryAdvice(String... args) {
        String command = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
        String more = "give the JVM more with HPSEARCH_JAVA_OPTS=-Xmx<size>";
        return switch (command) {
            case "launch", "watch", "results", "status", "cancel" ->
                    "a campaign's table and results files take memory in proportion to its trials: ask for fewer "
                            + "rows (--top K, without --out), or " + more;
            default -> "use a smaller network, batch or data set, or " + more;
        };
    }

    /** Runs the command line with the given streams and returns the exit code (for tests and embedding). */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, Charset.defaultCharset()), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, Charset.defaultCharset()), true));
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The configured picocli command line with every subcommand registered. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (Object sub : subcommands()) {
            cl.addSubcommand(sub);
        }
        // every subcommand's help offers -V, which prints nothing without a provider of its own
        versionEverywhere(cl);
        cl.setParameterExceptionHandler(Main::handleParameterException);
        cl.setExecutionExceptionHandler(Main::handleExecutionException);
        return cl;
    }

    private static void versionEverywhere(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null) sub.getCommandSpec().versionProvider(new Version());
            versionEverywhere(sub);
        }
    }

    /**
     * Whether an exception is the user's to fix: {@link UserError} (commands check their options and
     * throw it naming the option), {@link DataSetException} (missing or damaged data files) and
     * {@code CampaignFileException} (an invalid campaign file, naming the file and key). An
     * {@link IllegalArgumentException} escaping a command is a bug — a check the command missed —
     * and gets a stack trace. Extend this method, and only this one, to map more exception types
     * to exit code 2. (Errors are not exceptions and escape picocli: {@link #main} maps the one a
     * user causes, {@link OutOfMemoryError}, to exit code 2.)
     */
    public static boolean isUserError(Throwable t) {
        return t instanceof UserError || t instanceof DataSetException
                || t instanceof io.hpsearch.coordinator.campaign.CampaignFileException;
    }

    /**
     * The user error an exception stands for, looking through the wrappers that only carry an
     * exception across threads or reflection; {@code null} if it is not a user error.
     */
    static Throwable userErrorIn(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (isUserError(e)) return e;
            boolean wrapper = e instanceof CompletionException || e instanceof ExecutionException
                    || e instanceof InvocationTargetException;
            if (!wrapper || e.getCause() == e) return null;
        }
        return null;
    }

    private static int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        Throwable user = userErrorIn(ex);
        if (user != null) {
            String message = user.getMessage() == null ? user.getClass().getSimpleName() : user.getMessage();
            err.println("hpsearch: error: " + message);
            err.flush();
            return EXIT_USER_ERROR;
        }
        ex.printStackTrace(err);
        err.flush();
        return EXIT_BUG;
    }

    private static int handleParameterException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("hpsearch: " + ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_USER_ERROR;
    }

    @Override
    public void run() {
        // No subcommand: show what there is, and fail like any other incomplete command line.
        throw new ParameterException(spec.commandLine(), "missing command");
    }

    /** The version and training code Maven writes into {@code hpsearch-version.properties} ({@link BuildInfo}). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {BuildInfo.current().toString(),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
