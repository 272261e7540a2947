package io.finality.engine.journal;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import io.finality.engine.InvoiceEngine;
import io.finality.engine.command.InvoiceCommandCodec;
import io.finality.engine.model.InvoiceSpec;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A step's input as journaled beside its events, so that recovery can re-apply the journal tail
 * after a snapshot. The live path encodes the slot and then applies the encoded form, exactly as
 * recovery does, so the two can never disagree. Little-endian:
 *
 * <pre>
 *   0  kind u8 | version u8 (=1) | chain u16 | reserved u32
 *   8  height i64
 *  16  finalizedHeight i64
 *  24  timestampMs i64
 *  32  blockHash [32]
 *  64  body:
 *      BLOCK_CONNECTED, BLOCK_RESCANNED, MEMPOOL_TX: outputCount u32 | spendCount u32
 *          | outputs: txid [32] | outputIndex i32 | amountHi i64 | amountLo i64 | slot i32 | flags i32 | contract [20]
 *          | spends:  spenderTxid [32] | prevTxid [32] | prevIndex i32
 *      INVOICE_OPEN, INVOICE_CANCEL: the ring payload as published (see InvoiceCommandCodec)
 *      MEMPOOL_TX_GONE: txid [32]
 *      BLOCK_DISCONNECTED, TICK: nothing
 * </pre>
 *
 * <p>Used by the state-engine thread only; one instance, reused (the scratch match list).
 */
public final class StepInputCodec {
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 64;
    static final int OUTPUT_LENGTH = 32 + 4 + 8 + 8 + 4 + 4 + 20;
    static final int SPEND_LENGTH = 32 + 32 + 4;

    /** Result of {@link #apply}: applied. */
    public static final int APPLIED = 0;
    /** The input is malformed or names an unknown chain or kind; nothing was applied. */
    public static final int MALFORMED = 1;

    private final MatchList scratch = new MatchList(64);

    /** Bytes needed to encode {@code event}. */
    public static int encodedLength(final ChainEvent event) {
        return HEADER_LENGTH + switch (event.kind()) {
            case BLOCK_CONNECTED, BLOCK_RESCANNED, MEMPOOL_TX -> 8 + event.matches().outputCount() * OUTPUT_LENGTH
                + event.matches().spendCount() * SPEND_LENGTH;
            case INVOICE_OPEN, INVOICE_CANCEL -> event.payloadLength();
            case MEMPOOL_TX_GONE -> 32;
            default -> 0;
        };
    }

    /** Encode a scanned slot at {@code offset}; the buffer must hold {@link #encodedLength} bytes. Returns the length. */
    public static int encode(final ChainEvent event, final MutableDirectBuffer out, final int offset) {
        out.putByte(offset, (byte)event.kind().code());
        out.putByte(offset + 1, (byte)VERSION);
        out.putShort(offset + 2, (short)event.chain().code());
        out.putInt(offset + 4, 0);
        out.putLong(offset + 8, event.height());
        out.putLong(offset + 16, event.finalizedHeight());
        out.putLong(offset + 24, event.timestampMs());
        out.putBytes(offset + 32, event.blockHash(), 0, 32);
        int p = offset + HEADER_LENGTH;
        switch (event.kind()) {
            case BLOCK_CONNECTED, BLOCK_RESCANNED, MEMPOOL_TX -> {
                final MatchList m = event.matches();
                out.putInt(p, m.outputCount());
                out.putInt(p + 4, m.spendCount());
                p += 8;
                for (int i = 0; i < m.outputCount(); i++) {
                    out.putBytes(p, m.txids(), i * 32, 32);
                    out.putInt(p + 32, m.outputIndex(i));
                    out.putLong(p + 36, m.amountHi(i));
                    out.putLong(p + 44, m.amountLo(i));
                    out.putInt(p + 52, m.invoiceSlot(i));
                    out.putInt(p + 56, m.flags(i));
                    out.putBytes(p + 60, m.contracts(), i * 20, 20);
                    p += OUTPUT_LENGTH;
                }
                for (int j = 0; j < m.spendCount(); j++) {
                    out.putBytes(p, m.spenderTxids(), j * 32, 32);
                    out.putBytes(p + 32, m.prevTxids(), j * 32, 32);
                    out.putInt(p + 64, m.prevIndex(j));
                    p += SPEND_LENGTH;
                }
            }
            case INVOICE_OPEN, INVOICE_CANCEL -> {
                out.putBytes(p, event.payloadBuffer(), 0, event.payloadLength());
                p += event.payloadLength();
            }
            case MEMPOOL_TX_GONE -> {
                if (event.payloadLength() >= 32) {
                    out.putBytes(p, event.payloadBuffer(), 0, 32);
                } else {
                    out.setMemory(p, 32, (byte)0);
                }
                p += 32;
            }
            default -> {
                // BLOCK_DISCONNECTED and TICK are described by the header alone.
            }
        }
        return p - offset;
    }

    /** The kind of an encoded input, or null if unknown. */
    public static EventKind kind(final DirectBuffer in, final int offset) {
        return EventKind.fromCode(in.getByte(offset));
    }

    /** Apply an encoded input to the engine; returns {@link #APPLIED} or {@link #MALFORMED}. */
    public int apply(final DirectBuffer in, final int offset, final int length, final InvoiceEngine engine) {
        if (length < HEADER_LENGTH || in.getByte(offset + 1) != VERSION) {
            return MALFORMED;
        }
        final EventKind kind = EventKind.fromCode(in.getByte(offset));
        final ChainId chain = ChainId.fromCode(in.getShort(offset + 2) & 0xFFFF);
        if (kind == null || chain == null) {
            return MALFORMED;
        }
        final long height = in.getLong(offset + 8);
        final long finalized = in.getLong(offset + 16);
        final long timestamp = in.getLong(offset + 24);
        final int body = offset + HEADER_LENGTH;
        final int bodyLength = length - HEADER_LENGTH;
        switch (kind) {
            case BLOCK_CONNECTED, BLOCK_RESCANNED, MEMPOOL_TX -> {
                if (!decodeMatches(in, body, bodyLength)) {
                    return MALFORMED;
                }
                if (kind == EventKind.BLOCK_CONNECTED) {
                    engine.blockConnected(chain, height, in, offset + 32, finalized, scratch);
                } else if (kind == EventKind.BLOCK_RESCANNED) {
                    // out of the engine's rescan range: nothing applied, decided the same way on replay
                    engine.blockRescanned(chain, height, in, offset + 32, scratch);
                } else {
                    engine.mempoolTx(chain, scratch);
                }
            }
            case BLOCK_DISCONNECTED -> engine.blockDisconnected(chain, height, in, offset + 32);
            case MEMPOOL_TX_GONE -> {
                if (bodyLength < 32) {
                    return MALFORMED;
                }
                engine.mempoolTxGone(chain, in, body);
            }
            case INVOICE_OPEN -> {
                final InvoiceSpec spec = InvoiceCommandCodec.decodeOpen(in, body, bodyLength);
                if (spec == null) {
                    return MALFORMED;
                }
                engine.open(spec);
            }
            case INVOICE_CANCEL -> {
                final int slot = InvoiceCommandCodec.cancelSlot(in, body, bodyLength);
                if (slot < 0) {
                    return MALFORMED;
                }
                engine.cancel(slot);
            }
            case TICK -> engine.tick(timestamp);
            default -> {
                return MALFORMED;
            }
        }
        return APPLIED;
    }

    private boolean decodeMatches(final DirectBuffer in, final int body, final int bodyLength) {
        if (bodyLength < 8) {
            return false;
        }
        final long outputs = in.getInt(body) & 0xFFFF_FFFFL;
        final long spends = in.getInt(body + 4) & 0xFFFF_FFFFL;
        if (8 + outputs * OUTPUT_LENGTH + spends * SPEND_LENGTH != bodyLength) {
            return false;
        }
        scratch.clear();
        int p = body + 8;
        for (int i = 0; i < outputs; i++) {
            final int e = scratch.addOutput(i, in, p, in.getInt(p + 32), in.getLong(p + 36), in.getLong(p + 44),
                in.getInt(p + 52), in.getInt(p + 56));
            scratch.putTokenContract(e, in, p + 60);
            p += OUTPUT_LENGTH;
        }
        for (int j = 0; j < spends; j++) {
            scratch.addSpend(in, p, in, p + 32, in.getInt(p + 64));
            p += SPEND_LENGTH;
        }
        return true;
    }
}
