package io.hpsearch.nn.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A problem with a data set that the user can cause and fix: a missing file or directory, a
 * truncated file, a bad magic number, an unknown data-set name or an impossible split. The message
 * names the file (or value) and, where it applies, the size expected and the size found. The CLI
 * maps it to exit code 2; anything else that goes wrong while loading is a bug and propagates as is.
 */
public class DataSetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataSetException(String message) {
        super(message);
    }

    public DataSetException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A validation count the training set cannot give (negative, or all of it): the caller knows
     * which of its options set the count and can name it.
     */
    public static final class ImpossibleValidation extends DataSetException {
        private static final long serialVersionUID = 1L;

        ImpossibleValidation(String message) {
            super(message);
        }
    }

    static DataSetException missingFile(Path file) {
        return new DataSetException("missing data file: " + file.toAbsolutePath());
    }

    static DataSetException missingDirectory(Path dir) {
        // a file given for the folder is there, and "missing" would send the user looking for it
        if (Files.exists(dir)) return new DataSetException("data directory is a file, not a folder: " + dir.toAbsolutePath());
        return new DataSetException("missing data directory: " + dir.toAbsolutePath());
    }

    /** A file whose content is shorter (or longer) than its layout requires. */
    static DataSetException wrongSize(Path file, String what, long expectedBytes, long foundBytes) {
        return new DataSetException(file.toAbsolutePath() + ": " + what + ": expected " + expectedBytes
                + " bytes, found " + foundBytes + " bytes");
    }
}
