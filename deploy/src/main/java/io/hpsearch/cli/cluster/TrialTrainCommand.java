package io.hpsearch.cli.cluster;

import io.hpsearch.cli.UserError;
import io.hpsearch.cli.train.TrainArguments;
import io.hpsearch.coordinator.sampling.TrialGenerator;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.PhaseSpec;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TopKQuery;
import io.hpsearch.protocol.v1.TrialId;
import io.hpsearch.protocol.v1.TrialResult;
import io.hpsearch.protocol.v1.TrialSpec;
import io.hpsearch.worker.trial.TrialSpecException;

import java.util.List;

/**
 * {@code results --train-command TRIAL}: the {@code hpsearch train} command that trains one of a
 * campaign's trials again. The trial is generated again from the campaign's spec, as the
 * coordinator generated it ({@link TrialGenerator}: a pure function of the spec, the phase's ranges
 * and the index), and written as options by {@link TrainArguments}.
 */
final class TrialTrainCommand {
    /** What {@code --train-command} takes for the first row of the table. */
    static final String BEST = "best";

    private TrialTrainCommand() {
    }

    /** The query whose answer {@link #line} needs: the campaign's spec, and its best row for {@link #BEST}. */
    static TopKQuery query(String campaign, String phase) {
        return TopKQuery.newBuilder().setCampaign(campaign).setPhase(phase).setK(1).setWithoutCurves(true)
                .setWithSpec(true).build();
    }

    /**
     * The command line for {@code trial} ({@code PHASE#INDEX} as the table names trials, or
     * {@link #BEST}); {@code answer} answers {@link #query}; {@code where} names its source.
     *
     * @throws UserError naming --train-command for a trial the campaign does not have (yet)
     */
    static String line(TopKAnswer answer, String trial, String where) {
        if (!answer.hasSpec()) {
            throw new UserError("--train-command: " + where + " sends no campaign spec (a coordinator older than "
                    + "this hpsearch); update it, or read its journal with --state-dir");
        }
        CampaignSpec spec = answer.getSpec();
        TrialId id;
        if (trial.equals(BEST)) {
            if (answer.getRankedCount() == 0) {
                throw new UserError("--train-command best: campaign " + spec.getName() + " has no results yet");
            }
            TrialResult best = answer.getRanked(0);
            id = best.getId();
        } else {
            id = parse(trial, spec);
        }
        PhaseSpec phase = spec.getPhases(TrialGenerator.ordinal(spec, id.getPhase()));
        if (!phase.hasSpace() && phase.hasFine()) {
            throw new UserError("--train-command " + trial + ": phase " + phase.getName() + " has not started, and its "
                    + "ranges come from the results of phase " + phase.getFine().getFromPhase());
        }
        int trials = TrialGenerator.trialCount(spec, phase);
        if (id.getIndex() >= trials) {
            throw new UserError("--train-command " + trial + ": phase " + phase.getName() + " has " + trials
                    + (trials == 1 ? " trial" : " trials") + ", " + phase.getName() + "#0 to " + phase.getName() + "#" + (trials - 1));
        }
        try {
            return line(spec, trial.equals(BEST) ? answer.getRanked(0) : TrialResult.newBuilder().setId(id).build());
        } catch (TrialSpecException e) {
            throw new UserError("--train-command " + trial + ": " + e.getMessage(), e);
        }
    }

    /**
     * The command line of the trial {@code result} is of (a phase started and an index in it); when
     * the result holds the values the trial ran with, they are checked against the generated ones.
     *
     * @throws TrialSpecException a recipe the train command cannot express, as a worker could not train it
     */
    static String line(CampaignSpec spec, TrialResult result) {
        TrialId id = result.getId();
        TrialSpec again = TrialGenerator.trial(spec, spec.getPhases(TrialGenerator.ordinal(spec, id.getPhase())), id.getIndex());
        if (result.getParamsCount() > 0 && !again.getParamsList().equals(result.getParamsList())) {
            // generated from the same spec, phase and index: anything else is a bug, not the user's
            throw new IllegalStateException("trial " + ResultsTable.trialName(result) + " generated again with "
                    + again.getParamsList() + ", but it ran with " + result.getParamsList());
        }
        return TrainArguments.commandLine(again);
    }

    /**
     * The results files' {@code train-commands.txt}: the command of every trial in {@code ranked},
     * in that order, each under a comment naming it.
     */
    static String file(CampaignSpec spec, List<TrialResult> ranked) {
        StringBuilder b = new StringBuilder()
                .append("# The hpsearch train command of each trial of campaign ").append(spec.getName())
                .append(", best first. Each trains that trial\n")
                .append("# again on one machine: the same data, network, recipe and seed, so the same numbers.\n")
                .append("# Add --out DIR to keep its files, and --data-dir DIR where the data set is elsewhere.\n");
        int rank = 0;
        for (TrialResult r : ranked) {
            rank++;
            b.append("\n# ").append(rank).append(". ").append(ResultsTable.trialName(r)).append(", ")
                    .append(ResultsTable.status(r));
            if (r.hasValidation() && !Double.isNaN(r.getValidation().getAccuracy())) {
                b.append(", val acc ").append(r.getValidation().getAccuracy());
            }
            b.append('\n');
            try {
                b.append(line(spec, r)).append('\n');
            } catch (TrialSpecException e) {
                b.append("# (no train options for it: ").append(e.getMessage()).append(")\n");
            }
        }
        return b.toString();
    }

    private static TrialId parse(String trial, CampaignSpec spec) {
        int hash = trial.lastIndexOf('#');
        List<String> phases = spec.getPhasesList().stream().map(PhaseSpec::getName).toList();
        String form = "--train-command " + trial + ": give a trial as the table names it, PHASE#INDEX (phases: "
                + String.join(", ", phases) + "), or " + BEST;
        if (hash <= 0) throw new UserError(form);
        String phase = trial.substring(0, hash);
        int index;
        try {
            index = Integer.parseInt(trial.substring(hash + 1));
        } catch (NumberFormatException e) {
            throw new UserError(form);
        }
        if (index < 0) throw new UserError(form);
        if (!phases.contains(phase)) {
            throw new UserError("--train-command " + trial + ": campaign " + spec.getName() + " has no phase " + phase
                    + " (it has: " + String.join(", ", phases) + ")");
        }
        return TrialId.newBuilder().setCampaign(spec.getName()).setPhase(phase).setIndex(index).build();
    }
}
