package io.finality.bitcoin.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The {@code version} handshake payload.
 *
 * <pre>
 *   version i32 | services u64 | timestamp i64 | addr_recv (26) | addr_from (26) | nonce u64
 *   | user_agent varstr (&le; {@value #MAX_USER_AGENT}) | start_height i32 | relay u8 (optional)
 *   addr = services u64 | IPv6 or IPv4-mapped address (16) | port u16 big-endian
 * </pre>
 *
 * <p>Immutable; safe from any thread. The network addresses are kept as raw 26-byte fields: Finality
 * neither uses nor trusts them.
 *
 * @param version protocol version
 * @param services service bits of the sender
 * @param timestamp sender's clock, seconds since the epoch
 * @param addrRecv 26-byte address of the receiver as the sender sees it
 * @param addrFrom 26-byte address of the sender (usually zeros)
 * @param nonce random value to detect connections to self
 * @param userAgent BIP14 user agent
 * @param startHeight sender's best height
 * @param relay whether the sender wants transaction announcements (BIP37)
 */
public record VersionMessage(int version, long services, long timestamp, byte[] addrRecv, byte[] addrFrom, long nonce,
                             String userAgent, int startHeight, boolean relay) {
    /** Protocol version Finality announces (Core 0.21+, with wtxidrelay and sendaddrv2 known). */
    public static final int PROTOCOL_VERSION = 70016;
    /** NODE_NETWORK: serves the full chain. */
    public static final long NODE_NETWORK = 1;
    /** NODE_NETWORK_LIMITED (BIP159): a pruned node serving only the last {@value #LIMITED_BLOCKS} blocks. */
    public static final long NODE_NETWORK_LIMITED = 1 << 10;
    /** Blocks below the tip a NODE_NETWORK_LIMITED node serves at least (BIP159). */
    public static final int LIMITED_BLOCKS = 288;
    /** NODE_WITNESS: serves witness data. */
    public static final long NODE_WITNESS = 1 << 3;
    /** Longest user agent accepted (Core's MAX_SUBVERSION_LENGTH). */
    public static final int MAX_USER_AGENT = 256;
    /** Length of a network-address field without timestamp. */
    public static final int ADDRESS_LENGTH = 26;

    /** A zero address field, as most nodes send in addr_from. */
    public static byte[] emptyAddress() {
        return new byte[ADDRESS_LENGTH];
    }

    /** An address field for an IPv4 address (mapped into IPv6) and port. */
    public static byte[] ipv4Address(final long services, final byte[] ipv4, final int port) {
        final byte[] a = new byte[ADDRESS_LENGTH];
        for (int i = 0; i < 8; i++) {
            a[i] = (byte)(services >>> 8 * i);
        }
        a[18] = (byte)0xff;
        a[19] = (byte)0xff;
        System.arraycopy(ipv4, 0, a, 20, 4);
        a[24] = (byte)(port >>> 8);
        a[25] = (byte)port;
        return a;
    }

    /** Serialize into a new buffer from {@code alloc}. */
    public ByteBuf encode(final ByteBufAllocator alloc) {
        final byte[] ua = userAgent.getBytes(StandardCharsets.US_ASCII);
        final ByteBuf out = alloc.buffer(86 + ua.length);
        out.writeIntLE(version);
        out.writeLongLE(services);
        out.writeLongLE(timestamp);
        out.writeBytes(addrRecv, 0, ADDRESS_LENGTH);
        out.writeBytes(addrFrom, 0, ADDRESS_LENGTH);
        out.writeLongLE(nonce);
        WireWriter.varInt(out, ua.length);
        out.writeBytes(ua);
        out.writeIntLE(startHeight);
        out.writeByte(relay ? 1 : 0);
        return out;
    }

    /** Parse a payload, or {@code null} when it is malformed (short, overlong user agent, trailing bytes). */
    public static VersionMessage decode(final ByteBuf payload) {
        final WireReader r = new WireReader().wrap(payload);
        final int version = r.int32();
        final long services = r.int64();
        final long timestamp = r.int64();
        final byte[] recv = r.bytes(ADDRESS_LENGTH);
        final byte[] from = r.bytes(ADDRESS_LENGTH);
        final long nonce = r.int64();
        final int uaLength = (int)r.varInt(MAX_USER_AGENT);
        final byte[] ua = r.bytes(uaLength);
        final int startHeight = r.int32();
        final boolean relay = r.remaining() == 0 || r.u8() != 0;
        if (!r.done()) {
            return null;
        }
        return new VersionMessage(version, services, timestamp, recv, from, nonce, new String(ua, StandardCharsets.US_ASCII),
            startHeight, relay);
    }
}
