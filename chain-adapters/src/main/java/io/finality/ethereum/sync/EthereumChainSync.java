package io.finality.ethereum.sync;

import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.core.pipeline.EventPublisher;
import io.finality.ethereum.BlockJsonDecoder;
import io.finality.ethereum.EthereumPayload;
import io.finality.ethereum.JsonError;
import io.finality.ethereum.ReceiptHandler;
import io.finality.ethereum.ReceiptsJsonDecoder;
import io.finality.ethereum.TransactionHandler;
import io.finality.ethereum.rpc.JsonRpcClient;
import io.finality.ethereum.rpc.JsonRpcListener;
import io.finality.ethereum.rpc.RpcResponse;
import io.finality.ethereum.rpc.RpcResponseHandler;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Follows an Ethereum node's best chain and publishes it into the ring, in order, with no gap and no
 * duplicate: {@code BLOCK_CONNECTED} for each block (its full-transaction block response and its receipts,
 * framed as {@link EthereumPayload} says), {@code BLOCK_DISCONNECTED} (tip first) for each block a
 * reorganisation removes.
 *
 * <ul>
 *   <li><b>Connect.</b> Subscribe to {@code newHeads}, read the node's head, and reconcile: compare the
 *   node's block at our tip height with ours, walking back by parent hash to the fork point if they
 *   differ (the node reorganised, or restarted on another branch, while we were away).</li>
 *   <li><b>Forward.</b> While behind the head, fetch up to {@code window} blocks at once by number (block,
 *   then its receipts by the block's hash, so both describe the same block), and publish them in height
 *   order as they complete. Every block must name our tip as its parent.</li>
 *   <li><b>Reorganisation.</b> A block whose parent is not our tip, or a {@code newHeads} announcement at
 *   or below our tip with another hash, abandons the window and walks back from that block by
 *   {@code eth_getBlockByHash} until a hash matches ours; then our blocks above the fork point are
 *   disconnected and forward sync resumes from there.</li>
 *   <li><b>Bad answers.</b> A null block or receipts (the node announced it but does not serve it yet, or it
 *   was reorganised away), an error response, a malformed body, a receipt count that does not match, or a
 *   timeout: nothing is published for that block; it is fetched again after a growing pause. Publication
 *   needs both halves to decode cleanly, so the scan stage never sees a half-valid block. A malformed
 *   notification is logged and skipped (the next head or the retry path catches up).</li>
 *   <li><b>Pending.</b> Where the node offers {@code newPendingTransactions}, pending transactions are published as
 *   {@code MEMPOOL_TX} and reported gone when the node drops or replaces them ({@link PendingTracker}).</li>
 *   <li><b>Tags.</b> {@code finalized} and {@code safe} are read (one batch) after each head; published blocks
 *   carry the latest finalized height so a policy can count finality instead of depth.</li>
 * </ul>
 * A fork below the oldest kept hash ({@link EthereumContext#maxReorgDepth()}) cannot be undone: the sync
 * stops with a logged error rather than guess, and {@link SyncStatus#stopReason()} says why.
 *
 * <p>Thread rules: every method runs on the client's event loop; the counters and heights may be read
 * from any thread.
 */
final class EthereumChainSync implements JsonRpcListener {
    private static final System.Logger LOG = System.getLogger(EthereumChainSync.class.getName());
    /** JSON-RPC "method not found": the node has no {@code eth_getBlockReceipts}. */
    static final long METHOD_NOT_FOUND = -32601;
    /** A window slot retried this often re-reads the head: the node may have fallen behind us. */
    private static final int ATTEMPTS_BEFORE_RECONCILE = 6;

    private enum Mode { WAITING, IDLE, FORWARD, RECONCILE, STOPPED }

    private final EthereumContext context;
    private final ChainId chain;
    private final AppliedChain applied;
    private final BlockFetch[] window;
    private final BlockJsonDecoder blockDecoder = new BlockJsonDecoder();
    private final ReceiptsJsonDecoder receiptsDecoder = new ReceiptsJsonDecoder();
    private final BlockJsonDecoder header = new BlockJsonDecoder();
    private final TransactionHandler noTransaction = tx -> { };
    private final ReceiptHandler noReceipt = new ReceiptHandler() {
        @Override
        public void onReceipt(final ReceiptsJsonDecoder decoder) {
        }

        @Override
        public void onLog(final ReceiptsJsonDecoder decoder) {
        }
    };
    private final UnsafeBuffer walkHash = new UnsafeBuffer(new byte[32]);
    private final UnsafeBuffer walkParent = new UnsafeBuffer(new byte[32]);
    private final SyncStatus status = new SyncStatus();
    private final ChainTags tags = new ChainTags(status);
    private final RingPublication publication;
    private final LogsReceiptsFallback fallback;
    private final PendingTracker pending;
    private JsonRpcClient client;
    private Mode mode = Mode.WAITING;
    private int epoch;
    private int head;
    private int inWindow;
    private long windowBase;
    private long walkHeight;
    private boolean anchorWaitLogged;

    EthereumChainSync(final EthereumContext context) {
        this.context = context;
        this.chain = context.chain();
        this.applied = new AppliedChain(context.maxReorgDepth() + 1);
        this.window = new BlockFetch[context.window()];
        for (int i = 0; i < window.length; i++) {
            window[i] = new BlockFetch();
        }
        this.fallback = new LogsReceiptsFallback(this);
        this.publication = new RingPublication(chain, applied, status);
        this.pending = new PendingTracker(context, publication);
        final java.util.List<byte[]> known = context.recentHashes();
        if (!known.isEmpty()) {
            final long oldest = context.startHeight() - known.size() + 1;
            applied.reset(oldest, new UnsafeBuffer(known.get(0)), 0);
            for (int i = 1; i < known.size(); i++) {
                applied.append(oldest + i, new UnsafeBuffer(known.get(i)), 0);
            }
        } else if (context.startHash() != null) {
            applied.reset(context.startHeight(), new UnsafeBuffer(context.startHash()), 0);
        }
        status.tipHeight(applied.isEmpty() ? context.startHeight() : applied.tipHeight());
    }

    /** Wire the client and the ring before the client starts (the event loop then owns both). */
    void start(final JsonRpcClient rpc, final EventPublisher ring) {
        client = rpc;
        publication.publisher(ring);
    }

    // ---------------------------------------------------------------- connection life cycle

    @Override
    public void onConnected() {
        if (mode == Mode.STOPPED) {
            return;
        }
        abandon();
        mode = Mode.RECONCILE;
        client.call("eth_subscribe", "[\"newHeads\"]", new Answer(epoch) {
            @Override
            void answered(final RpcResponse r) {
                if (r.isError() || r.resultAsString() == null) {
                    // without heads we still sync on every reconnect and retry; say so loudly
                    LOG.log(System.Logger.Level.WARNING, chain.configName() + ": newHeads subscription refused: " + r.describe());
                }
            }
        });
        pending.onConnected(client);
        if (applied.isEmpty()) {
            fetchAnchor();
        } else {
            reconcile();
        }
    }

    @Override
    public void onDisconnected(final String reason) {
        abandon();
        tags.reset();
        if (mode != Mode.STOPPED) {
            mode = Mode.WAITING;
        }
    }

    @Override
    public void onNotification(final RpcResponse n) {
        if (pending.owns(n)) {
            if (mode != Mode.STOPPED) {
                pending.onAnnounced(client, n);
            }
            return;
        }
        if (header.decodeHeader(n.buffer(), n.resultOffset(), n.resultLength()) != JsonError.OK) {
            status.skippedNotification();
            LOG.log(System.Logger.Level.WARNING, chain.configName() + ": skipping a malformed head notification: "
                + JsonError.name(header.decodeStatus()) + " at " + header.errorOffset());
            return;
        }
        final long n0 = header.number();
        status.headSeen(n0);
        tags.request(client);
        pending.onHead(client, n0);
        if (mode != Mode.IDLE && mode != Mode.FORWARD) {
            return;
        }
        if (n0 <= applied.tipHeight()) {
            if (applied.contains(n0) && !applied.hashEquals(n0, header.blockHash(), 0)) {
                LOG.log(System.Logger.Level.INFO, chain.configName() + ": head " + n0 + " replaces our block at that height");
                startWalk(n0, header.blockHash(), header.parentHash());
            }
            return;
        }
        if (mode == Mode.IDLE) {
            forward();
        } else {
            fillWindow();
        }
    }

    // ---------------------------------------------------------------- reconcile and walk back

    /** First connection without a start hash: take the node's block at the start height as the anchor. */
    private void fetchAnchor() {
        final long h = context.startHeight();
        client.call("eth_getBlockByNumber", "[\"" + quantity(h) + "\",false]", new Answer(epoch) {
            @Override
            void answered(final RpcResponse r) {
                if (readHeader(r, "start block " + h) && header.number() == h) {
                    applied.reset(h, header.blockHash(), 0);
                    status.tipHeight(h);
                    reconcile();
                    return;
                }
                if (!anchorWaitLogged && r.resultNull()) {
                    anchorWaitLogged = true;
                    LOG.log(System.Logger.Level.WARNING, chain.configName() + ": the node has no block " + h
                        + " (the configured start) yet; waiting for it");
                }
                later(EthereumChainSync.this::fetchAnchor);
            }

            @Override
            void timedOut() {
                later(EthereumChainSync.this::fetchAnchor);
            }
        });
    }

    /** Read the node's head, then compare its block at min(our tip, its head) with ours. */
    private void reconcile() {
        mode = Mode.RECONCILE;
        client.call("eth_blockNumber", "[]", new Answer(epoch) {
            @Override
            void answered(final RpcResponse r) {
                final long n = r.resultAsLong();
                if (n < 0) {
                    unusable("eth_blockNumber", r.describe());
                    later(EthereumChainSync.this::reconcile);
                    return;
                }
                status.nodeHead(n);
                final long h = Math.min(applied.tipHeight(), n);
                if (h < applied.oldestHeight()) {
                    LOG.log(System.Logger.Level.WARNING, chain.configName() + ": the node's head " + n
                        + " is below every block we keep (from " + applied.oldestHeight() + "); waiting for it");
                    later(EthereumChainSync.this::reconcile);
                    return;
                }
                compareAt(h);
            }

            @Override
            void timedOut() {
                later(EthereumChainSync.this::reconcile);
            }
        });
    }

    private void compareAt(final long h) {
        client.call("eth_getBlockByNumber", "[\"" + quantity(h) + "\",false]", new Answer(epoch) {
            @Override
            void answered(final RpcResponse r) {
                if (readHeader(r, "block " + h) && header.number() == h) {
                    walkFrom(h, header.blockHash(), header.parentHash());
                } else {
                    later(EthereumChainSync.this::reconcile);
                }
            }

            @Override
            void timedOut() {
                later(EthereumChainSync.this::reconcile);
            }
        });
    }

    /** Abandon forward work and walk back from the node's block {@code (height, hash, parent)}. */
    private void startWalk(final long height, final DirectBuffer hash, final DirectBuffer parent) {
        abandon();
        mode = Mode.RECONCILE;
        walkFrom(height, hash, parent);
    }

    private void walkFrom(final long height, final DirectBuffer hash, final DirectBuffer parent) {
        walkHeight = height;
        walkHash.putBytes(0, hash, 0, 32);
        walkParent.putBytes(0, parent, 0, 32);
        walkStep();
    }

    private void walkStep() {
        if (applied.hashEquals(walkHeight, walkHash, 0)) {
            forkAt(walkHeight);
            return;
        }
        if (walkHeight - 1 < applied.oldestHeight()) {
            stop("the node's chain forks below the " + (applied.tipHeight() - applied.oldestHeight() + 1)
                + " blocks kept (from height " + applied.oldestHeight() + "); raise max_reorg_depth or resync");
            return;
        }
        final long expect = walkHeight - 1;
        final String parentHex = "0x" + Hex.toHex(walkParent, 0, 32);
        client.call("eth_getBlockByHash", "[\"" + parentHex + "\",false]", new Answer(epoch) {
            @Override
            void answered(final RpcResponse r) {
                if (!readHeader(r, "block " + parentHex)) {
                    // the branch we were walking is gone (another reorganisation): start over from the head
                    later(EthereumChainSync.this::reconcile);
                    return;
                }
                if (header.number() != expect || !sameHash(header.blockHash(), walkParent)) {
                    unusable("eth_getBlockByHash", "block " + parentHex + " answered with block " + header.number());
                    later(EthereumChainSync.this::walkStep);
                    return;
                }
                walkHeight = expect;
                walkHash.putBytes(0, header.blockHash(), 0, 32);
                walkParent.putBytes(0, header.parentHash(), 0, 32);
                walkStep();
            }

            @Override
            void timedOut() {
                later(EthereumChainSync.this::walkStep);
            }
        });
    }

    /** Our block at {@code height} is the node's: disconnect ours above it (tip first), then go forward. */
    private void forkAt(final long height) {
        final long tip = applied.tipHeight();
        if (height < tip) {
            status.reorg();
            LOG.log(System.Logger.Level.INFO, chain.configName() + ": reorganisation, disconnecting " + (tip - height)
                + " block(s) above " + height);
            for (long h = tip; h > height; h--) {
                if (!publication.disconnected(h)) {
                    stop(publication.refusal());
                    return;
                }
                status.disconnected();
                applied.truncateTo(h - 1);
                status.tipHeight(h - 1);
            }
        }
        mode = Mode.IDLE;
        forward();
    }

    // ---------------------------------------------------------------- forward sync

    private void forward() {
        if (mode != Mode.IDLE || applied.tipHeight() >= status.nodeHead()) {
            return;
        }
        mode = Mode.FORWARD;
        windowBase = applied.tipHeight() + 1;
        head = 0;
        inWindow = 0;
        fillWindow();
    }

    private void fillWindow() {
        while (inWindow < window.length && windowBase + inWindow <= status.nodeHead()) {
            final BlockFetch f = window[(head + inWindow) % window.length];
            f.reset(windowBase + inWindow);
            inWindow++;
            fetchBlock(f);
        }
        if (inWindow == 0) {
            mode = Mode.IDLE;
        }
    }

    private void fetchBlock(final BlockFetch f) {
        final long h = f.height;
        client.call("eth_getBlockByNumber", "[\"" + quantity(h) + "\",true]", new Answer(epoch, f, h) {
            @Override
            void answered(final RpcResponse r) {
                final int status = blockDecoder.decode(r.buffer(), r.offset(), r.length(), noTransaction);
                if (status == JsonError.OK && blockDecoder.number() == h) {
                    f.block = r.retain();
                    f.hash.putBytes(0, blockDecoder.blockHash(), 0, 32);
                    f.parentHash.putBytes(0, blockDecoder.parentHash(), 0, 32);
                    f.transactionCount = blockDecoder.transactionCount();
                    fetchReceipts(f);
                    return;
                }
                if (status == JsonError.OK) {
                    unusable("eth_getBlockByNumber", "block " + h + " answered with block " + blockDecoder.number());
                } else if (status != JsonError.NULL_RESULT) {
                    unusable("eth_getBlockByNumber", "block " + h + ": " + describe(r, status, blockDecoder.errorOffset()));
                }
                retry(f);
            }

            @Override
            void timedOut() {
                retry(f);
            }
        });
    }

    void fetchReceipts(final BlockFetch f) {
        if (status.receiptsByLogs()) {
            fallback.fetch(f, epoch);
            return;
        }
        final long h = f.height;
        final String hash = "0x" + Hex.toHex(f.hash, 0, 32);
        client.call("eth_getBlockReceipts", "[\"" + hash + "\"]", new Answer(epoch, f, h) {
            @Override
            void answered(final RpcResponse r) {
                if (r.isError() && r.errorCode() == METHOD_NOT_FOUND) {
                    LOG.log(System.Logger.Level.WARNING, chain.configName()
                        + ": the node has no eth_getBlockReceipts; reading receipts through eth_getLogs from now on");
                    status.receiptsByLogs(true);
                    fallback.fetch(f, epoch);
                    return;
                }
                final int status = receiptsDecoder.decode(r.buffer(), r.offset(), r.length(), noReceipt);
                if (status == JsonError.OK && receiptsDecoder.receiptCount() == f.transactionCount) {
                    receiptsReady(f, r.retain());
                    return;
                }
                if (status == JsonError.OK) {
                    unusable("eth_getBlockReceipts", "block " + h + ": " + receiptsDecoder.receiptCount() + " receipts for "
                        + f.transactionCount + " transactions");
                } else if (status != JsonError.NULL_RESULT) {
                    unusable("eth_getBlockReceipts", "block " + h + ": " + describe(r, status, receiptsDecoder.errorOffset()));
                }
                retry(f);
            }

            @Override
            void timedOut() {
                retry(f);
            }
        });
    }

    /** Both halves of {@code f} are in: publish what is complete at the front of the window. */
    void receiptsReady(final BlockFetch f, final io.netty.buffer.ByteBuf receipts) {
        f.receipts = receipts;
        drain();
    }

    private void drain() {
        while (inWindow > 0) {
            final BlockFetch f = window[head];
            if (!f.complete()) {
                return;
            }
            if (!applied.hashEquals(applied.tipHeight(), f.parentHash, 0)) {
                LOG.log(System.Logger.Level.INFO, chain.configName() + ": block " + f.height + " does not follow our tip");
                startWalk(f.height, f.hash, f.parentHash);
                return;
            }
            if (!publication.connected(f)) {
                stop(publication.refusal());
                return;
            }
            status.connected();
            pending.onBlockPublished(f.block);
            applied.append(f.height, f.hash, 0);
            status.tipHeight(f.height);
            f.release();
            head = (head + 1) % window.length;
            inWindow--;
            windowBase++;
        }
        fillWindow();
        tags.request(client);
    }

    /** Fetch {@code f} again after a pause that grows with its attempts; re-read the head after a few. */
    void retry(final BlockFetch f) {
        status.retry();
        f.release();
        f.attempts++;
        if (f.attempts >= ATTEMPTS_BEFORE_RECONCILE && f == window[head]) {
            abandon();
            mode = Mode.RECONCILE;
            later(this::reconcile);
            return;
        }
        final int e = epoch;
        final long h = f.height;
        final long delay = context.retryDelayMs() << Math.min(f.attempts - 1, 5);
        client.eventLoop().schedule(() -> {
            if (e == epoch && f.height == h && f.block == null) {
                fetchBlock(f);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- helpers

    /** Drop in-flight work: later answers to it are ignored (the epoch moved on). */
    private void abandon() {
        epoch++;
        for (BlockFetch f : window) {
            f.release();
        }
        inWindow = 0;
        if (mode == Mode.FORWARD) {
            mode = Mode.IDLE;
        }
    }

    int epoch() {
        return epoch;
    }

    JsonRpcClient client() {
        return client;
    }

    ChainId chain() {
        return chain;
    }

    private void stop(final String reason) {
        abandon();
        mode = Mode.STOPPED;
        status.stopReason(reason);
        LOG.log(System.Logger.Level.ERROR, chain.configName() + ": sync stopped: " + reason);
    }

    private void later(final Runnable step) {
        final int e = epoch;
        client.eventLoop().schedule(() -> {
            if (e == epoch && mode != Mode.STOPPED) {
                step.run();
            }
        }, context.retryDelayMs(), TimeUnit.MILLISECONDS);
    }

    private boolean readHeader(final RpcResponse r, final String what) {
        final int status = header.decodeHeader(r.buffer(), r.offset(), r.length());
        if (status == JsonError.OK) {
            return true;
        }
        if (status != JsonError.NULL_RESULT) {
            unusable("header of " + what, describe(r, status, header.errorOffset()));
        }
        return false;
    }

    void unusable(final String method, final String why) {
        LOG.log(System.Logger.Level.WARNING, chain.configName() + ": unusable answer to " + method + ", retrying: " + why);
    }

    static String describe(final RpcResponse r, final int status, final int at) {
        if (status == JsonError.RPC_ERROR) {
            return r.describe();
        }
        return JsonError.name(status) + " at offset " + (at - r.offset()) + " of " + r.length() + " bytes";
    }

    private static boolean sameHash(final DirectBuffer a, final DirectBuffer b) {
        for (int i = 0; i < 32; i += Long.BYTES) {
            if (a.getLong(i) != b.getLong(i)) {
                return false;
            }
        }
        return true;
    }

    static String quantity(final long value) {
        return "0x" + Long.toHexString(value);
    }

    /** The pending-transaction follower, for its counters. */
    PendingTracker pending() {
        return pending;
    }

    /** Heights, counters and stop reason, for readers on any thread. */
    SyncStatus status() {
        return status;
    }

    /**
     * A response handler bound to the epoch it was sent in (and optionally a window slot and height):
     * answers that arrive after the work was abandoned are ignored.
     */
    abstract class Answer implements RpcResponseHandler {
        private final int sentEpoch;
        private final BlockFetch fetch;
        private final long height;

        Answer(final int sentEpoch) {
            this(sentEpoch, null, -1);
        }

        Answer(final int sentEpoch, final BlockFetch fetch, final long height) {
            this.sentEpoch = sentEpoch;
            this.fetch = fetch;
            this.height = height;
        }

        private boolean current() {
            return sentEpoch == epoch && mode != Mode.STOPPED && (fetch == null || fetch.height == height);
        }

        @Override
        public final void onResponse(final RpcResponse response) {
            if (current()) {
                answered(response);
            }
        }

        @Override
        public final void onFailure(final int reason) {
            if (reason == TIMEOUT && current()) {
                timedOut();
            }
            // DISCONNECTED / CLOSED / NOT_CONNECTED: the reconnect starts over
        }

        abstract void answered(RpcResponse response);

        void timedOut() {
        }
    }
}
