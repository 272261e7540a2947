package io.finality.core.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finality.core.amount.U128;
import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The reference model of one payment event for the codec tests: plain Java fields, random generation with
 * every edge (max-length and empty strings, non-ASCII UTF-8, JSON specials, zero hashes, u128 extremes), and
 * checks of a decoder and of the rendered JSON against it.
 */
final class PaymentEventSample {
    static final BigInteger U128_MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    private static final String SPECIALS = "\"\\\n\r\t\u0001\u001f/é€\u2028";

    long sequence;
    byte[] eventId = new byte[16];
    long timestampMs;
    ChainId chain;
    PaymentEventType type;
    InvoiceStatus status;
    InvoiceStatus previousStatus;
    long height;
    int confirmations;
    int outputIndex;
    int flags;
    byte[] blockHash = new byte[32];
    byte[] txid = new byte[32];
    byte[] contract = new byte[20];
    BigInteger[] amounts = new BigInteger[4];
    String[] vars = new String[4];
    boolean[] viaCharSequence = new boolean[4];

    static PaymentEventSample random(final SplittableRandom rnd, final PaymentEventType type) {
        final PaymentEventSample s = new PaymentEventSample();
        s.sequence = 1 + rnd.nextLong(Long.MAX_VALUE);
        rnd.nextBytes(s.eventId);
        s.timestampMs = rnd.nextInt(8) == 0 ? rnd.nextLong() : 1_700_000_000_000L + rnd.nextLong(100_000_000_000L);
        final ChainId[] chains = ChainId.values();
        s.chain = chains[rnd.nextInt(chains.length)];
        s.type = type;
        final InvoiceStatus[] statuses = InvoiceStatus.values();
        s.status = statuses[rnd.nextInt(statuses.length)];
        s.previousStatus = rnd.nextInt(5) == 0 ? null : statuses[rnd.nextInt(statuses.length)];
        s.height = rnd.nextInt(4) == 0 ? -1 : rnd.nextLong(1L << 40);
        s.confirmations = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt();
        s.outputIndex = rnd.nextInt(4) == 0 ? -1 : rnd.nextInt(Integer.MAX_VALUE);
        s.flags = rnd.nextInt(PaymentFlags.ALL + 1);
        fillHash(rnd, s.blockHash);
        fillHash(rnd, s.txid);
        if (s.chain.family() == ChainFamily.ETHEREUM && rnd.nextBoolean()) {
            fillHash(rnd, s.contract);
        }
        for (int i = 0; i < 4; i++) {
            s.amounts[i] = randomAmount(rnd);
        }
        for (int i = 0; i < 4; i++) {
            final int max = PaymentEventLayout.maxVarLength(i);
            final int target = switch (rnd.nextInt(4)) {
                case 0 -> 0;
                case 1 -> max;
                default -> rnd.nextInt(max + 1);
            };
            s.vars[i] = randomText(rnd, target, rnd.nextInt(3));
            s.viaCharSequence[i] = isAscii(s.vars[i]) && rnd.nextBoolean();
        }
        return s;
    }

    private static void fillHash(final SplittableRandom rnd, final byte[] hash) {
        if (rnd.nextInt(6) != 0) {
            rnd.nextBytes(hash);
            hash[0] = (byte)(hash[0] | 1);
        }
    }

    static BigInteger randomAmount(final SplittableRandom rnd) {
        switch (rnd.nextInt(5)) {
            case 0:
                return BigInteger.ZERO;
            case 1:
                return U128_MAX;
            case 2:
                return BigInteger.valueOf(rnd.nextLong(100_000_000_000L));
            default:
                return new BigInteger(1 + rnd.nextInt(128), new java.util.Random(rnd.nextLong()));
        }
    }

    /** Text of exactly {@code targetBytes} UTF-8 bytes when possible: plain ASCII, JSON specials, or wide code points. */
    static String randomText(final SplittableRandom rnd, final int targetBytes, final int mode) {
        final StringBuilder sb = new StringBuilder();
        int bytes = 0;
        while (bytes < targetBytes) {
            final String piece;
            if (mode == 0) {
                piece = String.valueOf((char)(0x21 + rnd.nextInt(0x7E - 0x21)));
            } else if (mode == 1) {
                piece = String.valueOf(SPECIALS.charAt(rnd.nextInt(SPECIALS.length())));
            } else {
                final int[] cps = {'a', 0xE9, 0x20AC, 0x1F4B8};
                piece = new String(Character.toChars(cps[rnd.nextInt(cps.length)]));
            }
            final int n = piece.getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > targetBytes) {
                sb.append('x');
                bytes++;
                continue;
            }
            sb.append(piece);
            bytes += n;
        }
        return sb.toString();
    }

    static boolean isAscii(final String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /** Encode every field; fails the test unless each variable-length field is accepted. */
    void encode(final PaymentEventEncoder encoder, final MutableDirectBuffer buffer, final int offset, final Supplier<String> ctx) {
        final U128 amount = new U128();
        encoder.wrap(buffer, offset)
            .sequence(sequence)
            .eventId(new UnsafeBuffer(eventId), 0)
            .timestampMs(timestampMs)
            .chain(chain)
            .eventType(type)
            .status(status)
            .previousStatus(previousStatus)
            .height(height)
            .confirmations(confirmations)
            .outputIndex(outputIndex)
            .paymentFlags(flags)
            .blockHash(new UnsafeBuffer(blockHash), 0)
            .txid(new UnsafeBuffer(txid), 0)
            .assetContract(new UnsafeBuffer(contract), 0)
            .paymentAmount(amount.set(amounts[0]))
            .amountDue(amount.set(amounts[1]))
            .receivedTotal(amount.set(amounts[2]))
            .confirmedTotal(amount.set(amounts[3]));
        for (int i = 0; i < 4; i++) {
            final int code;
            if (viaCharSequence[i]) {
                code = switch (i) {
                    case 0 -> encoder.invoiceId(vars[i]);
                    case 1 -> encoder.orderId(vars[i]);
                    case 2 -> encoder.correlationId(vars[i]);
                    default -> encoder.reason(vars[i]);
                };
            } else {
                final byte[] utf8 = vars[i].getBytes(StandardCharsets.UTF_8);
                final UnsafeBuffer src = new UnsafeBuffer(new byte[utf8.length + 3]);
                src.putBytes(3, utf8);
                code = switch (i) {
                    case 0 -> encoder.invoiceId(src, 3, utf8.length);
                    case 1 -> encoder.orderId(src, 3, utf8.length);
                    case 2 -> encoder.correlationId(src, 3, utf8.length);
                    default -> encoder.reason(src, 3, utf8.length);
                };
            }
            assertEquals(EventRecord.OK, code, () -> ctx.get() + " " + EventRecord.describe(code));
        }
    }

    int expectedLength() {
        int n = PaymentEventLayout.MIN_LENGTH;
        for (String v : vars) {
            n += v.getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }

    /** Assert every accessor of a wrapped decoder against the model. */
    void check(final PaymentEventDecoder d, final Supplier<String> ctx) {
        assertEquals(expectedLength(), d.encodedLength(), ctx);
        assertEquals(sequence, d.sequence(), ctx);
        assertArrayEquals(eventId, bytes(d, d.eventIdOffset(), 16), ctx);
        assertEquals(timestampMs, d.timestampMs(), ctx);
        assertEquals(chain, d.chain(), ctx);
        assertEquals(chain.code(), d.chainCode(), ctx);
        assertEquals(type, d.eventType(), ctx);
        assertEquals(status, d.status(), ctx);
        assertEquals(previousStatus, d.previousStatus(), ctx);
        assertEquals(height, d.height(), ctx);
        assertEquals(confirmations, d.confirmations(), ctx);
        assertEquals(outputIndex, d.outputIndex(), ctx);
        assertEquals(flags, d.paymentFlags(), ctx);
        assertArrayEquals(blockHash, bytes(d, d.blockHashOffset(), 32), ctx);
        assertArrayEquals(txid, bytes(d, d.txidOffset(), 32), ctx);
        assertArrayEquals(contract, bytes(d, d.assetContractOffset(), 20), ctx);
        assertEquals(Arrays.equals(contract, new byte[20]), d.isNativeAsset(), ctx);
        final U128 u = new U128();
        assertEquals(amounts[0], d.paymentAmount(u).toBigInteger(), ctx);
        assertEquals(amounts[1], d.amountDue(u).toBigInteger(), ctx);
        assertEquals(amounts[2], d.receivedTotal(u).toBigInteger(), ctx);
        assertEquals(amounts[3], d.confirmedTotal(u).toBigInteger(), ctx);
        assertEquals(amounts[0], new U128(d.paymentAmountHi(), d.paymentAmountLo()).toBigInteger(), ctx);
        assertEquals(amounts[3], new U128(d.confirmedTotalHi(), d.confirmedTotalLo()).toBigInteger(), ctx);
        assertEquals(vars[0], d.invoiceId(), ctx);
        assertEquals(vars[1], d.orderId(), ctx);
        assertEquals(vars[2], d.correlationId(), ctx);
        assertEquals(vars[3], d.reason(), ctx);
        assertEquals(vars[0].getBytes(StandardCharsets.UTF_8).length, d.invoiceIdLength(), ctx);
        assertEquals(type.isFulfilSafe(), d.isFulfilSafe(), ctx);
        assertEquals(type.isAlarm(previousStatus), d.isAlarm(), ctx);
    }

    private static byte[] bytes(final PaymentEventDecoder d, final int offset, final int length) {
        final byte[] out = new byte[length];
        d.buffer().getBytes(offset, out);
        return out;
    }

    /** The hash as the chain's tools display it, or null for "none". */
    private String displayHash(final byte[] hash) {
        if (Arrays.equals(hash, new byte[hash.length])) {
            return null;
        }
        return chain.family() == ChainFamily.BITCOIN ? Hex.toHex(Hex.reverse(hash.clone())) : "0x" + Hex.toHex(hash);
    }

    /** Assert the parsed JSON rendering against the model: exact key order, every value, nothing extra. */
    void checkJson(final Map<String, Object> json, final int decimals, final Supplier<String> ctx) {
        final List<String> keys = new ArrayList<>(List.of(
            "record", "version", "sequence", "eventId", "timestampMs", "chain", "type", "fulfilSafe", "alarm", "status",
            "previousStatus", "height", "confirmations", "outputIndex", "flags", "blockHash", "txid", "asset"));
        for (String amount : new String[] {"paymentAmount", "amountDue", "receivedTotal", "confirmedTotal"}) {
            keys.add(amount);
            if (decimals >= 0) {
                keys.add(amount + "Display");
            }
        }
        keys.addAll(List.of("invoiceId", "orderId", "correlationId", "reason"));
        assertEquals(keys, new ArrayList<>(json.keySet()), ctx);
        assertEquals("PAYMENT_EVENT", json.get("record"), ctx);
        assertEquals(BigInteger.ONE, json.get("version"), ctx);
        assertEquals(BigInteger.valueOf(sequence), json.get("sequence"), ctx);
        assertEquals(Hex.toHex(eventId), json.get("eventId"), ctx);
        assertEquals(BigInteger.valueOf(timestampMs), json.get("timestampMs"), ctx);
        assertEquals(chain.configName(), json.get("chain"), ctx);
        assertEquals(type.name(), json.get("type"), ctx);
        assertEquals(type == PaymentEventType.INVOICE_CONFIRMED, json.get("fulfilSafe"), ctx);
        assertEquals(type.isAlarm(previousStatus), json.get("alarm"), ctx);
        assertEquals(status.name(), json.get("status"), ctx);
        assertEquals(previousStatus == null ? null : previousStatus.name(), json.get("previousStatus"), ctx);
        assertEquals(height == -1 ? null : BigInteger.valueOf(height), json.get("height"), ctx);
        assertEquals(BigInteger.valueOf(confirmations), json.get("confirmations"), ctx);
        assertEquals(outputIndex == -1 ? null : BigInteger.valueOf(outputIndex), json.get("outputIndex"), ctx);
        final List<String> flagNames = new ArrayList<>();
        final String[] names = {"MEMPOOL", "IN_BLOCK", "REVERTED", "INVALIDATED", "LATE", "OVERPAID", "WRONG_ASSET", "FAILED"};
        for (int bit = 0; bit < names.length; bit++) {
            if ((flags & (1 << bit)) != 0) {
                flagNames.add(names[bit]);
            }
        }
        assertEquals(flagNames, json.get("flags"), ctx);
        assertEquals(displayHash(blockHash), json.get("blockHash"), ctx);
        assertEquals(displayHash(txid), json.get("txid"), ctx);
        assertEquals(Arrays.equals(contract, new byte[20]) ? "native" : "0x" + Hex.toHex(contract), json.get("asset"), ctx);
        final String[] amountNames = {"paymentAmount", "amountDue", "receivedTotal", "confirmedTotal"};
        for (int i = 0; i < 4; i++) {
            assertEquals(amounts[i].toString(), json.get(amountNames[i]), ctx);
            if (decimals >= 0) {
                assertEquals(new BigDecimal(amounts[i], decimals).stripTrailingZeros().toPlainString(),
                    json.get(amountNames[i] + "Display"), ctx);
            }
        }
        assertEquals(vars[0], json.get("invoiceId"), ctx);
        assertEquals(vars[1], json.get("orderId"), ctx);
        assertEquals(vars[2], json.get("correlationId"), ctx);
        assertEquals(vars[3], json.get("reason"), ctx);
    }
}
