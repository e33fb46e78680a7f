package io.hpsearch.cli.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks a gzip-compressed tar archive (POSIX ustar, with GNU long names and pax {@code path}
 * records), regular files and folders only; links and devices are skipped. Entries that would land
 * outside the destination are refused.
 */
public final class TarGz {
    private static final int BLOCK = 512;

    private TarGz() { }

    /**
     * Extracts {@code archive} into {@code destination} (created if missing) and returns the
     * extracted regular files, relative to {@code destination}.
     *
     * @throws IOException if the archive is not gzip, a header is corrupt or the archive is truncated
     */
    public static List<Path> extract(Path archive, Path destination) throws IOException {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16), 1 << 16)) {
            return extract(in, destination);
        }
    }

    /** Extracts an uncompressed tar stream. */
    public static List<Path> extract(InputStream tar, Path destination) throws IOException {
        Path root = destination.toAbsolutePath().normalize();
        Files.createDirectories(root);
        List<Path> extracted = new ArrayList<>();
        byte[] header = new byte[BLOCK];
        String longName = null;
        while (true) {
            if (!readBlock(tar, header)) {
                throw new EOFException("tar archive ends without its end-of-archive marker");
            }
            if (isZero(header)) break; // end of archive (a second zero block follows)
            verifyChecksum(header);
            String name = longName != null ? longName : headerName(header);
            longName = null;
            long size = parseNumber(header, 124, 12);
            char type = (char) header[156];
            switch (type) {
                case 'L' -> longName = trimNul(new String(readData(tar, size), StandardCharsets.UTF_8));
                case 'x' -> {
                    String path = paxPath(readData(tar, size));
                    if (path != null) longName = path;
                }
                case '5' -> Files.createDirectories(resolve(root, name));
                case '0', '\0', '7' -> {
                    Path target = resolve(root, name);
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        copy(tar, out, size);
                    }
                    skipPadding(tar, size);
                    extracted.add(root.relativize(target));
                }
                default -> skipData(tar, size); // links, devices, global pax headers: not needed
            }
        }
        return extracted;
    }

    private static String headerName(byte[] h) {
        String name = field(h, 0, 100);
        boolean ustar = new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? field(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static Path resolve(Path root, String name) throws IOException {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\")) {
            throw new IOException("tar entry '" + name + "' has an unsafe path");
        }
        Path p = root.resolve(name).normalize();
        if (!p.startsWith(root)) {
            throw new IOException("tar entry '" + name + "' would be written outside " + root);
        }
        return p;
    }

    private static void verifyChecksum(byte[] h) throws IOException {
        long stored = parseNumber(h, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        if (sum != stored) throw new IOException("corrupt tar header (checksum " + sum + ", header says " + stored + ")");
    }

    /** An octal field, or a base-256 one (GNU, high bit of the first byte set) for large sizes. */
    static long parseNumber(byte[] h, int off, int len) throws IOException {
        if ((h[off] & 0x80) != 0) {
            long v = h[off] & 0x7f;
            for (int i = 1; i < len; i++) v = (v << 8) | (h[off + i] & 0xff);
            return v;
        }
        long v = 0;
        boolean any = false;
        for (int i = off; i < off + len; i++) {
            byte b = h[i];
            if (b == 0 || (b == ' ' && any)) break;
            if (b == ' ') continue;
            if (b < '0' || b > '7') throw new IOException("corrupt tar header (bad octal number at byte " + off + ")");
            v = (v << 3) + (b - '0');
            any = true;
        }
        return v;
    }

    private static String paxPath(byte[] data) {
        // Records are "<length> <key>=<value>\n", the length counting the whole record in bytes.
        int pos = 0;
        String path = null;
        while (pos < data.length) {
            int space = pos;
            while (space < data.length && data[space] != ' ') space++;
            if (space >= data.length) break;
            int len;
            try {
                len = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                break;
            }
            if (len <= 0 || pos + len > data.length) break;
            String record = new String(data, space + 1, pos + len - space - 2, StandardCharsets.UTF_8);
            if (record.startsWith("path=")) path = record.substring(5);
            pos += len;
        }
        return path;
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) end++;
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static String trimNul(String s) {
        int i = s.indexOf('\0');
        return i < 0 ? s : s.substring(0, i);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) return false;
        if (n < BLOCK) throw new EOFException("tar archive truncated inside a header");
        return true;
    }

    private static byte[] readData(InputStream in, long size) throws IOException {
        if (size > 1 << 20) throw new IOException("tar metadata entry too large: " + size + " bytes");
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) throw new EOFException("tar archive truncated");
        skipPadding(in, size);
        return data;
    }

    private static void copy(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buf = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) throw new EOFException("tar archive truncated inside a file");
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static void skipData(InputStream in, long size) throws IOException {
        skipExactly(in, size);
        skipPadding(in, size);
    }

    private static void skipPadding(InputStream in, long size) throws IOException {
        long pad = (BLOCK - size % BLOCK) % BLOCK;
        skipExactly(in, pad);
    }

    private static void skipExactly(InputStream in, long n) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (EOFException e) {
            throw new EOFException("tar archive truncated");
        }
    }
}
