package io.finality.bitcoin.regtest;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds legacy-serialised transactions for in-process chains (tests, the demo, the loopback
 * peer): inputs by outpoint with an empty scriptSig, outputs paying chosen scripts. Nothing here
 * signs: the scanner and the state engine never check signatures, a node would.
 *
 * <p>Not thread-safe; allocates (a tool, not the hot path).
 */
public final class RawTransactionBuilder {
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private byte[] coinbaseScript;

    /** Spend output {@code index} of the transaction with internal-order txid {@code prevTxid}. */
    public RawTransactionBuilder spend(final byte[] prevTxid, final int index) {
        final byte[] in = new byte[36];
        System.arraycopy(prevTxid, 0, in, 0, 32);
        putIntLe(in, 32, index);
        inputs.add(in);
        return this;
    }

    /** Make this a coinbase carrying {@code height} (BIP34) so every block's coinbase txid differs. */
    public RawTransactionBuilder coinbase(final long height) {
        final byte[] h = {3, (byte)height, (byte)(height >>> 8), (byte)(height >>> 16), 0x51, 0x51};
        coinbaseScript = h;
        return this;
    }

    /** Pay {@code satoshis} to {@code script}. */
    public RawTransactionBuilder pay(final long satoshis, final byte[] script) {
        final byte[] out = new byte[8 + varIntSize(script.length) + script.length];
        putLongLe(out, 0, satoshis);
        final int at = putVarInt(out, 8, script.length);
        System.arraycopy(script, 0, out, at, script.length);
        outputs.add(out);
        return this;
    }

    public byte[] build() {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        writeIntLe(b, 2);
        if (coinbaseScript != null) {
            writeVarInt(b, 1);
            b.writeBytes(new byte[32]);
            writeIntLe(b, -1);
            writeVarInt(b, coinbaseScript.length);
            b.writeBytes(coinbaseScript);
            writeIntLe(b, -1);
        } else {
            writeVarInt(b, inputs.size());
            for (byte[] in : inputs) {
                b.writeBytes(in);
                writeVarInt(b, 0);
                writeIntLe(b, 0xFFFF_FFFD);
            }
        }
        writeVarInt(b, outputs.size());
        for (byte[] out : outputs) {
            b.writeBytes(out);
        }
        writeIntLe(b, 0);
        return b.toByteArray();
    }

    static void writeIntLe(final ByteArrayOutputStream b, final int v) {
        b.write(v);
        b.write(v >>> 8);
        b.write(v >>> 16);
        b.write(v >>> 24);
    }

    static void writeVarInt(final ByteArrayOutputStream b, final long n) {
        if (n < 0xFD) {
            b.write((int)n);
        } else if (n <= 0xFFFF) {
            b.write(0xFD);
            b.write((int)n);
            b.write((int)(n >>> 8));
        } else {
            b.write(0xFE);
            writeIntLe(b, (int)n);
        }
    }

    private static int varIntSize(final int n) {
        return n < 0xFD ? 1 : 3;
    }

    private static int putVarInt(final byte[] dst, final int at, final int n) {
        if (n < 0xFD) {
            dst[at] = (byte)n;
            return at + 1;
        }
        dst[at] = (byte)0xFD;
        dst[at + 1] = (byte)n;
        dst[at + 2] = (byte)(n >>> 8);
        return at + 3;
    }

    static void putIntLe(final byte[] dst, final int at, final int v) {
        dst[at] = (byte)v;
        dst[at + 1] = (byte)(v >>> 8);
        dst[at + 2] = (byte)(v >>> 16);
        dst[at + 3] = (byte)(v >>> 24);
    }

    static void putLongLe(final byte[] dst, final int at, final long v) {
        putIntLe(dst, at, (int)v);
        putIntLe(dst, at + 4, (int)(v >>> 32));
    }
}
