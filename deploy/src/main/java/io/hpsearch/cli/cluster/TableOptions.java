package io.hpsearch.cli.cluster;

import io.hpsearch.cli.UserError;
import picocli.CommandLine.Option;

/** The printed top-k table of {@code local}, {@code launch}, {@code watch} and {@code results}: its rows and format. */
final class TableOptions {
    @Option(names = "--top", paramLabel = "K", description = "Rows of the table (default: the campaign's top-k).")
    Integer top;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table",
            description = "The table as table, csv, json (one array, snake_case keys) or markdown (default: ${DEFAULT-VALUE}).")
    String format;

    /** The k to ask the coordinator for: the option's value, or 0 (the campaign's top-k) when not given. */
    int rows() {
        if (top != null && top < 1) throw new UserError("--top must be at least 1, got " + top);
        return top == null ? 0 : top;
    }

    ResultsTable.Format format() {
        return FormatOption.parse(format);
    }
}
