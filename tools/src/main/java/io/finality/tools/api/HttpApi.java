package io.finality.tools.api;

import io.finality.tools.metrics.EventTypeCounts;
import io.finality.tools.node.FinalityNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP API of a {@link FinalityNode} on Netty: open, get, cancel and search invoices, list an
 * invoice's events, health and Prometheus metrics (routes in {@link ApiHandler}).
 *
 * <p>One event-loop thread accepts and decodes; requests run on {@link ApiContext#workerThreads()}
 * worker threads because a store write (synced RocksDB) and a journal scan block. Bodies larger
 * than {@link ApiContext#maxBodyBytes()} are refused with 413 as soon as the limit is known (from
 * Content-Length, or while chunks arrive): nothing more is buffered or decoded, and the connection is
 * closed after a short linger (so the client can read the 413 before the close).
 *
 * <p>Thread rules: {@link #start()} and {@link #close()} from one owning thread.
 */
public final class HttpApi implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());
    /** How long a connection whose body was refused is kept open (reading and dropping) before it is closed. */
    private static final long LINGER_MS = 1_000;

    private final ApiContext context;
    private final FinalityNode node;
    private EventLoopGroup loop;
    private ExecutorService workers;
    private Channel server;
    private List<ChainHealth> chains = List.of();
    private EventTypeCounts eventTypes;

    public HttpApi(final ApiContext context, final FinalityNode node) {
        if (context.token() == null) {
            throw new IllegalArgumentException("token: a bearer token is required (token_file or token_env)");
        }
        this.context = context;
        this.node = node;
    }

    /** The chain connections {@code /health} reports (before {@link #start()}). */
    public HttpApi chains(final List<ChainHealth> value) {
        chains = List.copyOf(value);
        return this;
    }

    /** Bind and start serving; returns this. */
    public HttpApi start() {
        loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("finality-api-io", true), NioIoHandler.newFactory());
        workers = Executors.newFixedThreadPool(context.workerThreads(), new DefaultThreadFactory("finality-api-worker", true));
        eventTypes = new EventTypeCounts(node.journal(), node.journalIndexAtStart(), node.firstEventSequence());
        final ApiHandler handler = new ApiHandler(node, context.token(), workers, chains, eventTypes);
        try {
            server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new BodyLimit(context.maxBodyBytes(), handler), handler);
                    }
                })
                .bind(new InetSocketAddress(context.bind(), context.port())).syncUninterruptibly().channel();
        } catch (final RuntimeException ex) {
            close();
            throw ex;
        }
        LOG.log(System.Logger.Level.INFO, "HTTP API listening on " + server.localAddress());
        return this;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return ((InetSocketAddress)server.localAddress()).getPort();
    }

    /** Stop accepting, finish in-flight requests briefly, and stop every thread this API started. */
    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
            server = null;
        }
        if (loop != null) {
            loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            loop = null;
        }
        if (workers != null) {
            workers.shutdown();
            try {
                if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                    workers.shutdownNow();
                }
            } catch (final InterruptedException ex) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
            workers = null;
        }
        if (eventTypes != null) {
            eventTypes.close();
            eventTypes = null;
        }
    }

    /** Aggregates a request up to the limit; beyond it answers 413 with a JSON error and closes. */
    private static final class BodyLimit extends HttpObjectAggregator {
        private final int limit;
        private final ApiHandler counter;

        BodyLimit(final int limit, final ApiHandler counter) {
            super(limit);
            this.limit = limit;
            this.counter = counter;
        }

        @Override
        protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized) {
            final byte[] body = ("{\"error\":\"request body larger than " + limit + " bytes\",\"field\":null}")
                .getBytes(StandardCharsets.UTF_8);
            final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            counter.countResponse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code());
            ctx.writeAndFlush(response).addListener(written -> {
                // Closing at once would reset the connection while the client is still sending, and a reset
                // can destroy the 413 before the client reads it. So: stop decoding (no request on this
                // connection is handled any more), throw away what still arrives, close after a short linger.
                final ChannelPipeline pipeline = ctx.pipeline();
                pipeline.addFirst("discard", new Discard());
                while (pipeline.last() != pipeline.get("discard")) {
                    pipeline.removeLast();
                }
                ctx.channel().eventLoop().schedule(() -> {
                    ctx.channel().close();
                }, LINGER_MS, TimeUnit.MILLISECONDS);
            });
        }
    }

    /** Drops every inbound byte of a connection being closed. */
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
