package io.hpsearch.cli.progress;

import io.hpsearch.nn.train.EpochMetrics;
import io.hpsearch.nn.train.TrainingListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows a training run's progress: a progress bar over updates whose message gives the epoch and
 * the latest validation accuracy. On a terminal the bar is redrawn in place; elsewhere (a log file,
 * a pipe) one plain line is printed per epoch. Close it when training ends.
 *
 * <pre>{@code
 * try (TrainingProgress progress = TrainingProgress.toStderr("train", config.totalEpochs(n))) {
 *     result = trainer.train(..., progress);
 * }
 * }</pre>
 */
public final class TrainingProgress implements TrainingListener, AutoCloseable {
    private final ProgressBar bar;  // null when the output is not a terminal
    private final PrintStream log;  // null on a terminal
    private final String task;
    private final int totalEpochs;
    private long max = -1;

    /**
     * @param task        the name at the start of the bar
     * @param totalEpochs epochs the run will take, for "epoch 3/20" (0 if unknown)
     * @param out         where to write (stderr)
     * @param terminal    whether {@code out} is a terminal
     */
    public TrainingProgress(String task, int totalEpochs, PrintStream out, boolean terminal) {
        this.task = task;
        this.totalEpochs = totalEpochs;
        if (terminal) {
            log = null;
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(-1).setUnit(" updates", 1)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(out))
                    .build();
        } else {
            // A log gets one plain line per epoch, written on the training thread: no bar, whose
            // redraws run on a timer thread of their own and could not be tied to epochs reliably.
            log = out;
            bar = null;
        }
    }

    /** Progress on stderr, as a bar if stderr is a terminal. */
    public static TrainingProgress toStderr(String task, int totalEpochs) {
        return new TrainingProgress(task, totalEpochs, System.err, Terminals.stderrIsTerminal());
    }

    @Override
    public synchronized void onUpdate(long update, long total) {
        if (total != max && total > 0) {
            max = total;
            if (bar != null) bar.maxHint(total);
        }
        if (bar != null) bar.stepTo(update);
    }

    @Override
    public synchronized void onEpoch(EpochMetrics metrics) {
        if (bar != null) {
            bar.setExtraMessage(message(metrics));
            bar.stepTo(metrics.updates());
            return;
        }
        String updates = max > 0 ? metrics.updates() + "/" + max : String.valueOf(metrics.updates());
        log.printf(Locale.ROOT, "%s %s · %s updates · %.1f s%n", task, message(metrics), updates, metrics.seconds());
        log.flush();
    }

    /** "epoch 3/20 · val acc 51.23%" (train accuracy when there is no validation set). */
    String message(EpochMetrics m) {
        StringBuilder sb = new StringBuilder("epoch ").append(m.epoch());
        if (totalEpochs > 0) sb.append('/').append(totalEpochs);
        double val = m.validation().accuracy();
        if (Double.isFinite(val)) {
            sb.append(String.format(Locale.ROOT, " · val acc %.2f%%", 100 * val));
        } else if (Double.isFinite(m.train().accuracy())) {
            sb.append(String.format(Locale.ROOT, " · train acc %.2f%%", 100 * m.train().accuracy()));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
