package io.hpsearch.coordinator.bench;

import io.hpsearch.coordinator.journal.Journal;
import io.hpsearch.coordinator.journal.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark runs end to end (small), in memory and journaling every trial. */
class DispatchBenchTest {
    @TempDir
    Path dir;

    @Test
    void everyTrialIsDispatchedOnceAndJournaled() throws Exception {
        DispatchBench.Result memory = DispatchBench.run(new DispatchBench.Options(4, 300, 50, false, Duration.ofMinutes(1), null));
        assertEquals(300, memory.trials());
        assertEquals(300, memory.workerLatency().count());
        assertTrue(memory.dispatchesPerSecond() > 0);

        DispatchBench.Result journaled = DispatchBench.run(new DispatchBench.Options(4, 300, 50, false, Duration.ofMinutes(1), dir));
        assertTrue(journaled.json().contains("\"journal\":true"), journaled.json());
        long recorded = JournalReader.readAll(dir.resolve(Journal.FILE_NAME)).stream()
                .filter(r -> r.entry().hasTrialRecorded()).count();
        assertEquals(350, recorded, "warm-up and measured campaigns, every trial once");
    }
}
