package io.finality.bitcoin.p2p;

import io.finality.core.pipeline.EventPublisher;
import io.finality.core.spi.ChainSource;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>When the node closes the connection (or it fails), the connection is redialled after a backoff
 * ({@value #MIN_BACKOFF_MS} ms doubling to {@value #MAX_BACKOFF_MS} ms) and sync resumes after the last
 * published block, with no gap and no duplicate. A node that broke the protocol (bad frame, malformed
 * payload, bad header) is not redialled; one that goes silent for {@code stallTimeoutMs} while blocks or
 * headers are awaited is closed and redialled: {@link #connected()} stays false and the reason is counted.
 * After a process restart, a new connection resumes from the journaled position given to
 * {@link BitcoinPeerContext#resumeFrom}, walking back if the node reorganised meanwhile.
 *
 * <p>Thread rules: {@link #start} and {@link #close} from the composition root; the handler publishes
 * from the connection's single event-loop thread; the counters may be read from any thread.
 */
public final class BitcoinPeerConnection implements ChainSource {
    /** First redial delay. */
    public static final long MIN_BACKOFF_MS = 50;
    /** Longest redial delay. */
    public static final long MAX_BACKOFF_MS = 5_000;

    private final BitcoinPeerContext context;
    private final AtomicLongArray failures = new AtomicLongArray(DecodeFailure.values().length);
    private volatile EventLoopGroup group;
    private volatile Channel channel;
    private PeerSyncHandler handler;
    private Bootstrap bootstrap;
    private volatile boolean closing;
    private long backoffMs = MIN_BACKOFF_MS;
    private final AtomicLong connects = new AtomicLong();

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
        bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(final SocketChannel ch) {
                final int magic = context.network().magic();
                ch.pipeline().addLast(new IdleStateHandler(context.stallTimeoutMs(), 0, 0, TimeUnit.MILLISECONDS),
                    new P2pFrameDecoder(magic), new P2pFrameEncoder(magic), handler);
            }
        });
        dial();
    }

    /** Connect; on failure or on a later close, redial after the backoff unless closing or the node misbehaved. */
    private void dial() {
        final ChannelFuture f = bootstrap.connect(context.node());
        channel = f.channel();
        f.addListener((ChannelFuture done) -> {
            if (done.isSuccess()) {
                connects.incrementAndGet();
                backoffMs = MIN_BACKOFF_MS;
            }
            done.channel().closeFuture().addListener(closed -> redial());
        });
    }

    private void redial() {
        if (closing || handler.misbehaved() || group == null) {
            return;
        }
        final long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        group.schedule(this::dial, delay, TimeUnit.MILLISECONDS);
    }

    /** Connections closed because the node went silent with requests outstanding (then redialled). */
    public long stalls() {
        return handler == null ? 0 : handler.stalls();
    }

    /** Successful connections so far (more than one means it reconnected). */
    public long connects() {
        return connects.get();
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

    /** The node's tip as its headers showed it (validated, linked, proof of work checked), or -1 before any header. */
    public long nodeTipHeight() {
        return handler == null ? -1 : handler.bestHeaderHeight();
    }

    @Override
    public void close() {
        if (group == null) {
            return;
        }
        closing = true;
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        group = null;
    }
}
