package io.finality.core.event;

/**
 * Offsets of a version-1 {@link EventRecord#TYPE_STEP_MARKER STEP_MARKER} record: the last record of each
 * engine step (one ring slot), written after that step's payment events. Recovery uses it to know which
 * input the journal has fully applied; a tailer can use it to group events by block. Little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |  magic 0xF1   |  version (1)  |  type (2)     | flags (0)     |   0
 *  +---------------+---------------+---------------+---------------+
 *  |                     total length (u32) = 80                   |   4
 *  +---------------------------------------------------------------+
 *  |                   step sequence (i64, from 1)                 |   8
 *  +---------------------------------------------------------------+
 *  |                   timestamp ms (i64, the step's time input)   |  16
 *  +---------------------------------------------------------------+
 *  |                   height (i64, -1 = none)                     |  24
 *  +-------------------------------+---------------+---------------+
 *  |   chain code (u16, 0 = none)  |  ring kind    | reserved (0)  |  32
 *  +-------------------------------+---------------+---------------+
 *  |                   payment events in this step (i32)           |  36
 *  +---------------------------------------------------------------+
 *  |                   last payment-event sequence (i64, 0 = none) |  40
 *  +---------------------------------------------------------------+
 *  |                   block hash (32, internal byte order)        |  48
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Ring kind is {@link io.finality.core.ring.EventKind#code()}: the kind of input the step applied.
 *
 * <p>Constants only; safe from any thread.
 */
public final class StepMarkerLayout {
    public static final int STEP_SEQUENCE_OFFSET = 8;
    public static final int TIMESTAMP_OFFSET = 16;
    public static final int HEIGHT_OFFSET = 24;
    public static final int CHAIN_OFFSET = 32;
    public static final int EVENT_KIND_OFFSET = 34;
    public static final int PAYMENT_EVENT_COUNT_OFFSET = 36;
    public static final int LAST_PAYMENT_SEQUENCE_OFFSET = 40;
    public static final int BLOCK_HASH_OFFSET = 48;
    public static final int HASH_LENGTH = 32;
    /** The record's exact length in version 1. */
    public static final int LENGTH = 80;

    private StepMarkerLayout() {
    }
}
