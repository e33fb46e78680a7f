package io.hpsearch.cli.output;

import io.hpsearch.cli.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputFolderTest {
    @TempDir
    Path dir;

    private long entries() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void aFolderNameTheFileSystemRefusesIsRefusedBeforeTheRun() throws Exception {
        // as hpsearch local's default runs/CAMPAIGN-NAME for a 300-character campaign name
        Path out = dir.resolve("runs").resolve("a".repeat(300));
        UserError e = assertThrows(UserError.class, () -> OutputFolder.prepare("--out", out));
        assertTrue(e.getMessage().startsWith("--out " + out + ": cannot write the files there"), e.getMessage());
        assertEquals(0, entries(), "the check leaves nothing behind");
    }

    @Test
    void anEmptyPathIsRefusedRatherThanTakenForTheWorkingFolder() {
        UserError e = assertThrows(UserError.class, () -> OutputFolder.prepare("--out", Path.of("")));
        assertEquals("--out is empty: name a folder (. for this one)", e.getMessage());
    }

    @Test
    void foldersThatCanBeMadeAreNotLeftBehind() throws Exception {
        assertDoesNotThrow(() -> OutputFolder.prepare("--out", dir.resolve("runs").resolve("quick")));
        assertEquals(0, entries(), "a run stopped before its end writes nothing, not even the folder");
    }
}
