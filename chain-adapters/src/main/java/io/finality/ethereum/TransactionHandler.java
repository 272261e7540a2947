package io.finality.ethereum;

/**
 * Receives each transaction of a block as {@link BlockJsonDecoder} reaches the end of its JSON object;
 * the decoder's transaction accessors describe it until the callback returns.
 *
 * <p>Thread rules: called on the decoding thread, synchronously; must not keep references to the
 * decoder's buffers after returning.
 */
@FunctionalInterface
public interface TransactionHandler {
    void onTransaction(BlockJsonDecoder decoder);
}
