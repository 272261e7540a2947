package io.finality.bench.event;

import io.finality.core.amount.U128;
import io.finality.core.chain.ChainId;
import io.finality.core.event.EventRecord;
import io.finality.core.event.InvoiceStatus;
import io.finality.core.event.PaymentEventDecoder;
import io.finality.core.event.PaymentEventEncoder;
import io.finality.core.event.PaymentEventLayout;
import io.finality.core.event.PaymentEventType;
import io.finality.core.event.PaymentFlags;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Question: what does it cost the state engine to encode one full payment event into the journal's reused
 * buffer, and a tailer to decode it, and do both stay allocation-free ({@code -prof gc}:
 * {@code gc.alloc.rate.norm} about 0 B/op)? Baseline: copying the same number of already-encoded bytes,
 * the physical floor for producing the record.
 *
 * <p>The record has every field set and realistic text: a 36-char invoice id (UUID) and a 64-char reason
 * ({@code "replaced by <txid>"}) given as ASCII {@code CharSequence}s, order and correlation ids as
 * pre-encoded UTF-8 bytes; amounts are wei-sized u128 values.
 *
 * <p>{@link #encodePreEncodedText()} is the same record with every text field from UTF-8 bytes.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar EventEncodeBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "-Xms1g", "-Xmx1g",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.provider=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true",
})
@State(Scope.Thread)
public class EventEncodeBenchmark {
    private final PaymentEventEncoder encoder = new PaymentEventEncoder();
    private final PaymentEventDecoder decoder = new PaymentEventDecoder();
    private final UnsafeBuffer record = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1024, 64));
    private final UnsafeBuffer encoded = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1024, 64));
    private final UnsafeBuffer hashes = new UnsafeBuffer(new byte[128]);
    private final UnsafeBuffer utf8Ids = new UnsafeBuffer("order-2026-11-000042|corr-7f3a9c21".getBytes(StandardCharsets.UTF_8));
    private final String invoiceId = "5f0c6b7e-8a4d-4c3e-9b1a-2d7e6f8a9b0c";
    private final String reason = "replaced by 4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";
    private final UnsafeBuffer utf8Text = new UnsafeBuffer((invoiceId + reason).getBytes(StandardCharsets.UTF_8));
    private final U128 payment = U128.parseDecimal("1.234567890123456789", 18);
    private final U128 due = U128.parseDecimal("1.25", 18);
    private final U128 received = U128.parseDecimal("2.5", 18);
    private final U128 confirmed = U128.parseDecimal("1.25", 18);
    private final U128 scratch = new U128();
    private long sequence;
    private int encodedLength;

    @Setup
    public void setUp() {
        for (int i = 0; i < hashes.capacity(); i++) {
            hashes.putByte(i, (byte)(i * 31 + 7));
        }
        encodedLength = encode();
        encoded.putBytes(0, record, 0, encodedLength);
        if (decoder.wrap(encoded, 0, encodedLength) != EventRecord.OK) {
            throw new IllegalStateException("benchmark record does not decode");
        }
    }

    /** Every fixed field of the record (shared by both encode benchmarks; inlined by the JIT). */
    private void encodeFixedFields() {
        encoder.wrap(record, 0)
            .sequence(++sequence)
            .eventId(hashes, 0)
            .timestampMs(1_763_700_000_000L + sequence)
            .chain(ChainId.ETHEREUM_MAINNET)
            .eventType(PaymentEventType.INVOICE_CONFIRMED)
            .status(InvoiceStatus.CONFIRMED)
            .previousStatus(InvoiceStatus.CONFIRMING)
            .height(21_000_000L)
            .confirmations(12)
            .outputIndex(3)
            .paymentFlags(PaymentFlags.IN_BLOCK | PaymentFlags.OVERPAID)
            .blockHash(hashes, 16)
            .txid(hashes, 48)
            .assetContract(hashes, 80)
            .paymentAmount(payment)
            .amountDue(due)
            .receivedTotal(received)
            .confirmedTotal(confirmed);
    }

    /** Encode a complete PAYMENT_EVENT with all fields and four text fields into the reused buffer. */
    @Benchmark
    public int encode() {
        encodeFixedFields();
        int codes = encoder.invoiceId(invoiceId);
        codes |= encoder.orderId(utf8Ids, 0, 20);
        codes |= encoder.correlationId(utf8Ids, 21, 13);
        codes |= encoder.reason(reason);
        return encoder.encodedLength() + codes;
    }

    /**
     * The same record with all four text fields copied from pre-encoded UTF-8 bytes (how the engine holds
     * invoice references loaded from the store): isolates the cost of the per-character ASCII path.
     */
    @Benchmark
    public int encodePreEncodedText() {
        encodeFixedFields();
        int codes = encoder.invoiceId(utf8Text, 0, invoiceId.length());
        codes |= encoder.orderId(utf8Ids, 0, 20);
        codes |= encoder.correlationId(utf8Ids, 21, 13);
        codes |= encoder.reason(utf8Text, invoiceId.length(), reason.length());
        return encoder.encodedLength() + codes;
    }

    /** Validate a record and read every fixed field, the amounts and the text-field positions. */
    @Benchmark
    public void decodeAndRead(final Blackhole bh) {
        bh.consume(decoder.wrap(encoded, 0, encodedLength));
        bh.consume(decoder.sequence());
        bh.consume(decoder.timestampMs());
        bh.consume(decoder.chainCode());
        bh.consume(decoder.eventType());
        bh.consume(decoder.status());
        bh.consume(decoder.previousStatus());
        bh.consume(decoder.height());
        bh.consume(decoder.confirmations());
        bh.consume(decoder.outputIndex());
        bh.consume(decoder.paymentFlags());
        bh.consume(decoder.isNativeAsset());
        bh.consume(encoded.getLong(decoder.txidOffset()));
        bh.consume(encoded.getLong(decoder.blockHashOffset()));
        bh.consume(decoder.paymentAmount(scratch).lo());
        bh.consume(decoder.amountDue(scratch).lo());
        bh.consume(decoder.receivedTotal(scratch).hi());
        bh.consume(decoder.confirmedTotal(scratch).compareTo(due));
        bh.consume(decoder.invoiceIdOffset() + decoder.invoiceIdLength());
        bh.consume(decoder.orderIdOffset() + decoder.orderIdLength());
        bh.consume(decoder.correlationIdOffset() + decoder.correlationIdLength());
        bh.consume(decoder.reasonOffset() + decoder.reasonLength());
    }

    /** Baseline: copy the same {@value PaymentEventLayout#FIXED_LENGTH}+ bytes of an encoded record. */
    @Benchmark
    public int copyBaseline() {
        record.putBytes(0, encoded, 0, encodedLength);
        return record.getInt(EventRecord.LENGTH_OFFSET);
    }
}
