package io.finality.bitcoin.scan;

/**
 * Status codes of the Bitcoin scanner: what was wrong with a payload, reported together with the byte
 * offset where it was found (see {@link io.finality.core.ring.ChainEvent#scanResult(int, int)}).
 *
 * <p>Codes are stable (they reach the journal through the slot's scan status): never renumber.
 * Constants only; safe from any thread.
 */
public final class ScanError {
    /** The payload scanned cleanly (equal to {@link io.finality.core.spi.BlockScanner#OK}). */
    public static final int OK = 0;
    /** A field runs past the end of the payload. */
    public static final int TRUNCATED = 1;
    /** A CompactSize is not in its shortest form, or exceeds the 32-bit range we accept for any count or length. */
    public static final int BAD_VARINT = 2;
    /** A transaction, input, output or witness-item count is larger than the remaining bytes could hold. */
    public static final int COUNT_TOO_LARGE = 3;
    /** A script or witness item length is larger than the remaining bytes. */
    public static final int LENGTH_TOO_LARGE = 4;
    /** The segwit marker {@code 0x00} is followed by a flag other than {@code 0x01}. */
    public static final int BAD_SEGWIT_FLAG = 5;
    /** Bytes remain after the last transaction of a block or after a single transaction. */
    public static final int TRAILING_BYTES = 6;
    /** A block declares zero transactions (every block has a coinbase). */
    public static final int EMPTY_BLOCK = 7;
    /** A transaction without inputs or without outputs (never valid; also how lying markers show up). */
    public static final int EMPTY_TX = 8;
    /** The destination buffer given for an all-txids scan cannot hold the block's txids. */
    public static final int OUTPUT_TOO_SMALL = 9;

    private ScanError() {
    }

    /** A short name for logs and test messages. */
    public static String name(final int code) {
        switch (code) {
            case OK:
                return "OK";
            case TRUNCATED:
                return "TRUNCATED";
            case BAD_VARINT:
                return "BAD_VARINT";
            case COUNT_TOO_LARGE:
                return "COUNT_TOO_LARGE";
            case LENGTH_TOO_LARGE:
                return "LENGTH_TOO_LARGE";
            case BAD_SEGWIT_FLAG:
                return "BAD_SEGWIT_FLAG";
            case TRAILING_BYTES:
                return "TRAILING_BYTES";
            case EMPTY_BLOCK:
                return "EMPTY_BLOCK";
            case EMPTY_TX:
                return "EMPTY_TX";
            case OUTPUT_TOO_SMALL:
                return "OUTPUT_TOO_SMALL";
            default:
                return "UNKNOWN(" + code + ")";
        }
    }
}
