package io.finality.matcher.store;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Configuration of an {@link InvoiceStore}: where it lives, whether a missing store may be created, the
 * clock that stamps {@code createdAtMs}, and how often start-up loading reports progress.
 *
 * <p>A plain mutable holder: fill it on one thread, then pass it to {@link InvoiceStore#open}.
 */
public final class InvoiceStoreContext {
    /** Default number of invoices between progress reports while loading. */
    public static final long DEFAULT_PROGRESS_INTERVAL = 1_000_000;

    private Path path;
    private boolean createIfMissing = true;
    private LongSupplier clock = System::currentTimeMillis;
    private long progressInterval = DEFAULT_PROGRESS_INTERVAL;

    public Path path() {
        return path;
    }

    /** The RocksDB directory. */
    public InvoiceStoreContext path(final Path path) {
        this.path = Objects.requireNonNull(path, "path");
        return this;
    }

    public boolean createIfMissing() {
        return createIfMissing;
    }

    /** Create an empty store when the directory does not exist yet; {@code false} in production after the first run. */
    public InvoiceStoreContext createIfMissing(final boolean createIfMissing) {
        this.createIfMissing = createIfMissing;
        return this;
    }

    public LongSupplier clock() {
        return clock;
    }

    /** Epoch-millisecond clock for {@code createdAtMs}; tests pass a manual one. */
    public InvoiceStoreContext clock(final LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    public long progressInterval() {
        return progressInterval;
    }

    /** Invoices scanned between progress reports in {@link InvoiceStore#loadInto}; at least 1. */
    public InvoiceStoreContext progressInterval(final long progressInterval) {
        if (progressInterval < 1) {
            throw new IllegalArgumentException("progressInterval must be >= 1, was " + progressInterval);
        }
        this.progressInterval = progressInterval;
        return this;
    }
}
