package io.hpsearch.coordinator.journal;

import io.hpsearch.protocol.v1.JournalEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The append side of the journal: {@code <dir>/journal.log} (format in the package description).
 *
 * <p>Opening replays the existing records to a consumer, then cuts off a torn tail (a crash in the
 * middle of the last append) with a warning; the cut bytes are kept in
 * {@code journal.log.torn-<time>} in case the judgement was wrong. Damage before the last record
 * makes the constructor throw {@link JournalCorruptException} naming the offset, unless
 * {@link Options#repair()} is set: then the journal is cut at the damaged record and everything
 * from there on is moved to {@code journal.log.damaged-<time>}, so no byte is thrown away.
 * What was done is available from {@link #recoveryNotes()}, for the opener to report.
 *
 * <p>Durability: with {@link Options#syncEveryAppend()} (the default), {@link #append} returns
 * only after the record has been forced to the device ({@code FileChannel.force(false)}, i.e.
 * fdatasync, which also persists the file length). The caller must acknowledge an event
 * (answer the client, send the TrialResultAck) only after {@code append} returned. Without it,
 * appends stay in the OS page cache until {@link #sync()} (group commit): then acknowledge only
 * after {@code sync()} returned.
 *
 * <p>Threads: one writer. An instance is not thread-safe; the coordinator appends from a single
 * actor. A second instance on the same directory is refused: in this JVM through a set of open
 * journals, from another process through a file lock.
 */
public final class Journal implements Closeable {
    /** Name of the journal file in the state directory. */
    public static final String FILE_NAME = "journal.log";

    private static final Logger log = LoggerFactory.getLogger(Journal.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

    /**
     * How to open a journal.
     *
     * @param syncEveryAppend force each record to disk before {@link #append} returns; if false the
     *                        caller batches with {@link #sync()}
     * @param repair          cut the journal at a damaged record in the middle instead of refusing
     *                        to open (the rest is kept in a {@code .damaged-<time>} file)
     */
    public record Options(boolean syncEveryAppend, boolean repair) {
        /** Force every append; refuse a damaged journal. */
        public static final Options DEFAULT = new Options(true, false);
    }

    /**
     * Journals open in this JVM. Checked before opening a channel: on Linux, closing any channel on
     * a file drops the process's lock on it, so a refused second open must not touch the file.
     */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final Options options;
    private final FileChannel channel;
    private final FileLock lock;
    private final List<String> notes = new ArrayList<>();
    private final long replayedRecords;
    private final CRC32C crc = new CRC32C();
    private long position;
    private long lastSequence;
    private boolean unsynced;
    private boolean failed;

    /** Opens with {@link Options#DEFAULT}. */
    public Journal(Path dir, Consumer<? super JournalRecord> replay) throws IOException {
        this(dir, Options.DEFAULT, replay);
    }

    /**
     * Opens or creates {@code dir/journal.log} (creating {@code dir} too) and hands every existing
     * record, in order, to {@code replay} before returning.
     *
     * @throws JournalCorruptException the file is not a journal, or is damaged in the middle and
     *                                 repair was not asked for; records handed to {@code replay}
     *                                 before the throw must be discarded; the file is unchanged
     */
    public Journal(Path dir, Options options, Consumer<? super JournalRecord> replay) throws IOException {
        this.options = options;
        Files.createDirectories(dir);
        this.file = dir.toRealPath().resolve(FILE_NAME);
        if (!OPEN.add(file)) {
            throw new IOException("journal " + file + " is already open in this process");
        }
        boolean created = !Files.exists(file);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            OPEN.remove(file);
            throw e;
        }
        this.channel = ch;
        try {
            this.lock = lock(channel, file);
            JournalReader.Result r = JournalReader.read(channel, file, options.repair(), replay);
            this.replayedRecords = r.records();
            this.lastSequence = r.lastSequence();
            if (r.damage() != null) {
                recover(r.damage(), r.fileSize());
            }
            if (r.goodEnd() < JournalReader.HEADER_BYTES) {
                // new file, or a crash while the header was written: start it afresh
                channel.truncate(0);
                ByteBuffer header = ByteBuffer.allocate(JournalReader.HEADER_BYTES)
                        .putInt(JournalReader.MAGIC).putInt(JournalReader.VERSION).flip();
                writeFully(header, 0);
                channel.force(true);
                position = JournalReader.HEADER_BYTES;
            } else {
                position = r.goodEnd();
            }
            if (created) {
                // the new directory entry must survive a crash as much as the data in it
                syncDirectory(dir);
            }
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            } finally {
                OPEN.remove(file);
            }
            throw e;
        }
    }

    private static FileLock lock(FileChannel channel, Path file) throws IOException {
        FileLock l;
        try {
            l = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            throw new IOException("journal " + file + " is in use by another coordinator");
        }
        return l;
    }

    /** Cuts the file at the damage, first copying the cut bytes aside. */
    private void recover(JournalReader.Damage damage, long fileSize) throws IOException {
        long cut = damage.offset();
        boolean torn = damage.kind() == JournalReader.DamageKind.TORN_TAIL;
        Path aside = sideFile(torn ? ".torn-" : ".damaged-");
        try (FileChannel out = FileChannel.open(aside, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long copied = 0;
            while (copied < fileSize - cut) {
                copied += channel.transferTo(cut + copied, fileSize - cut - copied, out);
            }
            out.force(true);
        }
        syncDirectory(file.getParent());
        // only now that the bytes are safe elsewhere
        channel.truncate(cut);
        channel.force(true);
        String note = (torn
                ? "journal " + file + ": cut off a torn last record at byte offset " + cut + " (" + damage.reason()
                        + "); " + (fileSize - cut) + " bytes saved in " + aside.getFileName()
                : "journal " + file + ": repaired damage at byte offset " + cut + " (" + damage.reason()
                        + "); kept the " + replayedRecords + " records before it, moved the remaining "
                        + (fileSize - cut) + " bytes to " + aside.getFileName());
        notes.add(note);
        log.debug(note); // reported by whoever opened the journal (recoveryNotes()): hpsearch coordinator prints it once
    }

    private Path sideFile(String kind) {
        String base = FILE_NAME + kind + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
        Path p = file.resolveSibling(base);
        for (int i = 1; Files.exists(p); i++) {
            p = file.resolveSibling(base + "-" + i);
        }
        return p;
    }

    private static void syncDirectory(Path dir) {
        // Linux persists a new or renamed name only with an fsync of the directory; other systems
        // may not allow opening a directory, and there is nothing more to do there.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }

    /**
     * Appends one entry and, with {@link Options#syncEveryAppend()}, forces it to disk before
     * returning. Acknowledge the event only after this returned.
     *
     * @return byte offset of the new record
     * @throws IllegalArgumentException no event set, a sequence not above {@link #lastSequence()},
     *                                  or an entry larger than {@link JournalReader#MAX_PAYLOAD}
     * @throws IOException              the write or force failed; the journal then refuses further
     *                                  appends (what reached the disk is unknown, so reopen, which
     *                                  replays and cuts any torn record)
     */
    public long append(JournalEntry entry) throws IOException {
        return append(entry, options.syncEveryAppend());
    }

    /**
     * Appends one entry without forcing it to disk, whatever the options: for events whose loss
     * in a crash is harmless (a lease, which a restarted coordinator re-dispatches anyway). The
     * next forcing {@link #append}, {@link #sync} or {@link #close} makes it durable along with
     * everything before it.
     *
     * @return byte offset of the new record
     */
    public long appendBuffered(JournalEntry entry) throws IOException {
        return append(entry, false);
    }

    private long append(JournalEntry entry, boolean force) throws IOException {
        checkUsable();
        if (entry.getEventCase() == JournalEntry.EventCase.EVENT_NOT_SET) {
            // also keeps every payload non-empty, so a zero length always means damage
            throw new IllegalArgumentException("journal entry without an event");
        }
        if (entry.getSequence() <= lastSequence) {
            throw new IllegalArgumentException("journal sequence " + entry.getSequence()
                    + " is not above the last one, " + lastSequence);
        }
        byte[] payload = entry.toByteArray();
        if (payload.length > JournalReader.MAX_PAYLOAD) {
            throw new IllegalArgumentException("journal entry of " + payload.length + " bytes exceeds "
                    + JournalReader.MAX_PAYLOAD);
        }
        crc.reset();
        crc.update(payload);
        ByteBuffer record = ByteBuffer.allocate(JournalReader.RECORD_HEADER_BYTES + payload.length)
                .putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        long offset = position;
        try {
            writeFully(record, offset);
            if (force) {
                channel.force(false);
                unsynced = false;
            } else {
                unsynced = true;
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
        position = offset + record.limit();
        lastSequence = entry.getSequence();
        return offset;
    }

    /** Forces appends made since the last force to disk (needed only without syncEveryAppend). */
    public void sync() throws IOException {
        checkUsable();
        if (unsynced) {
            try {
                channel.force(false);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
            unsynced = false;
        }
    }

    private void writeFully(ByteBuffer buf, long at) throws IOException {
        long pos = at;
        while (buf.hasRemaining()) {
            pos += channel.write(buf, pos);
        }
    }

    private void checkUsable() {
        if (!channel.isOpen()) throw new IllegalStateException("journal " + file + " is closed");
        if (failed) throw new IllegalStateException("journal " + file + " failed an earlier write; reopen it");
    }

    /** The journal file. */
    public Path file() {
        return file;
    }

    /** Sequence of the last record (replayed or appended), 0 if there is none. */
    public long lastSequence() {
        return lastSequence;
    }

    /** Number of records handed to the replay consumer on open. */
    public long replayedRecords() {
        return replayedRecords;
    }

    /** Offset where the next record goes (the file's length). */
    public long size() {
        return position;
    }

    /** What opening did to the file (torn tail cut, repair), one line each; empty if nothing. */
    public List<String> recoveryNotes() {
        return List.copyOf(notes);
    }

    /** Forces pending appends, releases the lock and closes the file. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) return;
        try {
            if (unsynced && !failed) channel.force(false);
        } finally {
            try {
                lock.release();
            } finally {
                try {
                    channel.close();
                } finally {
                    OPEN.remove(file);
                }
            }
        }
    }
}
