package io.finality.matcher.store;

/**
 * Receives progress while {@link InvoiceStore#loadInto} streams invoices into the index, on the loading
 * thread, every {@link InvoiceStoreContext#progressInterval()} invoices and once at the end.
 */
@FunctionalInterface
public interface LoadProgress {
    /** A progress callback that ignores reports (the store logs them anyway). */
    LoadProgress NONE = (scanned, loaded, done) -> {
    };

    /**
     * @param scanned invoices read so far, open or not.
     * @param loaded  distinct watch keys put into the index so far (open and cancelled invoices stay watched).
     * @param done    {@code true} on the final report.
     */
    void onProgress(long scanned, long loaded, boolean done);
}
