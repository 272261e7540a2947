package io.finality.core.event;

/**
 * Bits of a payment event's {@code paymentFlags} field (u32): the state of the payment the event is about.
 * Bit positions are stable journal values: never reuse or move a bit.
 *
 * <p>Constants and static helpers only; safe from any thread, no allocation except {@link #append}.
 */
public final class PaymentFlags {
    /** Seen in the mempool, not in a block. */
    public static final int MEMPOOL = 1;
    /** Included in a block of the best chain ({@code height} says which). */
    public static final int IN_BLOCK = 1 << 1;
    /** Its block left the best chain (reorg); no longer counted. */
    public static final int REVERTED = 1 << 2;
    /** Double spent, replaced (RBF) or dropped; never counts again. */
    public static final int INVALIDATED = 1 << 3;
    /** Arrived after expiry plus grace, or after cancellation. */
    public static final int LATE = 1 << 4;
    /** Pushed the received total above the amount due. */
    public static final int OVERPAID = 1 << 5;
    /** A token other than the invoice's asset, sent to the invoice address. */
    public static final int WRONG_ASSET = 1 << 6;
    /** An EVM transaction whose receipt has status 0: never counts. */
    public static final int FAILED = 1 << 7;

    /** Every assigned bit; a v1 decoder rejects any other bit as bad input. */
    public static final int ALL = (1 << 8) - 1;

    private static final String[] NAMES = {"MEMPOOL", "IN_BLOCK", "REVERTED", "INVALIDATED", "LATE", "OVERPAID", "WRONG_ASSET", "FAILED"};

    private PaymentFlags() {
    }

    /** Whether every bit of {@code flag} is set in {@code flags}. */
    public static boolean isSet(final int flags, final int flag) {
        return (flags & flag) == flag;
    }

    /** The name of bit {@code index} (0..7). */
    public static String name(final int index) {
        return NAMES[index];
    }

    /** Number of assigned bits. */
    public static int count() {
        return NAMES.length;
    }

    /** Append the set flags as a JSON array of names, e.g. {@code ["IN_BLOCK","OVERPAID"]} (edge use). */
    public static StringBuilder append(final int flags, final StringBuilder out) {
        out.append('[');
        boolean first = true;
        for (int i = 0; i < NAMES.length; i++) {
            if ((flags & (1 << i)) != 0) {
                if (!first) {
                    out.append(',');
                }
                out.append('"').append(NAMES[i]).append('"');
                first = false;
            }
        }
        return out.append(']');
    }
}
