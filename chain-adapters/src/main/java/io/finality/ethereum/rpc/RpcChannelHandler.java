package io.finality.ethereum.rpc;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The last handler of a {@link JsonRpcClient} channel: hands whole text frames to the client, reports the
 * completed handshake, and turns decoder failures (an oversized or corrupt frame) into a logged close.
 * Binary frames are not JSON-RPC and are dropped. One instance per channel, on its event loop.
 */
final class RpcChannelHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final JsonRpcClient client;

    RpcChannelHandler(final JsonRpcClient client) {
        this.client = client;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame) {
            client.onFrame(frame.content());
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            client.onHandshake();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        client.onChannelError(cause, isTooLarge(cause));
        ctx.close();
    }

    private static boolean isTooLarge(final Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            return true;
        }
        return cause instanceof CorruptedWebSocketFrameException c
            && c.closeStatus() != null && c.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()
            || cause instanceof CorruptedFrameException && String.valueOf(cause.getMessage()).contains("Max frame length");
    }
}
