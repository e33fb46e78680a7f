package io.hpsearch.cli.data;

import java.nio.file.Path;

/** Where data sets live when no {@code --data-dir} is given. */
public final class DataDirs {
    /** Environment variable that overrides the default data dir. */
    public static final String ENV = "HPSEARCH_DATA_DIR";

    private DataDirs() { }

    /** {@code $HPSEARCH_DATA_DIR} if set, else {@code ~/.hpsearch/data}. */
    public static Path defaultDataDir() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".hpsearch", "data");
    }
}
