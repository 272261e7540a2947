package io.finality.bitcoin.p2p;

import io.finality.core.chain.ChainId;
import io.finality.core.pipeline.EventPublisher;
import io.finality.core.pipeline.SlotFiller;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The protocol state machine of one node connection.
 *
 * <ol>
 *   <li>Handshake: send {@code version}; answer the node's with {@code verack}; on its {@code verack}
 *       send {@code sendheaders} and the first {@code getheaders}.</li>
 *   <li>Headers: every header goes through the {@link HeaderTree} (linkage, proof of work); one that
 *       fails closes the connection ({@link DecodeFailure#BAD_HEADER}). A full batch asks for more.</li>
 *   <li>Plan: when the best header changes, publish {@code BLOCK_DISCONNECTED} for each block leaving
 *       the best chain (tip first) at once, then queue the new branch in height order.</li>
 *   <li>Blocks: {@code getdata} for at most {@code blockWindow} queued blocks at a time; blocks may
 *       arrive in any order and are held (retained, not copied) until they are next in line, then copied
 *       once into a ring slot as {@code BLOCK_CONNECTED}.</li>
 *   <li>Mempool: {@code inv} of a transaction is requested once; the {@code tx} is published as
 *       {@code MEMPOOL_TX}.</li>
 * </ol>
 *
 * <p>Resume after a restart: with {@link BitcoinPeerContext#recentHashes} the tree starts as the applied
 * chain (hashes only), so the first {@code getheaders} locator names our last blocks; a node that no
 * longer has our tip answers from the fork point, its branch outweighs our header-less blocks, and the
 * normal plan disconnects ours above the fork (tip first) and connects its branch.
 *
 * <p>The header tree, the connected tip and the queue outlive a channel: after a reconnect the same
 * handler is added to the new channel, forgets only what was in flight, and carries on from the last
 * published block, so no block is published twice or skipped. Only one channel uses it at a time.
 *
 * <p>Publishing uses the blocking {@link EventPublisher#publish}: a full ring stalls this event loop and
 * so, through TCP, the node. Runs on the connection's event loop only.
 */
@ChannelHandler.Sharable
final class PeerSyncHandler extends SimpleChannelInboundHandler<Object> {
    /** Remembered transaction requests before the set is cleared (bounds memory against an inv flood). */
    static final int MAX_REQUESTED_TXS = 100_000;

    private final BitcoinPeerContext context;
    private final EventPublisher publisher;
    private final AtomicLongArray failures;
    private final ChainId chain;
    private final HeaderTree tree;
    private final WireHash hash = new WireHash();
    private final byte[] scratchHash = new byte[32];
    private final ArrayDeque<HeaderTree.Node> queue = new ArrayDeque<>();
    private final Set<ByteBuffer> queued = new HashSet<>();
    private final Set<ByteBuffer> inFlight = new HashSet<>();
    private final Map<ByteBuffer, ByteBuf> received = new HashMap<>();
    private final Set<ByteBuffer> requestedTxs = new HashSet<>();
    private final SlotFiller<PeerSyncHandler> connectFiller = (slot, h) -> h.fillConnected(slot);
    private final SlotFiller<HeaderTree.Node> disconnectFiller = PeerSyncHandler::fillDisconnected;
    private final SlotFiller<ByteBuf> txFiller = PeerSyncHandler::fillTx;
    private ChannelHandlerContext ctx;
    private HeaderTree.Node connectedTip;
    private volatile long connectedHeight;
    private volatile long bestHeaderHeight = -1;
    private HeaderTree.Node connecting;
    private ByteBuf connectingBlock;
    private boolean misbehaved;
    private boolean awaitingHeaders;
    private volatile long stalls;

    PeerSyncHandler(final BitcoinPeerContext context, final EventPublisher publisher, final AtomicLongArray failures) {
        this.context = context;
        this.publisher = publisher;
        this.failures = failures;
        this.chain = context.network().chain();
        final List<byte[]> known = context.recentHashes();
        if (known.isEmpty()) {
            this.tree = new HeaderTree(context.startHash(), context.startHeight(), context.powLimitBits());
        } else {
            // resume: the applied chain ends at the start block; its hashes give the locator and the blocks to walk back
            this.tree = new HeaderTree(known.get(0), context.startHeight() - known.size() + 1, context.powLimitBits());
            for (int i = 1; i < known.size(); i++) {
                tree.extendKnown(known.get(i));
            }
        }
        this.connectedTip = tree.best();
        this.connectedHeight = context.startHeight();
    }

    long connectedHeight() {
        return connectedHeight;
    }

    /** Height of the best header the node has shown us (its tip, as far as we know), or -1 before any. */
    long bestHeaderHeight() {
        return bestHeaderHeight;
    }

    /** Whether a protocol violation (not a plain disconnect) ended the last channel: such a node is not redialled. */
    boolean misbehaved() {
        return misbehaved;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        inFlight.clear();
        // the handshake itself is awaited: a node that never answers it has stalled too
        awaitingHeaders = true;
        final VersionMessage v = new VersionMessage(VersionMessage.PROTOCOL_VERSION, 0, System.currentTimeMillis() / 1000,
            VersionMessage.emptyAddress(), VersionMessage.emptyAddress(), ThreadLocalRandom.current().nextLong(), context.userAgent(),
            (int)connectedTip.height(), true);
        send(Command.VERSION, v.encode(ctx.alloc()));
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        for (ByteBuf b : received.values()) {
            b.release();
        }
        received.clear();
        super.channelInactive(ctx);
    }

    long stalls() {
        return stalls;
    }

    /** Reader idle for the stall timeout: if we are waiting for the node, it has stalled; close (and redial). */
    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && (!inFlight.isEmpty() || awaitingHeaders)) {
            stalls++;
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        ctx.close();
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final Object msg) {
        if (msg instanceof DecodeFailure reason) {
            drop(reason);
            return;
        }
        final P2pMessage m = (P2pMessage)msg;
        final boolean ok = switch (m.command()) {
            case VERSION -> {
                final boolean parsed = VersionMessage.decode(m.payload()) != null;
                if (parsed) {
                    send(Command.VERACK, ctx.alloc().buffer(0));
                }
                yield parsed;
            }
            case VERACK -> {
                send(Command.SENDHEADERS, ctx.alloc().buffer(0));
                requestHeaders();
                // after a reconnect the queue still holds the blocks the last channel did not deliver
                requestBlocks();
                yield true;
            }
            case PING -> {
                final long nonce = NonceMessage.decode(m.payload());
                if (nonce != NonceMessage.MALFORMED) {
                    send(Command.PONG, NonceMessage.encode(ctx.alloc(), nonce));
                }
                yield nonce != NonceMessage.MALFORMED;
            }
            case HEADERS -> onHeaders(m.payload());
            case INV -> onInv(m.payload());
            case BLOCK -> onBlock(m.payload());
            case TX -> onTx(m.payload());
            case NOTFOUND -> InventoryMessage.decode(m.payload()) != null;
            default -> true;
        };
        if (!ok && ctx.channel().isOpen()) {
            drop(DecodeFailure.MALFORMED_PAYLOAD);
        }
    }

    private boolean onHeaders(final ByteBuf payload) {
        final HeadersMessage h = HeadersMessage.decode(payload);
        if (h == null) {
            return false;
        }
        awaitingHeaders = false;
        for (byte[] header : h.headers()) {
            final HeaderTree.Result r = tree.add(header);
            if (r != HeaderTree.Result.CONNECTED && r != HeaderTree.Result.DUPLICATE) {
                drop(DecodeFailure.BAD_HEADER);
                return true;
            }
        }
        bestHeaderHeight = tree.best().height();
        if (h.headers().size() == Command.MAX_HEADERS) {
            requestHeaders();
        }
        replan();
        requestBlocks();
        return true;
    }

    private boolean onInv(final ByteBuf payload) {
        final InventoryMessage inv = InventoryMessage.decode(payload);
        if (inv == null) {
            return false;
        }
        boolean newBlock = false;
        final List<InventoryMessage.Item> want = new ArrayList<>();
        for (InventoryMessage.Item it : inv.items()) {
            if (it.baseType() == InventoryMessage.MSG_BLOCK) {
                newBlock |= tree.node(it.hash()) == null;
            } else if (it.baseType() == InventoryMessage.MSG_TX) {
                if (requestedTxs.size() >= MAX_REQUESTED_TXS) {
                    requestedTxs.clear();
                }
                if (requestedTxs.add(ByteBuffer.wrap(it.hash()))) {
                    want.add(new InventoryMessage.Item(InventoryMessage.MSG_WITNESS_TX, it.hash()));
                }
            }
        }
        if (newBlock) {
            requestHeaders();
        }
        if (!want.isEmpty()) {
            send(Command.GETDATA, new InventoryMessage(want).encode(ctx.alloc()));
        }
        return true;
    }

    private boolean onBlock(final ByteBuf payload) {
        if (payload.readableBytes() < BlockHeader.LENGTH) {
            return false;
        }
        hash.hash(payload, payload.readerIndex(), BlockHeader.LENGTH, scratchHash, 0);
        final ByteBuffer key = ByteBuffer.wrap(scratchHash.clone());
        inFlight.remove(key);
        if (!queued.contains(key) || received.containsKey(key)) {
            return true;
        }
        received.put(key, payload.retain());
        while (!queue.isEmpty()) {
            final HeaderTree.Node next = queue.peekFirst();
            final ByteBuf block = received.remove(ByteBuffer.wrap(next.hash()));
            if (block == null) {
                break;
            }
            queue.pollFirst();
            queued.remove(ByteBuffer.wrap(next.hash()));
            connecting = next;
            connectingBlock = block;
            try {
                publish(EventKind.BLOCK_CONNECTED, block.readableBytes(), connectFiller, this);
            } finally {
                connectingBlock = null;
                block.release();
            }
            connectedTip = next;
            connectedHeight = next.height();
        }
        requestBlocks();
        return true;
    }

    private boolean onTx(final ByteBuf payload) {
        publish(EventKind.MEMPOOL_TX, payload.readableBytes(), txFiller, payload);
        return true;
    }

    /** Move the connected chain towards the best header: disconnect now (tip first), queue the branch to connect. */
    private void replan() {
        final HeaderTree.Node best = tree.best();
        final HeaderTree.Node planned = queue.isEmpty() ? connectedTip : queue.peekLast();
        if (best == planned) {
            return;
        }
        final HeaderTree.ChainSwitch sw = HeaderTree.path(connectedTip, best);
        for (HeaderTree.Node n : sw.disconnect()) {
            publish(EventKind.BLOCK_DISCONNECTED, 0, disconnectFiller, n);
            connectedTip = n.parent();
            connectedHeight = connectedTip.height();
        }
        queue.clear();
        queued.clear();
        for (HeaderTree.Node n : sw.connect()) {
            queue.addLast(n);
            queued.add(ByteBuffer.wrap(n.hash()));
        }
        inFlight.retainAll(queued);
        received.entrySet().removeIf(e -> {
            if (queued.contains(e.getKey())) {
                return false;
            }
            e.getValue().release();
            return true;
        });
    }

    /** Fill the request window with the lowest queued blocks not yet asked for. */
    private void requestBlocks() {
        final int window = context.blockWindow();
        if (inFlight.size() >= window) {
            return;
        }
        final List<InventoryMessage.Item> items = new ArrayList<>();
        for (HeaderTree.Node n : queue) {
            if (inFlight.size() >= window) {
                break;
            }
            final ByteBuffer key = ByteBuffer.wrap(n.hash());
            if (!received.containsKey(key) && inFlight.add(key)) {
                items.add(new InventoryMessage.Item(InventoryMessage.MSG_WITNESS_BLOCK, n.hash()));
            }
        }
        if (!items.isEmpty()) {
            send(Command.GETDATA, new InventoryMessage(items).encode(ctx.alloc()));
        }
    }

    private void requestHeaders() {
        awaitingHeaders = true;
        final LocatorMessage l = new LocatorMessage(VersionMessage.PROTOCOL_VERSION, HeaderTree.locator(tree.best()), new byte[32]);
        send(Command.GETHEADERS, l.encode(ctx.alloc()));
    }

    private <A> void publish(final EventKind kind, final int length, final SlotFiller<A> filler, final A arg) {
        final int result = publisher.publish(kind, chain, length, filler, arg);
        if (result != EventPublisher.PUBLISHED) {
            // the ring refused it (closed, or a block over the slot size): nothing more this connection says can be ordered after it
            drop(DecodeFailure.MALFORMED_PAYLOAD);
        }
    }

    private boolean fillConnected(final ChainEvent slot) {
        final ByteBuf block = connectingBlock;
        final int length = block.readableBytes();
        slot.height(connecting.height()).timestampMs(System.currentTimeMillis());
        slot.blockHash().putBytes(0, connecting.hash());
        slot.parentHash().putBytes(0, connecting.header(), BlockHeader.PREV_OFFSET, 32);
        if (!slot.reservePayload(length)) {
            return false;
        }
        block.getBytes(block.readerIndex(), slot.payloadArray(), 0, length);
        return true;
    }

    private static boolean fillDisconnected(final ChainEvent slot, final HeaderTree.Node n) {
        slot.height(n.height());
        slot.blockHash().putBytes(0, n.hash());
        if (n.header() != null) {
            slot.parentHash().putBytes(0, n.header(), BlockHeader.PREV_OFFSET, 32);
        } else {
            // a block known from the journal (no header): the root is never disconnected, so it has a parent
            slot.parentHash().putBytes(0, n.parent().hash());
        }
        return true;
    }

    private static boolean fillTx(final ChainEvent slot, final ByteBuf tx) {
        slot.timestampMs(System.currentTimeMillis());
        final int length = tx.readableBytes();
        if (!slot.reservePayload(length)) {
            return false;
        }
        tx.getBytes(tx.readerIndex(), slot.payloadArray(), 0, length);
        return true;
    }

    private void send(final Command command, final ByteBuf payload) {
        ctx.writeAndFlush(new P2pMessage(command, payload));
    }

    private void drop(final DecodeFailure reason) {
        misbehaved = true;
        failures.incrementAndGet(reason.ordinal());
        ctx.close();
    }
}
