package io.finality.bitcoin.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Frames outbound {@link P2pMessage}s (see {@link P2pFrameDecoder} for the layout), computing the
 * checksum over the payload in place. Other outbound objects (e.g. raw {@link ByteBuf}s a test peer
 * sends as garbage) pass through untouched.
 *
 * <p>Stateless apart from a per-instance hasher; not sharable, one per channel, on its event loop.
 */
public final class P2pFrameEncoder extends MessageToByteEncoder<P2pMessage> {
    private final int magic;
    private final WireHash hash = new WireHash();
    private final byte[] commandField = new byte[Command.COMMAND_LENGTH];

    public P2pFrameEncoder(final int magic) {
        super(P2pMessage.class);
        this.magic = magic;
    }

    @Override
    protected void encode(final ChannelHandlerContext ctx, final P2pMessage msg, final ByteBuf out) {
        encode(magic, msg, out, hash, commandField);
    }

    /** Frame {@code msg} for {@code magic} into {@code out} (also used outside a pipeline, e.g. by tests). */
    public static void encode(final int magic, final P2pMessage msg, final ByteBuf out, final WireHash hash, final byte[] scratch) {
        if (msg.command() == Command.UNKNOWN) {
            throw new IllegalArgumentException("cannot send a command without a name");
        }
        final ByteBuf payload = msg.payload();
        final int len = payload.readableBytes();
        out.ensureWritable(P2pFrameDecoder.HEADER_LENGTH + len);
        out.writeInt(magic);
        msg.command().writeField(scratch, 0);
        out.writeBytes(scratch);
        out.writeIntLE(len);
        out.writeInt(hash.checksum(payload, payload.readerIndex(), len));
        out.writeBytes(payload, payload.readerIndex(), len);
    }
}
