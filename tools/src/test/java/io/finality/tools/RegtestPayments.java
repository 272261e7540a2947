package io.finality.tools;

import io.finality.bitcoin.regtest.RawTransactionBuilder;
import io.finality.bitcoin.regtest.RegtestChain;
import java.nio.charset.StandardCharsets;

/** Regtest payments for the tools tests: a P2WPKH script per invoice id, and a payment to it from a made-up coin. */
public final class RegtestPayments {
    private RegtestPayments() {
    }

    /** A P2WPKH output script whose key hash is derived from {@code id} (no private key exists). */
    public static byte[] script(final String id) {
        final byte[] hash = RegtestChain.sha256d(id.getBytes(StandardCharsets.US_ASCII));
        final byte[] s = new byte[22];
        s[1] = 0x14;
        System.arraycopy(hash, 0, s, 2, 20);
        return s;
    }

    /** A transaction spending made-up coin number {@code coin} and paying {@code satoshis} to {@code id}'s script. */
    public static byte[] pay(final int coin, final String id, final long satoshis) {
        return new RawTransactionBuilder().spend(RegtestChain.sha256d(("coin-" + coin).getBytes(StandardCharsets.US_ASCII)), 0)
            .pay(satoshis, script(id)).build();
    }
}
