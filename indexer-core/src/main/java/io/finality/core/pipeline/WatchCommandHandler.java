package io.finality.core.pipeline;

import io.finality.core.ring.ChainEvent;
import io.finality.core.spi.MutableAddressIndex;

/**
 * Applies {@code INVOICE_OPEN} / {@code INVOICE_CANCEL} slots to the address index. The payload
 * format belongs to the invoice store, so the scan stage delegates its decoding here.
 *
 * <p>Thread rules: called only from the scan thread, which makes it the index's single writer.
 */
public interface WatchCommandHandler {
    /** Start watching the key of the invoice in {@code event}'s payload. */
    void onInvoiceOpen(ChainEvent event, MutableAddressIndex index);

    /** Stop watching the key of the invoice in {@code event}'s payload. */
    void onInvoiceCancel(ChainEvent event, MutableAddressIndex index);
}
