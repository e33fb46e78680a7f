package io.hpsearch.cli.bench;

import io.hpsearch.cli.CoreBudget;
import io.hpsearch.cli.UserError;
import io.hpsearch.cli.train.Engine;
import io.hpsearch.nn.BatchNormMode;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.data.SyntheticData;
import io.hpsearch.nn.fast.FastTrainer;
import io.hpsearch.nn.fast.PhaseTimes;
import io.hpsearch.nn.train.BnStatistics;
import io.hpsearch.nn.train.OptimizerConfig;
import io.hpsearch.nn.train.ScheduleConfig;
import io.hpsearch.nn.train.TrainingConfig;
import io.hpsearch.nn.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code hpsearch bench}: seconds per training epoch of the network core on random data of the
 * Fashion-MNIST or CIFAR-10 shape, [50, 50] with BN, batch 100, timed like the PyTorch reference
 * in ../shared/bench (the training loop only: the per-epoch evaluation is left out).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time training epochs of the network core; prints one JSON line last.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--shape", paramLabel = "fashion|cifar", defaultValue = "fashion",
            description = "fashion: 55,000 × 784; cifar: 45,000 × 3072 (default: ${DEFAULT-VALUE}).")
    String shape;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "Threads of each trial (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--trials", paramLabel = "K", defaultValue = "1",
            description = "Trials trained at once in this JVM (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "3",
            description = "Epochs per trial (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--warm-up", paramLabel = "W", defaultValue = "2",
            description = "Epochs trained first and not timed, while the JIT compiles the kernels, as a worker "
                    + "does before its first trial (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = "--engine", paramLabel = "fast|reference", defaultValue = "fast",
            description = "Core to time (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--phases",
            description = "Also print, for each phase of a timed step (between two barriers of the trial's threads), "
                    + "each thread's time working and waiting (fast engine, one trial).")
    boolean phases;

    /** Sizes of one shape: samples, features. */
    private record Shape(String name, int samples, int dim) {
        /** Multiply-adds ×2 of one epoch: forward, weight gradients, and input gradients of every layer but the first. */
        double flopsPerEpoch(int[] hidden, int classes) {
            double sum = 0;
            int in = dim;
            List<Integer> outs = new ArrayList<>();
            for (int h : hidden) outs.add(h);
            outs.add(classes);
            for (int out : outs) {
                sum += (double) in * out;
                in = out;
            }
            return (double) samples * (6 * sum - 2.0 * dim * hidden[0]);
        }
    }

    @Override
    public Integer call() throws Exception {
        Shape s = switch (shape.trim().toLowerCase(Locale.ROOT)) {
            case "fashion" -> new Shape("fashion", 55_000, 784);
            case "cifar" -> new Shape("cifar", 45_000, 3072);
            default -> throw new UserError("--shape must be 'fashion' or 'cifar', got '" + shape + "'");
        };
        CoreBudget.checkCount("--threads", threads);
        CoreBudget.checkCount("--trials", trials);
        if (epochs <= 0) throw new UserError("--epochs must be positive, got " + epochs);
        if (warmUp < 0) throw new UserError("--warm-up must be zero or positive, got " + warmUp);
        Engine core = Engine.parse(engine);
        if (phases && core != Engine.FAST) throw new UserError("--phases times the fast engine's threads; drop --engine " + core);
        if (phases && trials != 1) throw new UserError("--phases times one trial's threads; drop --trials " + trials);
        PhaseTimes phaseTimes = phases ? new PhaseTimes(threads) : null;
        if (core == Engine.FAST) {
            CoreBudget.excess(trials, threads, trials == 1 ? "--threads " + threads : "--trials " + trials + " × --threads " + threads)
                    .ifPresent(spec.commandLine().getErr()::println);
        }

        int classes = 10;
        int[] hidden = {50, 50};
        // Random data of the right shape: the time of an epoch does not depend on the values.
        DataSet train = SyntheticData.generate(s.samples(), s.dim(), classes, 1);
        DataSet small = train.slice(0, 1000);
        DataSplit data = new DataSplit(train, small, small);
        NetworkConfig net = NetworkConfig.of(s.dim(), hidden, classes, BatchNormMode.BEFORE_RELU);
        TrainingConfig config = new TrainingConfig(0.005, 100, warmUp + epochs, new ScheduleConfig.Constant(0.01),
                OptimizerConfig.SGD, BnStatistics.MOVING_AVERAGE, 0, false, 0, 1, threads);

        List<Double> seconds = Collections.synchronizedList(new ArrayList<>());
        int perEpoch = config.updatesPerEpoch(s.samples());
        List<EpochTimer> timers = new ArrayList<>();
        for (int k = 0; k < trials; k++) timers.add(new EpochTimer(perEpoch, warmUp, epochs, seconds, phaseTimes));
        ExecutorService pool = Executors.newFixedThreadPool(trials);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (EpochTimer timer : timers) {
                runs.add(pool.submit(() -> phaseTimes == null ? core.train(net, data, config, timer)
                        : new FastTrainer().recordingPhases(phaseTimes).train(net, data, config, timer)));
            }
            for (Future<?> f : runs) f.get();
        } catch (ExecutionException ex) {
            throw ex.getCause() instanceof Exception c ? c : ex;
        } finally {
            pool.shutdownNow();
        }

        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        int mid = sorted.size() / 2;
        double median = sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
        double gflops = trials * s.flopsPerEpoch(hidden, classes) / median / 1e9;
        long[] steps = timers.stream().flatMapToLong(EpochTimer::steps).sorted().toArray();
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "epochs (s): %s%n", seconds);
        if (phaseTimes != null) PhaseTable.print(o, phaseTimes);
        o.printf(Locale.ROOT, "{\"shape\":\"%s\",\"engine\":\"%s\",\"threads\":%d,\"trials\":%d,\"epochs\":%d,"
                        + "\"warm_up\":%d,\"sec_per_epoch\":%.4f,\"gflops\":%.2f,\"step_us_median\":%.1f,"
                        + "\"step_us_p90\":%.1f}%n",
                s.name(), core, threads, trials, epochs, warmUp, median, gflops,
                steps[steps.length / 2] / 1e3, steps[(int) (steps.length * 0.9)] / 1e3);
        o.flush();
        return 0;
    }

    /**
     * Seconds of each epoch's updates after the first {@code skipped}: from the end of the previous
     * epoch's evaluation (for the first epoch, from the end of its first update) to the epoch's last
     * update, so the evaluation between epochs is not counted; and the nanoseconds of each update of
     * those epochs, from the end of the one before (or of the evaluation), so a step's median is seen
     * apart from the rare long ones that a median epoch still contains.
     */
    private static final class EpochTimer implements TrainingListener {
        private final int perEpoch;
        private final int skipped;
        private final List<Double> seconds;
        private final long[] stepNanos;
        /** Records the steps (not the evaluation between epochs), cleared when the timed epochs start; or null. */
        private final PhaseTimes phases;
        private int steps;
        private long epochStart = -1, last = -1, lastUpdate, totalUpdates;

        EpochTimer(int perEpoch, int skipped, int timedEpochs, List<Double> seconds, PhaseTimes phases) {
            this.perEpoch = perEpoch;
            this.skipped = skipped;
            this.seconds = seconds;
            this.stepNanos = new long[perEpoch * timedEpochs];
            this.phases = phases;
        }

        @Override
        public void onUpdate(long update, long total) {
            long now = System.nanoTime();
            if (epochStart < 0) epochStart = now; // first epoch: from the end of its first update
            boolean timed = (update - 1) / perEpoch >= skipped;
            if (timed && last >= 0 && steps < stepNanos.length) stepNanos[steps++] = now - last;
            last = now;
            lastUpdate = update;
            totalUpdates = total;
            if (update % perEpoch == 0 && update / perEpoch > skipped) seconds.add((now - epochStart) / 1e9);
            // Every step is recorded, the evaluation between epochs is not. The untimed epochs are
            // recorded too, and then cleared: that way the JIT has seen both ways through the
            // team's barriers before the timed epochs, and turning recording on does not throw the
            // compiled training code back to the interpreter.
            if (phases != null) phases.record(update % perEpoch != 0);
        }

        @Override
        public void onEpoch(io.hpsearch.nn.train.EpochMetrics metrics) {
            epochStart = System.nanoTime(); // the evaluation just done is not training time
            last = epochStart;
            if (phases != null) {
                if (lastUpdate / perEpoch == skipped) phases.clear(); // the timed epochs start
                phases.record(lastUpdate < totalUpdates); // not the final evaluations
            }
        }

        java.util.stream.LongStream steps() {
            return java.util.Arrays.stream(stepNanos, 0, steps);
        }
    }
}
