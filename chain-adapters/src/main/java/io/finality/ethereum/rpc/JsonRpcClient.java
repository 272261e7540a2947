package io.finality.ethereum.rpc;

import io.finality.ethereum.RpcFrameReader;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A JSON-RPC 2.0 client over one Netty WebSocket to an Ethereum node.
 *
 * <pre>
 *   socket -> HttpClientCodec -> WebSocketClientProtocolHandler (handshake, max frame) -> WebSocketFrameAggregator
 *          -> RpcChannelHandler -> {@link #onFrame}: RpcFrameReader routes by id / subscription / batch
 * </pre>
 *
 * <ul>
 *   <li>Requests carry the client's own increasing ids; any number may be in flight (pipelined), and calls
 *   between {@link #beginBatch()} and {@link #endBatch()} go out as one JSON array (a batch) whose answers
 *   are routed to each call's handler by id.</li>
 *   <li>Each request fails with {@link RpcResponseHandler#TIMEOUT} if unanswered in time, and every
 *   outstanding one with {@link RpcResponseHandler#DISCONNECTED} when the connection drops.</li>
 *   <li>The connection is redialled with exponential backoff until {@link #close()}; the listener hears of
 *   each connect and disconnect and must subscribe again.</li>
 *   <li>A frame over {@link JsonRpcContext#maxFrameBytes()} is refused: Netty's decoder closes the
 *   connection, the reason is logged and counted, and the client redials. A frame that is not JSON-RPC
 *   is logged, counted and dropped; the request it may have answered then times out.</li>
 * </ul>
 *
 * <p>Thread rules: {@link #start} and {@link #close} from the owner; {@link #call}, {@link #beginBatch} and
 * {@link #endBatch} on {@link #eventLoop()} (handlers and the listener run there too); counters from any
 * thread.
 */
public final class JsonRpcClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JsonRpcClient.class.getName());

    private final JsonRpcContext context;
    private final JsonRpcListener listener;
    private final RpcFrameReader reader = new RpcFrameReader();
    private final RpcResponse response = new RpcResponse(reader);
    private final Long2ObjectHashMap<Pending> pending = new Long2ObjectHashMap<>();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong malformedFrames = new AtomicLong();
    private final AtomicLong refusedFrames = new AtomicLong();
    private byte[] scratch = new byte[0];
    private volatile EventLoopGroup group;
    private volatile Channel channel;
    private volatile boolean ready;
    private volatile boolean closing;
    private volatile String lastDisconnect = "";
    private Bootstrap bootstrap;
    private EventLoop loop;
    private long nextId = 1;
    private long backoffMs;
    private StringBuilder batch;
    private int batchSize;

    public JsonRpcClient(final JsonRpcContext context, final JsonRpcListener listener) {
        if (context.uri() == null) {
            throw new IllegalArgumentException("the node's ws:// endpoint is required");
        }
        this.context = context;
        this.listener = listener;
        this.backoffMs = context.minBackoffMs();
    }

    /** Create the event loop and dial; returns at once (the listener hears when connected). */
    public JsonRpcClient start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
        final WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(context.uri())
            .maxFramePayloadLength(context.maxFrameBytes())
            .handshakeTimeoutMillis(context.requestTimeoutMs())
            .build();
        bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
            // heap buffers: a frame is then a byte[] the decoders read in place
            .option(ChannelOption.ALLOCATOR, new PooledByteBufAllocator(false))
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, context.requestTimeoutMs()))
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                        new WebSocketClientProtocolHandler(ws), new WebSocketFrameAggregator(context.maxFrameBytes()),
                        new RpcChannelHandler(JsonRpcClient.this));
                }
            });
        loop.execute(this::dial);
        return this;
    }

    /** The single thread every callback runs on and every call must come from. */
    public EventLoop eventLoop() {
        return loop;
    }

    /** Whether the WebSocket is open and handshaken. */
    public boolean connected() {
        return ready;
    }

    /**
     * Send {@code {"jsonrpc":"2.0","id":N,"method":method,"params":params}}; {@code paramsJson} is a JSON
     * array written verbatim. Event loop only.
     *
     * @return the request id (the handler has already failed with {@link RpcResponseHandler#NOT_CONNECTED}
     *     if there is no connection).
     */
    public long call(final String method, final String paramsJson, final RpcResponseHandler handler) {
        assert loop.inEventLoop() : "call from the client's event loop";
        final long id = nextId++;
        final Channel ch = channel;
        if (!ready || ch == null) {
            handler.onFailure(RpcResponseHandler.NOT_CONNECTED);
            return id;
        }
        final Pending p = new Pending(method, handler);
        pending.put(id, p);
        requests.incrementAndGet();
        p.timeout = loop.schedule(() -> timeout(id), context.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        final String request = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}";
        if (batch != null) {
            batch.append(batchSize++ == 0 ? "" : ",").append(request);
        } else {
            write(ch, request);
        }
        return id;
    }

    /** Collect the following {@link #call}s into one batch until {@link #endBatch()}. Event loop only. */
    public void beginBatch() {
        assert loop.inEventLoop() : "batch from the client's event loop";
        if (batch != null) {
            throw new IllegalStateException("a batch is already open");
        }
        batch = new StringBuilder(256).append('[');
        batchSize = 0;
    }

    /** Send the collected calls as one JSON array (nothing if none were collected). Event loop only. */
    public void endBatch() {
        if (batch == null) {
            throw new IllegalStateException("no batch is open");
        }
        final StringBuilder b = batch.append(']');
        batch = null;
        final Channel ch = channel;
        if (batchSize > 0 && ready && ch != null) {
            write(ch, b.toString());
        }
    }

    private static void write(final Channel ch, final String text) {
        final ByteBuf buf = ByteBufUtil.writeUtf8(ch.alloc(), text);
        ch.writeAndFlush(new TextWebSocketFrame(buf));
    }

    private void dial() {
        if (closing) {
            return;
        }
        final InetSocketAddress address = new InetSocketAddress(context.uri().getHost(), port());
        final ChannelFuture f = bootstrap.connect(address);
        channel = f.channel();
        f.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                lastDisconnect = "connect failed: " + done.cause();
                redial();
                return;
            }
            done.channel().closeFuture().addListener(closed -> onClosed());
        });
    }

    private int port() {
        final int port = context.uri().getPort();
        return port > 0 ? port : 80;
    }

    private void redial() {
        if (closing) {
            return;
        }
        final long delay = backoffMs;
        backoffMs = Math.min(context.maxBackoffMs(), backoffMs * 2);
        loop.schedule(this::dial, delay, TimeUnit.MILLISECONDS);
    }

    /** Handshake complete (RpcChannelHandler). */
    void onHandshake() {
        ready = true;
        backoffMs = context.minBackoffMs();
        connects.incrementAndGet();
        LOG.log(System.Logger.Level.INFO, "connected to " + context.redactedUri());
        listener.onConnected();
    }

    /** A refused or failed channel (RpcChannelHandler): remember why before the close arrives. */
    void onChannelError(final Throwable cause, final boolean tooLarge) {
        if (tooLarge) {
            refusedFrames.incrementAndGet();
        }
        lastDisconnect = (tooLarge ? "frame refused (over " + context.maxFrameBytes() + " bytes): " : "channel error: ") + cause;
        LOG.log(System.Logger.Level.WARNING, "closing the connection to " + context.redactedUri() + ": " + lastDisconnect);
    }

    private void onClosed() {
        final boolean wasReady = ready;
        ready = false;
        failAll(closing ? RpcResponseHandler.CLOSED : RpcResponseHandler.DISCONNECTED);
        if (wasReady && !closing) {
            final String reason = lastDisconnect.isEmpty() ? "closed by the node" : lastDisconnect;
            LOG.log(System.Logger.Level.INFO, "disconnected from " + context.redactedUri() + ": " + reason);
            listener.onDisconnected(reason);
        }
        lastDisconnect = "";
        redial();
    }

    private void failAll(final int reason) {
        if (pending.isEmpty()) {
            return;
        }
        final List<Pending> failed = new ArrayList<>(pending.values());
        pending.clear();
        for (Pending p : failed) {
            p.timeout.cancel(false);
            p.handler.onFailure(reason);
        }
    }

    private void timeout(final long id) {
        final Pending p = pending.remove(id);
        if (p != null) {
            timeouts.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, p.method + " (id " + id + ") timed out after " + context.requestTimeoutMs() + " ms");
            p.handler.onFailure(RpcResponseHandler.TIMEOUT);
        }
    }

    /** A whole text frame (RpcChannelHandler); the frame is released by the caller afterwards. */
    void onFrame(final ByteBuf content) {
        final int base = content.readerIndex();
        final int length = content.readableBytes();
        final UnsafeBuffer v = view;
        if (content.hasArray()) {
            v.wrap(content.array(), content.arrayOffset() + base, length);
        } else {
            // a frame assembled from continuations (a composite buffer): one copy
            if (scratch.length < length) {
                scratch = new byte[Math.max(length, scratch.length * 2)];
            }
            content.getBytes(base, scratch, 0, length);
            v.wrap(scratch, 0, length);
        }
        final int kind = reader.read(v, 0, length);
        switch (kind) {
            case RpcFrameReader.RESPONSE -> dispatch(content, base, 0, length);
            case RpcFrameReader.NOTIFICATION -> listener.onNotification(response.wrap(content, base, v, 0, length));
            case RpcFrameReader.BATCH -> {
                final int n = reader.elementCount();
                for (int i = 0; i < n; i++) {
                    if (reader.readElement(v, i) == RpcFrameReader.RESPONSE) {
                        dispatch(content, base, reader.elementOffset(i), reader.elementLength(i));
                    } else {
                        malformed(v, length);
                    }
                }
            }
            default -> malformed(v, length);
        }
    }

    private void dispatch(final ByteBuf content, final int base, final int offset, final int length) {
        final long id = reader.id();
        final Pending p = id == RpcFrameReader.NO_ID ? null : pending.remove(id);
        if (p == null) {
            // an answer to a request that timed out, or to none of ours
            LOG.log(System.Logger.Level.DEBUG, "dropping a response with unknown id " + id);
            return;
        }
        p.timeout.cancel(false);
        p.handler.onResponse(response.wrap(content, base, view, offset, length));
    }

    private void malformed(final UnsafeBuffer v, final int length) {
        malformedFrames.incrementAndGet();
        LOG.log(System.Logger.Level.WARNING, "dropping a malformed frame of " + length + " bytes from " + context.redactedUri()
            + ": " + io.finality.ethereum.JsonError.name(reader.error()) + " at offset " + reader.errorOffset());
    }

    /** Connections completed so far (more than one: it reconnected). */
    public long connects() {
        return connects.get();
    }

    public long requests() {
        return requests.get();
    }

    public long timeouts() {
        return timeouts.get();
    }

    /** Frames that were not JSON-RPC (dropped). */
    public long malformedFrames() {
        return malformedFrames.get();
    }

    /** Frames refused as oversized (each closed the connection). */
    public long refusedFrames() {
        return refusedFrames.get();
    }

    @Override
    public void close() {
        final EventLoopGroup g = group;
        if (g == null) {
            return;
        }
        closing = true;
        final Channel ch = channel;
        if (ch != null) {
            ch.close().syncUninterruptibly();
        }
        g.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        group = null;
    }

    /** One outstanding request. */
    private static final class Pending {
        final String method;
        final RpcResponseHandler handler;
        ScheduledFuture<?> timeout;

        Pending(final String method, final RpcResponseHandler handler) {
            this.method = method;
            this.handler = handler;
        }
    }
}
