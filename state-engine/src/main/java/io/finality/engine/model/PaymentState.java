package io.finality.engine.model;

/**
 * Where one payment (an output or a token transfer to an invoice's address) stands.
 * Only {@link #MEMPOOL} and {@link #IN_BLOCK} payments count toward an invoice.
 */
public enum PaymentState {
    /** Seen unconfirmed. */
    MEMPOOL,
    /** In a block of the best chain, at {@link Payment#height()}. */
    IN_BLOCK,
    /** Its block was disconnected by a reorg; it may come back. */
    REVERTED,
    /** Double-spent, replaced or dropped from the mempool. */
    INVALIDATED,
    /** The EVM receipt reports failure: never counts. */
    FAILED,
    /** A different asset than the invoice's: reported, never counts. */
    WRONG_ASSET
}
