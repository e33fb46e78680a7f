package io.hpsearch.cli.cluster;

import io.hpsearch.cli.UserError;

import java.util.Locale;

/** {@code --format table|csv|json|markdown}. */
final class FormatOption {
    private FormatOption() {
    }

    static ResultsTable.Format parse(String value) {
        try {
            return ResultsTable.Format.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--format must be one of table, csv, json, markdown; got '" + value + "'");
        }
    }
}
