package io.hpsearch.cli.cluster;

import com.typesafe.config.Config;
import io.hpsearch.cli.UserError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --tls-keystore} and its environment: a mistake is an error that names it, before any connection. */
class TlsOptionsTest {
    private static final String PASSWORD = "cluster-pass";

    @TempDir
    static Path dir;
    private static Path keyPair;
    private static Path certificateOnly;

    @BeforeAll
    static void keystores() throws Exception {
        keyPair = Keystores.keyPair(dir.resolve("cluster.p12"), PASSWORD);
        certificateOnly = Keystores.certificateOnly(keyPair, dir.resolve("trust-only.p12"), PASSWORD);
    }

    private static TlsOptions options(Path option, Map<String, String> environment) {
        TlsOptions o = new TlsOptions(environment);
        o.keyStore = option;
        return o;
    }

    private static String error(TlsOptions o) {
        return assertThrows(UserError.class, o::config).getMessage();
    }

    @Test
    void aGoodKeystoreTurnsArteryToTlsWithMutualAuthentication() {
        Config c = options(keyPair, Map.of(TlsOptions.PASSWORD_VARIABLE, PASSWORD)).config();
        assertEquals("tls-tcp", c.getString("akka.remote.artery.transport"));
        String engine = "akka.remote.artery.ssl.config-ssl-engine.";
        assertEquals(keyPair.toAbsolutePath().toString(), c.getString(engine + "key-store"));
        assertEquals(keyPair.toAbsolutePath().toString(), c.getString(engine + "trust-store"));
        assertEquals(PASSWORD, c.getString(engine + "key-password"));
        assertTrue(c.getBoolean(engine + "require-mutual-authentication"));
        assertEquals("TLSv1.3", c.getString(engine + "protocol"));
    }

    @Test
    void withoutTheOptionTheEnvironmentNamesTheKeystoreAndWithoutEitherItIsPlainTcp() {
        TlsOptions fromEnvironment = options(null, Map.of(TlsOptions.KEYSTORE_VARIABLE, keyPair.toString(),
                TlsOptions.PASSWORD_VARIABLE, PASSWORD));
        assertEquals("tls-tcp", fromEnvironment.config().getString("akka.remote.artery.transport"));
        TlsOptions none = options(null, Map.of(TlsOptions.PASSWORD_VARIABLE, PASSWORD));
        assertTrue(none.config().isEmpty());
        assertTrue(!none.enabled());
    }

    @Test
    void mistakesAreNamed() throws Exception {
        assertEquals("--tls-keystore " + keyPair + ": set the keystore's password in $HPSEARCH_TLS_PASSWORD",
                error(options(keyPair, Map.of())));
        String wrong = error(options(keyPair, Map.of(TlsOptions.PASSWORD_VARIABLE, "not-it")));
        assertTrue(wrong.startsWith("--tls-keystore " + keyPair + ": cannot open it with the password in "
                + "$HPSEARCH_TLS_PASSWORD (a wrong password, or not a PKCS12 keystore"), wrong);
        Path missing = dir.resolve("missing.p12");
        assertEquals("--tls-keystore " + missing + ": no such file",
                error(options(missing, Map.of(TlsOptions.PASSWORD_VARIABLE, PASSWORD))));
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a keystore");
        assertTrue(error(options(text, Map.of(TlsOptions.PASSWORD_VARIABLE, PASSWORD))).contains("not a PKCS12 keystore"));
        assertTrue(error(options(certificateOnly, Map.of(TlsOptions.PASSWORD_VARIABLE, PASSWORD)))
                .endsWith(": holds no private key (make the cluster's keystore with keytool -genkeypair; see README)"));
        String viaEnvironment = error(options(null, Map.of(TlsOptions.KEYSTORE_VARIABLE, missing.toString(),
                TlsOptions.PASSWORD_VARIABLE, PASSWORD)));
        assertEquals("$HPSEARCH_TLS_KEYSTORE (" + missing + "): no such file", viaEnvironment);
    }
}
