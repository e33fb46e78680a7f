package io.hpsearch.coordinator.journal;

import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.Dimension;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.JournalEntry;
import io.hpsearch.protocol.v1.Parameter;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.Scale;
import io.hpsearch.protocol.v1.SearchSpace;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest {
    @TempDir
    Path tmp;

    /** Entry {@code seq}, cycling through every event kind. */
    static JournalEntry entry(long seq) {
        JournalEntry.Builder b = JournalEntry.newBuilder().setSequence(seq).setEpochMillis(1_700_000_000_000L + seq);
        TrialId id = TrialId.newBuilder().setCampaign("c" + seq % 3).setPhase("coarse").setIndex((int) seq).build();
        switch ((int) (seq % 8)) {
            case 0 -> b.setCampaignSubmitted(JournalEntry.CampaignSubmitted.newBuilder().setSpec(CampaignSpec.newBuilder()
                    .setName("c" + seq).setSeed(seq).setMaxAttempts(3)
                    .addPhases(PhaseSpec.newBuilder().setName("coarse").setTrials(20))));
            case 1 -> b.setTrialLeased(JournalEntry.TrialLeased.newBuilder().setId(id).setLeaseId("L-" + seq)
                    .setWorkerId("node-b:25520#1").setAttempt(1 + (int) seq % 2));
            case 2 -> b.setTrialRecorded(JournalEntry.TrialRecorded.newBuilder().setResult(TrialResult.newBuilder()
                    .setId(id).setStatus(TrialStatus.TRIAL_STATUS_COMPLETED).setLeaseId("L-" + seq)
                    .setValidation(Evaluation.newBuilder().setAccuracy(0.5 + seq / 1000.0).setLoss(1.25))
                    .setEpochs(10).setSeconds(3.5)));
            case 3 -> b.setPhaseStarted(JournalEntry.PhaseStarted.newBuilder().setCampaign("c" + seq).setPhase("fine")
                    .setSpace(SearchSpace.newBuilder().addDimensions(Dimension.newBuilder()
                            .setParameter(Parameter.PARAMETER_LAMBDA).setScale(Scale.SCALE_LOG_UNIFORM)
                            .setMin(1e-5).setMax(1e-1 / seq).setName("lambda"))));
            case 4 -> b.setCampaignCancelled(JournalEntry.CampaignCancelled.newBuilder().setCampaign("c" + seq)
                    .setReason("user asked"));
            case 5 -> b.setCampaignFinished(JournalEntry.CampaignFinished.newBuilder().setCampaign("c" + seq)
                    .setState(CampaignState.CAMPAIGN_STATE_COMPLETED));
            case 6 -> b.setCoordinatorStarted(JournalEntry.CoordinatorStarted.newBuilder().setVersion("0.1.0"));
            default -> b.setLeaseReleased(JournalEntry.LeaseReleased.newBuilder().setId(id).setLeaseId("L-" + (seq - 5))
                    .setWorkerId("node-b:25520#1").setReason(JournalEntry.LeaseReleased.Reason.REASON_TRIAL_FAILED)
                    .setError("java.lang.OutOfMemoryError: Java heap space"));
        }
        return b.build();
    }

    /** Writes entries 1..n to a new journal in {@code dir}; returns their offsets. */
    static long[] write(Path dir, int n) throws IOException {
        long[] offsets = new long[n];
        try (Journal j = new Journal(dir, r -> { })) {
            for (int i = 0; i < n; i++) offsets[i] = j.append(entry(i + 1));
        }
        return offsets;
    }

    static List<JournalEntry> entries(List<JournalRecord> records) {
        return records.stream().map(JournalRecord::entry).toList();
    }

    static List<JournalEntry> expected(int from, int to) {
        List<JournalEntry> out = new ArrayList<>();
        for (int i = from; i <= to; i++) out.add(entry(i));
        return out;
    }

    static void flip(Path file, long at) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) at] ^= 0x10;
        Files.write(file, bytes);
    }

    static List<Path> sideFiles(Path dir, String kind) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(Journal.FILE_NAME + kind)).toList();
        }
    }

    @Test
    void everyKindOfEntryRoundTripsWithOffsets() throws IOException {
        long[] offsets = write(tmp, 60);
        List<JournalRecord> back = JournalReader.readAll(tmp.resolve(Journal.FILE_NAME));
        assertEquals(expected(1, 60), entries(back));
        EnumSet<JournalEntry.EventCase> kinds = EnumSet.noneOf(JournalEntry.EventCase.class);
        back.forEach(r -> kinds.add(r.entry().getEventCase()));
        assertEquals(EnumSet.complementOf(EnumSet.of(JournalEntry.EventCase.EVENT_NOT_SET)), kinds);
        assertEquals(JournalReader.HEADER_BYTES, offsets[0]);
        for (int i = 0; i < offsets.length; i++) assertEquals(offsets[i], back.get(i).offset());

        // the record layout: length, CRC32C of the payload, payload
        byte[] file = Files.readAllBytes(tmp.resolve(Journal.FILE_NAME));
        assertEquals("HPSJ", new String(file, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(1, ByteBuffer.wrap(file, 4, 4).getInt());
        byte[] payload = entry(1).toByteArray();
        assertEquals(payload.length, ByteBuffer.wrap(file, 8, 4).getInt());
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(payload);
        assertEquals((int) crc.getValue(), ByteBuffer.wrap(file, 12, 4).getInt());
        assertArrayEquals(payload, Arrays.copyOfRange(file, 16, 16 + payload.length));
        assertEquals(16 + payload.length, offsets[1]);
    }

    @Test
    void reopeningReplaysAndAppendsAfterTheLastRecord() throws IOException {
        write(tmp, 5);
        long sizeBefore = Files.size(tmp.resolve(Journal.FILE_NAME));
        List<JournalRecord> replayed = new ArrayList<>();
        try (Journal j = new Journal(tmp, replayed::add)) {
            assertEquals(expected(1, 5), entries(replayed));
            assertEquals(5, j.replayedRecords());
            assertEquals(5, j.lastSequence());
            assertTrue(j.recoveryNotes().isEmpty());
            // a replayed sequence again would be a double write
            assertThrows(IllegalArgumentException.class, () -> j.append(entry(5)));
            assertThrows(IllegalArgumentException.class, () -> j.append(JournalEntry.newBuilder().setSequence(9).build()));
            assertEquals(sizeBefore, j.append(entry(6)));
            j.append(entry(7));
        }
        assertEquals(expected(1, 7), entries(JournalReader.readAll(tmp.resolve(Journal.FILE_NAME))));
    }

    @Test
    void tornLastRecordIsCutOffAtEveryCutPoint() throws IOException {
        Path source = tmp.resolve("source");
        long[] offsets = write(source, 4);
        byte[] full = Files.readAllBytes(source.resolve(Journal.FILE_NAME));
        long last = offsets[3];
        for (int cut = (int) last + 1; cut < full.length; cut++) {
            Path dir = tmp.resolve("cut-" + cut);
            Files.createDirectories(dir);
            Files.write(dir.resolve(Journal.FILE_NAME), Arrays.copyOf(full, cut));

            // a plain read leaves the file alone and reports the tail
            JournalReader.Result r = JournalReader.read(dir.resolve(Journal.FILE_NAME), false, x -> { });
            assertEquals(JournalReader.DamageKind.TORN_TAIL, r.damage().kind(), "cut " + cut);
            assertEquals(last, r.damage().offset());
            assertEquals(cut, Files.size(dir.resolve(Journal.FILE_NAME)));

            List<JournalRecord> replayed = new ArrayList<>();
            try (Journal j = new Journal(dir, replayed::add)) {
                assertEquals(expected(1, 3), entries(replayed), "cut " + cut);
                assertEquals(1, j.recoveryNotes().size());
                assertTrue(j.recoveryNotes().get(0).contains("torn"), j.recoveryNotes().get(0));
                assertEquals(last, Files.size(dir.resolve(Journal.FILE_NAME)));
                assertEquals(last, j.append(entry(4)));
            }
            assertEquals(expected(1, 4), entries(JournalReader.readAll(dir.resolve(Journal.FILE_NAME))), "cut " + cut);
            // the cut bytes are kept aside
            List<Path> torn = sideFiles(dir, ".torn-");
            assertEquals(1, torn.size());
            assertArrayEquals(Arrays.copyOfRange(full, (int) last, cut), Files.readAllBytes(torn.get(0)));
        }
    }

    @Test
    void checksumMismatchOrZerosOnTheLastRecordIsATornTail() throws IOException {
        long[] offsets = write(tmp, 3);
        Path file = tmp.resolve(Journal.FILE_NAME);
        long size = Files.size(file);
        flip(file, size - 1);
        try (Journal j = new Journal(tmp, r -> { })) {
            assertEquals(2, j.replayedRecords());
            assertEquals(offsets[2], j.size());
        }
        // a crash after the file grew but before its data reached the disk leaves zeros
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(100), offsets[2]);
        }
        try (Journal j = new Journal(tmp, r -> { })) {
            assertEquals(2, j.replayedRecords());
            assertEquals(offsets[2], Files.size(file));
        }
    }

    @Test
    void flippedByteInTheMiddleNamesTheRecordOffset() throws IOException {
        long[] offsets = write(tmp, 5);
        Path file = tmp.resolve(Journal.FILE_NAME);
        flip(file, offsets[2] + JournalReader.RECORD_HEADER_BYTES + 3);
        byte[] damaged = Files.readAllBytes(file);

        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> new Journal(tmp, r -> { }));
        assertEquals(offsets[2], e.offset());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + offsets[2]), e.getMessage());
        assertArrayEquals(damaged, Files.readAllBytes(file), "a refused open must not change the file");
        assertTrue(sideFiles(tmp, ".damaged-").isEmpty());

        JournalCorruptException offline = assertThrows(JournalCorruptException.class, () -> JournalReader.readAll(file));
        assertEquals(offsets[2], offline.offset());
        // the lock of the refused open was released
        try (Journal j = new Journal(tmp, new Journal.Options(true, true), r -> { })) {
            assertEquals(2, j.replayedRecords());
        }
    }

    @Test
    void impossibleLengthInTheMiddleIsCorruption() throws IOException {
        long[] offsets = write(tmp, 4);
        Path file = tmp.resolve(Journal.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).putInt((int) offsets[1], 0);
        Files.write(file, bytes);
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> new Journal(tmp, r -> { }));
        assertEquals(offsets[1], e.offset());
        assertTrue(e.getMessage().contains("impossible record length 0"), e.getMessage());
    }

    @Test
    void aLengthInTheMiddleThatRunsPastTheEndIsCorruptionNotATornTail() throws IOException {
        long[] offsets = write(tmp, 6);
        Path file = tmp.resolve(Journal.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        int past = bytes.length; // a possible length, longer than what is left of the file
        ByteBuffer.wrap(bytes).putInt((int) offsets[1], past);
        Files.write(file, bytes);

        // the records after it would otherwise be cut off as a torn tail, without --repair-journal
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> new Journal(tmp, r -> { }));
        assertEquals(offsets[1], e.offset());
        assertTrue(e.getMessage().contains("runs past the end of the file") && e.getMessage().contains("offset " + offsets[2]),
                e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(file), "a refused open must not change the file");
        assertTrue(sideFiles(tmp, ".torn-").isEmpty());
        JournalReader.Result offline = JournalReader.read(file, true, r -> { });
        assertEquals(JournalReader.DamageKind.CORRUPT, offline.damage().kind());
        assertEquals(1, offline.records());
    }

    @Test
    void repairKeepsTheRecordsBeforeTheDamageAndSavesTheRest() throws IOException {
        long[] offsets = write(tmp, 5);
        Path file = tmp.resolve(Journal.FILE_NAME);
        flip(file, offsets[2] + 5);
        byte[] damaged = Files.readAllBytes(file);

        List<JournalRecord> replayed = new ArrayList<>();
        try (Journal j = new Journal(tmp, new Journal.Options(true, true), replayed::add)) {
            assertEquals(expected(1, 2), entries(replayed));
            assertEquals(1, j.recoveryNotes().size());
            String note = j.recoveryNotes().get(0);
            assertTrue(note.contains("offset " + offsets[2]) && note.contains(".damaged-"), note);
            assertEquals(2, j.lastSequence());
            j.append(entry(3));
        }
        List<Path> saved = sideFiles(tmp, ".damaged-");
        assertEquals(1, saved.size());
        assertArrayEquals(Arrays.copyOfRange(damaged, (int) offsets[2], damaged.length), Files.readAllBytes(saved.get(0)));
        // the repaired journal opens strictly
        assertEquals(expected(1, 3), entries(JournalReader.readAll(file)));
    }

    @Test
    void aFileThatIsNotAJournalIsRefused() throws IOException {
        Path file = tmp.resolve(Journal.FILE_NAME);
        byte[] garbage = "timestamp,trial,accuracy\n1,2,3\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Files.write(file, garbage);
        for (boolean repair : new boolean[] {false, true}) {
            JournalCorruptException e = assertThrows(JournalCorruptException.class,
                    () -> new Journal(tmp, new Journal.Options(true, repair), r -> { }));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("magic"), e.getMessage());
        }
        assertArrayEquals(garbage, Files.readAllBytes(file));

        // a later format version is refused too
        write(tmp.resolve("v"), 1);
        Path v = tmp.resolve("v").resolve(Journal.FILE_NAME);
        byte[] bytes = Files.readAllBytes(v);
        ByteBuffer.wrap(bytes).putInt(4, 2);
        Files.write(v, bytes);
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> JournalReader.readAll(v));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void aForcedAppendIsInTheFileBeforeCloseAndSurvivesANewInstance() throws IOException {
        Path copy = tmp.resolve("after-crash");
        Files.createDirectories(copy);
        try (Journal j = new Journal(tmp.resolve("live"), r -> { })) {
            j.append(entry(1));
            j.append(entry(2));
            // nothing waits in a user-space buffer: copying the file now is what a crash would leave
            Files.copy(j.file(), copy.resolve(Journal.FILE_NAME));
            // a second writer on the same journal is refused
            assertThrows(IOException.class, () -> new Journal(tmp.resolve("live"), r -> { }));
        }
        List<JournalRecord> replayed = new ArrayList<>();
        try (Journal j = new Journal(copy, replayed::add)) {
            assertEquals(expected(1, 2), entries(replayed));
            assertTrue(j.recoveryNotes().isEmpty());
        }
    }

    @Test
    void batchedAppendsAreForcedBySyncAndClose() throws IOException {
        try (Journal j = new Journal(tmp, new Journal.Options(false, false), r -> { })) {
            j.append(entry(1));
            j.sync();
            j.append(entry(2));
        }
        assertEquals(expected(1, 2), entries(JournalReader.readAll(tmp.resolve(Journal.FILE_NAME))));
    }

    @Test
    void aCrashWhileWritingTheHeaderStartsAFreshJournal() throws IOException {
        Path file = tmp.resolve(Journal.FILE_NAME);
        Files.write(file, new byte[] {'H', 'P', 'S'});
        try (Journal j = new Journal(tmp, r -> { })) {
            assertEquals(1, j.recoveryNotes().size());
            j.append(entry(1));
        }
        assertEquals(expected(1, 1), entries(JournalReader.readAll(file)));
        assertNull(JournalReader.read(file, false, r -> { }).damage());
    }
}
