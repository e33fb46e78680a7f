package io.hpsearch.cli.cluster;

import io.hpsearch.cli.UserError;

/** {@code --top K}: the rows of a printed table. */
final class TopOption {
    private TopOption() {
    }

    /** The k to ask the coordinator for: the option's value, or 0 (the campaign's top-k) when not given. */
    static int rows(Integer top) {
        if (top != null && top < 1) throw new UserError("--top must be at least 1, got " + top);
        return top == null ? 0 : top;
    }
}
