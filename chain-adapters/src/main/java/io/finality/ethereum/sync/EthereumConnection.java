package io.finality.ethereum.sync;

import io.finality.core.pipeline.EventPublisher;
import io.finality.core.spi.ChainSource;
import io.finality.ethereum.rpc.JsonRpcClient;

/**
 * An Ethereum node connection: a WebSocket JSON-RPC client and the chain sync that drives it, publishing
 * the node's best chain into the ring.
 *
 * <pre>
 *   node (ws) <-> JsonRpcClient (Netty, one event loop) <-> EthereumChainSync --publish--> ring
 *                 ids, batches, timeouts, reconnect          heads, backfill window, reorg walk-back,
 *                                                            finalized/safe tags
 * </pre>
 *
 * <p>Redials with backoff when the node goes away and resumes after the last published block, so a node
 * restart leaves no gap and no duplicate; after a process restart, {@link EthereumContext#resumeFrom} gives
 * the journaled position. See {@link EthereumChainSync} for the rules.
 *
 * <p>Publishing uses the blocking {@link EventPublisher#publish}: a full ring stalls this connection's event loop
 * (back pressure up to the node's socket), never drops a block.
 *
 * <p>Thread rules: {@link #start} and {@link #close} from the composition root; everything else from any
 * thread (plain reads of fields the event loop writes).
 */
public final class EthereumConnection implements ChainSource {
    private final EthereumContext context;
    private final EthereumChainSync sync;
    private volatile JsonRpcClient client;

    public EthereumConnection(final EthereumContext context) {
        if (context.rpc().uri() == null) {
            throw new IllegalArgumentException("the node's ws:// endpoint is required");
        }
        this.context = context;
        this.sync = new EthereumChainSync(context);
    }

    @Override
    public void start(final EventPublisher publisher) {
        if (client != null) {
            throw new IllegalStateException("already started");
        }
        final JsonRpcClient c = new JsonRpcClient(context.rpc(), sync);
        sync.start(c, publisher);
        client = c;
        c.start();
    }

    /** Whether the WebSocket is open and handshaken. */
    public boolean connected() {
        final JsonRpcClient c = client;
        return c != null && c.connected();
    }

    /** Height of the last block published as connected (the start height before any). */
    public long connectedHeight() {
        return sync.status().tipHeight();
    }

    /** The node's head as last heard, or -1. */
    public long nodeHead() {
        return sync.status().nodeHead();
    }

    /** The node's {@code finalized} block height as last read, or -1 if unknown. */
    public long finalizedHeight() {
        return sync.status().finalizedHeight();
    }

    /** The node's {@code safe} block height as last read, or -1 if unknown. */
    public long safeHeight() {
        return sync.status().safeHeight();
    }

    public long blocksConnected() {
        return sync.status().blocksConnected();
    }

    public long blocksDisconnected() {
        return sync.status().blocksDisconnected();
    }

    /** Reorganisations followed (each disconnected at least one block). */
    public long reorgs() {
        return sync.status().reorgs();
    }

    /** Block fetches repeated after a null, error, malformed or late answer. */
    public long retries() {
        return sync.status().retries();
    }

    /** Head notifications dropped as malformed. */
    public long skippedNotifications() {
        return sync.status().skippedNotifications();
    }

    /** Whether receipts come from {@code eth_getLogs} because the node lacks {@code eth_getBlockReceipts}. */
    public boolean receiptsByLogs() {
        return sync.status().receiptsByLogs();
    }

    /** Why the sync stopped (a fork deeper than kept, or the ring refused a block), or null while running. */
    public String stopReason() {
        return sync.status().stopReason();
    }

    /** Whether the node accepted the pending-transactions subscription on the current connection. */
    public boolean pendingSubscribed() {
        return sync.pending().subscribed();
    }

    /** Pending transactions published as seen (where the node offers them). */
    public long pendingPublished() {
        return sync.pending().published();
    }

    /** Pending announcements skipped (bounds reached, or unreadable). */
    public long pendingSkipped() {
        return sync.pending().skipped();
    }

    /** Pending transactions reported gone (dropped or replaced without being mined). */
    public long pendingGone() {
        return sync.pending().gone();
    }

    /** The client (connects, requests, timeouts, refused and malformed frames), or null before {@link #start}. */
    public JsonRpcClient client() {
        return client;
    }

    @Override
    public void close() {
        final JsonRpcClient c = client;
        if (c != null) {
            c.close();
        }
    }
}
