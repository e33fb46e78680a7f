package io.hpsearch.cli.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TarGzTest {
    @TempDir
    Path dir;

    @Test
    void extractsFilesWithTheirBytes() throws Exception {
        Map<String, byte[]> files = TestArchives.cifarBatches(3, 1);
        files.put("batches.meta.txt", "airplane\nautomobile\n".getBytes());
        files.put("empty.txt", new byte[0]);
        files.put("exactly-512.bin", new byte[512]);
        Path archive = dir.resolve("a.tar.gz");
        Files.write(archive, TestArchives.tarGz("cifar-10-batches-bin", files));
        Path out = dir.resolve("out");
        List<Path> extracted = TarGz.extract(archive, out);
        assertEquals(files.size(), extracted.size());
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(out.resolve("cifar-10-batches-bin").resolve(e.getKey())), e.getKey());
        }
    }

    /** An archive made by the system's tar (GNU tar or bsdtar), with a name longer than 100 characters. */
    @Test
    void readsArchivesMadeBySystemTar() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tar")) || Files.isExecutable(Path.of("/bin/tar")), "no tar");
        Path src = dir.resolve("src");
        String longDir = "d".repeat(60) + "/" + "e".repeat(60);
        Files.createDirectories(src.resolve("top").resolve(longDir));
        byte[] big = new byte[100_000];
        new Random(7).nextBytes(big);
        Files.write(src.resolve("top/big.bin"), big);
        Files.write(src.resolve("top").resolve(longDir).resolve("n" + "x".repeat(90) + ".txt"), "deep".getBytes());
        Path archive = dir.resolve("sys.tar.gz");
        Process p = new ProcessBuilder("tar", "-czf", archive.toString(), "-C", src.toString(), "top")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), output);
        Path out = dir.resolve("out");
        TarGz.extract(archive, out);
        assertArrayEquals(big, Files.readAllBytes(out.resolve("top/big.bin")));
        assertEquals("deep", Files.readString(out.resolve("top").resolve(longDir).resolve("n" + "x".repeat(90) + ".txt")));
    }

    @Test
    void refusesEntriesOutsideTheDestination() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("../../evil.txt", "x".getBytes());
        Path archive = dir.resolve("evil.tar.gz");
        Files.write(archive, TestArchives.tarGz("top", files));
        IOException e = assertThrows(IOException.class, () -> TarGz.extract(archive, dir.resolve("out")));
        assertTrue(e.getMessage().contains("evil.txt"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("evil.txt")));
    }

    @Test
    void truncatedArchiveFails() throws Exception {
        byte[] whole = TestArchives.tarGz("top", TestArchives.cifarBatches(2, 3));
        byte[] tarBytes = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(whole)).readAllBytes();
        Path archive = dir.resolve("cut.tar.gz");
        Files.write(archive, TestArchives.gzip(Arrays.copyOf(tarBytes, 512 + 512 + 1000)));
        assertThrows(IOException.class, () -> TarGz.extract(archive, dir.resolve("out")));
    }

    @Test
    void corruptHeaderFails() throws Exception {
        byte[] whole = TestArchives.tarGz("top", TestArchives.cifarBatches(1, 3));
        byte[] tarBytes = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(whole)).readAllBytes();
        tarBytes[512 + 3] ^= 0x20; // a name byte of the first file's header
        Path archive = dir.resolve("bad.tar.gz");
        Files.write(archive, TestArchives.gzip(tarBytes));
        IOException e = assertThrows(IOException.class, () -> TarGz.extract(archive, dir.resolve("out")));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void notGzipFails() throws Exception {
        Path archive = dir.resolve("plain.tar.gz");
        Files.writeString(archive, "<html>404</html>");
        assertThrows(IOException.class, () -> TarGz.extract(archive, dir.resolve("out")));
    }
}
