package io.hpsearch.nn.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader of the IDX files of MNIST and Fashion-MNIST, raw or gzip-compressed.
 *
 * <p>An IDX file is a big-endian 32-bit magic number {@code 0x0000TTNN} (TT the element type, 0x08
 * for unsigned bytes; NN the number of dimensions), NN big-endian 32-bit sizes, then the elements.
 * Image files have magic 2051 (0x00000803: count, rows, columns), label files 2049 (0x00000801:
 * count). Compression is detected by the gzip magic bytes {@code 1f 8b}, whatever the file's name.
 * A file shorter (or longer) than its header promises is reported as a {@link DataSetException}
 * naming the file and the sizes expected and found.
 */
public final class Idx {
    public static final int IMAGES_MAGIC = 2051;
    public static final int LABELS_MAGIC = 2049;
    private static final int BUFFER = 1 << 16;

    private Idx() {
    }

    /** The images of an IDX3 file: {@code count} images of {@code rows × cols} unsigned bytes, row-major. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        public int pixelsPerImage() {
            return rows * cols;
        }
    }

    /** Reads an image file (magic 2051). */
    public static Images readImages(Path file) {
        try (InputStream in = open(file)) {
            int[] h = readHeader(in, file, IMAGES_MAGIC, "images", 3);
            int header = 16;
            int count = h[0];
            int rows = h[1];
            int cols = h[2];
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new DataSetException(file.toAbsolutePath() + ": bad IDX image header: count " + count
                        + ", rows " + rows + ", columns " + cols);
            }
            long payload = (long) count * rows * cols;
            if (payload > Integer.MAX_VALUE - 8) {
                throw new DataSetException(file.toAbsolutePath() + ": header promises " + payload + " pixels, too many for one array");
            }
            byte[] pixels = readPayload(in, file, header, (int) payload);
            return new Images(count, rows, cols, pixels);
        } catch (IOException e) {
            throw readError(file, e);
        }
    }

    /** Reads a label file (magic 2049); each label is an unsigned byte. */
    public static int[] readLabels(Path file) {
        try (InputStream in = open(file)) {
            int[] h = readHeader(in, file, LABELS_MAGIC, "labels", 1);
            int header = 8;
            int count = h[0];
            if (count < 0) throw new DataSetException(file.toAbsolutePath() + ": bad IDX label count " + count);
            byte[] bytes = readPayload(in, file, header, count);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) labels[i] = bytes[i] & 0xFF;
            return labels;
        } catch (IOException e) {
            throw readError(file, e);
        }
    }

    /** Whether the file starts with the gzip magic bytes {@code 1f 8b}. */
    public static boolean isGzip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            int b0 = in.read();
            int b1 = in.read();
            return b0 == 0x1f && b1 == 0x8b;
        } catch (IOException e) {
            throw readError(file, e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new DataSetException(file.toAbsolutePath() + " is a directory, expected an IDX file");
        boolean gzip = isGzip(file);
        InputStream raw = Files.newInputStream(file);
        try {
            return gzip ? new GZIPInputStream(raw, BUFFER) : new BufferedInputStream(raw, BUFFER);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** Reads and checks the magic number, then returns the {@code dims} sizes that follow it. */
    private static int[] readHeader(InputStream in, Path file, int magic, String what, int dims) throws IOException {
        int headerBytes = 4 + 4 * dims;
        String truncated = "truncated IDX " + what + " header";
        byte[] m = readFully(in, file, 4, 4, truncated, headerBytes);
        checkMagic(file, ByteBuffer.wrap(m).getInt(), magic, what); // big-endian, as IDX
        ByteBuffer buf = ByteBuffer.wrap(readFully(in, file, 4 * dims, headerBytes, truncated, headerBytes));
        int[] sizes = new int[dims];
        for (int i = 0; i < dims; i++) sizes[i] = buf.getInt();
        return sizes;
    }

    private static byte[] readFully(InputStream in, Path file, int length, long end, String what) throws IOException {
        return readFully(in, file, length, end, what, end);
    }

    /**
     * Reads exactly {@code length} bytes; a stream that ends early (a raw file that is too short, or
     * a gzip stream cut off) is reported with the bytes expected and found, counting from the start
     * of the (uncompressed) file; {@code end} is the file offset just after these bytes, and
     * {@code expected} the file size reported as expected.
     */
    private static byte[] readFully(InputStream in, Path file, int length, long end, String what, long expected)
            throws IOException {
        byte[] bytes = new byte[length];
        int got = 0;
        try {
            while (got < length) {
                int r = in.read(bytes, got, length - got);
                if (r < 0) break;
                got += r;
            }
        } catch (EOFException e) {
            // GZIPInputStream: the compressed data ends inside a block.
            throw new DataSetException(file.toAbsolutePath() + ": " + what + " (gzip data cut off): expected "
                    + expected + " uncompressed bytes, found " + (end - length + got)
                    + " before the compressed stream ends (" + sizeOrUnknown(file) + " compressed bytes)", e);
        }
        if (got < length) {
            throw DataSetException.wrongSize(file, what, expected, end - length + got);
        }
        return bytes;
    }

    private static void checkMagic(Path file, int magic, int expected, String what) {
        if (magic != expected) {
            throw new DataSetException(file.toAbsolutePath() + ": bad magic number for IDX " + what + ": expected "
                    + expected + String.format(" (0x%08x)", expected) + ", found " + magic + String.format(" (0x%08x)", magic)
                    + (magic == LABELS_MAGIC || magic == IMAGES_MAGIC ? " — images and labels files swapped?" : ""));
        }
    }

    /**
     * Reads exactly {@code length} payload bytes and checks that nothing follows them. Sizes in the
     * messages are whole-file sizes (after decompression for gzip files).
     */
    private static byte[] readPayload(InputStream in, Path file, int header, int length) throws IOException {
        long total = (long) header + length;
        byte[] bytes = readFully(in, file, length, total, "truncated IDX file (shorter than its header promises)");
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0) {
            throw DataSetException.wrongSize(file, "IDX file longer than its header promises", total, total + extra);
        }
        return bytes;
    }

    private static DataSetException readError(Path file, IOException e) {
        if (e instanceof NoSuchFileException) return DataSetException.missingFile(file);
        if (e instanceof AccessDeniedException) {
            return new DataSetException("cannot read " + file.toAbsolutePath() + ": permission denied", e);
        }
        if (e instanceof EOFException || e instanceof ZipException) {
            // A gzip stream cut short or corrupted: the uncompressed size cannot be known.
            String why = e.getMessage() != null ? e.getMessage() : "unexpected end of file";
            return new DataSetException(file.toAbsolutePath() + ": truncated or corrupt gzip data (" + why
                    + "): expected a complete gzip stream, found " + sizeOrUnknown(file) + " compressed bytes", e);
        }
        return new DataSetException("cannot read " + file.toAbsolutePath() + ": " + e, e);
    }

    private static String sizeOrUnknown(Path file) {
        try {
            return Long.toString(Files.size(file));
        } catch (IOException e) {
            return "unknown";
        }
    }
}
