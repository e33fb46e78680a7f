package io.hpsearch.cli.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Structural check of an IDX file (the MNIST format), gzip-compressed or not. */
public final class IdxFiles {
    private IdxFiles() { }

    /**
     * Reads the whole file and checks that it is an IDX file of unsigned bytes whose length matches
     * its header; returns the dimensions (first: the number of items).
     *
     * @throws IOException naming the file and what is wrong with it
     */
    public static int[] validate(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            InputStream in = raw;
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            if (b0 == 0x1f && b1 == 0x8b) in = new GZIPInputStream(raw, 1 << 16);
            DataInputStream data = new DataInputStream(in);
            int magic = data.readInt();
            if ((magic >>> 8) != 0x08) {
                throw new IOException(file + " is not an IDX file of unsigned bytes (magic number 0x"
                        + Integer.toHexString(magic) + ")");
            }
            int rank = magic & 0xff;
            if (rank < 1 || rank > 4) throw new IOException(file + ": IDX header gives " + rank + " dimensions");
            int[] dims = new int[rank];
            long expected = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = data.readInt();
                if (dims[i] < 0) throw new IOException(file + ": negative IDX dimension " + dims[i]);
                expected *= dims[i];
            }
            long actual = data.transferTo(java.io.OutputStream.nullOutputStream());
            if (actual != expected) {
                throw new IOException(file + " holds " + actual + " data bytes, its IDX header promises " + expected);
            }
            return dims;
        } catch (EOFException e) {
            throw new IOException(file + " is truncated", e);
        }
    }
}
