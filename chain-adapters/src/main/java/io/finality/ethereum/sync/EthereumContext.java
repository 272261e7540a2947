package io.finality.ethereum.sync;

import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import io.finality.core.spi.ResumePoint;
import io.finality.ethereum.rpc.JsonRpcContext;
import java.util.List;

/**
 * Configuration of an {@link EthereumConnection}: which chain and node, where sync starts, how many
 * blocks may be fetched at once, how retries are paced and how deep a reorganisation may go.
 *
 * <p>Set up on one thread before {@link EthereumConnection#start}; read-only afterwards.
 */
public final class EthereumContext {
    /** Default number of blocks fetched concurrently while behind (backfill). */
    public static final int DEFAULT_WINDOW = 8;
    /** Default pause before retrying a failed, null or malformed answer. */
    public static final long DEFAULT_RETRY_DELAY_MS = 100;
    /** Default depth of the kept chain: the deepest reorganisation that can be followed. */
    public static final int DEFAULT_MAX_REORG_DEPTH = 1_024;

    /** Default bound on pending transactions followed at once. */
    public static final int DEFAULT_MAX_PENDING_TRACKED = 10_000;
    /** Default heads after which a still unmined pending transaction is asked about again. */
    public static final int DEFAULT_PENDING_GONE_AFTER_BLOCKS = 3;

    private ChainId chain = ChainId.ETHEREUM_DEV;
    private final JsonRpcContext rpc = new JsonRpcContext();
    private long startHeight;
    private byte[] startHash;
    private List<byte[]> recentHashes = List.of();
    private int window = DEFAULT_WINDOW;
    private long retryDelayMs = DEFAULT_RETRY_DELAY_MS;
    private int maxReorgDepth = DEFAULT_MAX_REORG_DEPTH;
    private boolean pendingTransactions = true;
    private int maxPendingTracked = DEFAULT_MAX_PENDING_TRACKED;
    private int pendingGoneAfterBlocks = DEFAULT_PENDING_GONE_AFTER_BLOCKS;

    public ChainId chain() {
        return chain;
    }

    public EthereumContext chain(final ChainId value) {
        if (value.family() != ChainFamily.ETHEREUM) {
            throw new IllegalArgumentException(value.configName() + " is not an Ethereum chain");
        }
        chain = value;
        return this;
    }

    /** The WebSocket JSON-RPC settings (endpoint, frame limit, timeout, backoff). */
    public JsonRpcContext rpc() {
        return rpc;
    }

    public long startHeight() {
        return startHeight;
    }

    /**
     * The block sync starts after (never published itself). Its hash is read from the node at the first
     * connection unless given with {@link #startHash}. A fresh start: forgets any {@link #resumeFrom} list.
     */
    public EthereumContext startHeight(final long value) {
        if (value < 0) {
            throw new IllegalArgumentException("start height must not be negative: " + value);
        }
        startHeight = value;
        recentHashes = List.of();
        return this;
    }

    /** The start block's hash, or null to take the node's. */
    public byte[] startHash() {
        return startHash == null ? null : startHash.clone();
    }

    public EthereumContext startHash(final byte[] value) {
        if (value != null && value.length != 32) {
            throw new IllegalArgumentException("a block hash is 32 bytes, not " + value.length);
        }
        startHash = value == null ? null : value.clone();
        return this;
    }

    /** Hashes of applied blocks ending at the start block, oldest first; empty for a fresh start. */
    public List<byte[]> recentHashes() {
        return recentHashes;
    }

    /**
     * Resume after a restart from the chain the journal recorded: the blocks at heights
     * {@code tipHeight - hashes.size() + 1 .. tipHeight}, oldest first. Sync continues after the tip; if the
     * node no longer has it, the connection walks back to the fork point and publishes
     * {@code BLOCK_DISCONNECTED} for each of our blocks above it (tip first). An empty list changes nothing.
     */
    public EthereumContext resumeFrom(final long tipHeight, final List<byte[]> hashesOldestFirst) {
        if (hashesOldestFirst.isEmpty()) {
            return this;
        }
        final ResumePoint point = ResumePoint.of(tipHeight, hashesOldestFirst);
        recentHashes = List.copyOf(point.hashesOldestFirst());
        startHeight = point.tipHeight();
        startHash = point.tipHash();
        return this;
    }

    public int window() {
        return window;
    }

    /** Blocks fetched concurrently while behind the node's head (bounded backfill). */
    public EthereumContext window(final int value) {
        if (value < 1 || value > 256) {
            throw new IllegalArgumentException("window must be 1..256: " + value);
        }
        window = value;
        return this;
    }

    public long retryDelayMs() {
        return retryDelayMs;
    }

    /** First pause before retrying an unusable answer; doubles per attempt up to 32 times this. */
    public EthereumContext retryDelayMs(final long value) {
        if (value < 1) {
            throw new IllegalArgumentException("retry delay must be positive: " + value);
        }
        retryDelayMs = value;
        return this;
    }

    public int maxReorgDepth() {
        return maxReorgDepth;
    }

    /** Blocks kept for finding a fork point; a deeper reorganisation stops the sync with an error. */
    public EthereumContext maxReorgDepth(final int value) {
        if (value < 2) {
            throw new IllegalArgumentException("max reorg depth must be at least 2: " + value);
        }
        maxReorgDepth = value;
        return this;
    }

    public boolean pendingTransactions() {
        return pendingTransactions;
    }

    /** Whether to follow {@code newPendingTransactions} (where the node offers it) and report payments seen unmined. */
    public EthereumContext pendingTransactions(final boolean value) {
        pendingTransactions = value;
        return this;
    }

    public int maxPendingTracked() {
        return maxPendingTracked;
    }

    /** Pending transactions followed at once; announcements beyond are skipped (their payments count once mined). */
    public EthereumContext maxPendingTracked(final int value) {
        if (value < 1) {
            throw new IllegalArgumentException("max pending tracked must be positive: " + value);
        }
        maxPendingTracked = value;
        return this;
    }

    public int pendingGoneAfterBlocks() {
        return pendingGoneAfterBlocks;
    }

    /** Heads after which an unmined pending transaction is asked about again (and reported gone if the node lost it). */
    public EthereumContext pendingGoneAfterBlocks(final int value) {
        if (value < 1) {
            throw new IllegalArgumentException("pending gone after blocks must be positive: " + value);
        }
        pendingGoneAfterBlocks = value;
        return this;
    }
}
