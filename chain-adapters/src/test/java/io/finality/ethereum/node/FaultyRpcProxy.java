package io.finality.ethereum.node;

import io.finality.ethereum.devnet.AnvilNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.JsonNode;

/**
 * A WebSocket JSON-RPC man-in-the-middle on a free 127.0.0.1 port for client tests: every client connection gets
 * its own upstream connection to the node (e.g. {@link AnvilNode#wsUri()}); text frames go through both ways,
 * subscriptions included, unless a fault armed for the request's JSON-RPC method says otherwise:
 * <ul>
 *   <li>{@link #failMethod}: answer a JSON-RPC error; the request is <em>not</em> forwarded.</li>
 *   <li>{@link #nullResult}, {@link #garbage}, {@link #oversize}: the request is forwarded (the node acts on it) and
 *   its answer, recognised by the request id, is replaced by {@code "result":null}, a truncated JSON object
 *   carrying the id, or a valid frame of the given size.</li>
 *   <li>{@link #swallow}: forwarded, the answer dropped: the client must time out (and must not assume the node
 *   did nothing, e.g. for eth_sendRawTransaction).</li>
 *   <li>{@link #dropConnection()}: close every client connection now (and its upstream).</li>
 * </ul>
 * Each fault applies to the next {@code times} single requests of that method (arming a method again replaces its
 * fault). Batch requests (a JSON array) are forwarded whole, unfaulted; each method inside is counted.
 * If the node closes the upstream connection (killed, restarted), the proxy closes the client's connection too.
 *
 * <p>Threading: the arming methods, the counters and {@link #close()} may be called from any thread (the state
 * they share with the event loop is concurrent); the connections run on one Netty event loop.
 */
public final class FaultyRpcProxy implements AutoCloseable {
    /** Largest frame the proxy accepts from either side. */
    static final int MAX_FRAME_BYTES = 64 << 20;

    private final URI upstream;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Map<String, ArmedFault> faults = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Channel server;

    private FaultyRpcProxy(final URI upstream) throws InterruptedException {
        this.upstream = upstream;
        final FaultyRpcProxy proxy = this;
        final WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
            .websocketPath("/")
            .checkStartsWith(true)
            .maxFramePayloadLength(MAX_FRAME_BYTES)
            .build();
        server = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    clients.add(ch);
                    connections.incrementAndGet();
                    ch.pipeline().addLast(
                        new HttpServerCodec(),
                        new HttpObjectAggregator(1 << 16),
                        new WebSocketServerProtocolHandler(config),
                        new WebSocketFrameAggregator(MAX_FRAME_BYTES),
                        new ProxySession(proxy, proxy.upstream));
                }
            })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .sync()
            .channel();
    }

    /** A proxy in front of the WebSocket JSON-RPC endpoint {@code upstream} (a ws://127.0.0.1 URI). */
    public static FaultyRpcProxy start(final URI upstream) {
        if (!"ws".equals(upstream.getScheme()) || !"127.0.0.1".equals(upstream.getHost())) {
            throw new IllegalArgumentException("loopback ws:// only: " + upstream);
        }
        try {
            return new FaultyRpcProxy(upstream);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted binding the proxy", e);
        }
    }

    /** The port clients connect to. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** ws://127.0.0.1:port. */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port());
    }

    /** Answer the next {@code times} requests for {@code method} with error {@code code}/{@code message}, not forwarding them. */
    public FaultyRpcProxy failMethod(final String method, final int times, final int code, final String message) {
        return arm(method, new ArmedFault(ArmedFault.Kind.ERROR, times, code, message, 0));
    }

    /** Answer the next {@code times} requests for {@code method} with {@code "result":null} (forwarded all the same). */
    public FaultyRpcProxy nullResult(final String method, final int times) {
        return arm(method, new ArmedFault(ArmedFault.Kind.NULL_RESULT, times, 0, null, 0));
    }

    /** Answer the next {@code times} requests for {@code method} with a truncated JSON object carrying their id. */
    public FaultyRpcProxy garbage(final String method, final int times) {
        return arm(method, new ArmedFault(ArmedFault.Kind.GARBAGE, times, 0, null, 0));
    }

    /** Never answer the next {@code times} requests for {@code method} (they reach the node; its answers are dropped). */
    public FaultyRpcProxy swallow(final String method, final int times) {
        return arm(method, new ArmedFault(ArmedFault.Kind.SWALLOW, times, 0, null, 0));
    }

    /** Answer the next {@code times} requests for {@code method} with a valid JSON-RPC result frame of {@code bytes} bytes. */
    public FaultyRpcProxy oversize(final String method, final int times, final int bytes) {
        return arm(method, new ArmedFault(ArmedFault.Kind.OVERSIZE, times, 0, null, bytes));
    }

    /** Disarm every fault. */
    public FaultyRpcProxy clearFaults() {
        faults.clear();
        return this;
    }

    /** Close every client connection now (with its upstream); new connections are accepted as before. */
    public void dropConnection() {
        clients.close().awaitUninterruptibly();
    }

    /** How many requests for {@code method} arrived so far, single or inside batches, faulted or not. */
    public long requests(final String method) {
        final LongAdder n = requests.get(method);
        return n == null ? 0 : n.sum();
    }

    /** How many client connections were accepted so far (a reconnect counts). */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        clients.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Count one request object (event loop). */
    void count(final JsonNode request) {
        final JsonNode method = request.get("method");
        if (method != null && method.isString()) {
            requests.computeIfAbsent(method.asString(), m -> new LongAdder()).increment();
        }
    }

    /** The fault to apply to this single request, if one is armed for its method and has uses left (event loop). */
    ArmedFault faultFor(final JsonNode request) {
        final JsonNode method = request.get("method");
        if (method == null || !method.isString() || !request.has("id") || request.get("id").isNull()) {
            return null;
        }
        final ArmedFault fault = faults.get(method.asString());
        return fault != null && fault.take() ? fault : null;
    }

    private FaultyRpcProxy arm(final String method, final ArmedFault fault) {
        faults.put(method, fault);
        return this;
    }
}
