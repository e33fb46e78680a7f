package io.hpsearch.cli.bench;

import io.hpsearch.nn.fast.PhaseTimes;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The table of {@code hpsearch bench --phases}: for each phase of a training step (the work
 * between two barriers of the trial's team) and each member of the team, the mean microseconds
 * per step spent working in it and waiting at the barrier that ends it, and the median of the
 * work (which a busy machine's preemptions do not move much).
 */
final class PhaseTable {
    private PhaseTable() {
    }

    static void print(PrintWriter o, PhaseTimes times) {
        long runs = times.runs();
        int members = times.members();
        if (runs == 0) {
            o.println("phases: no step was recorded");
            return;
        }
        int phases = 0;
        for (int t = 0; t < members; t++) phases = Math.max(phases, times.phases(t));
        o.printf(Locale.ROOT, "phases of a training step, µs per step (means over %d steps, and the median step's "
                + "work), %d thread(s); member 0 is the trial's own thread:%n", runs, members);
        StringBuilder head = new StringBuilder("phase");
        for (int t = 0; t < members; t++) {
            head.append(String.format(Locale.ROOT, "  %9s %6s %6s", "m" + t + " work", "p50", "wait"));
        }
        o.println(head);
        double[] workSum = new double[members], medianSum = new double[members], waitSum = new double[members];
        StringBuilder start = new StringBuilder("start");
        for (int t = 0; t < members; t++) {
            double w = times.startWait(t) / 1e3 / runs;
            waitSum[t] += w;
            start.append(String.format(Locale.ROOT, "  %9s %6s %6.1f", "", "", w));
        }
        o.println(start);
        for (int p = 0; p < phases; p++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%5d", p + 1));
            for (int t = 0; t < members; t++) {
                double work = times.work(t, p) / 1e3 / runs, wait = times.wait(t, p) / 1e3 / runs;
                double median = times.medianWork(t, p) / 1e3;
                workSum[t] += work;
                medianSum[t] += median;
                waitSum[t] += wait;
                row.append(String.format(Locale.ROOT, "  %9.1f %6.1f %6.1f", work, median, wait));
            }
            o.println(row);
        }
        StringBuilder all = new StringBuilder("  all");
        for (int t = 0; t < members; t++) {
            all.append(String.format(Locale.ROOT, "  %9.1f %6.1f %6.1f", workSum[t], medianSum[t], waitSum[t]));
        }
        o.println(all);
    }
}
