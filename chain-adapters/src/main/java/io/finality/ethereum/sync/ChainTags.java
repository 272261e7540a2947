package io.finality.ethereum.sync;

import io.finality.ethereum.BlockJsonDecoder;
import io.finality.ethereum.JsonError;
import io.finality.ethereum.rpc.JsonRpcClient;
import io.finality.ethereum.rpc.RpcResponse;
import io.finality.ethereum.rpc.RpcResponseHandler;

/**
 * Reads the node's {@code finalized} and {@code safe} block heights, both in one batch, at most one batch in flight,
 * into {@link SyncStatus}. A node without the tags (pre-merge, or one that answers an error) leaves them at -1.
 *
 * <p>Thread rules: the connection's event loop only.
 */
final class ChainTags {
    private final SyncStatus status;
    private final BlockJsonDecoder header = new BlockJsonDecoder();
    private boolean inFlight;

    ChainTags(final SyncStatus status) {
        this.status = status;
    }

    /** Ask again unless a batch is already out or there is no connection. */
    void request(final JsonRpcClient client) {
        if (inFlight || !client.connected()) {
            return;
        }
        inFlight = true;
        final int[] answers = {0};
        client.beginBatch();
        client.call("eth_getBlockByNumber", "[\"finalized\",false]", new TagAnswer(answers, true));
        client.call("eth_getBlockByNumber", "[\"safe\",false]", new TagAnswer(answers, false));
        client.endBatch();
    }

    /** The connection dropped: whatever was in flight is gone. */
    void reset() {
        inFlight = false;
    }

    /** The answer to one tag of the batch; the second answer (or any failure) ends the batch. */
    private final class TagAnswer implements RpcResponseHandler {
        private final int[] answers;
        private final boolean isFinalized;

        TagAnswer(final int[] answers, final boolean isFinalized) {
            this.answers = answers;
            this.isFinalized = isFinalized;
        }

        @Override
        public void onResponse(final RpcResponse r) {
            if (!r.isError() && !r.resultNull() && header.decodeHeader(r.buffer(), r.offset(), r.length()) == JsonError.OK) {
                if (isFinalized) {
                    status.finalizedHeight(header.number());
                } else {
                    status.safeHeight(header.number());
                }
            }
            if (++answers[0] == 2) {
                inFlight = false;
            }
        }

        @Override
        public void onFailure(final int reason) {
            inFlight = false;
        }
    }
}
