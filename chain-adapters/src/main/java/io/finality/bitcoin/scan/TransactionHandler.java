package io.finality.bitcoin.scan;

/**
 * Callback for {@link BlockFlyweight#forEachTransaction}: receives each validated transaction of a
 * block, in block order, through the one reused flyweight.
 *
 * <p>Called on the thread that walks the block; the flyweight is only valid during the call.
 */
@FunctionalInterface
public interface TransactionHandler {
    /**
     * @param txIndex position of the transaction in the block (0 is the coinbase).
     * @param tx      the transaction, validated, with its cursors rewound.
     */
    void onTransaction(int txIndex, TransactionFlyweight tx);
}
