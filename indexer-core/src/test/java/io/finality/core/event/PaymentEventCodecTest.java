package io.finality.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.amount.U128;
import io.finality.core.chain.ChainId;
import io.finality.core.ring.EventKind;
import io.finality.core.test.TestScale;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Round trips, rejection of damaged records and the JSON rendering of the payment-event codec, on seeded
 * random records compared with {@link PaymentEventSample}; failures print the seed ({@code -Dfinality.seed}).
 * Buffers are sized exactly, so with Agrona's bounds checks on any out-of-bounds read throws and fails.
 */
class PaymentEventCodecTest {
    private final long seed = TestScale.seed(0xF1_2026_1121L);
    private final PaymentEventEncoder encoder = new PaymentEventEncoder();
    private final PaymentEventDecoder decoder = new PaymentEventDecoder();

    private Supplier<String> ctx(final Object... what) {
        return () -> "seed=" + seed + " " + java.util.Arrays.toString(what);
    }

    private static UnsafeBuffer exact(final MutableDirectBuffer src, final int offset, final int length) {
        final byte[] copy = new byte[length];
        src.getBytes(offset, copy);
        return new UnsafeBuffer(copy);
    }

    @Test
    void shouldRoundTripEveryEventTypeWithRandomFields() {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final int perType = TestScale.pick(1_500, 100_000);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PaymentEventLayout.MAX_LENGTH + 64]);
        final ExpandableArrayBuffer expandable = new ExpandableArrayBuffer(16);
        for (PaymentEventType type : PaymentEventType.values()) {
            for (int i = 0; i < perType; i++) {
                final PaymentEventSample sample = PaymentEventSample.random(rnd, type);
                final Supplier<String> ctx = ctx(type, i);
                final int offset = rnd.nextInt(64);
                sample.encode(encoder, buffer, offset, ctx);
                assertEquals(sample.expectedLength(), encoder.encodedLength(), ctx);

                final UnsafeBuffer record = exact(buffer, offset, encoder.encodedLength());
                assertEquals(EventRecord.OK, decoder.wrap(record, 0, record.capacity()), ctx);
                sample.check(decoder, ctx);

                // Same bytes from an expandable buffer, and the decoder honouring a non-zero offset and a larger limit.
                sample.encode(encoder, expandable, 5, ctx);
                assertEquals(EventRecord.OK, decoder.wrap(expandable, 5, expandable.capacity()), ctx);
                sample.check(decoder, ctx);
                assertEquals(0, record.compareTo(exact(expandable, 5, record.capacity())), ctx);

                if (i % 10 == 0) {
                    assertEquals(EventRecord.OK, decoder.wrap(record, 0, record.capacity()), ctx);
                    final int decimals = java.util.Arrays.equals(sample.contract, new byte[20]) ? sample.chain.nativeDecimals() : -1;
                    final String json = PaymentEventJson.render(decoder, new StringBuilder()).toString();
                    sample.checkJson(MiniJson.parseObject(json), decimals, () -> ctx.get() + " " + json);
                    final int tokenDecimals = rnd.nextInt(U128.MAX_DECIMALS + 1);
                    final String withDecimals = PaymentEventJson.render(decoder, tokenDecimals, new StringBuilder()).toString();
                    sample.checkJson(MiniJson.parseObject(withDecimals), tokenDecimals, () -> ctx.get() + " " + withDecimals);
                }
            }
        }
    }

    @Test
    void shouldRejectTruncatedRecordAtEveryCutPoint() {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PaymentEventLayout.MAX_LENGTH]);
        for (int round = 0; round < 8; round++) {
            final PaymentEventSample sample = PaymentEventSample.random(rnd, PaymentEventType.INVOICE_CONFIRMED);
            if (round == 0) {
                for (int i = 0; i < 4; i++) {
                    sample.vars[i] = "m".repeat(PaymentEventLayout.maxVarLength(i));
                }
            }
            sample.encode(encoder, buffer, 0, ctx(round));
            final int length = encoder.encodedLength();
            for (int cut = 0; cut < length; cut++) {
                // The bytes end early; the header still claims the full length.
                final UnsafeBuffer cutRecord = exact(buffer, 0, cut);
                assertEquals(EventRecord.TRUNCATED, decoder.wrap(cutRecord, 0, cut), ctx(round, cut));
                // A larger buffer but a limit at the cut: the decoder must honour the limit, not the capacity.
                assertEquals(EventRecord.TRUNCATED, decoder.wrap(buffer, 0, cut), ctx(round, cut));
                if (cut >= EventRecord.HEADER_LENGTH) {
                    // A record cut and its length rewritten to match: short of the fixed block, or var fields overrun.
                    cutRecord.putInt(EventRecord.LENGTH_OFFSET, cut, ByteOrder.LITTLE_ENDIAN);
                    final int code = decoder.wrap(cutRecord, 0, cut);
                    final int expected = cut < PaymentEventLayout.MIN_LENGTH ? EventRecord.TRUNCATED : EventRecord.BAD_LENGTH;
                    assertEquals(expected, code, ctx(round, cut, EventRecord.describe(code)));
                }
            }
            assertEquals(EventRecord.OK, decoder.wrap(exact(buffer, 0, length), 0, length), ctx(round));
        }
        assertTrue(EventRecord.describe(EventRecord.TRUNCATED).contains("truncated"));
    }

    private int encodeSample(final UnsafeBuffer buffer, final SplittableRandom rnd) {
        PaymentEventSample.random(rnd, PaymentEventType.PAYMENT_IN_BLOCK).encode(encoder, buffer, 0, ctx("sample"));
        return encoder.encodedLength();
    }

    @Test
    void shouldRefuseUnknownVersionTypeAndMagicWithClearErrors() {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PaymentEventLayout.MAX_LENGTH]);
        final int length = encodeSample(buffer, rnd);

        for (int version : new int[] {0, 2, 255}) {
            final UnsafeBuffer record = exact(buffer, 0, length);
            record.putByte(EventRecord.VERSION_OFFSET, (byte)version);
            assertEquals(EventRecord.UNKNOWN_VERSION, decoder.wrap(record, 0, length), ctx(version));
            assertEquals(EventRecord.UNKNOWN_VERSION, new StepMarkerDecoder().wrap(record, 0, length), ctx(version));
            assertEquals(EventRecord.UNKNOWN_VERSION, PaymentEventJson.render(record, 0, length, new StringBuilder()));
        }
        assertEquals("unknown record version: this reader understands version 1 only; "
            + "upgrade the reader to read records written by a newer Finality", EventRecord.describe(EventRecord.UNKNOWN_VERSION));

        for (int type : new int[] {0, 3, 200}) {
            final UnsafeBuffer record = exact(buffer, 0, length);
            record.putByte(EventRecord.TYPE_OFFSET, (byte)type);
            assertEquals(EventRecord.UNKNOWN_TYPE, decoder.wrap(record, 0, length), ctx(type));
        }
        assertTrue(EventRecord.describe(EventRecord.UNKNOWN_TYPE).startsWith("unknown record type"));

        final UnsafeBuffer notOurs = exact(buffer, 0, length);
        notOurs.putByte(0, (byte)'{');
        assertEquals(EventRecord.BAD_MAGIC, decoder.wrap(notOurs, 0, length));

        final UnsafeBuffer marker = new UnsafeBuffer(new byte[StepMarkerLayout.LENGTH]);
        new StepMarkerEncoder().wrap(marker, 0).eventKind(EventKind.TICK);
        assertEquals(EventRecord.WRONG_TYPE, decoder.wrap(marker, 0, marker.capacity()));
        assertEquals(EventRecord.WRONG_TYPE, new StepMarkerDecoder().wrap(buffer, 0, length));
    }

    @Test
    void shouldRejectUnassignedCodesAndBadLengths() {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PaymentEventLayout.MAX_LENGTH + 1]);
        final int length = encodeSample(buffer, rnd);
        final int[][] badBytes = {
            {PaymentEventLayout.EVENT_TYPE_OFFSET, 0}, {PaymentEventLayout.EVENT_TYPE_OFFSET, 17},
            {PaymentEventLayout.STATUS_OFFSET, 0}, {PaymentEventLayout.STATUS_OFFSET, 9},
            {PaymentEventLayout.PREVIOUS_STATUS_OFFSET, 9}, {PaymentEventLayout.CHAIN_OFFSET, 0}, {PaymentEventLayout.CHAIN_OFFSET, 6},
            {PaymentEventLayout.PAYMENT_FLAGS_OFFSET + 1, 1},
        };
        for (int[] bad : badBytes) {
            final UnsafeBuffer record = exact(buffer, 0, length);
            record.putByte(bad[0], (byte)bad[1]);
            assertEquals(EventRecord.BAD_VALUE, decoder.wrap(record, 0, length), ctx(bad[0], bad[1]));
        }

        // A var field longer than its limit although the record holds it.
        final UnsafeBuffer big = new UnsafeBuffer(new byte[PaymentEventLayout.MAX_LENGTH + 1]);
        encoder.wrap(big, 0);
        big.putShort(PaymentEventLayout.FIXED_LENGTH, (short)(PaymentEventLayout.MAX_INVOICE_ID_LENGTH + 1), ByteOrder.LITTLE_ENDIAN);
        big.putInt(EventRecord.LENGTH_OFFSET, PaymentEventLayout.MIN_LENGTH + PaymentEventLayout.MAX_INVOICE_ID_LENGTH + 1,
            ByteOrder.LITTLE_ENDIAN);
        assertEquals(EventRecord.BAD_LENGTH, decoder.wrap(big, 0, big.capacity()));

        // Trailing bytes after the last var field.
        final UnsafeBuffer trailing = exact(buffer, 0, length + 1);
        trailing.putInt(EventRecord.LENGTH_OFFSET, length + 1, ByteOrder.LITTLE_ENDIAN);
        assertEquals(EventRecord.BAD_LENGTH, decoder.wrap(trailing, 0, length + 1));

        // A length claim beyond 2^31 (u32) is truncation, not an int overflow.
        final UnsafeBuffer huge = exact(buffer, 0, length);
        huge.putInt(EventRecord.LENGTH_OFFSET, -8, ByteOrder.LITTLE_ENDIAN);
        assertEquals(EventRecord.TRUNCATED, decoder.wrap(huge, 0, length));
    }

    @Test
    void shouldNeverThrowOnMutatedRecords() {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PaymentEventLayout.MAX_LENGTH]);
        final int rounds = TestScale.pick(30_000, 2_000_000);
        final int[] outcomes = new int[16];
        for (int i = 0; i < rounds; i++) {
            final int length = encodeSample(buffer, rnd);
            final UnsafeBuffer record = exact(buffer, 0, length);
            final int mutations = 1 + rnd.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                // Bias towards the header and the var-field prefixes, where structure lives.
                final int varStart = PaymentEventLayout.FIXED_LENGTH;
                final int at = rnd.nextInt(3) == 0 ? rnd.nextInt(EventRecord.HEADER_LENGTH)
                    : rnd.nextInt(3) == 0 ? varStart + rnd.nextInt(Math.min(8, length - varStart))
                    : rnd.nextInt(length);
                record.putByte(at, (byte)rnd.nextInt(256));
            }
            final int limit = rnd.nextBoolean() ? length : rnd.nextInt(length + 1);
            final int code = decoder.wrap(record, 0, limit);
            outcomes[code]++;
            if (code == EventRecord.OK) {
                final String json = PaymentEventJson.render(decoder, new StringBuilder()).toString();
                assertEquals(decoder.sequence(), ((java.math.BigInteger)MiniJson.parseObject(json).get("sequence")).longValue(),
                    ctx(i, json));
            }
        }
        // The mutations must reach both outcomes, or this test proves nothing.
        assertTrue(outcomes[EventRecord.OK] > 0 && outcomes[EventRecord.TRUNCATED] > 0 && outcomes[EventRecord.BAD_LENGTH] > 0
            && outcomes[EventRecord.BAD_VALUE] > 0, ctx(java.util.Arrays.toString(outcomes)));
    }

    @Test
    void shouldRejectBadVariableFieldsAndLeaveRecordValid() {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PaymentEventLayout.MAX_LENGTH]);
        encoder.wrap(buffer, 0).chain(ChainId.BITCOIN_MAINNET).eventType(PaymentEventType.INVOICE_OPENED)
            .status(InvoiceStatus.AWAITING_PAYMENT);
        assertEquals(PaymentEventLayout.MIN_LENGTH, encoder.encodedLength());
        assertEquals(EventRecord.OK, decoder.wrap(buffer, 0, encoder.encodedLength()));
        assertEquals(-1, decoder.height());
        assertEquals(-1, decoder.outputIndex());
        assertEquals(null, decoder.previousStatus());

        assertEquals(EventRecord.FIELD_TOO_LONG, encoder.invoiceId("i".repeat(PaymentEventLayout.MAX_INVOICE_ID_LENGTH + 1)));
        assertEquals(EventRecord.NOT_ASCII, encoder.invoiceId("inv-é"));
        assertEquals(PaymentEventLayout.MIN_LENGTH, encoder.encodedLength());
        assertEquals(EventRecord.OK, encoder.orderId("order-7"));
        assertEquals(EventRecord.OUT_OF_ORDER, encoder.invoiceId("inv-1"));
        assertEquals(EventRecord.OUT_OF_ORDER, encoder.orderId("order-8"));
        final byte[] reason = "replaced by é".getBytes(StandardCharsets.UTF_8);
        assertEquals(EventRecord.OK, encoder.reason(new UnsafeBuffer(reason), 0, reason.length));
        assertEquals(EventRecord.OK, decoder.wrap(buffer, 0, encoder.encodedLength()));
        assertEquals("", decoder.invoiceId());
        assertEquals("order-7", decoder.orderId());
        assertEquals("", decoder.correlationId());
        assertEquals("replaced by é", decoder.reason());
        assertEquals(PaymentEventLayout.MIN_LENGTH + 7 + reason.length, encoder.encodedLength());

        final UnsafeBuffer small = new UnsafeBuffer(new byte[PaymentEventLayout.MIN_LENGTH + 4]);
        encoder.wrap(small, 0).chain(ChainId.ETHEREUM_MAINNET).eventType(PaymentEventType.INVOICE_OPENED)
            .status(InvoiceStatus.AWAITING_PAYMENT);
        assertEquals(EventRecord.INSUFFICIENT_CAPACITY, encoder.invoiceId("12345"));
        assertEquals(EventRecord.OK, encoder.invoiceId("1234"));
        assertEquals(EventRecord.OK, decoder.wrap(small, 0, small.capacity()));
        assertEquals("1234", decoder.invoiceId());
        assertNotEquals(EventRecord.describe(EventRecord.OUT_OF_ORDER), EventRecord.describe(EventRecord.FIELD_TOO_LONG));
    }

    @Test
    void shouldRoundTripStepMarkers() {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final StepMarkerEncoder markerEncoder = new StepMarkerEncoder();
        final StepMarkerDecoder markerDecoder = new StepMarkerDecoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[StepMarkerLayout.LENGTH]);
        final byte[] hash = new byte[32];
        for (int i = 0; i < TestScale.pick(10_000, 1_000_000); i++) {
            final ChainId chain = rnd.nextInt(5) == 0 ? null : ChainId.values()[rnd.nextInt(ChainId.values().length)];
            final EventKind kind = EventKind.values()[rnd.nextInt(EventKind.values().length)];
            rnd.nextBytes(hash);
            final long step = rnd.nextLong();
            final long ts = rnd.nextLong();
            final long height = rnd.nextInt(3) == 0 ? -1 : rnd.nextLong(1L << 40);
            final int count = rnd.nextInt(1000);
            final long last = rnd.nextLong(Long.MAX_VALUE);
            markerEncoder.wrap(buffer, 0).stepSequence(step).timestampMs(ts).height(height).chain(chain).eventKind(kind)
                .paymentEventCount(count).lastPaymentSequence(last).blockHash(new UnsafeBuffer(hash), 0);
            assertEquals(EventRecord.OK, markerDecoder.wrap(buffer, 0, markerEncoder.encodedLength()), ctx(i));
            assertEquals(step, markerDecoder.stepSequence(), ctx(i));
            assertEquals(ts, markerDecoder.timestampMs(), ctx(i));
            assertEquals(height, markerDecoder.height(), ctx(i));
            assertEquals(chain, markerDecoder.chain(), ctx(i));
            assertEquals(kind, markerDecoder.eventKind(), ctx(i));
            assertEquals(count, markerDecoder.paymentEventCount(), ctx(i));
            assertEquals(last, markerDecoder.lastPaymentSequence(), ctx(i));
            final byte[] got = new byte[32];
            buffer.getBytes(markerDecoder.blockHashOffset(), got);
            assertEquals(0, new UnsafeBuffer(hash).compareTo(new UnsafeBuffer(got)), ctx(i));
            final StringBuilder json = new StringBuilder();
            assertEquals(EventRecord.OK, PaymentEventJson.render(buffer, 0, buffer.capacity(), json));
            final Map<String, Object> parsed = MiniJson.parseObject(json.toString());
            assertEquals("STEP_MARKER", parsed.get("record"), ctx(i));
            assertEquals(java.math.BigInteger.valueOf(step), parsed.get("stepSequence"), ctx(i));
            assertEquals(chain == null ? null : chain.configName(), parsed.get("chain"), ctx(i));
            assertEquals(kind.name(), parsed.get("kind"), ctx(i));
            assertEquals(height == -1 ? null : java.math.BigInteger.valueOf(height), parsed.get("height"), ctx(i));
            assertEquals(java.math.BigInteger.valueOf(count), parsed.get("paymentEventCount"), ctx(i));
            assertEquals(java.math.BigInteger.valueOf(last), parsed.get("lastPaymentSequence"), ctx(i));
        }
        for (int cut = 0; cut < StepMarkerLayout.LENGTH; cut++) {
            assertEquals(EventRecord.TRUNCATED, markerDecoder.wrap(exact(buffer, 0, cut), 0, cut), ctx(cut));
        }
        final UnsafeBuffer badKind = exact(buffer, 0, StepMarkerLayout.LENGTH);
        badKind.putByte(StepMarkerLayout.EVENT_KIND_OFFSET, (byte)0);
        assertEquals(EventRecord.BAD_VALUE, markerDecoder.wrap(badKind, 0, StepMarkerLayout.LENGTH));
    }

    @Test
    void shouldEncodeAndDecodeFixedFieldsWithoutAllocating() {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PaymentEventLayout.MAX_LENGTH]);
        final UnsafeBuffer hash = new UnsafeBuffer(new byte[32]);
        final UnsafeBuffer ids = new UnsafeBuffer("inv-000123|order-77|corr-9".getBytes(StandardCharsets.US_ASCII));
        final String reason = "replaced by 4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";
        final U128 amount = new U128(0, 1_500_000_000_000_000_000L);
        final U128 read = new U128();
        long sink = 0;
        for (int round = 0; round < 2; round++) {
            final long before = threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
            for (int i = 0; i < 20_000; i++) {
                encoder.wrap(buffer, 0).sequence(i + 1).eventId(hash, 0).timestampMs(i).chain(ChainId.ETHEREUM_MAINNET)
                    .eventType(PaymentEventType.INVOICE_CONFIRMED).status(InvoiceStatus.CONFIRMED)
                    .previousStatus(InvoiceStatus.CONFIRMING).height(i).confirmations(12).outputIndex(3)
                    .paymentFlags(PaymentFlags.IN_BLOCK).blockHash(hash, 0).txid(hash, 0).assetContract(hash, 0)
                    .paymentAmount(amount).amountDue(amount).receivedTotal(amount).confirmedTotal(amount);
                sink += encoder.invoiceId(ids, 0, 10) + encoder.orderId(ids, 11, 8) + encoder.correlationId(ids, 20, 6);
                sink += encoder.reason(reason);
                sink += decoder.wrap(buffer, 0, encoder.encodedLength());
                sink += decoder.sequence() + decoder.height() + decoder.confirmations() + decoder.paymentFlags()
                    + decoder.eventType().code() + decoder.status().code() + decoder.invoiceIdLength() + decoder.reasonLength();
                sink += decoder.confirmedTotal(read).lo();
            }
            final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
            if (round == 1) {
                assertTrue(allocated < 4096, "allocated " + allocated + " bytes for 20,000 records (sink " + sink + ")");
            }
        }
    }
}
