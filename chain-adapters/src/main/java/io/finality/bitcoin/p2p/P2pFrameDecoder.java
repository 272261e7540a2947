package io.finality.bitcoin.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the inbound byte stream into {@link P2pMessage}s.
 *
 * <pre>
 *   0       4                  16        20         24
 *   | magic | command (12, NUL) | length  | checksum | payload (length bytes) ...
 *     BE      ASCII, padded      u32 LE    SHA256d(payload)[0..4)
 * </pre>
 *
 * <p>The header is validated as soon as its 24 bytes are in: magic, command charset, then the length
 * against the command's cap ({@link Command#maxPayload()}). Only then does the decoder wait for the
 * payload, so a lying length never makes it buffer (or allocate) more than the cap. The checksum is
 * checked before the message is passed on. On the first failure the decoder emits the
 * {@link DecodeFailure} as a message (Netty's "bad input is data" rule), counts it, and from then on
 * discards every inbound byte: the stream has lost its framing, and the handler after it closes the
 * channel.
 *
 * <p>Payloads are retained slices of the cumulation buffer (no copy). Not sharable: one per channel,
 * called on that channel's event loop only.
 */
public final class P2pFrameDecoder extends ByteToMessageDecoder {
    /** Bytes in a frame header. */
    public static final int HEADER_LENGTH = 24;

    private final int magic;
    private final WireHash hash = new WireHash();
    private final byte[] commandField = new byte[Command.COMMAND_LENGTH];
    private final long[] failures = new long[DecodeFailure.values().length];
    private boolean failed;
    private long frames;

    /** A decoder for frames carrying {@code magic} (big-endian, as {@code BitcoinNetwork.magic()}). */
    public P2pFrameDecoder(final int magic) {
        this.magic = magic;
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
        while (!failed) {
            final int start = in.readerIndex();
            if (in.readableBytes() < HEADER_LENGTH) {
                return;
            }
            if (in.getInt(start) != magic) {
                fail(DecodeFailure.BAD_MAGIC, out);
                break;
            }
            in.getBytes(start + 4, commandField);
            final Command command = Command.ofField(commandField, 0);
            if (command == null) {
                fail(DecodeFailure.BAD_COMMAND, out);
                break;
            }
            final long length = in.getUnsignedIntLE(start + 16);
            if (length > command.maxPayload()) {
                fail(DecodeFailure.OVERSIZED, out);
                break;
            }
            final int len = (int)length;
            if (in.readableBytes() < HEADER_LENGTH + len) {
                return;
            }
            final int checksum = in.getInt(start + 20);
            if (hash.checksum(in, start + HEADER_LENGTH, len) != checksum) {
                fail(DecodeFailure.BAD_CHECKSUM, out);
                break;
            }
            in.skipBytes(HEADER_LENGTH);
            frames++;
            out.add(new P2pMessage(command, in.readRetainedSlice(len)));
        }
        in.skipBytes(in.readableBytes());
    }

    private void fail(final DecodeFailure reason, final List<Object> out) {
        failed = true;
        failures[reason.ordinal()]++;
        out.add(reason);
    }

    /** Frames decoded so far. */
    public long frames() {
        return frames;
    }

    /** How many times {@code reason} stopped this decoder (0 or 1: it stops at the first). */
    public long failures(final DecodeFailure reason) {
        return failures[reason.ordinal()];
    }

    /** Bytes held waiting for the rest of a frame (bounded by the header plus the current command's cap). */
    public int buffered() {
        final ByteBuf cumulation = internalBuffer();
        return cumulation.readableBytes();
    }

    /** Whether a failure has stopped this decoder. */
    public boolean failed() {
        return failed;
    }
}
