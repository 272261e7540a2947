package io.finality.bitcoin.p2p;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.regtest.RegtestChain;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Bitcoin node stand-in on 127.0.0.1 that serves an in-process {@link RegtestChain} (or a fixed set of
 * real blocks, e.g. mainnet blocks from blk files) over the real P2P protocol, for tests and the demo
 * (no bitcoind can be had on these machines).
 *
 * <pre>
 *   client --version--> peer --version, verack--> client --verack-->
 *   getheaders(locator) -> headers (&le; 2,000)     getblocks(locator) -> inv (&le; 500 blocks)
 *   getdata(block/tx)   -> block / tx / notfound    mempool -> inv(tx)     ping -> pong
 *   new blocks: headers (after sendheaders) or inv  new mempool tx: inv(tx) to peers that relay
 * </pre>
 *
 * <p>It can be told to reorg ({@link #reorg}), drop a mempool transaction ({@link #dropTransaction}),
 * send garbage bytes ({@link #sendGarbage}), stall (ignore requests, {@link #stall}) or disconnect
 * everyone ({@link #disconnectAll}). Stale blocks stay fetchable by hash, as on a real node.
 *
 * <p>Threading: the chain, the mempool and every session live on one event-loop thread; the public
 * methods may be called from any thread and run their work on that loop, waiting for it.
 */
public final class LoopbackPeer implements AutoCloseable {
    /** Most headers per {@code headers} reply (Core's MAX_HEADERS_RESULTS). */
    public static final int MAX_HEADERS_REPLY = Command.MAX_HEADERS;
    /** Most blocks per {@code inv} reply to {@code getblocks} (Core's limit). */
    public static final int MAX_GETBLOCKS_REPLY = 500;
    /** User agent the peer announces. */
    public static final String USER_AGENT = "/finality-loopback:0.1/";

    private static final long CALL_TIMEOUT_SECONDS = 30;

    private final BitcoinNetwork network;
    private final byte[] genesisHash;
    /** The regtest chain that mines new blocks, or null when serving a fixed set of real blocks. */
    private final RegtestChain chain;
    /** The best chain as served: index h - 1 holds height h. */
    private final List<RegtestChain.BuiltBlock> served = new ArrayList<>();
    private final Map<ByteBuffer, byte[]> blocksByHash = new HashMap<>();
    private final Map<ByteBuffer, Long> heightByHash = new HashMap<>();
    private final Map<ByteBuffer, byte[]> mempool = new LinkedHashMap<>();
    private final List<LoopbackPeerSession> sessions = new ArrayList<>();
    private final AtomicLong decodeFailures = new AtomicLong();
    private final AtomicLong blocksServed = new AtomicLong();
    private final AtomicLong txsServed = new AtomicLong();
    private EventLoopGroup group;
    private Channel server;
    private boolean stalled;

    /** A regtest peer serving {@code chain} (which it then owns: mutate it only through this peer). */
    public LoopbackPeer(final RegtestChain chain) {
        this.network = BitcoinNetwork.REGTEST;
        this.genesisHash = RegtestChain.GENESIS_HASH.clone();
        this.chain = chain;
        for (long h = 1; h <= chain.tipHeight(); h++) {
            index(chain.block(h));
            served.add(chain.block(h));
        }
    }

    /**
     * A peer on {@code network} serving real blocks that form a chain on top of {@code genesisHash}
     * (for example mainnet blocks from blk files). It cannot mine; {@link #replaceFrom} switches branch.
     */
    public LoopbackPeer(final BitcoinNetwork network, final byte[] genesisHash, final List<byte[]> rawBlocks) {
        this.network = network;
        this.genesisHash = genesisHash.clone();
        this.chain = null;
        appendRaw(rawBlocks);
    }

    /** Bind 127.0.0.1 on an ephemeral port with one event-loop thread. */
    public LoopbackPeer start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final ServerBootstrap b = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    final LoopbackPeerSession session = new LoopbackPeerSession(LoopbackPeer.this);
                    ch.pipeline().addLast(new P2pFrameDecoder(network.magic()), new P2pFrameEncoder(network.magic()), session);
                }
            });
        server = b.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        return this;
    }

    /** The port bound on 127.0.0.1. */
    public int port() {
        return ((InetSocketAddress)server.localAddress()).getPort();
    }

    public BitcoinNetwork network() {
        return network;
    }

    /** Tip height of the served chain. */
    public long tipHeight() {
        return call(() -> (long)served.size());
    }

    /** Internal-order hash of the served tip. */
    public byte[] tipHash() {
        return call(() -> tipHashOnLoop().clone());
    }

    /** The served block at {@code height} on the current best chain. */
    public RegtestChain.BuiltBlock block(final long height) {
        return call(() -> served.get((int)height - 1));
    }

    /**
     * Serve a different branch: drop the blocks above {@code forkHeight} (still fetchable by hash) and
     * append {@code rawBlocks}, then announce them. Returns the dropped blocks, tip first.
     */
    public List<RegtestChain.BuiltBlock> replaceFrom(final long forkHeight, final List<byte[]> rawBlocks) {
        return call(() -> {
            if (chain != null) {
                throw new IllegalStateException("a regtest peer reorganises with reorg()");
            }
            final List<RegtestChain.BuiltBlock> removed = truncate(forkHeight);
            appendRaw(rawBlocks);
            announceBlocks(forkHeight);
            return removed;
        });
    }

    /** Mine one block holding {@code txs} (removing them from the mempool) and announce it. */
    public RegtestChain.BuiltBlock mine(final List<byte[]> txs) {
        return call(() -> {
            final long fork = served.size();
            final RegtestChain.BuiltBlock b = mineOnLoop(txs);
            announceBlocks(fork);
            return b;
        });
    }

    /** Mine {@code count} empty blocks and announce them together. */
    public void mineEmpty(final int count) {
        call(() -> {
            final long fork = served.size();
            for (int i = 0; i < count; i++) {
                mineOnLoop(List.of());
            }
            announceBlocks(fork);
            return null;
        });
    }

    /**
     * Replace the top {@code depth} blocks by {@code newBlocks} empty ones (more than {@code depth} makes
     * the new branch the best chain) and announce the new branch; returns the removed blocks, tip first.
     */
    public List<RegtestChain.BuiltBlock> reorg(final int depth, final int newBlocks) {
        return call(() -> {
            final List<RegtestChain.BuiltBlock> removed = regtest().rewindTo(chain.tipHeight() - depth);
            truncate(chain.tipHeight());
            final long fork = served.size();
            for (int i = 0; i < newBlocks; i++) {
                mineOnLoop(List.of());
            }
            announceBlocks(fork);
            return removed;
        });
    }

    /**
     * Replace the top {@code depth} blocks by a branch whose blocks hold the given transactions (one list
     * per block; more blocks than {@code depth} makes it the best chain) and announce it; returns the
     * removed blocks, tip first.
     */
    public List<RegtestChain.BuiltBlock> reorg(final int depth, final List<List<byte[]>> branch) {
        return call(() -> {
            final List<RegtestChain.BuiltBlock> removed = regtest().rewindTo(chain.tipHeight() - depth);
            truncate(chain.tipHeight());
            final long fork = served.size();
            for (List<byte[]> txs : branch) {
                mineOnLoop(txs);
            }
            announceBlocks(fork);
            return removed;
        });
    }

    /** Put a transaction in the mempool and announce it (inv) to handshaken peers that relay; returns its txid. */
    public byte[] addTransaction(final byte[] rawTx) {
        final byte[] txid = RegtestChain.sha256d(rawTx);
        call(() -> {
            mempool.put(ByteBuffer.wrap(txid), rawTx.clone());
            final InventoryMessage inv = new InventoryMessage(List.of(new InventoryMessage.Item(InventoryMessage.MSG_TX, txid)));
            for (LoopbackPeerSession s : sessions) {
                if (s.ready() && s.relay()) {
                    s.send(Command.INV, inv.encode(s.alloc()));
                }
            }
            return null;
        });
        return txid;
    }

    /** Forget a mempool transaction: later {@code getdata} for it gets {@code notfound}. */
    public boolean dropTransaction(final byte[] txid) {
        return call(() -> mempool.remove(ByteBuffer.wrap(txid)) != null);
    }

    /** Write {@code bytes} as-is to every connection (not framed): what a broken or hostile node sends. */
    public void sendGarbage(final byte[] bytes) {
        call(() -> {
            for (LoopbackPeerSession s : sessions) {
                s.sendRaw(Unpooled.wrappedBuffer(bytes.clone()));
            }
            return null;
        });
    }

    /** While stalled the peer reads requests and answers none of them (they are not queued). */
    public void stall(final boolean stall) {
        call(() -> {
            stalled = stall;
            return null;
        });
    }

    /** Close every client connection (the server keeps listening). */
    public void disconnectAll() {
        call(() -> {
            for (LoopbackPeerSession s : new ArrayList<>(sessions)) {
                s.close();
            }
            return null;
        });
    }

    /** Connected sessions that completed the handshake. */
    public int readySessions() {
        return call(() -> (int)sessions.stream().filter(LoopbackPeerSession::ready).count());
    }

    /** Frames refused by the peer's decoders (bad magic, checksum, oversize...). */
    public long decodeFailures() {
        return decodeFailures.get();
    }

    /** Blocks sent in reply to {@code getdata}. */
    public long blocksServed() {
        return blocksServed.get();
    }

    /** Transactions sent in reply to {@code getdata}. */
    public long txsServed() {
        return txsServed.get();
    }

    @Override
    public void close() {
        if (group == null) {
            return;
        }
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        group = null;
    }

    // ---- event-loop side, called by sessions ----

    void register(final LoopbackPeerSession s) {
        sessions.add(s);
    }

    void unregister(final LoopbackPeerSession s) {
        sessions.remove(s);
    }

    boolean stalled() {
        return stalled;
    }

    void onDecodeFailure() {
        decodeFailures.incrementAndGet();
    }

    long tipHeightOnLoop() {
        return served.size();
    }

    RegtestChain.BuiltBlock blockOnLoop(final long height) {
        return served.get((int)height - 1);
    }

    private byte[] tipHashOnLoop() {
        return served.isEmpty() ? genesisHash : served.get(served.size() - 1).hash();
    }

    private RegtestChain regtest() {
        if (chain == null) {
            throw new IllegalStateException("this peer serves fixed blocks and cannot mine");
        }
        return chain;
    }

    /** Drop served blocks above {@code height} (they stay fetchable by hash); returns them tip first. */
    private List<RegtestChain.BuiltBlock> truncate(final long height) {
        final List<RegtestChain.BuiltBlock> removed = new ArrayList<>();
        while (served.size() > height) {
            final RegtestChain.BuiltBlock b = served.remove(served.size() - 1);
            heightByHash.remove(ByteBuffer.wrap(b.hash()));
            removed.add(b);
        }
        return removed;
    }

    private void appendRaw(final List<byte[]> rawBlocks) {
        for (byte[] raw : rawBlocks) {
            final RegtestChain.BuiltBlock b = new RegtestChain.BuiltBlock(served.size() + 1, BlockHeader.hash(raw), raw.clone(), List.of());
            index(b);
            served.add(b);
        }
    }

    /** Height of the first locator hash on the best chain (0 = genesis, also when none matches). */
    long forkHeight(final List<byte[]> locator) {
        for (byte[] h : locator) {
            if (java.util.Arrays.equals(h, genesisHash)) {
                return 0;
            }
            final Long height = heightByHash.get(ByteBuffer.wrap(h));
            if (height != null) {
                return height;
            }
        }
        return 0;
    }

    /** A block's raw bytes by hash (stale blocks included), or null. */
    byte[] blockByHash(final byte[] hash) {
        final byte[] raw = blocksByHash.get(ByteBuffer.wrap(hash));
        if (raw != null) {
            blocksServed.incrementAndGet();
        }
        return raw;
    }

    /** A mempool transaction by txid, or null. */
    byte[] mempoolTx(final byte[] txid) {
        final byte[] raw = mempool.get(ByteBuffer.wrap(txid));
        if (raw != null) {
            txsServed.incrementAndGet();
        }
        return raw;
    }

    List<byte[]> mempoolTxids() {
        final List<byte[]> out = new ArrayList<>();
        for (ByteBuffer k : mempool.keySet()) {
            out.add(k.array());
        }
        return out;
    }

    private RegtestChain.BuiltBlock mineOnLoop(final List<byte[]> txs) {
        final RegtestChain.BuiltBlock b = regtest().mine(txs);
        index(b);
        served.add(b);
        for (byte[] tx : txs) {
            mempool.remove(ByteBuffer.wrap(RegtestChain.sha256d(tx)));
        }
        return b;
    }

    private void index(final RegtestChain.BuiltBlock b) {
        blocksByHash.put(ByteBuffer.wrap(b.hash()), b.raw());
        heightByHash.put(ByteBuffer.wrap(b.hash()), b.height());
    }

    private void announceBlocks(final long fork) {
        for (LoopbackPeerSession s : sessions) {
            if (s.ready()) {
                s.announce(fork);
            }
        }
    }

    private <T> T call(final Callable<T> work) {
        if (group == null || group.next().inEventLoop()) {
            try {
                return work.call();
            } catch (final Exception ex) {
                throw new IllegalStateException(ex);
            }
        }
        try {
            return group.next().submit(work).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        } catch (final ExecutionException | TimeoutException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
