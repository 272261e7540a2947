package io.finality.bitcoin.scan;

/** Txids of a run of transactions, hashed several at a time: {@link TxidLanes} or {@link TxidVectorLanes}. */
interface TxidBatch {
    /**
     * Start the txid of {@code tx} (wrapped on a heap buffer whose array is {@code array}, at {@code adjustment}), to be
     * written at {@code out[outOffset, outOffset + 32)} by the time {@link #drain} returns.
     */
    void submit(TransactionFlyweight tx, byte[] array, int adjustment, byte[] out, int outOffset);

    /** Finish every submitted txid. */
    void drain();

    /** Drop whatever is in flight (after a throw left some busy): the next submit starts clean. */
    void reset();
}
