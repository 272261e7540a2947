package io.finality.bitcoin.p2p;

/**
 * Why {@link BitcoinBlockFetcher#fetch} could not deliver every block asked for: the node does not have
 * one (pruned), sent a block other than the one asked for, broke the protocol, or could not be reached
 * (refused, closed or stalled) more often in a row than the retry limit allows. The message is meant for
 * an operator and names the node, the block's position in the list and its hash where they are known.
 *
 * <p>Unchecked: it ends a rescan, it is not a branch of normal flow. Immutable; safe from any thread.
 */
public final class BitcoinFetchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int index;

    /**
     * @param index position in the fetched list of the first block not delivered, or -1 when unknown
     * @param message what went wrong, for an operator
     */
    public BitcoinFetchException(final int index, final String message) {
        super(message);
        this.index = index;
    }

    /** Position in the fetched list of the first block that was not delivered (every block before it was), or -1. */
    public int index() {
        return index;
    }
}
