package io.hpsearch.coordinator.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A journal file that cannot be read as it is: not a journal (bad magic or version, offset 0), or
 * a damaged record before the end of the file. The message names the file and the byte offset.
 */
public final class JournalCorruptException extends IOException {
    private final Path file;
    private final long offset;

    public JournalCorruptException(Path file, long offset, String message) {
        super(message);
        this.file = file;
        this.offset = offset;
    }

    /** The journal file. */
    public Path file() {
        return file;
    }

    /** Byte offset of the damage: the start of the bad record, or 0 for a bad header. */
    public long offset() {
        return offset;
    }
}
