package io.finality.bitcoin.p2p;

import io.finality.bitcoin.regtest.RegtestChain;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client connection of the {@link LoopbackPeer}: answers the handshake, {@code getheaders},
 * {@code getblocks}, {@code getdata}, {@code mempool} and {@code ping} as Bitcoin Core does, and sends
 * the peer's announcements in the form the client asked for ({@code headers} after {@code sendheaders},
 * {@code inv} otherwise). A decode failure or a malformed payload closes the connection.
 *
 * <p>Runs on the peer's single event loop only (as does all of the peer's state).
 */
final class LoopbackPeerSession extends SimpleChannelInboundHandler<Object> {
    /** Core announces at most this many blocks as headers; more go as an inv of the tip. */
    static final int MAX_BLOCKS_TO_ANNOUNCE = 8;

    private final LoopbackPeer peer;
    private ChannelHandlerContext ctx;
    private boolean versionReceived;
    private boolean verackReceived;
    private boolean sendHeaders;
    private boolean relay = true;

    LoopbackPeerSession(final LoopbackPeer peer) {
        this.peer = peer;
    }

    boolean ready() {
        return versionReceived && verackReceived;
    }

    boolean relay() {
        return relay;
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    void send(final Command command, final ByteBuf payload) {
        ctx.writeAndFlush(new P2pMessage(command, payload));
    }

    void sendRaw(final ByteBuf bytes) {
        ctx.writeAndFlush(bytes);
    }

    void close() {
        ctx.close();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        peer.register(this);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        peer.unregister(this);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        ctx.close();
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final Object msg) {
        if (msg instanceof DecodeFailure) {
            peer.onDecodeFailure();
            ctx.close();
            return;
        }
        if (peer.stalled()) {
            return;
        }
        final P2pMessage m = (P2pMessage)msg;
        final boolean ok = switch (m.command()) {
            case VERSION -> onVersion(m.payload());
            case VERACK -> {
                verackReceived = true;
                yield true;
            }
            case PING -> onPing(m.payload());
            case SENDHEADERS -> {
                sendHeaders = true;
                yield true;
            }
            case GETHEADERS -> onGetHeaders(m.payload());
            case GETBLOCKS -> onGetBlocks(m.payload());
            case GETDATA -> onGetData(m.payload());
            case MEMPOOL -> onMempool();
            default -> true;
        };
        if (!ok) {
            peer.onDecodeFailure();
            ctx.close();
        }
    }

    private boolean onVersion(final ByteBuf payload) {
        final VersionMessage v = VersionMessage.decode(payload);
        if (v == null || versionReceived) {
            return false;
        }
        versionReceived = true;
        relay = v.relay();
        final long services = VersionMessage.NODE_NETWORK | VersionMessage.NODE_WITNESS;
        final VersionMessage ours = new VersionMessage(VersionMessage.PROTOCOL_VERSION, services,
            System.currentTimeMillis() / 1000, v.addrFrom(), VersionMessage.emptyAddress(), ThreadLocalRandom.current().nextLong(),
            LoopbackPeer.USER_AGENT, (int)peer.tipHeightOnLoop(), true);
        send(Command.VERSION, ours.encode(ctx.alloc()));
        send(Command.VERACK, ctx.alloc().buffer(0));
        return true;
    }

    private boolean onPing(final ByteBuf payload) {
        final long nonce = NonceMessage.decode(payload);
        if (nonce == NonceMessage.MALFORMED) {
            return false;
        }
        send(Command.PONG, NonceMessage.encode(ctx.alloc(), nonce));
        return true;
    }

    private boolean onGetHeaders(final ByteBuf payload) {
        final LocatorMessage l = LocatorMessage.decode(payload);
        if (l == null) {
            return false;
        }
        final long from = peer.forkHeight(l.locator()) + 1;
        final long to = Math.min(peer.tipHeightOnLoop(), from + LoopbackPeer.MAX_HEADERS_REPLY - 1);
        final List<byte[]> headers = new ArrayList<>();
        for (long h = from; h <= to; h++) {
            final RegtestChain.BuiltBlock b = peer.blockOnLoop(h);
            headers.add(Arrays.copyOf(b.raw(), BlockHeader.LENGTH));
            if (Arrays.equals(b.hash(), l.stop())) {
                break;
            }
        }
        send(Command.HEADERS, new HeadersMessage(headers).encode(ctx.alloc()));
        return true;
    }

    private boolean onGetBlocks(final ByteBuf payload) {
        final LocatorMessage l = LocatorMessage.decode(payload);
        if (l == null) {
            return false;
        }
        final long from = peer.forkHeight(l.locator()) + 1;
        final long to = Math.min(peer.tipHeightOnLoop(), from + LoopbackPeer.MAX_GETBLOCKS_REPLY - 1);
        final List<InventoryMessage.Item> items = new ArrayList<>();
        for (long h = from; h <= to; h++) {
            final RegtestChain.BuiltBlock b = peer.blockOnLoop(h);
            items.add(new InventoryMessage.Item(InventoryMessage.MSG_BLOCK, b.hash()));
            if (Arrays.equals(b.hash(), l.stop())) {
                break;
            }
        }
        if (!items.isEmpty()) {
            send(Command.INV, new InventoryMessage(items).encode(ctx.alloc()));
        }
        return true;
    }

    private boolean onGetData(final ByteBuf payload) {
        final InventoryMessage inv = InventoryMessage.decode(payload);
        if (inv == null) {
            return false;
        }
        final List<InventoryMessage.Item> missing = new ArrayList<>();
        for (InventoryMessage.Item it : inv.items()) {
            final byte[] raw = switch (it.baseType()) {
                case InventoryMessage.MSG_BLOCK -> peer.blockByHash(it.hash());
                case InventoryMessage.MSG_TX -> peer.mempoolTx(it.hash());
                default -> null;
            };
            if (raw == null) {
                missing.add(it);
            } else {
                final Command c = it.baseType() == InventoryMessage.MSG_BLOCK ? Command.BLOCK : Command.TX;
                send(c, ctx.alloc().buffer(raw.length).writeBytes(raw));
            }
        }
        if (!missing.isEmpty()) {
            send(Command.NOTFOUND, new InventoryMessage(missing).encode(ctx.alloc()));
        }
        return true;
    }

    private boolean onMempool() {
        final List<InventoryMessage.Item> items = new ArrayList<>();
        for (byte[] txid : peer.mempoolTxids()) {
            items.add(new InventoryMessage.Item(InventoryMessage.MSG_TX, txid));
        }
        if (!items.isEmpty()) {
            send(Command.INV, new InventoryMessage(items).encode(ctx.alloc()));
        }
        return true;
    }

    /** Announce the best-chain blocks above {@code fork} (the new branch after a reorg). */
    void announce(final long fork) {
        final long tip = peer.tipHeightOnLoop();
        if (tip <= fork) {
            return;
        }
        if (sendHeaders && tip - fork <= MAX_BLOCKS_TO_ANNOUNCE) {
            final List<byte[]> headers = new ArrayList<>();
            for (long h = fork + 1; h <= tip; h++) {
                headers.add(Arrays.copyOf(peer.blockOnLoop(h).raw(), BlockHeader.LENGTH));
            }
            send(Command.HEADERS, new HeadersMessage(headers).encode(ctx.alloc()));
            return;
        }
        final List<InventoryMessage.Item> items = new ArrayList<>();
        final long from = tip - fork <= LoopbackPeer.MAX_GETBLOCKS_REPLY ? fork + 1 : tip;
        for (long h = from; h <= tip; h++) {
            items.add(new InventoryMessage.Item(InventoryMessage.MSG_BLOCK, peer.blockOnLoop(h).hash()));
        }
        send(Command.INV, new InventoryMessage(items).encode(ctx.alloc()));
    }
}
