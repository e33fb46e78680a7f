package io.hpsearch.cli.progress;

import io.hpsearch.nn.train.EpochMetrics;
import io.hpsearch.nn.train.TrainingListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Shows a training run's progress: a progress bar over updates whose message gives the epoch and
 * the latest validation accuracy. On a terminal the bar is redrawn in place; elsewhere (a log file,
 * a pipe) it is printed once per epoch, one line each. Close it when training ends.
 *
 * <pre>{@code
 * try (TrainingProgress progress = TrainingProgress.toStderr("train", config.totalEpochs(n))) {
 *     result = trainer.train(..., progress);
 * }
 * }</pre>
 */
public final class TrainingProgress implements TrainingListener, AutoCloseable {
    /** Width of the lines written when the output is not a terminal. */
    static final int LOG_LINE_WIDTH = 120;

    private final ProgressBar bar;
    private final EpochLines lines; // null on a terminal
    private final int totalEpochs;
    private long max = -1;

    /**
     * @param task        the name at the start of the bar
     * @param totalEpochs epochs the run will take, for "epoch 3/20" (0 if unknown)
     * @param out         where to write (stderr)
     * @param terminal    whether {@code out} is a terminal
     */
    public TrainingProgress(String task, int totalEpochs, PrintStream out, boolean terminal) {
        this.totalEpochs = totalEpochs;
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(-1).setUnit(" updates", 1);
        if (terminal) {
            lines = null;
            bar = builder.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(out))
                    .build();
        } else {
            lines = new EpochLines(out);
            // No timed redraws: the bar is drawn when an epoch ends, and only then printed.
            bar = builder.setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(Integer.MAX_VALUE)
                    .setConsumer(lines)
                    .build();
            lines.awaitFirstDraw();
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
            bar.maxHint(total);
        }
        bar.stepTo(update);
    }

    @Override
    public synchronized void onEpoch(EpochMetrics metrics) {
        bar.setExtraMessage(message(metrics));
        bar.stepTo(metrics.updates());
        if (lines != null) {
            lines.armed = true;
            try {
                bar.refresh();
            } finally {
                lines.armed = false;
            }
        }
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
        bar.close();
    }

    /** Prints the bar only when asked to (at the end of an epoch), one line each time. */
    private static final class EpochLines implements ProgressBarConsumer {
        private final PrintStream out;
        private final CountDownLatch firstDraw = new CountDownLatch(1);
        volatile boolean armed;

        EpochLines(PrintStream out) {
            this.out = out;
        }

        /**
         * The bar draws itself once, on its own thread, as soon as it is built; wait for that so
         * that it cannot race with (and swallow) the draw of the first epoch.
         */
        void awaitFirstDraw() {
            try {
                firstDraw.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public int getMaxRenderedLength() {
            return LOG_LINE_WIDTH;
        }

        @Override
        public void accept(String rendered) {
            if (armed) {
                out.println(rendered.replace("\r", "").stripTrailing());
                out.flush();
            }
            firstDraw.countDown();
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
