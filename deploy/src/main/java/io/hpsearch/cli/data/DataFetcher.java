package io.hpsearch.cli.data;

import io.hpsearch.cli.UserError;
import io.hpsearch.cli.data.DataSetSpec.Layout;
import io.hpsearch.cli.data.DataSetSpec.RemoteFile;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fetches a data set into a data dir: from a local mirror when one holds the files, else by HTTP.
 * Every file is written to a temporary file beside its final place and moved there atomically once
 * its checksum is right, so the data dir never holds a partial file under a final name.
 *
 * <p>Failures the user can do something about (network, HTTP status, checksum, corrupt local copy)
 * are {@link UserError}s naming the URL or file; "network problem" starts the message of those
 * that come from the connection.
 */
public final class DataFetcher {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** Longest wait for the response headers. */
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    /** Longest time the body may stall without a byte arriving. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern IDX_NAME = Pattern.compile(".*-idx[1-4]-ubyte(\\.gz)?");

    private final HttpClient client;
    private final PrintStream log;
    private final boolean terminal;
    private final Duration responseTimeout;
    private final Duration readTimeout;

    /**
     * @param log      where progress and messages go (stderr)
     * @param terminal whether {@code log} is a terminal (a redrawn progress bar) or not (a few lines)
     */
    public DataFetcher(HttpClient client, PrintStream log, boolean terminal, Duration responseTimeout,
                       Duration readTimeout) {
        this.client = client;
        this.log = log;
        this.terminal = terminal;
        this.responseTimeout = responseTimeout;
        this.readTimeout = readTimeout;
    }

    public DataFetcher(PrintStream log, boolean terminal) {
        this(defaultClient(), log, terminal, RESPONSE_TIMEOUT, READ_TIMEOUT);
    }

    /** An HTTP client with a connect timeout that follows redirects (except HTTPS to HTTP). */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /**
     * Makes {@code dataDir/spec.directory()} hold the data set and returns that folder.
     *
     * @param force fetch again even if the data set is already there
     * @throws UserError    for network, HTTP, checksum and corrupt-file problems
     * @throws IOException  for local file-system failures
     */
    public Path fetch(DataSetSpec spec, Path dataDir, boolean force) throws IOException {
        Path target = dataDir.resolve(spec.directory());
        if (!force && isComplete(spec, target)) {
            log.println(spec.name() + ": already in " + target + " (--force fetches it again)");
            return target;
        }
        Files.createDirectories(dataDir);
        Path mirror = spec.localMirror();
        if (mirror != null && missingFromMirror(spec, mirror).isEmpty()) {
            log.println(spec.name() + ": using the local copy in " + mirror + " instead of downloading");
            fetchFromMirror(spec, mirror, dataDir, target, force);
        } else {
            download(spec, dataDir, target, force);
        }
        log.println(spec.name() + ": ready in " + target);
        return target;
    }

    /** The names of the data set's files that {@code mirror} does not hold (all of them if it is no folder). */
    public static List<String> missingFromMirror(DataSetSpec spec, Path mirror) {
        return spec.files().stream().map(RemoteFile::name).filter(name -> !Files.isRegularFile(mirror.resolve(name))).toList();
    }

    /** Whether {@code target} holds every file the data set should have. */
    public static boolean isComplete(DataSetSpec spec, Path target) {
        return spec.expectedFiles().stream().allMatch(f -> Files.isRegularFile(target.resolve(f)));
    }

    private void fetchFromMirror(DataSetSpec spec, Path mirror, Path dataDir, Path target, boolean force) throws IOException {
        for (RemoteFile f : spec.files()) verifyMirrorFile(mirror.resolve(f.name()), f);
        if (spec.layout() == Layout.TAR_GZ) {
            unpack(spec, mirror.resolve(spec.files().get(0).name()), dataDir, target);
            return;
        }
        Files.createDirectories(target);
        for (RemoteFile f : spec.files()) {
            Path dest = target.resolve(f.name());
            if (!force && Files.isRegularFile(dest)) continue;
            Path tmp = Files.createTempFile(target, "." + f.name() + ".", ".part");
            boolean done = false;
            try {
                Files.copy(mirror.resolve(f.name()), tmp, StandardCopyOption.REPLACE_EXISTING);
                moveAtomically(tmp, dest);
                done = true;
            } finally {
                if (!done) Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * A mirror file is accepted if its MD5 is the official one or, for an IDX file (which
     * distributions may recompress, changing the checksum of the .gz but not the data), if it is a
     * complete, well-formed IDX file.
     */
    private static void verifyMirrorFile(Path file, RemoteFile expected) throws IOException {
        String actual;
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = md5();
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            actual = HexFormat.of().formatHex(md.digest());
        }
        if (actual.equals(expected.md5())) return;
        if (IDX_NAME.matcher(expected.name()).matches()) {
            try {
                IdxFiles.validate(file);
                return;
            } catch (IOException e) {
                throw new UserError("local copy " + file + " is not usable: " + e.getMessage()
                        + " (pass --local-mirror none to download instead)");
            }
        }
        throw new UserError("local copy " + file + " has MD5 " + actual + ", expected " + expected.md5()
                + " (pass --local-mirror none to download instead)");
    }

    private void download(DataSetSpec spec, Path dataDir, Path target, boolean force) throws IOException {
        if (spec.layout() == Layout.TAR_GZ) {
            RemoteFile f = spec.files().get(0);
            Path archive = dataDir.resolve(f.name());
            downloadFile(spec.urlOf(f), archive, f);
            unpack(spec, archive, dataDir, target);
            Files.deleteIfExists(archive);
            return;
        }
        Files.createDirectories(target);
        for (RemoteFile f : spec.files()) {
            Path dest = target.resolve(f.name());
            if (!force && Files.isRegularFile(dest)) {
                log.println(f.name() + ": already there");
                continue;
            }
            downloadFile(spec.urlOf(f), dest, f);
        }
    }

    /** Unpacks into a temporary folder, checks the expected files are there, then moves the folder into place. */
    private void unpack(DataSetSpec spec, Path archive, Path dataDir, Path target) throws IOException {
        log.println(spec.name() + ": unpacking " + archive.getFileName());
        Path tmp = Files.createTempDirectory(dataDir, "." + spec.directory() + ".unpack-");
        try {
            try {
                TarGz.extract(archive, tmp);
            } catch (FileSystemException e) {
                throw e;
            } catch (IOException e) {
                throw new UserError("cannot unpack " + archive + ": " + e.getMessage(), e);
            }
            Path unpacked = tmp.resolve(spec.directory());
            for (String name : spec.expectedFiles()) {
                if (!Files.isRegularFile(unpacked.resolve(name))) {
                    throw new UserError(archive + " does not hold " + spec.directory() + "/" + name);
                }
            }
            deleteRecursively(target);
            Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteRecursively(tmp);
        }
    }

    /** Downloads {@code uri} to {@code dest}, checking the MD5 before the file takes its final name. */
    void downloadFile(URI uri, Path dest, RemoteFile file) throws IOException {
        Path tmp = Files.createTempFile(dest.getParent(), "." + dest.getFileName() + ".", ".part");
        boolean done = false;
        try {
            String actual = transfer(uri, tmp, file.name());
            if (!actual.equals(file.md5())) {
                throw new UserError("checksum mismatch for " + file.name() + " downloaded from " + uri
                        + ": expected MD5 " + file.md5() + ", got " + actual + " (the download was deleted)");
            }
            moveAtomically(tmp, dest);
            done = true;
            if (!terminal) log.println(file.name() + ": MD5 " + actual + " ok");
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /** Streams the body of {@code uri} into {@code out} and returns its MD5 in hex. */
    private String transfer(URI uri, Path out, String label) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(responseTimeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new UserError("network problem: no answer from " + uri + " within "
                    + seconds(responseTimeout) + " (" + e.getMessage() + ")", e);
        } catch (ConnectException e) {
            throw new UserError("network problem: cannot connect to " + uri + " (" + describe(e)
                    + ": connection refused, host unreachable or no network)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading " + uri);
        } catch (IOException e) {
            throw new UserError("network problem: downloading " + uri + " failed (" + describe(e) + ")", e);
        }
        int status = response.statusCode();
        if (status != 200) {
            response.body().close();
            String hint = status == 404 ? ": the server has no such file (check --url-base)" : "";
            throw new UserError("HTTP " + status + " from " + response.uri() + hint);
        }
        long length = response.headers().firstValueAsLong("content-length").orElse(-1);
        if (!terminal) {
            log.println("downloading " + label + (length >= 0 ? String.format(Locale.ROOT, " (%.1f MiB)", length / 1048576.0) : "")
                    + " from " + uri);
        }
        MessageDigest md = md5();
        AtomicLong lastRead = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        InputStream body = response.body();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "download-watchdog");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(20, readTimeout.toMillis() / 10);
        watchdog.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastRead.get() > readTimeout.toNanos() && stalled.compareAndSet(false, true)) {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // closing is only a way to wake the reader up
                }
            }
        }, period, period, TimeUnit.MILLISECONDS);
        long received = 0;
        try (InputStream in = body; OutputStream os = Files.newOutputStream(out);
             ProgressBar bar = terminal ? bar(label, length) : null) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                lastRead.set(System.nanoTime());
                md.update(buf, 0, n);
                os.write(buf, 0, n);
                received += n;
                if (bar != null) bar.stepTo(received);
            }
        } catch (IOException e) {
            if (e instanceof FileSystemException) throw e;
            if (stalled.get()) {
                throw new UserError("network problem: " + uri + " sent nothing for " + seconds(readTimeout)
                        + " after " + received + " bytes", e);
            }
            throw new UserError("network problem: downloading " + uri + " failed after " + received + " bytes ("
                    + describe(e) + ")", e);
        } finally {
            watchdog.shutdownNow();
        }
        if (stalled.get()) {
            throw new UserError("network problem: " + uri + " sent nothing for " + seconds(readTimeout)
                    + " after " + received + " bytes");
        }
        if (length >= 0 && received != length) {
            throw new UserError("network problem: " + uri + " ended after " + received + " of " + length + " bytes");
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private ProgressBar bar(String label, long length) {
        return new ProgressBarBuilder()
                .setTaskName(label)
                .setInitialMax(length)
                .setUnit("MiB", 1 << 20)
                .showSpeed()
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUpdateIntervalMillis(200)
                .setConsumer(new ConsoleProgressBarConsumer(log))
                .build();
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.setPosixFilePermissions(from, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its defaults apply
        }
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) Files.deleteIfExists(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 missing from the JDK", e);
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof FileNotFoundException || m == null || m.isBlank()) return e.getClass().getSimpleName();
        return m;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
