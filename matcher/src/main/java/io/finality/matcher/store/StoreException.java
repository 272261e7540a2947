package io.finality.matcher.store;

import java.nio.file.Path;

/**
 * The invoice store cannot do what was asked: it is missing, damaged, unreadable, or RocksDB failed. The
 * message always names the store's path and what is wrong, so an operator can act on it; start-up fails
 * with it rather than coming up with an empty store.
 *
 * <p>Immutable; safe from any thread.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;

    public StoreException(final Path path, final String problem) {
        super("invoice store " + path.toAbsolutePath() + ": " + problem);
        this.path = path;
    }

    public StoreException(final Path path, final String problem, final Throwable cause) {
        super("invoice store " + path.toAbsolutePath() + ": " + problem
            + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause);
        this.path = path;
    }

    /** The store directory concerned. */
    public Path path() {
        return path;
    }
}
