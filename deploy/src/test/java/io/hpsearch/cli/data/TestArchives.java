package io.hpsearch.cli.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Generated files in the official layouts, for tests. */
final class TestArchives {
    private TestArchives() { }

    static final int CIFAR_RECORD = 1 + 3 * 32 * 32;

    /** The six CIFAR-10 batch files, {@code records} random records each, by file name. */
    static Map<String, byte[]> cifarBatches(int records, long seed) {
        Random r = new Random(seed);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : DataSetSpec.CIFAR10.expectedFiles()) {
            byte[] b = new byte[records * CIFAR_RECORD];
            r.nextBytes(b);
            for (int i = 0; i < records; i++) b[i * CIFAR_RECORD] = (byte) r.nextInt(10);
            files.put(name, b);
        }
        return files;
    }

    /** A ustar tar.gz holding {@code top/} and the files under it, as the official archive does. */
    static byte[] tarGz(String top, Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tar.write(header(top + "/", 0, '5'));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            byte[] data = e.getValue();
            tar.write(header(top + "/" + e.getKey(), data.length, '0'));
            tar.write(data);
            tar.write(new byte[(512 - data.length % 512) % 512]);
        }
        tar.write(new byte[1024]);
        return gzip(tar.toByteArray());
    }

    static byte[] header(String name, long size, char type) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644\0");
        put(h, 108, "0001750\0");
        put(h, 116, "0001750\0");
        put(h, 124, String.format("%011o\0", size));
        put(h, 136, String.format("%011o\0", 1_600_000_000L));
        h[156] = (byte) type;
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) h[i] = ' ';
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        put(h, 148, String.format("%06o\0 ", sum));
        return h;
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** An IDX file of unsigned bytes with the given dimensions and random content. */
    static byte[] idx(long seed, int... dims) {
        long n = 1;
        for (int d : dims) n *= d;
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + (int) n);
        b.putInt(0x0800 | dims.length);
        for (int d : dims) b.putInt(d);
        byte[] data = new byte[(int) n];
        new Random(seed).nextBytes(data);
        if (dims.length == 1) for (int i = 0; i < data.length; i++) data[i] = (byte) Math.floorMod(data[i], 10);
        b.put(data);
        return b.array();
    }

    /** The four Fashion-MNIST files (gzip-compressed IDX), tiny, by name. */
    static Map<String, byte[]> fashionFiles(long seed) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("train-images-idx3-ubyte.gz", gzip(idx(seed, 6, 28, 28)));
        files.put("train-labels-idx1-ubyte.gz", gzip(idx(seed + 1, 6)));
        files.put("t10k-images-idx3-ubyte.gz", gzip(idx(seed + 2, 4, 28, 28)));
        files.put("t10k-labels-idx1-ubyte.gz", gzip(idx(seed + 3, 4)));
        return files;
    }

    static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
