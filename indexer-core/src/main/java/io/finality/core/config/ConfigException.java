package io.finality.core.config;

/**
 * Invalid configuration, reported at start with the key, the value found and what was expected.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(final String key, final Object value, final String expected) {
        super(key + ": " + (value == null ? "missing" : "'" + value + "'") + " is invalid; expected " + expected);
        this.key = key;
    }

    /** A whole-file problem (missing file, bad YAML) that no single key explains. */
    public ConfigException(final String message) {
        super(message);
        this.key = "";
    }

    private ConfigException(final String key, final String detail, final boolean unused) {
        super(key + ": " + detail);
        this.key = key;
    }

    /** A problem with {@code key} described in free text (e.g. two settings that contradict each other). */
    public static ConfigException of(final String key, final String detail) {
        return new ConfigException(key, detail, true);
    }

    /** The full dotted key, e.g. {@code pipeline.ring_size}. */
    public String key() {
        return key;
    }
}
