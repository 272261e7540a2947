package io.finality.matcher.store;

import java.nio.file.Path;

/**
 * An open request conflicts with what the store already holds: the invoice id exists with different content,
 * or another open invoice already watches the same key. The API maps it to a 409; nothing was written.
 *
 * <p>Immutable; safe from any thread.
 */
public final class InvoiceConflictException extends StoreException {
    private static final long serialVersionUID = 1L;

    public InvoiceConflictException(final Path path, final String problem) {
        super(path, problem);
    }
}
