package io.hpsearch.cli.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.hpsearch.cli.Main;
import io.hpsearch.cli.UserError;
import io.hpsearch.cli.data.DataSetSpec.RemoteFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fetcher against a real HTTP server on the loopback interface. */
class DataFetcherTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private ExecutorService serverThreads;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private URI base;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = served.get(exchange.getRequestURI().getPath());
            if (body == null) {
                send(exchange, 404, "not found".getBytes(StandardCharsets.UTF_8));
            } else {
                send(exchange, 200, body);
            }
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files/");
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private DataFetcher fetcher(Duration readTimeout) {
        return new DataFetcher(DataFetcher.defaultClient(), new PrintStream(log, true, StandardCharsets.UTF_8), false,
                Duration.ofSeconds(10), readTimeout);
    }

    private DataFetcher fetcher() {
        return fetcher(Duration.ofSeconds(10));
    }

    private String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    /** CIFAR-10 spec pointing at the local server, with checksums of the generated archive. */
    private DataSetSpec serveCifar(Map<String, byte[]> batches) throws IOException {
        byte[] archive = TestArchives.tarGz("cifar-10-batches-bin", batches);
        served.put("/files/cifar-10-binary.tar.gz", archive);
        return DataSetSpec.CIFAR10.withBaseUrl(base)
                .withFiles(List.of(new RemoteFile("cifar-10-binary.tar.gz", TestArchives.md5(archive))));
    }

    private DataSetSpec serveFashion(Map<String, byte[]> files) {
        files.forEach((name, bytes) -> served.put("/files/" + name, bytes));
        return DataSetSpec.FASHION_MNIST.withBaseUrl(base).withLocalMirror(null)
                .withFiles(files.entrySet().stream().map(e -> new RemoteFile(e.getKey(), TestArchives.md5(e.getValue()))).toList());
    }

    private static List<Path> listAll(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void cifarIsDownloadedVerifiedAndUnpacked() throws Exception {
        Map<String, byte[]> batches = TestArchives.cifarBatches(4, 11);
        DataSetSpec spec = serveCifar(batches);
        Path data = tmp.resolve("data");
        Path dir = fetcher().fetch(spec, data, false);

        assertEquals(data.resolve("cifar-10-batches-bin"), dir);
        for (Map.Entry<String, byte[]> e : batches.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(dir.resolve(e.getKey())), e.getKey());
        }
        assertEquals(6, listAll(data).size(), "only the batches remain (no archive, no temporary files): " + listAll(data));
        assertEquals(1, requests.get());

        // A second fetch finds it there and asks the server nothing.
        fetcher().fetch(spec, data, false);
        assertEquals(1, requests.get());
        assertTrue(log().contains("already in"), log());

        // --force fetches again and replaces the folder.
        Map<String, byte[]> newer = TestArchives.cifarBatches(2, 12);
        DataSetSpec spec2 = serveCifar(newer);
        fetcher().fetch(spec2, data, true);
        assertEquals(2, requests.get());
        assertArrayEquals(newer.get("test_batch.bin"), Files.readAllBytes(dir.resolve("test_batch.bin")));
    }

    @Test
    void checksumMismatchFailsAndLeavesNoFile() throws Exception {
        DataSetSpec good = serveCifar(TestArchives.cifarBatches(2, 5));
        String actual = good.files().get(0).md5();
        String wrong = "0123456789abcdef0123456789abcdef";
        DataSetSpec spec = good.withFiles(List.of(new RemoteFile("cifar-10-binary.tar.gz", wrong)));
        Path data = tmp.resolve("data");
        UserError e = assertThrows(UserError.class, () -> fetcher().fetch(spec, data, false));
        assertTrue(e.getMessage().contains("cifar-10-binary.tar.gz"), e.getMessage());
        assertTrue(e.getMessage().contains(wrong), e.getMessage());
        assertTrue(e.getMessage().contains(actual), e.getMessage());
        assertEquals(List.of(), listAll(data), "no partial or final file may remain");
        try (Stream<Path> s = Files.list(data)) {
            assertEquals(0, s.count(), "no folder either");
        }
    }

    @Test
    void http404NamesTheUrl() throws Exception {
        DataSetSpec spec = DataSetSpec.CIFAR10.withBaseUrl(base.resolve("/missing/"));
        Path data = tmp.resolve("data");
        UserError e = assertThrows(UserError.class, () -> fetcher().fetch(spec, data, false));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertTrue(e.getMessage().contains("/missing/cifar-10-binary.tar.gz"), e.getMessage());
        assertEquals(List.of(), listAll(data));
    }

    @Test
    void redirectsAreFollowed() throws Exception {
        DataSetSpec spec = serveCifar(TestArchives.cifarBatches(1, 8));
        server.createContext("/moved/", exchange -> {
            requests.incrementAndGet();
            String file = exchange.getRequestURI().getPath().substring("/moved/".length());
            exchange.getResponseHeaders().add("Location", "/files/" + file);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        Path dir = fetcher().fetch(spec.withBaseUrl(base.resolve("/moved/")), tmp.resolve("data"), false);
        assertTrue(DataFetcher.isComplete(spec, dir));
        assertEquals(2, requests.get());
    }

    @Test
    void fashionFilesAreKeptCompressed() throws Exception {
        Map<String, byte[]> files = TestArchives.fashionFiles(21);
        DataSetSpec spec = serveFashion(files);
        Path dir = fetcher().fetch(spec, tmp.resolve("data"), false);
        assertEquals(tmp.resolve("data/fashion-mnist"), dir);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(dir.resolve(e.getKey())), e.getKey());
        }
        assertEquals(4, listAll(tmp.resolve("data")).size());
        assertEquals(4, requests.get());
        assertTrue(Files.getPosixFilePermissions(dir.resolve("t10k-labels-idx1-ubyte.gz"))
                .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ));
    }

    @Test
    void fashionMismatchOnOneFileKeepsTheGoodOnesOnly() throws Exception {
        Map<String, byte[]> files = TestArchives.fashionFiles(22);
        DataSetSpec good = serveFashion(files);
        List<RemoteFile> remote = new java.util.ArrayList<>(good.files());
        remote.set(2, new RemoteFile(remote.get(2).name(), "ffffffffffffffffffffffffffffffff"));
        Path data = tmp.resolve("data");
        UserError e = assertThrows(UserError.class, () -> fetcher().fetch(good.withFiles(remote), data, false));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz"), e.getMessage());
        List<String> names = listAll(data).stream().map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"), names);
    }

    @Test
    void localMirrorIsUsedInsteadOfDownloading() throws Exception {
        Map<String, byte[]> official = TestArchives.fashionFiles(31);
        DataSetSpec spec = serveFashion(official);
        // The mirror holds the same data recompressed (as Debian ships it): other MD5s, same content.
        Path mirror = tmp.resolve("mirror");
        Files.createDirectories(mirror);
        Map<String, byte[]> recompressed = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : official.entrySet()) {
            byte[] raw = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(e.getValue())).readAllBytes();
            byte[] again = recompress(raw);
            assertFalse(TestArchives.md5(again).equals(TestArchives.md5(e.getValue())));
            recompressed.put(e.getKey(), again);
            Files.write(mirror.resolve(e.getKey()), again);
        }
        Path dir = fetcher().fetch(spec.withLocalMirror(mirror), tmp.resolve("data"), false);
        assertEquals(0, requests.get(), "nothing downloaded");
        assertTrue(log().contains("using the local copy in " + mirror), log());
        for (Map.Entry<String, byte[]> e : recompressed.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(dir.resolve(e.getKey())));
        }
    }

    @Test
    void incompleteMirrorIsIgnored() throws Exception {
        Map<String, byte[]> official = TestArchives.fashionFiles(32);
        DataSetSpec spec = serveFashion(official);
        Path mirror = tmp.resolve("mirror");
        Files.createDirectories(mirror);
        Files.write(mirror.resolve("train-images-idx3-ubyte.gz"), official.get("train-images-idx3-ubyte.gz"));
        fetcher().fetch(spec.withLocalMirror(mirror), tmp.resolve("data"), false);
        assertEquals(4, requests.get());
    }

    @Test
    void corruptMirrorFileIsReported() throws Exception {
        Map<String, byte[]> official = TestArchives.fashionFiles(33);
        DataSetSpec spec = serveFashion(official);
        Path mirror = tmp.resolve("mirror");
        Files.createDirectories(mirror);
        for (Map.Entry<String, byte[]> e : official.entrySet()) Files.write(mirror.resolve(e.getKey()), e.getValue());
        byte[] raw = TestArchives.idx(1, 6, 28, 28);
        Files.write(mirror.resolve("train-images-idx3-ubyte.gz"), TestArchives.gzip(java.util.Arrays.copyOf(raw, raw.length - 5)));
        UserError e = assertThrows(UserError.class, () -> fetcher().fetch(spec.withLocalMirror(mirror), tmp.resolve("data"), false));
        assertTrue(e.getMessage().contains(mirror.resolve("train-images-idx3-ubyte.gz").toString()), e.getMessage());
        assertEquals(0, requests.get());
    }

    @Test
    void stalledServerTimesOut() throws Exception {
        DataSetSpec spec = serveCifar(TestArchives.cifarBatches(1, 9));
        server.createContext("/stall/", exchange -> {
            exchange.sendResponseHeaders(200, 100_000);
            OutputStream out = exchange.getResponseBody();
            out.write(new byte[1000]);
            out.flush();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        Path data = tmp.resolve("data");
        UserError e = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> assertThrows(UserError.class,
                () -> fetcher(Duration.ofMillis(300)).fetch(spec.withBaseUrl(base.resolve("/stall/")), data, false)));
        assertTrue(e.getMessage().startsWith("network problem"), e.getMessage());
        assertTrue(e.getMessage().contains("sent nothing for 300 ms after 1000 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("/stall/cifar-10-binary.tar.gz"), e.getMessage());
        assertEquals(List.of(), listAll(data));
    }

    @Test
    void refusedConnectionIsANetworkProblem() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        DataSetSpec spec = DataSetSpec.CIFAR10.withBaseUrl(URI.create("http://127.0.0.1:" + port + "/"));
        UserError e = assertThrows(UserError.class, () -> fetcher().fetch(spec, tmp.resolve("data"), false));
        assertTrue(e.getMessage().startsWith("network problem"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void commandLineFetchesAndReportsErrorsWithExitCodes() throws Exception {
        Map<String, byte[]> files = TestArchives.fashionFiles(41);
        files.forEach((name, bytes) -> served.put("/files/" + name, bytes));
        Path data = tmp.resolve("cli-data");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // The real checksums do not match generated files: the command must fail with exit 2.
        int code = Main.run(new PrintStream(out), new PrintStream(err), "data", "fetch", "fashion-mnist",
                "--data-dir", data.toString(), "--url-base", base.toString(), "--local-mirror", "none");
        assertEquals(2, code);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("checksum mismatch for train-images-idx3-ubyte.gz"), message);
        assertTrue(message.contains("8d4fb7e6c68d591d4c3dfef9ec88bf0d"), message);
        assertFalse(message.contains("\tat "), message);

        // With a local mirror holding valid IDX files, the command succeeds without the network.
        Path mirror = tmp.resolve("mirror");
        Files.createDirectories(mirror);
        for (Map.Entry<String, byte[]> e : files.entrySet()) Files.write(mirror.resolve(e.getKey()), e.getValue());
        int before = requests.get();
        code = Main.run(new PrintStream(out), new PrintStream(err), "data", "fetch", "fashion-mnist",
                "--data-dir", data.toString(), "--url-base", base.toString(), "--local-mirror", mirror.toString());
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertEquals(before, requests.get());
        assertArrayEquals(files.get("t10k-labels-idx1-ubyte.gz"),
                Files.readAllBytes(data.resolve("fashion-mnist/t10k-labels-idx1-ubyte.gz")));

        code = Main.run(new PrintStream(out), new PrintStream(err), "data", "fetch", "cifar10",
                "--data-dir", data.toString(), "--url-base", "ftp://example.org/");
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--url-base must be an http or https URL"));
    }

    private static byte[] recompress(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.util.zip.Deflater level = new java.util.zip.Deflater(1, true);
        level.end();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out) {
            { def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION); }
        }) {
            gz.write(raw);
            gz.write(new byte[0]);
        }
        byte[] b = out.toByteArray();
        b[4] = 1; // a different mtime in the gzip header, so the bytes differ even if the deflate stream does not
        return b;
    }
}
