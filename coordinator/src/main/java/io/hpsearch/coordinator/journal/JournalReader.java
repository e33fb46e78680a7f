package io.hpsearch.coordinator.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.hpsearch.protocol.v1.JournalEntry;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Reads a journal's records in file order. Never changes the file: cutting a torn tail and
 * repairing are {@link Journal}'s job when it opens the file for appending.
 *
 * <p>How damage is judged, for a record starting at offset {@code p} in a file of {@code size}
 * bytes:
 * <ul>
 *   <li>fewer than 8 header bytes left, or the payload runs past the end of the file with no whole
 *       record after its start: a torn tail (a crash during the last append);</li>
 *   <li>checksum mismatch on a record that ends exactly at the end of the file: a torn tail (the
 *       file grew but not all the data reached the disk);</li>
 *   <li>an impossible length (0, negative, above {@link #MAX_PAYLOAD}) with nothing but zero bytes
 *       from {@code p} to the end: a torn tail (a zero-filled tail after a crash);</li>
 *   <li>anything else (checksum mismatch or impossible length with data after it, a length that
 *       runs past the end of the file with a whole record after it, or a payload that passes the
 *       checksum but does not parse): damage in the middle, reported as
 *       {@link JournalCorruptException} unless the caller tolerates it.</li>
 * </ul>
 */
public final class JournalReader {
    /** "HPSJ". */
    static final int MAGIC = 0x4850534A;
    /** The format version this build writes and reads. */
    static final int VERSION = 1;
    /** Bytes of the file header (magic, version). */
    public static final int HEADER_BYTES = 8;
    /** Bytes of a record's header (length, CRC32C). */
    public static final int RECORD_HEADER_BYTES = 8;
    /**
     * Largest payload accepted. Entries are a campaign spec or a trial result, a few KiB; a larger
     * length can only be damage, and refusing it keeps a bad length from allocating gigabytes.
     */
    public static final int MAX_PAYLOAD = 64 << 20;

    /** What kind of damage a read found. */
    public enum DamageKind {
        /** The last record is incomplete: expected after a crash, safe to cut off. */
        TORN_TAIL,
        /** A bad record with more data after it. */
        CORRUPT
    }

    /**
     * Damage found by a read.
     *
     * @param offset where the first bad record starts (everything before it is good)
     */
    public record Damage(DamageKind kind, long offset, String reason) {
    }

    /**
     * What a read found.
     *
     * @param records      number of good records delivered
     * @param goodEnd      offset just past the last good record (the header's end if there is none;
     *                     0 if the file is empty or holds only part of a header)
     * @param fileSize     size of the file when the read started
     * @param lastSequence sequence of the last good record, 0 if there is none
     * @param damage       null if the whole file was good
     */
    public record Result(Path file, long records, long goodEnd, long fileSize, long lastSequence, Damage damage) {
    }

    private JournalReader() {
    }

    /**
     * Reads every record of {@code file}, strictly: returns them with their offsets; a torn tail is
     * left out and reported nowhere (use {@link #read} to see it); damage in the middle throws.
     */
    public static List<JournalRecord> readAll(Path file) throws IOException {
        List<JournalRecord> out = new ArrayList<>();
        read(file, false, out::add);
        return out;
    }

    /**
     * Streams the good records of {@code file} to {@code consumer}, in order.
     *
     * @param tolerateCorruption if false, damage in the middle throws {@link JournalCorruptException}
     *                           after the records before it were delivered (a caller that must not
     *                           act on a partial journal discards what it got); if true, it is
     *                           reported in {@link Result#damage()} like a torn tail
     * @throws JournalCorruptException a bad header, or damage in the middle (see above)
     */
    public static Result read(Path file, boolean tolerateCorruption, Consumer<? super JournalRecord> consumer)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, file, tolerateCorruption, consumer);
        }
    }

    /** As {@link #read(Path, boolean, Consumer)}, on a channel the caller keeps open. */
    static Result read(FileChannel ch, Path file, boolean tolerateCorruption, Consumer<? super JournalRecord> consumer)
            throws IOException {
        long size = ch.size();
        if (size == 0) {
            return new Result(file, 0, 0, 0, 0, null);
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        int got = readAt(ch, header, 0, size);
        checkHeader(file, header, got);
        if (got < HEADER_BYTES) {
            return new Result(file, 0, 0, size, 0,
                    new Damage(DamageKind.TORN_TAIL, 0, "file header cut short: " + got + " of " + HEADER_BYTES + " bytes"));
        }

        ByteBuffer recordHeader = ByteBuffer.allocate(RECORD_HEADER_BYTES);
        CRC32C crc = new CRC32C();
        long pos = HEADER_BYTES;
        long records = 0;
        long lastSequence = 0;
        Damage damage = null;
        while (pos < size) {
            long left = size - pos;
            if (left < RECORD_HEADER_BYTES) {
                damage = new Damage(DamageKind.TORN_TAIL, pos,
                        "record header cut short: " + left + " of " + RECORD_HEADER_BYTES + " bytes");
                break;
            }
            recordHeader.clear();
            readAt(ch, recordHeader, pos, size);
            int length = recordHeader.getInt(0);
            int storedCrc = recordHeader.getInt(4);
            if (length <= 0 || length > MAX_PAYLOAD) {
                damage = zeroFrom(ch, pos, size)
                        ? new Damage(DamageKind.TORN_TAIL, pos, "zero-filled tail of " + left + " bytes")
                        : new Damage(DamageKind.CORRUPT, pos, "impossible record length " + length);
                break;
            }
            long end = pos + RECORD_HEADER_BYTES + length;
            if (end > size) {
                // A crash in an append leaves part of one record and nothing after it; a damaged
                // length in the middle points past the end too, but whole records follow it.
                long next = nextWholeRecord(ch, pos + 1, size);
                damage = next < 0
                        ? new Damage(DamageKind.TORN_TAIL, pos, "record payload cut short: "
                                + (left - RECORD_HEADER_BYTES) + " of " + length + " bytes")
                        : new Damage(DamageKind.CORRUPT, pos, "record length " + length + " runs past the end of the file,"
                                + " but a whole record starts at byte offset " + next);
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readAt(ch, payload, pos + RECORD_HEADER_BYTES, size);
            crc.reset();
            crc.update(payload.array(), 0, length);
            if ((int) crc.getValue() != storedCrc) {
                damage = end == size
                        ? new Damage(DamageKind.TORN_TAIL, pos, "checksum mismatch on the last record")
                        : new Damage(DamageKind.CORRUPT, pos, "checksum mismatch (record of " + length + " bytes)");
                break;
            }
            JournalEntry entry;
            try {
                entry = JournalEntry.parseFrom(payload.array());
            } catch (InvalidProtocolBufferException e) {
                // The checksum matched, so these are the bytes that were written: not a torn write.
                damage = new Damage(DamageKind.CORRUPT, pos, "record does not parse: " + e.getMessage());
                break;
            }
            consumer.accept(new JournalRecord(pos, entry));
            records++;
            lastSequence = entry.getSequence();
            pos = end;
        }
        if (damage != null && damage.kind() == DamageKind.CORRUPT && !tolerateCorruption) {
            throw new JournalCorruptException(file, damage.offset(), "journal " + file + " is damaged at byte offset "
                    + damage.offset() + " (after " + records + " good records): " + damage.reason()
                    + ". The records before that offset are intact; opening the journal with repair cuts it there"
                    + " and keeps the rest in a " + Journal.FILE_NAME + ".damaged-<time> file.");
        }
        long goodEnd = damage == null ? size : damage.offset();
        return new Result(file, records, goodEnd, size, lastSequence, damage);
    }

    /** Refuses a file that is not a journal of this version; a prefix of a good header passes. */
    private static void checkHeader(Path file, ByteBuffer header, int got) throws JournalCorruptException {
        ByteBuffer expected = ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(VERSION);
        if (got >= 4 && header.getInt(0) == MAGIC && got == HEADER_BYTES && header.getInt(4) != VERSION) {
            throw new JournalCorruptException(file, 0, "journal " + file + " has format version " + header.getInt(4)
                    + "; this build reads version " + VERSION);
        }
        for (int i = 0; i < got; i++) {
            if (header.get(i) != expected.get(i)) {
                throw new JournalCorruptException(file, 0, "file " + file
                        + " is not an hpsearch journal (bad magic/version header); refusing to read or append to it");
            }
        }
    }

    /**
     * The offset of the first whole record (a possible length, a payload within the file that
     * passes its checksum and parses) starting at or after {@code from}, or -1 if there is none.
     * A checksum that matches by chance is a one in four billion event per candidate. A record
     * is at most {@link #MAX_PAYLOAD} long, so the one after a damaged record, if any, lies within
     * twice that of {@code from}: no more is read.
     */
    private static long nextWholeRecord(FileChannel ch, long from, long size) throws IOException {
        if (size - from < RECORD_HEADER_BYTES) return -1;
        ByteBuffer tail = ByteBuffer.allocate((int) Math.min(size - from, 2L * (RECORD_HEADER_BYTES + MAX_PAYLOAD)));
        int n = readAt(ch, tail, from, size);
        CRC32C crc = new CRC32C();
        for (int q = 0; q + RECORD_HEADER_BYTES <= n; q++) {
            int length = tail.getInt(q);
            if (length <= 0 || length > MAX_PAYLOAD || (long) q + RECORD_HEADER_BYTES + length > n) continue;
            crc.reset();
            crc.update(tail.slice(q + RECORD_HEADER_BYTES, length));
            if ((int) crc.getValue() != tail.getInt(q + 4)) continue;
            byte[] payload = new byte[length];
            tail.get(q + RECORD_HEADER_BYTES, payload);
            try {
                JournalEntry.parseFrom(payload);
                return from + q;
            } catch (InvalidProtocolBufferException e) {
                // bytes that happen to pass the checksum: look further
            }
        }
        return -1;
    }

    /** Whether every byte from {@code from} to {@code size} is zero. */
    private static boolean zeroFrom(FileChannel ch, long from, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long pos = from;
        while (pos < size) {
            buf.clear();
            if (size - pos < buf.capacity()) buf.limit((int) (size - pos));
            int n = readAt(ch, buf, pos, size);
            for (int i = 0; i < n; i++) {
                if (buf.get(i) != 0) return false;
            }
            pos += n;
        }
        return true;
    }

    /** Fills {@code buf} from {@code pos}, stopping at {@code size}; returns the bytes read. */
    private static int readAt(FileChannel ch, ByteBuffer buf, long pos, long size) throws IOException {
        int total = 0;
        while (buf.hasRemaining() && pos + total < size) {
            int n = ch.read(buf, pos + total);
            if (n < 0) throw new EOFException("journal shrank while being read");
            total += n;
        }
        return total;
    }
}
