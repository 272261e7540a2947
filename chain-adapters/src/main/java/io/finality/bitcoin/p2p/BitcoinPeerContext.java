package io.finality.bitcoin.p2p;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.core.spi.ResumePoint;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Configuration of a {@link BitcoinPeerConnection}: which network and node, where the header chain
 * starts, and how many block requests may be in flight.
 *
 * <p>Set up on one thread before {@link BitcoinPeerConnection#start}; read-only afterwards.
 */
public final class BitcoinPeerContext {
    /** Default number of blocks requested but not yet received. */
    public static final int DEFAULT_BLOCK_WINDOW = 16;
    /** Default silence, with requests outstanding, after which a node counts as stalled. */
    public static final long DEFAULT_STALL_TIMEOUT_MS = 30_000;

    private BitcoinNetwork network = BitcoinNetwork.REGTEST;
    private InetSocketAddress node;
    private byte[] startHash;
    private long startHeight;
    private List<byte[]> recentHashes = List.of();
    private int powLimitBits = BlockHeader.REGTEST_POW_LIMIT_BITS;
    private int blockWindow = DEFAULT_BLOCK_WINDOW;
    private String userAgent = "/finality:0.1/";
    private long stallTimeoutMs = DEFAULT_STALL_TIMEOUT_MS;

    public BitcoinNetwork network() {
        return network;
    }

    /** The network; also sets the proof-of-work limit (regtest's, or mainnet's for the others). */
    public BitcoinPeerContext network(final BitcoinNetwork value) {
        network = value;
        powLimitBits = value == BitcoinNetwork.REGTEST ? BlockHeader.REGTEST_POW_LIMIT_BITS : BlockHeader.MAINNET_POW_LIMIT_BITS;
        return this;
    }

    public InetSocketAddress node() {
        return node;
    }

    public BitcoinPeerContext node(final InetSocketAddress value) {
        node = value;
        return this;
    }

    /** Internal-order hash of the block sync starts after (already known; never published). */
    public byte[] startHash() {
        return startHash;
    }

    /** The block sync starts after (a fresh start: forgets any {@link #resumeFrom} list). */
    public BitcoinPeerContext startHash(final byte[] value) {
        startHash = value.clone();
        recentHashes = List.of();
        return this;
    }

    public long startHeight() {
        return startHeight;
    }

    /** Height of the start block (a fresh start: forgets any {@link #resumeFrom} list). */
    public BitcoinPeerContext startHeight(final long value) {
        startHeight = value;
        recentHashes = List.of();
        return this;
    }

    /** Hashes of the applied blocks ending at the start block, oldest first; empty for a fresh start. */
    public List<byte[]> recentHashes() {
        return recentHashes;
    }

    /**
     * Resume after a restart from the applied chain the journal recorded: the blocks at heights
     * {@code tipHeight - hashes.size() + 1 .. tipHeight}, oldest first (internal-order hashes). Sets the
     * start block to the last one. Sync resumes after it; if the node no longer has it on its best chain,
     * the connection walks back to the fork point, publishing {@code BLOCK_DISCONNECTED} for each of our
     * blocks above it (tip first) before the node's branch. An empty list changes nothing. If the node
     * forked below the oldest hash given, none of the locator is on its chain: it answers from genesis,
     * the headers do not link, and the node is dropped ({@link DecodeFailure#BAD_HEADER}) with nothing
     * published; the journal's position keeps 1,000 blocks, deeper than any reorg a node serves.
     */
    public BitcoinPeerContext resumeFrom(final long tipHeight, final List<byte[]> hashesOldestFirst) {
        if (hashesOldestFirst.isEmpty()) {
            return this;
        }
        final ResumePoint point = ResumePoint.of(tipHeight, hashesOldestFirst);
        recentHashes = List.copyOf(point.hashesOldestFirst());
        startHash = point.tipHash();
        startHeight = point.tipHeight();
        return this;
    }

    public int powLimitBits() {
        return powLimitBits;
    }

    public BitcoinPeerContext powLimitBits(final int value) {
        powLimitBits = value;
        return this;
    }

    public int blockWindow() {
        return blockWindow;
    }

    public BitcoinPeerContext blockWindow(final int value) {
        if (value < 1) {
            throw new IllegalArgumentException("block window must be positive: " + value);
        }
        blockWindow = value;
        return this;
    }

    public long stallTimeoutMs() {
        return stallTimeoutMs;
    }

    /** Silence, while blocks or headers are awaited, after which the connection is closed and redialled. */
    public BitcoinPeerContext stallTimeoutMs(final long value) {
        if (value < 1) {
            throw new IllegalArgumentException("stall timeout must be positive: " + value);
        }
        stallTimeoutMs = value;
        return this;
    }

    public String userAgent() {
        return userAgent;
    }

    public BitcoinPeerContext userAgent(final String value) {
        userAgent = value;
        return this;
    }
}
