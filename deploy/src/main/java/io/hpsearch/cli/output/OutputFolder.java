package io.hpsearch.cli.output;

import io.hpsearch.cli.IoErrors;
import io.hpsearch.cli.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An {@code --out} folder, checked before the run it is for: a folder that cannot be written is
 * the user's error, said at once, not after minutes of training whose results then have nowhere
 * to go.
 */
public final class OutputFolder {
    private OutputFolder() {
    }

    /** Makes {@code dir} (and its parents) if need be and checks that a file can be written in it. */
    public static void prepare(String option, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".hpsearch-", ".probe"));
        } catch (IOException e) {
            throw cannotWrite(option, dir, e);
        }
    }

    /** The user's error for an {@code --out} folder that a write into failed with {@code e}. */
    public static UserError cannotWrite(String option, Path dir, IOException e) {
        return new UserError(option + " " + dir + ": cannot write the files there (" + IoErrors.reason(e, dir) + ")", e);
    }
}
