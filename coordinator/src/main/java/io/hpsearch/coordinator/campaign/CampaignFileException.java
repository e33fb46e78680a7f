package io.hpsearch.coordinator.campaign;

/**
 * A campaign file that cannot be used: unreadable, malformed HOCON, or a value that fails
 * validation. The message names the file and the key path, e.g.
 * {@code campaign.conf: search.lambda.min (0) must be positive on a log scale}.
 */
public final class CampaignFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String key;

    /**
     * @param file   the file's name as the user gave it
     * @param key    the key path at fault ({@code search.lambda.min}, {@code phases[1].trials}), or
     *               empty when the file as a whole is at fault
     * @param detail what is wrong, continuing the sentence that starts with the key
     */
    public CampaignFileException(String file, String key, String detail) {
        this(file, key, detail, null);
    }

    public CampaignFileException(String file, String key, String detail, Throwable cause) {
        super(file + ": " + (key.isEmpty() ? "" : key + " ") + detail, cause);
        this.file = file;
        this.key = key;
    }

    /** The file's name. */
    public String file() {
        return file;
    }

    /** The key path at fault, or empty. */
    public String key() {
        return key;
    }
}
