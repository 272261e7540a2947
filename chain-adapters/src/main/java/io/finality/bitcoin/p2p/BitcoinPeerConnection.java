package io.finality.bitcoin.p2p;

import io.finality.core.pipeline.EventPublisher;
import io.finality.core.spi.ChainSource;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A Bitcoin node connection: one Netty channel to one node, headers-first sync from the configured
 * start block, pipelined block download, mempool transactions, publishing into the ring.
 *
 * <pre>
 *   socket -> P2pFrameDecoder -> PeerSyncHandler --publish--> ring (BLOCK_CONNECTED / BLOCK_DISCONNECTED / MEMPOOL_TX)
 *          <- P2pFrameEncoder <-
 * </pre>
 *
 * <p>Reconnection with backoff and resume from the journal are not part of this class yet: a dropped
 * connection stays down ({@link #connected()} turns false) and the reason is counted.
 *
 * <p>Thread rules: {@link #start} and {@link #close} from the composition root; the handler publishes
 * from the connection's single event-loop thread; the counters may be read from any thread.
 */
public final class BitcoinPeerConnection implements ChainSource {
    private final BitcoinPeerContext context;
    private final AtomicLongArray failures = new AtomicLongArray(DecodeFailure.values().length);
    private EventLoopGroup group;
    private Channel channel;
    private PeerSyncHandler handler;

    public BitcoinPeerConnection(final BitcoinPeerContext context) {
        if (context.node() == null || context.startHash() == null) {
            throw new IllegalArgumentException("node and start hash are required");
        }
        this.context = context;
    }

    @Override
    public void start(final EventPublisher publisher) {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        handler = new PeerSyncHandler(context, publisher, failures);
        final Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(final SocketChannel ch) {
                final int magic = context.network().magic();
                ch.pipeline().addLast(new P2pFrameDecoder(magic), new P2pFrameEncoder(magic), handler);
            }
        });
        channel = b.connect(context.node()).syncUninterruptibly().channel();
    }

    /** Whether the channel is open. */
    public boolean connected() {
        return channel != null && channel.isOpen();
    }

    /** How often {@code reason} dropped the connection. */
    public long failures(final DecodeFailure reason) {
        return failures.get(reason.ordinal());
    }

    /** Height of the last block published as connected (the start height before any). */
    public long connectedHeight() {
        return handler == null ? context.startHeight() : handler.connectedHeight();
    }

    @Override
    public void close() {
        if (group == null) {
            return;
        }
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        group = null;
    }
}
