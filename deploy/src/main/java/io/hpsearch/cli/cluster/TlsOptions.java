package io.hpsearch.cli.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hpsearch.cli.UserError;
import io.hpsearch.protocol.ClusterConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.Map;

/**
 * {@code --tls-keystore}: the cluster's connections over TLS with mutual authentication (see
 * {@link ClusterConfig#tls}). The same PKCS12 file on every machine; its password from
 * {@value #PASSWORD_VARIABLE}, never from the command line (which other users can read in the
 * process list). Without the option, {@value #KEYSTORE_VARIABLE} names the file.
 */
final class TlsOptions {
    static final String KEYSTORE_VARIABLE = "HPSEARCH_TLS_KEYSTORE";
    static final String PASSWORD_VARIABLE = "HPSEARCH_TLS_PASSWORD";

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "Talk to the cluster over TLS (mutual authentication): FILE is the cluster's PKCS12 keystore, the "
                    + "same on every machine, its password in $" + PASSWORD_VARIABLE + " (default: $" + KEYSTORE_VARIABLE
                    + "; none: plain TCP).")
    Path keyStore;

    /** Where the environment comes from (the process's; a test's own). */
    private final Map<String, String> environment;

    TlsOptions() {
        this(System.getenv());
    }

    TlsOptions(Map<String, String> environment) {
        this.environment = Collections.unmodifiableMap(environment);
    }

    /** The keystore to use, or null for plain TCP. */
    Path keyStore() {
        if (keyStore != null) return keyStore;
        String fromEnvironment = environment.get(KEYSTORE_VARIABLE);
        return fromEnvironment == null || fromEnvironment.isBlank() ? null : Path.of(fromEnvironment);
    }

    /**
     * The node configuration for TLS (empty for plain TCP), after checking that the keystore opens
     * with the password and holds a key, so that a mistake is an error naming it here rather than
     * connections that fail later without a word of why.
     */
    Config config() {
        Path file = keyStore();
        if (file == null) return ConfigFactory.empty();
        String option = keyStore != null ? "--tls-keystore " + file : "$" + KEYSTORE_VARIABLE + " (" + file + ")";
        String password = environment.get(PASSWORD_VARIABLE);
        if (password == null) {
            throw new UserError(option + ": set the keystore's password in $" + PASSWORD_VARIABLE);
        }
        if (!Files.isRegularFile(file)) throw new UserError(option + ": no such file");
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new UserError(option + ": cannot open it with the password in $" + PASSWORD_VARIABLE
                    + " (a wrong password, or not a PKCS12 keystore: " + e.getMessage() + ")", e);
        }
        try {
            boolean hasKey = false;
            for (String alias : Collections.list(store.aliases())) hasKey |= store.isKeyEntry(alias);
            if (!hasKey) {
                throw new UserError(option + ": holds no private key (make the cluster's keystore with keytool "
                        + "-genkeypair; see README)");
            }
        } catch (GeneralSecurityException e) {
            throw new UserError(option + ": cannot read its entries: " + e.getMessage(), e);
        }
        return ClusterConfig.tls(file, password);
    }

    /** Whether a keystore is given (by the option or the environment). */
    boolean enabled() {
        return keyStore() != null;
    }
}
