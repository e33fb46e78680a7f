package io.hpsearch.cli.cluster;

import io.hpsearch.coordinator.journal.Journal;
import io.hpsearch.coordinator.journal.JournalReader;
import io.hpsearch.protocol.v1.JournalEntry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The journal of a coordinator's --state-dir as it is on disk now, for tests that watch a real coordinator. */
final class StateJournal {
    private StateJournal() {
    }

    /** Its entries in order, a torn last record left out (as a restarted coordinator would). */
    static List<JournalEntry> entries(Path stateDir) throws IOException {
        List<JournalEntry> out = new ArrayList<>();
        JournalReader.read(stateDir.resolve(Journal.FILE_NAME), true, r -> out.add(r.entry()));
        return out;
    }
}
