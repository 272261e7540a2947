package io.finality.bitcoin.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: frame a payload with our encoder, run bytes through a decoder in an EmbeddedChannel. */
final class Frames {
    private Frames() {
    }

    static byte[] frame(final int magic, final Command command, final byte[] payload) {
        final ByteBuf out = Unpooled.buffer();
        final P2pMessage msg = new P2pMessage(command, Unpooled.wrappedBuffer(payload));
        P2pFrameEncoder.encode(magic, msg, out, new WireHash(), new byte[Command.COMMAND_LENGTH]);
        msg.release();
        final byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }

    static byte[] bytes(final ByteBuf buf) {
        final byte[] b = ByteBufUtil.getBytes(buf);
        buf.release();
        return b;
    }

    /** Everything a fresh decoder emits for {@code wire}, payloads copied out and released. */
    static List<Object> decode(final int magic, final byte[]... chunks) {
        final EmbeddedChannel ch = new EmbeddedChannel(new P2pFrameDecoder(magic));
        for (byte[] c : chunks) {
            ch.writeInbound(Unpooled.wrappedBuffer(c));
        }
        final List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof P2pMessage m) {
                out.add(new Decoded(m.command(), ByteBufUtil.getBytes(m.payload())));
                m.release();
            } else {
                out.add(o);
            }
        }
        ch.finishAndReleaseAll();
        return out;
    }

    /** A decoded frame, payload copied. */
    record Decoded(Command command, byte[] payload) {
    }
}
