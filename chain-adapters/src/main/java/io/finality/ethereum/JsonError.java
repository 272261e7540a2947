package io.finality.ethereum;

/**
 * Status codes of the Ethereum JSON decoders and scanner: what was wrong with a payload, reported with
 * the byte offset where it was found (see {@link io.finality.core.ring.ChainEvent#scanResult(int, int)}).
 *
 * <p>Codes are stable (they reach the journal through the slot's scan status): never renumber. They
 * start at 100 so that a journal reader can tell them from the Bitcoin scanner's codes.
 * Constants only; safe from any thread.
 */
public final class JsonError {
    /** Decoded cleanly (equal to {@link io.finality.core.spi.BlockScanner#OK}). */
    public static final int OK = 0;
    /** The input ends inside a value. */
    public static final int TRUNCATED = 101;
    /** A byte that cannot start or continue the expected JSON token. */
    public static final int UNEXPECTED_CHAR = 102;
    /** Objects and arrays nest deeper than {@link JsonCursor#MAX_DEPTH}. */
    public static final int TOO_DEEP = 103;
    /** A hash, address or topic is not {@code "0x"} followed by exactly the right number of hex digits. */
    public static final int BAD_HEX = 104;
    /** A quantity is not {@code "0x"} and 1 to 64 hex digits, or a number field does not fit a signed long. */
    public static final int BAD_QUANTITY = 105;
    /** A required field (block hash, number, tx hash, from, value, receipt transactionHash...) is missing or null. */
    public static final int MISSING_FIELD = 106;
    /** The JSON-RPC response carries an {@code "error"} member instead of a result. */
    public static final int RPC_ERROR = 107;
    /** The JSON-RPC result is {@code null} (e.g. a block the node does not have). */
    public static final int NULL_RESULT = 108;
    /** The block lists transaction hashes only: it was fetched without full transactions. */
    public static final int NOT_FULL_TRANSACTIONS = 109;
    /** Bytes other than whitespace follow the top-level value. */
    public static final int TRAILING_BYTES = 110;
    /** The scanner payload's length prefixes do not add up to the payload (see {@link EthereumPayload}). */
    public static final int BAD_FRAMING = 111;
    /** The receipts list does not have one receipt per transaction of the block. */
    public static final int RECEIPT_COUNT_MISMATCH = 112;
    /** A value has the wrong JSON type (e.g. a number where an object or a hex string is required). */
    public static final int WRONG_TYPE = 113;

    private JsonError() {
    }

    /** A short name for logs and test messages. */
    public static String name(final int code) {
        switch (code) {
            case OK:
                return "OK";
            case TRUNCATED:
                return "TRUNCATED";
            case UNEXPECTED_CHAR:
                return "UNEXPECTED_CHAR";
            case TOO_DEEP:
                return "TOO_DEEP";
            case BAD_HEX:
                return "BAD_HEX";
            case BAD_QUANTITY:
                return "BAD_QUANTITY";
            case MISSING_FIELD:
                return "MISSING_FIELD";
            case RPC_ERROR:
                return "RPC_ERROR";
            case NULL_RESULT:
                return "NULL_RESULT";
            case NOT_FULL_TRANSACTIONS:
                return "NOT_FULL_TRANSACTIONS";
            case TRAILING_BYTES:
                return "TRAILING_BYTES";
            case BAD_FRAMING:
                return "BAD_FRAMING";
            case RECEIPT_COUNT_MISMATCH:
                return "RECEIPT_COUNT_MISMATCH";
            case WRONG_TYPE:
                return "WRONG_TYPE";
            default:
                return "UNKNOWN(" + code + ")";
        }
    }
}
