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

    /**
     * Checks that {@code dir} can be made and written: that it, or else its nearest existing parent,
     * is a folder a file can be written in. Leaves nothing behind: a run stopped before its end
     * writes nothing, not even the folder.
     */
    public static void prepare(String option, Path dir) {
        // an empty path is the working folder: most likely an unset shell variable (--out "$DIR"),
        // and files there, with the stale ones of an earlier campaign removed, would surprise
        if (dir.toString().isEmpty()) throw new UserError(option + " is empty: name a folder (. for this one)");
        Path existing = dir.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return; // nothing of it exists, not even a root: the write will say why
        String where = existing.equals(dir.toAbsolutePath().normalize()) ? "" : existing + ": ";
        if (!Files.isDirectory(existing)) {
            throw new UserError(option + " " + dir + ": cannot write the files there (" + where + "not a folder)");
        }
        try {
            Files.delete(Files.createTempFile(existing, ".hpsearch-", ".probe"));
        } catch (IOException e) {
            throw cannotWrite(option, dir, e);
        }
        // The folders still to make can fail too (a name longer than the file system allows, e.g.
        // the default runs/CAMPAIGN-NAME of a long campaign name): make them, then remove them again.
        Path missing = dir.toAbsolutePath().normalize();
        if (missing.equals(existing)) return;
        try {
            Files.createDirectories(missing);
        } catch (IOException e) {
            removeMade(missing, existing);
            throw cannotWrite(option, dir, e);
        }
        removeMade(missing, existing);
    }

    /** Removes the folders from {@code made} up to, not including, {@code existing} that exist and are empty. */
    private static void removeMade(Path made, Path existing) {
        for (Path p = made; p != null && !p.equals(existing); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // never made (its name was refused), or not empty (someone else's files): leave it
            }
        }
    }

    /** The user's error for an {@code --out} folder that a write into failed with {@code e}. */
    public static UserError cannotWrite(String option, Path dir, IOException e) {
        return new UserError(option + " " + dir + ": cannot write the files there (" + IoErrors.reason(e, dir) + ")", e);
    }
}
