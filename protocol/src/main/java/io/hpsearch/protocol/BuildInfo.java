package io.hpsearch.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Properties;

/**
 * Which hpsearch a process runs: its version and the fingerprint of its training code.
 *
 * <p>The fingerprint is a SHA-256 the build takes over the sources that decide a trial's numbers
 * and the messages a trial travels in (the protocol, common-nn and worker modules, and the
 * library versions of the poms); the deploy module's build writes it into
 * {@code hpsearch-version.properties} as {@code code}. Two jars built from the same sources have
 * the same fingerprint whatever JDK compiled them; any change to those sources gives another one.
 * Trials are a pure function of (campaign seed, phase, index) only for one training code, so a
 * coordinator that has a fingerprint leases trials only to workers with the same one.
 *
 * @param version         the Maven version, e.g. {@code 0.1.0-SNAPSHOT} ("unknown" when not built by Maven)
 * @param codeFingerprint lower-case hex, or "" when unknown (tests and IDE runs, which check nothing)
 */
public record BuildInfo(String version, String codeFingerprint) {
    /** The resource the deploy module's build writes. */
    public static final String RESOURCE = "/hpsearch-version.properties";
    /** Hex digits of the fingerprint shown to users. */
    private static final int SHORT = 12;

    public BuildInfo {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(codeFingerprint, "codeFingerprint");
    }

    /** A build whose training code is not known: a coordinator with it accepts every worker. */
    public static BuildInfo unchecked(String version) {
        return new BuildInfo(version, "");
    }

    /** This process's build, from {@link #RESOURCE} on the class path (read once). */
    public static BuildInfo current() {
        return Current.BUILD;
    }

    /** Holds the build read on first use: the resource does not change while the process runs. */
    private static final class Current {
        static final BuildInfo BUILD = read();
    }

    private static BuildInfo read() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return unchecked("unknown");
            Properties p = new Properties();
            p.load(in);
            return new BuildInfo(filtered(p.getProperty("version"), "unknown"), filtered(p.getProperty("code"), ""));
        } catch (IOException e) {
            return unchecked("unknown");
        }
    }

    /** A property Maven filtered, or {@code otherwise} when missing or left as {@code ${...}}. */
    private static String filtered(String value, String otherwise) {
        return value == null || value.isBlank() || value.contains("${") ? otherwise : value.trim();
    }

    /** Whether the training code is known, so that workers can be held to it. */
    public boolean checksCode() {
        return !codeFingerprint.isEmpty();
    }

    /**
     * Whether a peer that reports {@code fingerprint} (a worker, a client, a result) may take part
     * with this build: always when this build checks no code, else when the fingerprints are equal
     * (an empty one, from a peer older than the check, is not).
     */
    public boolean admits(String fingerprint) {
        return !checksCode() || codeFingerprint.equals(fingerprint);
    }

    /** The fingerprint's first 12 hex digits, or "unknown". */
    public String shortCode() {
        return shortCode(codeFingerprint);
    }

    /** The first 12 hex digits of a fingerprint, or "unknown" when it is empty. */
    public static String shortCode(String fingerprint) {
        if (fingerprint.isEmpty()) return "unknown";
        return fingerprint.length() <= SHORT ? fingerprint : fingerprint.substring(0, SHORT);
    }

    /** E.g. {@code hpsearch 0.1.0-SNAPSHOT, training code 4943115547a4}. */
    @Override
    public String toString() {
        return describe(version, codeFingerprint);
    }

    /** As {@link #toString()} for a version and fingerprint read off a message. */
    public static String describe(String version, String codeFingerprint) {
        return "hpsearch " + (version.isEmpty() ? "unknown" : version) + ", training code " + shortCode(codeFingerprint);
    }
}
