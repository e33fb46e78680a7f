package io.hpsearch.cli.cluster;

import io.hpsearch.protocol.v1.EpochMetrics;
import io.hpsearch.protocol.v1.Evaluation;
import io.hpsearch.protocol.v1.ParamValue;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultFilesTest {
    @TempDir
    Path dir;

    private static TrialResult trial(String campaign, String phase, int index, List<String> dims) {
        TrialResult.Builder b = TrialResult.newBuilder()
                .setId(TrialId.newBuilder().setCampaign(campaign).setPhase(phase).setIndex(index))
                .setStatus(TrialStatus.TRIAL_STATUS_COMPLETED)
                .setValidation(Evaluation.newBuilder().setAccuracy(0.8 + index / 100.0))
                .addCurves(EpochMetrics.newBuilder().setEpoch(1).setValidation(Evaluation.newBuilder().setAccuracy(0.8)));
        for (String d : dims) b.addParams(ParamValue.newBuilder().setName(d).setValue(1e-3 * (index + 1)));
        return b.build();
    }

    private Set<String> files(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aFolderWrittenAgainForAnotherCampaignHoldsOnlyThatCampaignsCurvesAndFigures() throws Exception {
        List<String> both = List.of("lambda", "momentum");
        TopKAnswer first = TopKAnswer.newBuilder().setCampaign("a")
                .addRanked(trial("a", "coarse", 0, both)).addRanked(trial("a", "coarse", 1, both))
                .addRanked(trial("a", "fine", 0, both)).setTotal(3).build();
        ResultFiles.write(dir, first, null, null);
        Files.writeString(dir.resolve("notes.txt"), "mine");
        Files.writeString(dir.resolve("curves").resolve("notes.txt"), "mine too");

        TopKAnswer second = TopKAnswer.newBuilder().setCampaign("b")
                .addRanked(trial("b", "coarse", 0, List.of("lambda"))).setTotal(1).build();
        ResultFiles.write(dir, second, null, null);
        assertEquals(Set.of("coarse-0.csv", "notes.txt"), files(dir.resolve("curves")),
                "campaign a's other trials' curves beside campaign b's table");
        assertEquals(Set.of("curves", "notes.txt", "results.csv", "results.json", "results.md", "search-lambda.png"),
                files(dir), "campaign a's momentum figure beside campaign b's table");
        assertEquals("mine", Files.readString(dir.resolve("notes.txt")));

        // the same campaign written again, with more trials, keeps every file
        TopKAnswer later = second.toBuilder().addRanked(trial("b", "coarse", 1, List.of("lambda"))).setTotal(2).build();
        ResultFiles.write(dir, later, null, null);
        assertTrue(files(dir.resolve("curves")).containsAll(Set.of("coarse-0.csv", "coarse-1.csv")));
    }

    @Test
    void aFileThatCannotBeWrittenLeavesNoTemporaryFileBehind() throws Exception {
        // results.csv cannot take the table's place: a folder of that name is in the way
        Files.createDirectories(dir.resolve("results.csv").resolve("occupied"));
        TopKAnswer one = TopKAnswer.newBuilder().setCampaign("a").addRanked(trial("a", "coarse", 0, List.of("lambda")))
                .setTotal(1).build();
        assertThrows(java.io.IOException.class, () -> ResultFiles.write(dir, one, null, null));
        assertEquals(Set.of("results.csv", "results.json"), files(dir), "only what was written, and no .tmp file");
    }

    @Test
    void theCurveFilesOfACampaignAreKeptAndAnotherCampaignsRemoved() throws Exception {
        // each curve file is looked up among those written (in a set: in a list, 40,000 of them
        // took 10.6 s, and a campaign of 200,000 trials the better part of an hour)
        int trials = 5_000;
        Path curves = Files.createDirectories(dir.resolve("curves"));
        List<Path> written = new java.util.ArrayList<>();
        for (int i = 0; i < trials; i++) written.add(Files.createFile(curves.resolve("coarse-" + i + ".csv")));
        Files.createFile(curves.resolve("fine-0.csv")); // of another campaign
        Files.createFile(curves.resolve("notes.txt")); // not a curve file: left alone
        ResultFiles.removeStale(curves, ResultFiles.STALE_CURVES, written);
        assertTrue(Files.notExists(curves.resolve("fine-0.csv")), "the stale file is deleted");
        assertTrue(Files.exists(curves.resolve("notes.txt")));
        try (Stream<Path> s = Files.list(curves)) {
            assertEquals(trials + 1, s.count(), "every file written is kept, and the file of another kind");
        }
    }
}
