package io.hpsearch.cli.progress;

import java.util.Locale;

/** Whether stderr is an interactive terminal (redrawn progress bars) or a log (one line per step). */
public final class Terminals {
    /**
     * System property the launcher sets to {@code true} or {@code false} from {@code [ -t 2 ]}; the
     * JVM alone can only tell whether stdin and stdout are a terminal.
     */
    public static final String STDERR_TTY_PROPERTY = "hpsearch.stderr.tty";

    private Terminals() { }

    public static boolean stderrIsTerminal() {
        String prop = System.getProperty(STDERR_TTY_PROPERTY);
        if (prop != null && !prop.isBlank()) return Boolean.parseBoolean(prop.trim());
        String term = System.getenv("TERM");
        if (term != null && term.toLowerCase(Locale.ROOT).equals("dumb")) return false;
        return System.console() != null;
    }
}
