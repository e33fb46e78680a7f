package io.hpsearch.cli.data;

import io.hpsearch.cli.UserError;
import io.hpsearch.cli.progress.Terminals;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hpsearch data fetch cifar10|fashion-mnist}. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {"Download a data set, verify its checksum and unpack it.",
                "CIFAR-10 (binary version) goes to DATA_DIR/cifar-10-batches-bin/, Fashion-MNIST (four .gz IDX "
                        + "files) to DATA_DIR/fashion-mnist/. Fashion-MNIST is copied from "
                        + "/usr/share/datasets/fashion-mnist when the Debian package dataset-fashion-mnist is installed."})
public final class FetchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DATASET", converter = SpecConverter.class,
            description = "cifar10 or fashion-mnist")
    DataSetSpec dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where data sets live (default: $HPSEARCH_DATA_DIR, else ~/.hpsearch/data).")
    Path dataDir;

    @Option(names = "--url-base", paramLabel = "URL",
            description = "Download the files from URL/<file name> instead of the official site.")
    URI urlBase;

    @Option(names = "--local-mirror", paramLabel = "DIR",
            description = "A folder holding the files, used instead of downloading (refused if it lacks any); "
                    + "'none' to always download (default for fashion-mnist: /usr/share/datasets/fashion-mnist when "
                    + "it holds them).")
    String localMirror;

    @Option(names = "--force", description = "Fetch again even if the data set is already there.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        DataSetSpec s = dataset;
        if (urlBase != null) {
            if (urlBase.getScheme() == null || !(urlBase.getScheme().equals("http") || urlBase.getScheme().equals("https"))) {
                throw new UserError("--url-base must be an http or https URL: " + urlBase);
            }
            s = s.withBaseUrl(urlBase);
        }
        if (localMirror != null) {
            Path mirror = localMirror.equalsIgnoreCase("none") ? null : Path.of(localMirror);
            if (mirror != null) requireMirror(s, mirror);
            s = s.withLocalMirror(mirror);
        }
        Path dir = dataDir != null ? dataDir : DataDirs.defaultDataDir();
        DataFetcher fetcher = new DataFetcher(System.err, Terminals.stderrIsTerminal());
        try {
            fetcher.fetch(s, dir, force);
        } catch (AccessDeniedException e) {
            throw new UserError("no permission to write " + e.getFile() + " (choose another --data-dir)", e);
        } catch (FileSystemException e) {
            throw new UserError("cannot write " + e.getFile() + (e.getReason() != null ? ": " + e.getReason() : "")
                    + " (data dir " + dir + ")", e);
        }
        return 0;
    }

    /**
     * A mirror the user names must hold the files: without them the fetch would quietly download
     * instead (what a default mirror that is not installed does), and a mistyped folder would
     * go unnoticed.
     */
    private static void requireMirror(DataSetSpec spec, Path mirror) {
        if (!Files.isDirectory(mirror)) {
            throw new UserError("--local-mirror " + mirror + ": no such folder (pass --local-mirror none to download)");
        }
        List<String> missing = DataFetcher.missingFromMirror(spec, mirror);
        if (!missing.isEmpty()) {
            throw new UserError("--local-mirror " + mirror + " lacks " + String.join(", ", missing)
                    + " of " + spec.name() + " (pass --local-mirror none to download)");
        }
    }

    /** Turns a data-set name into its spec; picocli reports the message as an invalid value. */
    static final class SpecConverter implements ITypeConverter<DataSetSpec> {
        @Override
        public DataSetSpec convert(String value) {
            try {
                return DataSetSpec.byName(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
