package io.hpsearch.coordinator.bench;

import io.hpsearch.coordinator.journal.Journal;
import io.hpsearch.coordinator.journal.JournalReader;
import io.hpsearch.protocol.v1.JournalEntry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Each campaign's wall time as its coordinator saw it, from the journal: submission to the end
 * (completed or cancelled), in seconds with millisecond resolution, one JSON line per campaign.
 * For the cluster figures, where the wall time of {@code hpsearch launch} also counts its own
 * JVM start and cluster join.
 *
 * <p>{@code java -cp hpsearch.jar io.hpsearch.coordinator.bench.CampaignTimes STATE_DIR}
 */
public final class CampaignTimes {
    private CampaignTimes() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: CampaignTimes STATE_DIR");
            System.exit(2);
        }
        Map<String, long[]> spans = new LinkedHashMap<>();
        JournalReader.read(Path.of(args[0]).resolve(Journal.FILE_NAME), true, r -> {
            JournalEntry e = r.entry();
            switch (e.getEventCase()) {
                case CAMPAIGN_SUBMITTED -> spans.put(e.getCampaignSubmitted().getSpec().getName(),
                        new long[] {e.getEpochMillis(), -1});
                case CAMPAIGN_FINISHED -> end(spans, e.getCampaignFinished().getCampaign(), e.getEpochMillis());
                case CAMPAIGN_CANCELLED -> end(spans, e.getCampaignCancelled().getCampaign(), e.getEpochMillis());
                default -> { }
            }
        });
        spans.forEach((name, s) -> System.out.printf(Locale.ROOT, "{\"campaign\":\"%s\",\"seconds\":%s}%n", name,
                s[1] < 0 ? "null" : String.format(Locale.ROOT, "%.3f", (s[1] - s[0]) / 1000.0)));
    }

    private static void end(Map<String, long[]> spans, String campaign, long millis) {
        long[] s = spans.get(campaign);
        if (s != null && s[1] < 0) s[1] = millis;
    }
}
