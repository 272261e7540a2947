package io.finality.ethereum;

/**
 * Receives each receipt of an {@code eth_getBlockReceipts} response, and then each of its logs, as
 * {@link ReceiptsJsonDecoder} decodes them. {@link #onReceipt} comes first, so a receipt's status is
 * known before its logs are seen (whatever the member order in the JSON).
 *
 * <p>Thread rules: called on the decoding thread, synchronously; the decoder's accessors are valid only
 * during the callback.
 */
public interface ReceiptHandler {
    /** The receipt's transactionHash, transactionIndex and status are available. */
    void onReceipt(ReceiptsJsonDecoder decoder);

    /** One log of the current receipt: address, topics, data and logIndex are available. */
    void onLog(ReceiptsJsonDecoder decoder);
}
