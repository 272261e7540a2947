package io.finality.engine.command;

import io.finality.core.pipeline.WatchCommandHandler;
import io.finality.core.ring.ChainEvent;
import io.finality.core.spi.MutableAddressIndex;

/**
 * Stage 1's half of invoice commands: an OPEN starts watching the invoice's key. A CANCEL keeps
 * the key watched on purpose: a payment to a cancelled invoice's address must still be seen and
 * reported (the state engine flags it), never silently missed.
 *
 * <p>Thread rules: the scan thread only (the index's single writer).
 */
public final class InvoiceWatchCommands implements WatchCommandHandler {
    private long malformed;

    @Override
    public void onInvoiceOpen(final ChainEvent event, final MutableAddressIndex index) {
        final int length = event.payloadLength();
        final int keyLength = InvoiceCommandCodec.keyLength(event.payloadBuffer(), 0, length);
        if (keyLength < 0) {
            malformed++;
            return;
        }
        index.put(InvoiceCommandCodec.chainCode(event.payloadBuffer(), 0), event.payloadBuffer(),
            InvoiceCommandCodec.keyOffset(event.payloadBuffer(), 0, length), keyLength,
            InvoiceCommandCodec.openSlot(event.payloadBuffer(), 0));
    }

    @Override
    public void onInvoiceCancel(final ChainEvent event, final MutableAddressIndex index) {
        // Deliberately nothing: see the class comment.
    }

    /** OPEN payloads that could not be decoded (also refused by the state engine). */
    public long malformed() {
        return malformed;
    }
}
