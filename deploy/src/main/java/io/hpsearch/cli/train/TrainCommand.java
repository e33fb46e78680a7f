package io.hpsearch.cli.train;

import io.hpsearch.cli.CoreBudget;
import io.hpsearch.cli.UserError;
import io.hpsearch.cli.output.FinishBeforeExit;
import io.hpsearch.cli.output.OutputFolder;
import io.hpsearch.cli.output.TrainOutputs;
import io.hpsearch.cli.progress.TrainingProgress;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.metrics.Evaluation;
import io.hpsearch.nn.train.TrainingConfig;
import io.hpsearch.nn.train.TrainingResult;
import io.hpsearch.nn.train.TrainingStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hpsearch train}: one training run, with progress, a summary and optional result files. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train one batch-normalised network and report its accuracy.")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions data;

    @Mixin
    NetworkOptions network;

    @Mixin
    TrainingOptions training;

    @Option(names = "--engine", paramLabel = "fast|reference", defaultValue = "fast",
            description = "fast: the float32 vector core; reference: the double-precision core the fast one "
                    + "is checked against (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write result.json, curves.csv and PNG plots (cost, loss, accuracy, confusion) here.")
    Path out;

    @Override
    public Integer call() throws IOException {
        training.validate(); // refuse bad options before reading any data
        Engine core = Engine.parse(engine);
        network.toConfig(1, 2);
        DataSplit split = data.load(training.seed());
        TrainingConfig config = training.toConfig(split.train().size());
        NetworkConfig net = network.toConfig(split.train().dim(), split.train().classes());
        if (config.flip() && split.train().imageShape() == null) {
            throw new UserError("--flip needs an image data set; " + data.name() + " has no image shape");
        }

        int usedTrain = config.trainSubset() > 0 ? config.trainSubset() : split.train().size();
        int epochs = config.totalEpochs(usedTrain);
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "data: %s, %d train, %d validation, %d test, %d features, %d classes%n",
                data.name(), usedTrain, split.validation().size(), split.test().size(), split.train().dim(),
                split.train().classes());
        o.printf(Locale.ROOT, "network: %s%n", net);
        o.flush();

        if (core == Engine.FAST) {
            CoreBudget.excess(1, config.threads(), "--threads " + config.threads()).ifPresent(spec.commandLine().getErr()::println);
        }
        if (out != null) OutputFolder.prepare("--out", out);
        TrainingResult result;
        try (TrainingProgress progress = TrainingProgress.toStderr("train", epochs)) {
            result = core.train(net, split, config, progress);
        }
        printSummary(o, result);
        if (out != null) {
            Map<String, Object> hyper = new LinkedHashMap<>();
            hyper.put("engine", core.toString());
            hyper.put("dataset", data.name());
            hyper.put("val", split.validation().size());
            hyper.putAll(network.describe());
            hyper.putAll(training.describe());
            // the run is kept nowhere else: a Ctrl-C now waits for its files rather than leave some
            try (FinishBeforeExit writing = FinishBeforeExit.holding("the files are written to " + out)) {
                List<Path> written;
                try {
                    written = TrainOutputs.write(out, hyper, result, data.classNames(split.train().classes()));
                } catch (IOException e) {
                    throw OutputFolder.cannotWrite("--out", out, e);
                }
                for (Path p : written) o.println("wrote " + p);
                o.flush();
            }
        }
        o.flush();
        return 0;
    }

    private static void printSummary(PrintWriter o, TrainingResult r) {
        o.printf(Locale.ROOT, "status: %s after %d epochs (%d updates) in %.1f s%n",
                r.status(), r.epochs(), r.updates(), r.seconds());
        o.printf(Locale.ROOT, "%-10s %10s %10s %10s%n", "set", "cost", "loss", "accuracy");
        row(o, "train", r.train());
        row(o, "validation", r.validation());
        row(o, "test", r.test());
        if (r.status() == TrainingStatus.DIVERGED) {
            o.println("the cost became NaN or infinite: training stopped; the curves up to that point are kept");
        }
    }

    private static void row(PrintWriter o, String name, Evaluation e) {
        o.printf(Locale.ROOT, "%-10s %10.4f %10.4f %10.4f%n", name, e.cost(), e.loss(), e.accuracy());
    }
}
