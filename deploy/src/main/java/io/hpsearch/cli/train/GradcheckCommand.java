package io.hpsearch.cli.train;

import io.hpsearch.cli.UserError;
import io.hpsearch.nn.NetworkConfig;
import io.hpsearch.nn.data.DataSet;
import io.hpsearch.nn.data.DataSplit;
import io.hpsearch.nn.gradcheck.GradientCheck;
import io.hpsearch.nn.gradcheck.GradientCheckReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hpsearch gradcheck}: analytic gradients against centred differences in double precision
 * on a reduced problem (the first d input dimensions of the first n training samples); see
 * {@link GradientCheck} for how the differences are taken.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Check the analytic gradients against numerical ones; exit 1 if any relative error exceeds --tolerance.")
public final class GradcheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "synthetic:train=200,test=10,dim=64,classes=10",
            description = "Data set the samples come from (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder holding the data set's files (default: as "
            + "for train).")
    java.nio.file.Path dataDir;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "20",
            description = "Samples in the reduced problem (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--dims", paramLabel = "D", defaultValue = "20",
            description = "Input dimensions in the reduced problem (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = "--lambda", paramLabel = "L", defaultValue = "0.01",
            description = "L2 penalty included in the checked cost (default: ${DEFAULT-VALUE}).")
    double lambda;

    @Option(names = "--step", paramLabel = "H", defaultValue = "1e-2",
            description = "Largest finite-difference step h₀; quotients at h₀, h₀/1.4, … are extrapolated "
                    + "to h → 0 (default: ${DEFAULT-VALUE}).")
    double step;

    @Option(names = "--tolerance", paramLabel = "T", defaultValue = "1e-6",
            description = "Largest acceptable relative error (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the network (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (samples < 2) throw new UserError("--samples must be at least 2 (batch statistics need them), got " + samples);
        if (dims <= 0) throw new UserError("--dims must be positive, got " + dims);
        if (!(lambda >= 0 && Double.isFinite(lambda))) throw new UserError("--lambda must be a finite number >= 0, got " + lambda);
        if (!(step > 0 && step < 1)) throw new UserError("--step must be in (0, 1), got " + step);
        if (!(tolerance > 0 && Double.isFinite(tolerance))) {
            throw new UserError("--tolerance must be a finite positive number, got " + tolerance);
        }
        network.toConfig(1, 2);

        DataSplit split = io.hpsearch.nn.data.DataSets.load(dataset, DataOptions.directory(dataset, dataDir), 0, 0, seed);
        DataSet train = split.train();
        if (dims > train.dim()) throw new UserError("--dims (" + dims + ") exceeds the data's " + train.dim() + " features");
        if (samples > train.size()) throw new UserError("--samples (" + samples + ") exceeds the data's " + train.size() + " samples");
        NetworkConfig config = network.toConfig(dims, train.classes());
        GradientCheckReport report = GradientCheck.run(train, dims, samples, config, seed, lambda, step);

        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "network: hidden %s, batch norm %s, λ = %s%n",
                java.util.Arrays.toString(config.hidden()), config.batchNorm(), lambda);
        o.print(report.toTable());
        o.printf(Locale.ROOT, "max_relative_error=%.3e%n", report.maxError());
        o.flush();
        return report.passes(tolerance) ? 0 : 1;
    }
}
