package io.finality.matcher.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;

import io.finality.core.chain.ChainId;
import io.finality.core.test.TestScale;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class InvoiceCodecTest {
    @Test
    void shouldRoundTripRandomRecordsAndExposeTheKeyInPlace() {
        final long seed = TestScale.seed(11);
        final SplittableRandom random = new SplittableRandom(seed);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        for (int n = 0; n < TestScale.pick(5_000, 100_000); n++) {
            final InvoiceRecord record = TestInvoices.request(seed, n)
                .withAssigned(random.nextInt(0, Integer.MAX_VALUE), random.nextLong(0, Long.MAX_VALUE))
                .withStatus(random.nextBoolean() ? InvoiceStatus.OPEN : InvoiceStatus.CANCELLED);
            final int offset = random.nextInt(16);
            final int length = InvoiceCodec.encode(record, buffer, offset);
            final String where = "seed=" + seed + " n=" + n;
            assertEquals(InvoiceCodec.encodedLength(record), length, where);
            assertEquals(length, InvoiceCodec.validate(buffer, offset, length + random.nextInt(3)), where);
            assertEquals(record, InvoiceCodec.decode(buffer, offset, length), where);
            assertEquals(record.chain().code(), InvoiceCodec.chainCode(buffer, offset), where);
            assertEquals(record.slot(), InvoiceCodec.slot(buffer, offset), where);
            final byte[] key = new byte[InvoiceCodec.keyLength(buffer, offset)];
            buffer.getBytes(InvoiceCodec.keyOffset(offset), key);
            assertArrayEquals(record.watchKey(), key, where);
        }
    }

    @Test
    void shouldKeepTheFull128BitAmount() {
        final BigInteger max = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
        final InvoiceRecord record = InvoiceRecord.request("max", ChainId.ETHEREUM_MAINNET, null, 18, new byte[20], "0x00", max, 1,
            "default", null, null);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = InvoiceCodec.encode(record, buffer, 0);
        assertEquals(max, InvoiceCodec.decode(buffer, 0, length).amountDue());
        assertThrows(IllegalArgumentException.class, () -> InvoiceRecord.request("over", ChainId.ETHEREUM_MAINNET, null, 18,
            new byte[20], "0x00", max.add(BigInteger.ONE), 1, "default", null, null));
    }

    @Test
    void shouldReportTruncationOfEveryPrefixWithoutThrowing() {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = InvoiceCodec.encode(TestInvoices.request(3, 1).withAssigned(5, 6), buffer, 0);
        for (int prefix = 0; prefix < length; prefix++) {
            final UnsafeBuffer view = new UnsafeBuffer(buffer.byteArray(), 0, prefix);
            assertTrue(InvoiceCodec.validate(view, 0, prefix) < 0, "prefix " + prefix);
            final int p = prefix;
            assertThrows(IllegalArgumentException.class, () -> InvoiceCodec.decode(view, 0, p));
        }
    }

    @Test
    void shouldNeverThrowAnythingButIllegalArgumentOnCorruptBytes() {
        final long seed = TestScale.seed(12);
        final SplittableRandom random = new SplittableRandom(seed);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        int rejected = 0;
        for (int n = 0; n < TestScale.pick(20_000, 500_000); n++) {
            final int length = InvoiceCodec.encode(TestInvoices.request(seed, n % 64).withAssigned(n, n), buffer, 0);
            final byte[] bytes = new byte[length];
            buffer.getBytes(0, bytes);
            for (int flips = random.nextInt(1, 4); flips > 0; flips--) {
                bytes[random.nextInt(Math.min(length, 64))] = (byte) random.nextInt();
            }
            final UnsafeBuffer view = new UnsafeBuffer(bytes);
            final int valid = InvoiceCodec.validate(view, 0, length);
            try {
                InvoiceCodec.decode(view, 0, length);
                assertTrue(valid > 0, "decoded what validate rejected, seed=" + seed + " n=" + n);
            } catch (final IllegalArgumentException expected) {
                rejected++;
            }
        }
        assertTrue(rejected > 0, "corruption detected at least sometimes, seed=" + seed);
    }
}
