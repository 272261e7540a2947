package io.finality.bitcoin.p2p;

import java.nio.charset.StandardCharsets;

/**
 * The P2P commands Finality speaks, with the payload cap each one is held to before any byte of its
 * payload is buffered.
 *
 * <table>
 *   <caption>Payload caps</caption>
 *   <tr><th>command</th><th>cap (bytes)</th><th>why</th></tr>
 *   <tr><td>block</td><td>{@value #BLOCK_MAX}</td><td>Core's MAX_BLOCK_SERIALIZED_SIZE (4,000,000) + 1,000 slack</td></tr>
 *   <tr><td>tx</td><td>{@value #BLOCK_MAX}</td><td>a transaction can fill a block</td></tr>
 *   <tr><td>headers</td><td>{@value #HEADERS_MAX}</td><td>2,000 headers of 81 bytes (80 + tx count 0) + count varint</td></tr>
 *   <tr><td>inv, getdata, notfound</td><td>{@value #INV_MAX}</td><td>50,000 items of 36 bytes + count varint</td></tr>
 *   <tr><td>getheaders, getblocks</td><td>{@value #LOCATOR_MAX}</td><td>version + 101 locator hashes + stop hash + varint</td></tr>
 *   <tr><td>version</td><td>{@value #VERSION_MAX}</td><td>fixed fields + user agent (Core caps it at 256)</td></tr>
 *   <tr><td>ping, pong</td><td>{@value #NONCE_MAX}</td><td>one 8-byte nonce</td></tr>
 *   <tr><td>verack, sendheaders, mempool</td><td>{@value #EMPTY_MAX}</td><td>no payload</td></tr>
 *   <tr><td>anything else</td><td>{@value #OTHER_MAX}</td><td>well-formed but unused (addr, feefilter, sendcmpct...)</td></tr>
 * </table>
 *
 * <p>Immutable; safe from any thread.
 */
public enum Command {
    VERSION("version", Command.VERSION_MAX),
    VERACK("verack", 0),
    PING("ping", 8),
    PONG("pong", 8),
    SENDHEADERS("sendheaders", 0),
    GETHEADERS("getheaders", Command.LOCATOR_MAX),
    GETBLOCKS("getblocks", Command.LOCATOR_MAX),
    HEADERS("headers", Command.HEADERS_MAX),
    INV("inv", Command.INV_MAX),
    GETDATA("getdata", Command.INV_MAX),
    NOTFOUND("notfound", Command.INV_MAX),
    BLOCK("block", Command.BLOCK_MAX),
    TX("tx", Command.BLOCK_MAX),
    MEMPOOL("mempool", 0),
    /** A well-formed command name Finality does not use; its payload is delivered and ignored. */
    UNKNOWN("", Command.OTHER_MAX);

    /** Bytes of the command field in a frame header. */
    public static final int COMMAND_LENGTH = 12;
    /** Block payload cap: Core's 4,000,000-byte serialized block limit plus slack. */
    public static final int BLOCK_MAX = 4_001_000;
    /** Most headers in one {@code headers} message (Core's MAX_HEADERS_RESULTS). */
    public static final int MAX_HEADERS = 2_000;
    /** Headers payload cap. */
    public static final int HEADERS_MAX = MAX_HEADERS * 81 + 9;
    /** Most items in one {@code inv}/{@code getdata}/{@code notfound} (Core's MAX_INV_SZ). */
    public static final int MAX_INV = 50_000;
    /** Inventory payload cap. */
    public static final int INV_MAX = MAX_INV * 36 + 9;
    /** Most locator hashes accepted (Core's MAX_LOCATOR_SZ). */
    public static final int MAX_LOCATOR = 101;
    /** Locator payload cap. */
    public static final int LOCATOR_MAX = 4 + 9 + MAX_LOCATOR * 32 + 32;
    /** Version payload cap. */
    public static final int VERSION_MAX = 512;
    /** Ping/pong payload cap. */
    public static final int NONCE_MAX = 8;
    /** Cap of the payload-less commands. */
    public static final int EMPTY_MAX = 0;
    /** Cap for commands Finality ignores (addrv2 with 1,000 entries fits). */
    public static final int OTHER_MAX = 1 << 20;

    private static final Command[] KNOWN = {VERSION, VERACK, PING, PONG, SENDHEADERS, GETHEADERS, GETBLOCKS, HEADERS, INV,
        GETDATA, NOTFOUND, BLOCK, TX, MEMPOOL};

    private final String wireName;
    private final byte[] field = new byte[COMMAND_LENGTH];
    private final int maxPayload;

    Command(final String wireName, final int maxPayload) {
        this.wireName = wireName;
        this.maxPayload = maxPayload;
        final byte[] ascii = wireName.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, field, 0, ascii.length);
    }

    /** The name on the wire, e.g. {@code getheaders} (empty for {@link #UNKNOWN}). */
    public String wireName() {
        return wireName;
    }

    /** Largest payload accepted for this command. */
    public int maxPayload() {
        return maxPayload;
    }

    /** Write the NUL-padded 12-byte command field into {@code dst[offset, offset + 12)}. */
    public void writeField(final byte[] dst, final int offset) {
        System.arraycopy(field, 0, dst, offset, COMMAND_LENGTH);
    }

    /**
     * The command of a 12-byte field, {@link #UNKNOWN} for a well-formed name we do not use, or
     * {@code null} when the field is malformed: Core's rule, one or more printable ASCII characters
     * (0x20-0x7e) then NUL padding to the end. Does not allocate.
     */
    public static Command ofField(final byte[] field, final int offset) {
        int len = 0;
        while (len < COMMAND_LENGTH && field[offset + len] != 0) {
            final byte c = field[offset + len];
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
            len++;
        }
        if (len == 0) {
            return null;
        }
        for (int i = len; i < COMMAND_LENGTH; i++) {
            if (field[offset + i] != 0) {
                return null;
            }
        }
        for (Command c : KNOWN) {
            if (matches(c.field, field, offset)) {
                return c;
            }
        }
        return UNKNOWN;
    }

    private static boolean matches(final byte[] expected, final byte[] field, final int offset) {
        for (int i = 0; i < COMMAND_LENGTH; i++) {
            if (expected[i] != field[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
