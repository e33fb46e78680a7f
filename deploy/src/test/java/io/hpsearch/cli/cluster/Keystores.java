package io.hpsearch.cli.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** PKCS12 keystores made with the JDK's keytool, as README tells users to make a cluster's. */
final class Keystores {
    private Keystores() {
    }

    /** A keystore holding one new RSA key pair and its self-signed certificate. */
    static Path keyPair(Path file, String password) throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", "hpsearch", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=hpsearch-cluster", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", password);
        return file;
    }

    /** A keystore holding only the certificate of {@code from}'s key pair (no private key). */
    static Path certificateOnly(Path from, Path file, String password) throws IOException, InterruptedException {
        Path cert = file.resolveSibling(file.getFileName() + ".cer");
        keytool("-exportcert", "-alias", "hpsearch", "-keystore", from.toString(), "-storepass", password,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "cluster", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", password);
        return file;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed:\n" + out);
        }
    }
}
