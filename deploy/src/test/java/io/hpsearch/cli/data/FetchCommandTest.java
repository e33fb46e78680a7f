package io.hpsearch.cli.data;

import io.hpsearch.cli.CommandRun.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.hpsearch.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FetchCommandTest {
    @TempDir
    Path dir;

    @Test
    void aMirrorThatIsNotThereIsRefusedInsteadOfDownloading() {
        Path data = dir.resolve("data");
        Outcome o = run("data", "fetch", "fashion-mnist", "--local-mirror", dir.resolve("no-such").toString(),
                "--data-dir", data.toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("--local-mirror " + dir.resolve("no-such") + ": no such folder"), o.err());
        assertFalse(Files.exists(data), "nothing fetched");
    }

    @Test
    void aMirrorWithoutEveryFileIsRefusedNamingTheMissingOnes() throws IOException {
        Path mirror = Files.createDirectories(dir.resolve("mirror"));
        Files.writeString(mirror.resolve("train-images-idx3-ubyte.gz"), "not really");
        Outcome o = run("data", "fetch", "fashion-mnist", "--local-mirror", mirror.toString(),
                "--data-dir", dir.resolve("data").toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("lacks train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz"
                + " of fashion-mnist"), o.err());
        assertFalse(o.err().contains("train-images-idx3-ubyte.gz,"), "the file that is there is not listed: " + o.err());
    }
}
