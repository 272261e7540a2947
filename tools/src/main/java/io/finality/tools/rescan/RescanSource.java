package io.finality.tools.rescan;

import java.util.List;
import org.agrona.DirectBuffer;

/**
 * Where {@code finality rescan} reads the blocks the node already applied, by hash: the chain's node (Bitcoin
 * P2P, Ethereum JSON-RPC) or, for Bitcoin, a Bitcoin Core blocks directory. Each block comes as the payload a
 * live connection would have published, so the same scanner reads it.
 *
 * <p>Thread rules: one caller thread.
 */
public interface RescanSource extends AutoCloseable {
    /** Receives the blocks in the order asked for. */
    @FunctionalInterface
    interface BlockSink {
        /**
         * Block {@code index} of the list, as {@code block[offset, offset + length)}, valid only during the call.
         *
         * @return false to stop reading.
         */
        boolean onBlock(int index, DirectBuffer block, int offset, int length);
    }

    /**
     * Read the blocks with these hashes (as the journal records them), oldest first.
     *
     * @throws RescanException ({@link RescanException#SOURCE}) if a block cannot be had; blocks before it were delivered.
     */
    void read(List<byte[]> hashes, BlockSink sink);

    /** Where the blocks come from, for messages (no secrets: endpoints are redacted). */
    String describe();

    @Override
    void close();
}
