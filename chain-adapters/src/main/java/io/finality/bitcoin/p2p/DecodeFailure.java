package io.finality.bitcoin.p2p;

/**
 * Why inbound bytes were refused. The frame decoder emits one of these down the pipeline instead of
 * throwing; payload codecs report {@link #MALFORMED_PAYLOAD}. Either way the connection's owner closes
 * the connection with this reason, counts it and leaves its state untouched.
 *
 * <p>Immutable; safe from any thread.
 */
public enum DecodeFailure {
    /** The first four bytes of a frame were not the configured network's magic. */
    BAD_MAGIC,
    /** The command field was not printable ASCII followed by NUL padding. */
    BAD_COMMAND,
    /** The length field exceeded the command's cap ({@link Command#maxPayload()}); nothing was buffered. */
    OVERSIZED,
    /** The payload did not hash to the frame's checksum. */
    BAD_CHECKSUM,
    /** The frame was sound but its payload did not parse as its command. */
    MALFORMED_PAYLOAD,
    /** A header failed linkage or proof of work. */
    BAD_HEADER
}
