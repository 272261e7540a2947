package io.finality.bitcoin.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The event-loop half of one {@link BitcoinBlockFetcher} connection: does the handshake (sends
 * {@code version}, answers the node's with {@code verack}), answers {@code ping} with {@code pong},
 * ignores announcements and relay chatter ({@code inv}, {@code headers}, {@code addr}, {@code tx}...),
 * and hands what the fetching thread needs to it as {@link Event}s on the flow-controlled
 * {@link FetchEventQueue}: handshake done, a block (copied out of the Netty buffer, with its header hash),
 * a {@code notfound}, a protocol violation, the channel closing. Every inbound message is released by
 * {@link SimpleChannelInboundHandler}; no Netty buffer crosses to the fetching thread.
 *
 * <p>One per channel; runs on the fetcher's event loop only (the queue is the thread boundary).
 */
final class BlockFetchHandler extends SimpleChannelInboundHandler<Object> {
    /** What the event loop tells the fetching thread; {@code connection} says which channel it came from. */
    sealed interface Event permits Ready, Block, NotFound, Violation, Closed {
        int connection();
    }

    /** Both {@code version} and {@code verack} received: requests may be sent; {@code services} from the node's version. */
    record Ready(int connection, long services) implements Event {
    }

    /** A {@code block} message: its header hash (internal order) and its bytes. */
    record Block(int connection, byte[] hash, byte[] raw) implements Event {
    }

    /** A {@code notfound}: the block hashes in it (other inventory types are left out). */
    record NotFound(int connection, List<byte[]> hashes) implements Event {
    }

    /** The node broke the protocol; the channel is being closed and must not be retried. */
    record Violation(int connection, String reason) implements Event {
    }

    /** The channel closed, for the reason given. */
    record Closed(int connection, String reason) implements Event {
    }

    private final BitcoinPeerContext context;
    private final int connection;
    private final FetchEventQueue events;
    private final WireHash hash = new WireHash();
    private ChannelHandlerContext ctx;
    private boolean versionReceived;
    private long services;
    private boolean verackReceived;
    private String closeReason = "the node closed the connection";

    BlockFetchHandler(final BitcoinPeerContext context, final int connection, final FetchEventQueue events) {
        this.context = context;
        this.connection = connection;
        this.events = events;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        // relay off: a rescan wants no transaction announcements; start height 0: we claim no chain
        final VersionMessage v = new VersionMessage(VersionMessage.PROTOCOL_VERSION, 0, System.currentTimeMillis() / 1000,
            VersionMessage.emptyAddress(), VersionMessage.emptyAddress(), ThreadLocalRandom.current().nextLong(), context.userAgent(),
            0, false);
        send(Command.VERSION, v.encode(ctx.alloc()));
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        post(new Closed(connection, closeReason));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        closeReason = "the connection failed: " + cause;
        ctx.close();
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final Object msg) {
        if (msg instanceof DecodeFailure reason) {
            violation("bad frame (" + reason + ")");
            return;
        }
        final P2pMessage m = (P2pMessage)msg;
        switch (m.command()) {
            case VERSION -> onVersion(m.payload());
            case VERACK -> {
                verackReceived = true;
                readyIfHandshaken();
            }
            case PING -> onPing(m.payload());
            case BLOCK -> onBlock(m.payload());
            case NOTFOUND -> onNotFound(m.payload());
            default -> {
                // inv, headers, addr, sendheaders, feefilter, tx...: nothing a rescan needs
            }
        }
    }

    private void onVersion(final ByteBuf payload) {
        final VersionMessage v = versionReceived ? null : VersionMessage.decode(payload);
        if (v == null) {
            violation("malformed or repeated version message");
            return;
        }
        versionReceived = true;
        services = v.services();
        send(Command.VERACK, ctx.alloc().buffer(0));
        readyIfHandshaken();
    }

    private void readyIfHandshaken() {
        if (versionReceived && verackReceived) {
            post(new Ready(connection, services));
        }
    }

    private void onPing(final ByteBuf payload) {
        final long nonce = NonceMessage.decode(payload);
        if (nonce == NonceMessage.MALFORMED) {
            violation("malformed ping message");
            return;
        }
        send(Command.PONG, NonceMessage.encode(ctx.alloc(), nonce));
    }

    private void onBlock(final ByteBuf payload) {
        final int length = payload.readableBytes();
        if (length < BlockHeader.LENGTH) {
            violation("block message of " + length + " bytes, shorter than a header");
            return;
        }
        final byte[] blockHash = new byte[32];
        hash.hash(payload, payload.readerIndex(), BlockHeader.LENGTH, blockHash, 0);
        // copied once here so the fetching thread never touches (or has to release) a Netty buffer
        post(new Block(connection, blockHash, ByteBufUtil.getBytes(payload, payload.readerIndex(), length)));
    }

    private void onNotFound(final ByteBuf payload) {
        final InventoryMessage inv = InventoryMessage.decode(payload);
        if (inv == null) {
            violation("malformed notfound message");
            return;
        }
        final List<byte[]> blocks = new ArrayList<>();
        for (InventoryMessage.Item it : inv.items()) {
            if (it.baseType() == InventoryMessage.MSG_BLOCK) {
                blocks.add(it.hash());
            }
        }
        post(new NotFound(connection, blocks));
    }

    private void violation(final String reason) {
        post(new Violation(connection, reason));
        closeReason = "closed after a protocol violation: " + reason;
        ctx.close();
    }

    private void post(final Event e) {
        events.offer(e, ctx.channel());
    }

    private void send(final Command command, final ByteBuf payload) {
        ctx.writeAndFlush(new P2pMessage(command, payload));
    }
}
