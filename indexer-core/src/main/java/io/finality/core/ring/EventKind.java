package io.finality.core.ring;

/**
 * What a ring slot carries. The {@link #code()} is stable (it is written to the journal's step
 * markers): never renumber.
 */
public enum EventKind {
    /** A block joined the best chain; payload is the raw block (Bitcoin) or block+receipts (Ethereum). */
    BLOCK_CONNECTED(1),
    /** A block left the best chain (reorg), tip first; payload may be empty: the hash identifies it. */
    BLOCK_DISCONNECTED(2),
    /** A transaction entered the node's mempool; payload is the raw transaction. */
    MEMPOOL_TX(3),
    /** A transaction left the mempool without being mined; payload is its 32-byte txid. */
    MEMPOOL_TX_GONE(4),
    /** An invoice was opened through the API; payload is the encoded invoice. */
    INVOICE_OPEN(5),
    /** An invoice was cancelled through the API; payload is the invoice id. */
    INVOICE_CANCEL(6),
    /** Wall-clock time advanced; {@link ChainEvent#timestampMs()} carries it. */
    TICK(7),
    /**
     * A block the state engine already applied, read again by {@code finality rescan} to find payments
     * to invoices opened after it; payload as {@link #BLOCK_CONNECTED}. It never moves the tip: the
     * engine applies it only while it is still on the applied chain (same hash at that height) and
     * within the reorg retention, and credits only payments it has not recorded yet.
     */
    BLOCK_RESCANNED(8);

    private static final EventKind[] BY_CODE = new EventKind[9];

    static {
        for (EventKind kind : values()) {
            BY_CODE[kind.code] = kind;
        }
    }

    private final int code;

    EventKind(final int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The kind for a code, or {@code null} if unassigned. */
    public static EventKind fromCode(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
