package io.hpsearch.cli;

import io.hpsearch.cli.data.FetchCommand;
import picocli.CommandLine.Command;

/** {@code hpsearch data …}: data-set management. */
@Command(name = "data", description = "Manage the data sets (download, verify).",
        mixinStandardHelpOptions = true,
        subcommands = {FetchCommand.class})
public final class DataCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try 'hpsearch data fetch')");
    }
}
