package io.finality.core.event;

import io.finality.core.amount.U128;
import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import org.agrona.DirectBuffer;

/**
 * Renders journal records as one-line JSON objects for {@code finality tail --json}, the webhook relay and
 * logs. Amounts are decimal strings in base units (exact: JSON numbers lose precision past 2^53) plus, when
 * the asset's decimals are known, display strings ({@code "1.5"}). Hashes are hex as each chain's tools
 * show them: Bitcoin txids and block hashes byte-reversed without prefix, Ethereum {@code 0x}-prefixed in
 * stored order. Absent values (height -1, zero hash, no previous status) are {@code null}. docs/events.md
 * lists every field.
 *
 * <p>This is the edge: it allocates. Stateless; safe from any thread (each call uses its own scratch).
 */
public final class PaymentEventJson {
    private PaymentEventJson() {
    }

    /**
     * Render a record of either type, decoding it first; payment amounts of native-coin events get display
     * strings with the chain's native decimals, token amounts only base units (the decimals are the token's).
     *
     * @return {@link EventRecord#OK} (the JSON was appended) or the decoder's result code (nothing appended).
     */
    public static int render(final DirectBuffer buffer, final int offset, final int limit, final StringBuilder out) {
        final int header = EventRecord.checkHeader(buffer, offset, limit);
        if (header != EventRecord.OK) {
            return header;
        }
        if (EventRecord.recordType(buffer, offset) == EventRecord.TYPE_STEP_MARKER) {
            final StepMarkerDecoder marker = new StepMarkerDecoder();
            final int code = marker.wrap(buffer, offset, limit);
            if (code == EventRecord.OK) {
                render(marker, out);
            }
            return code;
        }
        final PaymentEventDecoder event = new PaymentEventDecoder();
        final int code = event.wrap(buffer, offset, limit);
        if (code == EventRecord.OK) {
            render(event, out);
        }
        return code;
    }

    /** Render a payment event; display amounts use the chain's native decimals for native-coin events only. */
    public static StringBuilder render(final PaymentEventDecoder event, final StringBuilder out) {
        return render(event, event.isNativeAsset() ? event.chain().nativeDecimals() : -1, out);
    }

    /**
     * Render a wrapped payment event.
     *
     * @param decimals the asset's decimals for the {@code *Display} fields, or -1 to omit them.
     */
    public static StringBuilder render(final PaymentEventDecoder event, final int decimals, final StringBuilder out) {
        final ChainId chain = event.chain();
        final boolean bitcoin = chain.family() == ChainFamily.BITCOIN;
        final DirectBuffer buffer = event.buffer();
        final PaymentEventType type = event.eventType();
        final InvoiceStatus previous = event.previousStatus();
        out.append("{\"record\":\"PAYMENT_EVENT\",\"version\":").append(EventRecord.version(buffer, event.offset()));
        out.append(",\"sequence\":").append(event.sequence());
        out.append(",\"eventId\":\"").append(Hex.toHex(buffer, event.eventIdOffset(), PaymentEventLayout.EVENT_ID_LENGTH)).append('"');
        out.append(",\"timestampMs\":").append(event.timestampMs());
        out.append(",\"chain\":\"").append(chain.configName()).append('"');
        out.append(",\"type\":\"").append(type.name()).append('"');
        out.append(",\"fulfilSafe\":").append(type.isFulfilSafe());
        out.append(",\"alarm\":").append(type.isAlarm(previous));
        out.append(",\"status\":\"").append(event.status().name()).append('"');
        out.append(",\"previousStatus\":");
        if (previous == null) {
            out.append("null");
        } else {
            out.append('"').append(previous.name()).append('"');
        }
        out.append(",\"height\":");
        appendOptional(event.height(), out);
        out.append(",\"confirmations\":").append(event.confirmations());
        out.append(",\"outputIndex\":");
        appendOptional(event.outputIndex(), out);
        out.append(",\"flags\":");
        PaymentFlags.append(event.paymentFlags(), out);
        out.append(",\"blockHash\":");
        appendHash(buffer, event.blockHashOffset(), PaymentEventLayout.HASH_LENGTH, bitcoin, out);
        out.append(",\"txid\":");
        appendHash(buffer, event.txidOffset(), PaymentEventLayout.HASH_LENGTH, bitcoin, out);
        out.append(",\"asset\":");
        if (event.isNativeAsset()) {
            out.append("\"native\"");
        } else {
            out.append("\"0x").append(Hex.toHex(buffer, event.assetContractOffset(), PaymentEventLayout.ASSET_CONTRACT_LENGTH)).append('"');
        }
        final U128 amount = new U128();
        appendAmount("paymentAmount", event.paymentAmount(amount), decimals, out);
        appendAmount("amountDue", event.amountDue(amount), decimals, out);
        appendAmount("receivedTotal", event.receivedTotal(amount), decimals, out);
        appendAmount("confirmedTotal", event.confirmedTotal(amount), decimals, out);
        appendString("invoiceId", event.invoiceId(), out);
        appendString("orderId", event.orderId(), out);
        appendString("correlationId", event.correlationId(), out);
        appendString("reason", event.reason(), out);
        return out.append('}');
    }

    /** Render a wrapped step marker. */
    public static StringBuilder render(final StepMarkerDecoder marker, final StringBuilder out) {
        final ChainId chain = marker.chain();
        out.append("{\"record\":\"STEP_MARKER\",\"version\":").append(EventRecord.version(marker.buffer(), marker.offset()));
        out.append(",\"stepSequence\":").append(marker.stepSequence());
        out.append(",\"timestampMs\":").append(marker.timestampMs());
        out.append(",\"chain\":");
        if (chain == null) {
            out.append("null");
        } else {
            out.append('"').append(chain.configName()).append('"');
        }
        out.append(",\"kind\":\"").append(marker.eventKind().name()).append('"');
        out.append(",\"height\":");
        appendOptional(marker.height(), out);
        out.append(",\"blockHash\":");
        final boolean bitcoin = chain == null || chain.family() == ChainFamily.BITCOIN;
        appendHash(marker.buffer(), marker.blockHashOffset(), StepMarkerLayout.HASH_LENGTH, bitcoin, out);
        out.append(",\"paymentEventCount\":").append(marker.paymentEventCount());
        out.append(",\"lastPaymentSequence\":").append(marker.lastPaymentSequence());
        return out.append('}');
    }

    private static void appendOptional(final long value, final StringBuilder out) {
        if (value == -1) {
            out.append("null");
        } else {
            out.append(value);
        }
    }

    private static void appendHash(
        final DirectBuffer buffer, final int offset, final int length, final boolean bitcoin, final StringBuilder out) {
        boolean zero = true;
        for (int i = 0; i < length && zero; i++) {
            zero = buffer.getByte(offset + i) == 0;
        }
        if (zero) {
            out.append("null");
        } else if (bitcoin) {
            out.append('"').append(Hex.toHexReversed(buffer, offset, length)).append('"');
        } else {
            out.append("\"0x").append(Hex.toHex(buffer, offset, length)).append('"');
        }
    }

    private static void appendAmount(final String name, final U128 amount, final int decimals, final StringBuilder out) {
        out.append(",\"").append(name).append("\":\"").append(amount.toDecimalString(0)).append('"');
        if (decimals >= 0) {
            out.append(",\"").append(name).append("Display\":\"").append(amount.toDecimalString(decimals)).append('"');
        }
    }

    private static void appendString(final String name, final String value, final StringBuilder out) {
        out.append(",\"").append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int)c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
