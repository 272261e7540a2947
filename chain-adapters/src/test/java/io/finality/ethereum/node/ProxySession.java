package io.finality.ethereum.node;

import io.finality.ethereum.devnet.AnvilRpc;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One client connection of a {@link FaultyRpcProxy} and its own upstream WebSocket to the node: counts and
 * inspects every request, applies the armed faults, forwards the rest, and relays answers and subscription
 * notifications back, replacing or dropping the answers to faulted requests (recognised by their id).
 *
 * <p>Threading: the client channel and its upstream channel share one event loop; everything here runs on it.
 */
final class ProxySession extends ChannelInboundHandlerAdapter {
    private final FaultyRpcProxy proxy;
    private final URI upstreamUri;
    private final Queue<String> pendingUntilUpstream = new ArrayDeque<>();
    /** JSON id text of forwarded faulted requests -> the fault to apply to their answers. */
    private final Map<String, ArmedFault> faultedAnswers = new HashMap<>();
    private Channel client;
    private Channel upstream;

    ProxySession(final FaultyRpcProxy proxy, final URI upstreamUri) {
        this.proxy = proxy;
        this.upstreamUri = upstreamUri;
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            client = ctx.channel();
            connectUpstream();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        try {
            if (msg instanceof TextWebSocketFrame text) {
                onRequest(text.text());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        ctx.close();
    }

    /** The upstream handshake completed: send what the client said meanwhile. */
    void upstreamReady(final Channel channel) {
        upstream = channel;
        if (!client.isActive()) {
            channel.close();
            return;
        }
        for (String frame = pendingUntilUpstream.poll(); frame != null; frame = pendingUntilUpstream.poll()) {
            upstream.writeAndFlush(new TextWebSocketFrame(frame));
        }
    }

    /** The node answered or notified. */
    void onAnswer(final String text) {
        if (!faultedAnswers.isEmpty()) {
            final JsonNode id = idOf(text);
            final ArmedFault fault = id == null ? null : faultedAnswers.remove(id.toString());
            if (fault != null) {
                if (fault.kind() != ArmedFault.Kind.SWALLOW) {
                    client.writeAndFlush(new TextWebSocketFrame(fault.answer(id.toString())));
                }
                return;
            }
        }
        client.writeAndFlush(new TextWebSocketFrame(text));
    }

    /** The upstream went away: so does the client, as with a node restart behind a real endpoint. */
    void upstreamClosed() {
        if (client != null) {
            client.close();
        }
    }

    private void onRequest(final String text) {
        final JsonNode request = parse(text);
        if (request != null && request.isArray()) {
            for (JsonNode element : request) {
                proxy.count(element);
            }
        } else if (request != null && request.isObject()) {
            proxy.count(request);
            final ArmedFault fault = proxy.faultFor(request);
            if (fault != null) {
                final String id = request.get("id").toString();
                if (fault.kind() == ArmedFault.Kind.ERROR) {
                    client.writeAndFlush(new TextWebSocketFrame(fault.answer(id)));
                    return;
                }
                faultedAnswers.put(id, fault);
            }
        }
        forward(text);
    }

    private void forward(final String text) {
        if (upstream == null) {
            pendingUntilUpstream.add(text);
        } else {
            upstream.writeAndFlush(new TextWebSocketFrame(text));
        }
    }

    private void connectUpstream() {
        final ProxySession session = this;
        final WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(upstreamUri)
            .maxFramePayloadLength(FaultyRpcProxy.MAX_FRAME_BYTES)
            .build();
        new Bootstrap()
            .group(client.eventLoop())
            .channel(NioSocketChannel.class)
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    ch.pipeline().addLast(
                        new HttpClientCodec(),
                        new HttpObjectAggregator(1 << 16),
                        new WebSocketClientProtocolHandler(config),
                        new WebSocketFrameAggregator(FaultyRpcProxy.MAX_FRAME_BYTES),
                        new UpstreamRelay(session));
                }
            })
            .connect(upstreamUri.getHost(), upstreamUri.getPort())
            .addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    client.close();
                } else if (!client.isActive()) {
                    f.channel().close();
                }
            });
    }

    private static JsonNode idOf(final String text) {
        final JsonNode answer = parse(text);
        return answer != null && answer.isObject() && answer.has("id") ? answer.get("id") : null;
    }

    private static JsonNode parse(final String text) {
        try {
            return AnvilRpc.MAPPER.readTree(text);
        } catch (JacksonException e) {
            // Not JSON: forwarded as it is, the node answers with a parse error.
            return null;
        }
    }

    /**
     * The upstream end of a {@link ProxySession}: tells it when the WebSocket handshake with the node is done,
     * relays the node's text frames to it, and reports the connection closing.
     *
     * <p>Runs on the session's event loop.
     */
    static final class UpstreamRelay extends ChannelInboundHandlerAdapter {
        private final ProxySession session;

        UpstreamRelay(final ProxySession session) {
            this.session = session;
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                session.upstreamReady(ctx.channel());
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            try {
                if (msg instanceof TextWebSocketFrame text) {
                    session.onAnswer(text.text());
                } else if (!(msg instanceof WebSocketFrame)) {
                    ctx.close();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) {
            session.upstreamClosed();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            ctx.close();
        }
    }
}
