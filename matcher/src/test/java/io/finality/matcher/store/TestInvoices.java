package io.finality.matcher.store;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.SplittableRandom;

import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;

/** Seeded generator of valid invoice requests covering every field's range. */
final class TestInvoices {
    private static final ChainId[] CHAINS = ChainId.values();
    private static final int[] SCRIPT_LENGTHS = {22, 23, 25, 34, 34, 4, 71, 105, 520, 10_000};

    private TestInvoices() {
    }

    /** Request number {@code n} of the sequence for {@code seed}: the same arguments always give the same request. */
    static InvoiceRecord request(final long seed, final int n) {
        final SplittableRandom random = new SplittableRandom(seed * 1_000_003L + n);
        final ChainId chain = CHAINS[random.nextInt(CHAINS.length)];
        final boolean ethereum = chain.family() == ChainFamily.ETHEREUM;
        final byte[] key = new byte[ethereum ? 20 : SCRIPT_LENGTHS[random.nextInt(SCRIPT_LENGTHS.length)]];
        random.nextBytes(key);
        String contract = null;
        if (ethereum && random.nextBoolean()) {
            final byte[] raw = new byte[20];
            random.nextBytes(raw);
            contract = "0x" + HexFormat.of().formatHex(raw);
        }
        final BigInteger amount = new BigInteger(random.nextInt(1, 129), new java.util.Random(random.nextLong())).add(BigInteger.ONE)
            .min(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));
        return InvoiceRecord.request(
            "inv-" + seed + "." + n,
            chain,
            contract,
            contract != null ? random.nextInt(0, 39) : chain.nativeDecimals(),
            key,
            (ethereum ? "0x" : "bc1q") + HexFormat.of().formatHex(key, 0, Math.min(key.length, 20)),
            amount,
            random.nextLong(0, Long.MAX_VALUE),
            random.nextBoolean() ? "default" : "high-value",
            random.nextInt(3) == 0 ? null : "order-" + random.nextInt() + (random.nextBoolean() ? " caf\u00e9 \u20ac" : ""),
            random.nextInt(3) == 0 ? null : "corr-" + random.nextLong());
    }
}
