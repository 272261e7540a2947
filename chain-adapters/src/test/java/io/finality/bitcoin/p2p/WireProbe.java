package io.finality.bitcoin.p2p;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted test client on 127.0.0.1: sends frames with our codec and queues what comes back (payloads
 * copied, buffers released), so a test can drive the loopback peer message by message.
 */
final class WireProbe implements AutoCloseable {
    /** Queued when the connection closes. */
    static final Object CLOSED = new Object();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<Object> inbound = new LinkedBlockingQueue<>();
    private final Channel channel;

    WireProbe(final int magic, final int port) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(final SocketChannel ch) {
                ch.pipeline().addLast(new P2pFrameDecoder(magic), new P2pFrameEncoder(magic), new SimpleChannelInboundHandler<Object>() {
                    @Override
                    protected void channelRead0(final ChannelHandlerContext ctx, final Object msg) {
                        if (msg instanceof P2pMessage m) {
                            inbound.add(new Frames.Decoded(m.command(), ByteBufUtil.getBytes(m.payload())));
                        } else {
                            inbound.add(msg);
                        }
                    }

                    @Override
                    public void channelInactive(final ChannelHandlerContext ctx) {
                        inbound.add(CLOSED);
                    }
                });
            }
        }).connect(InetAddress.getLoopbackAddress(), port).sync().channel();
    }

    void send(final Command command, final byte[] payload) {
        channel.writeAndFlush(new P2pMessage(command, Unpooled.wrappedBuffer(payload))).syncUninterruptibly();
    }

    void sendRaw(final byte[] bytes) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).syncUninterruptibly();
    }

    /** The next inbound object (a {@link Frames.Decoded}, a {@link DecodeFailure} or {@link #CLOSED}), or null after the timeout. */
    Object poll(final long millis) throws InterruptedException {
        return inbound.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next message with {@code command}, skipping others; fails after five seconds. */
    Frames.Decoded expect(final Command command) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            final Object o = inbound.poll(100, TimeUnit.MILLISECONDS);
            if (o instanceof Frames.Decoded d && d.command() == command) {
                return d;
            }
            if (o == CLOSED || o instanceof DecodeFailure) {
                throw new AssertionError("expected " + command + " but got " + (o == CLOSED ? "CLOSED" : o));
            }
        }
        throw new AssertionError("no " + command + " within 5 s");
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
