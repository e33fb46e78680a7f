package io.hpsearch.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What went wrong with a file, in words for the user: the JDK's exceptions print as their class
 * name and path ("java.nio.file.NoSuchFileException: /x"), and the message around them already
 * names the path the user gave.
 */
public final class IoErrors {
    private IoErrors() {
    }

    /** The reason, naming the file at fault when it is not {@code given} (e.g. a parent folder that is a file). */
    public static String reason(IOException e, Path given) {
        String what;
        if (e instanceof NoSuchFileException) {
            what = "no such file or folder";
        } else if (e instanceof AccessDeniedException) {
            what = "permission denied";
        } else if (e instanceof FileAlreadyExistsException) {
            what = "a file is in the way";
        } else if (e instanceof NotDirectoryException) {
            what = "not a folder";
        } else if (e instanceof FileSystemException f && f.getReason() != null) {
            what = f.getReason().toLowerCase(Locale.ROOT); // e.g. "Not a directory", "Read-only file system"
        } else {
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
        String file = e instanceof FileSystemException f ? f.getFile() : null;
        boolean other = file != null && given != null && !Path.of(file).toAbsolutePath().normalize()
                .equals(given.toAbsolutePath().normalize());
        return other ? file + ": " + what : what;
    }
}
