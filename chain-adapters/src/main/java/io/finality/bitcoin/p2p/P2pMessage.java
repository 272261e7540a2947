package io.finality.bitcoin.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One framed P2P message: its command and its payload (checksum already verified on the way in, computed
 * on the way out). Reference counted through the payload: whoever consumes it releases it (Netty's
 * {@code SimpleChannelInboundHandler} does so), and writing it hands the reference to the encoder.
 *
 * <p>Belongs to one channel's event loop at a time.
 */
public final class P2pMessage extends DefaultByteBufHolder {
    private final Command command;

    public P2pMessage(final Command command, final ByteBuf payload) {
        super(payload);
        this.command = command;
    }

    public Command command() {
        return command;
    }

    /** The payload (same as {@link #content()}). */
    public ByteBuf payload() {
        return content();
    }

    @Override
    public P2pMessage replace(final ByteBuf content) {
        return new P2pMessage(command, content);
    }

    @Override
    public String toString() {
        return "P2pMessage[" + command + ", " + content().readableBytes() + " bytes]";
    }
}
