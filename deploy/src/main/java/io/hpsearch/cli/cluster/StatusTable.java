package io.hpsearch.cli.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpsearch.protocol.WorkerIds;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.PhaseStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.WorkerInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * What {@code hpsearch status} prints: the coordinator's campaigns in the order they were
 * submitted (the order the queue runs them in) with their state, phase and trial counts, and the
 * workers that take its trials.
 *
 * <p>A campaign's {@code planned} counts the trials of the phases whose size is known; a refined
 * phase's size is known when it starts, so until then the count is shown with a {@code +}. Every
 * trial that was queued is counted once, in {@code done}, {@code running} or {@code pending}; the
 * planned trials a campaign ended without starting (it was cancelled) are said below the table,
 * as is what a campaign whose trials wait is waiting for (the coordinator's words).
 */
final class StatusTable {
    private final List<CampaignStatus> campaigns;
    private final List<WorkerInfo> workers;

    StatusTable(StatusAnswer answer) {
        this.campaigns = answer.getCampaignsList().stream()
                .sorted(Comparator.comparingLong(CampaignStatus::getStartedEpochMillis)).toList();
        this.workers = answer.getWorkersList().stream().sorted(Comparator.comparing(WorkerInfo::getWorkerId)).toList();
    }

    /** Trials of the phases whose size is known. */
    static int planned(CampaignStatus c) {
        return sum(c, PhaseStatus::getPlanned);
    }

    /** Whether a phase's size is still to come (a refined phase of a campaign that has not ended). */
    static boolean moreToPlan(CampaignStatus c) {
        return !Campaigns.finished(c.getState()) && c.getPhasesList().stream().anyMatch(p -> p.getPlanned() == 0);
    }

    /** Planned trials an ended campaign never started (0 while it runs: they are still to come). */
    static int neverStarted(CampaignStatus c) {
        if (!Campaigns.finished(c.getState())) return 0;
        return Math.max(0, planned(c) - CampaignProgress.done(c) - sum(c, PhaseStatus::getRunning)
                - sum(c, PhaseStatus::getPending));
    }

    /** What the counts do not say, one line per campaign that needs one. */
    private List<String> notes() {
        List<String> notes = new ArrayList<>();
        for (CampaignStatus c : campaigns) {
            if (!c.getWaiting().isEmpty()) notes.add(c.getCampaign() + ": " + c.getWaiting());
            int never = neverStarted(c);
            if (never > 0 || !c.getCancelReason().isEmpty()) {
                notes.add(c.getCampaign() + ": " + Campaigns.stateName(c.getState()) + Campaigns.reason(c)
                        + (never > 0 ? "; " + never + " of its " + planned(c) + " planned trials never started" : ""));
            }
        }
        return notes;
    }

    private static int sum(CampaignStatus c, ToIntFunction<PhaseStatus> f) {
        return c.getPhasesList().stream().mapToInt(f).sum();
    }

    String format(ResultsTable.Format format) {
        return switch (format) {
            case TABLE -> text(false);
            case MARKDOWN -> text(true);
            case JSON -> json();
            case CSV -> throw new IllegalArgumentException("status has no CSV form");
        };
    }

    private String text(boolean markdown) {
        StringBuilder sb = new StringBuilder();
        if (campaigns.isEmpty()) {
            sb.append("no campaigns\n");
        } else {
            List<String> header = List.of("campaign", "state", "phase", "done", "planned", "running", "pending",
                    "failed", "best val acc", "best trial", "elapsed");
            List<List<String>> rows = new ArrayList<>();
            for (CampaignStatus c : campaigns) {
                // as in JSON: the phase running, the one a queued campaign starts with, or the one an ended campaign ended in
                rows.add(List.of(c.getCampaign(), Campaigns.stateName(c.getState()),
                        c.getCurrentPhase().isEmpty() ? "-" : c.getCurrentPhase(),
                        Integer.toString(CampaignProgress.done(c)), planned(c) + (moreToPlan(c) ? "+" : ""),
                        Integer.toString(sum(c, PhaseStatus::getRunning)), Integer.toString(sum(c, PhaseStatus::getPending)),
                        Integer.toString(sum(c, PhaseStatus::getFailed)),
                        c.hasBest() ? String.format(Locale.ROOT, "%.4f", c.getBest().getValidation().getAccuracy()) : "-",
                        c.hasBest() ? ResultsTable.trialName(c.getBest()) : "-",
                        CampaignProgress.duration(c.getElapsedSeconds())));
            }
            boolean[] left = {true, true, true, false, false, false, false, false, false, true, false};
            sb.append(TextTable.render(header, rows, left, markdown));
            List<String> notes = notes();
            if (!notes.isEmpty()) {
                sb.append('\n');
                for (String note : notes) sb.append(note).append('\n');
            }
        }
        sb.append('\n');
        if (workers.isEmpty()) {
            sb.append("no workers\n");
        } else {
            List<String> header = List.of("worker", "slots", "threads per trial", "cores", "data sets", "version");
            List<List<String>> rows = new ArrayList<>();
            for (WorkerInfo w : workers) {
                rows.add(List.of(WorkerIds.hostPort(w.getWorkerId()), Integer.toString(w.getSlots()),
                        Integer.toString(w.getThreadsPerTrial()), Integer.toString(w.getCores()),
                        Integer.toString(w.getDataFingerprintsCount()), w.getVersion()));
            }
            sb.append(TextTable.render(header, rows, new boolean[] {true, false, false, false, false, true}, markdown));
        }
        return sb.toString();
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One object: {@code campaigns} and {@code workers}, arrays of objects with snake_case keys. */
    ObjectNode jsonObject() {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode cs = root.putArray("campaigns");
        for (CampaignStatus c : campaigns) {
            ObjectNode o = cs.addObject();
            o.put("campaign", c.getCampaign());
            o.put("state", Campaigns.stateName(c.getState()));
            o.put("phase", c.getCurrentPhase());
            o.put("done", CampaignProgress.done(c));
            o.put("planned", planned(c));
            o.put("more_to_plan", moreToPlan(c));
            o.put("running", sum(c, PhaseStatus::getRunning));
            o.put("pending", sum(c, PhaseStatus::getPending));
            o.put("never_started", neverStarted(c));
            if (c.getCancelReason().isEmpty()) o.putNull("cancel_reason");
            else o.put("cancel_reason", c.getCancelReason());
            if (c.getWaiting().isEmpty()) o.putNull("waiting");
            else o.put("waiting", c.getWaiting());
            if (c.hasBest()) {
                o.put("best_val_acc", c.getBest().getValidation().getAccuracy());
                o.put("best_trial", ResultsTable.trialName(c.getBest()));
            } else {
                o.putNull("best_val_acc");
                o.putNull("best_trial");
            }
            o.put("submitted", Instant.ofEpochMilli(c.getStartedEpochMillis()).toString());
            o.put("elapsed_seconds", c.getElapsedSeconds());
            ArrayNode phases = o.putArray("phases");
            for (PhaseStatus p : c.getPhasesList()) {
                ObjectNode ph = phases.addObject();
                ph.put("phase", p.getName());
                ph.put("planned", p.getPlanned());
                ph.put("completed", p.getCompleted());
                ph.put("diverged", p.getDiverged());
                ph.put("failed", p.getFailed());
                ph.put("cancelled", p.getCancelled());
                ph.put("running", p.getRunning());
                ph.put("pending", p.getPending());
            }
        }
        ArrayNode ws = root.putArray("workers");
        for (WorkerInfo w : workers) {
            ObjectNode o = ws.addObject();
            o.put("worker", WorkerIds.hostPort(w.getWorkerId()));
            o.put("worker_id", w.getWorkerId());
            o.put("slots", w.getSlots());
            o.put("threads_per_trial", w.getThreadsPerTrial());
            o.put("cores", w.getCores());
            ArrayNode data = o.putArray("data_fingerprints");
            w.getDataFingerprintsList().forEach(data::add);
            o.put("version", w.getVersion());
        }
        return root;
    }

    private String json() {
        try {
            return MAPPER.writeValueAsString(jsonObject()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing the status as JSON", e);
        }
    }
}
