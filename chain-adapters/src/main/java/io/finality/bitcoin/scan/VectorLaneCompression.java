package io.finality.bitcoin.scan;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LaneCompression} on the JDK's vector API: one int lane per message, the widest species this CPU has (16 lanes
 * with AVX-512), every SHA-256 round done for all lanes by a few vector instructions.
 *
 * <p>Why by hand: a CPU whose SHA-NI unit is slow next to its vector units (the Intel Xeon of session 14: 55–87 ns per
 * 64-byte block on the intrinsic, 25–40 ns per lane-block here) hashes many short independent messages, such as a
 * block's transactions, faster this way. Whether it does on the machine at hand is measured, not assumed: see
 * {@link TxidPath}.
 *
 * <p>The vector API is an incubator module: this class is loaded by reflection, only when the JVM runs with
 * {@code --add-modules=jdk.incubator.vector}. Allocates nothing after construction once compiled by C2.
 */
final class VectorLaneCompression implements LaneCompression {
    private static final VectorSpecies<Integer> SPECIES = IntVector.SPECIES_PREFERRED;
    /** Loads of a block's bytes: the preferred width, at most a whole block. */
    private static final VectorSpecies<Byte> BYTES =
        ByteVector.SPECIES_PREFERRED.length() <= 64 ? ByteVector.SPECIES_PREFERRED : ByteVector.SPECIES_512;
    private static final int N = SPECIES.length();
    private static final int[] IV = new int[8];
    /** Word {@code j} of every lane's staged block: rows[j + GATHER[l]] for lane {@code l}. */
    private static final int[] GATHER = new int[N];

    private static final int[] K = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

    static {
        for (int l = 0; l < N; l++) {
            GATHER[l] = 16 * l;
        }
        Sha256Compression.iv(IV);
    }

    private final int[] state = new int[8 * N];
    /** Each lane's next block as 16 big-endian words, lane after lane (gathered by word in {@link #compress}). */
    private final int[] rows = new int[16 * N];
    /** The message schedule, 64 words of every lane. */
    private final int[] schedule = new int[64 * N];

    @Override
    public int lanes() {
        return N;
    }

    @Override
    public int[] state() {
        return state;
    }

    @Override
    public void stage(final int lane, final byte[] bytes, final int offset) {
        final int[] rows = this.rows;
        for (int i = 0; i < 64; i += BYTES.length()) {
            ByteVector.fromArray(BYTES, bytes, offset + i).reinterpretAsInts().lanewise(VectorOperators.REVERSE_BYTES)
                .intoArray(rows, 16 * lane + (i >>> 2));
        }
    }

    @Override
    public void stageDigest(final int lane) {
        final int[] rows = this.rows;
        final int[] state = this.state;
        final int row = 16 * lane;
        for (int i = 0; i < 8; i++) {
            rows[row + i] = state[i * N + lane];
            state[i * N + lane] = IV[i];
        }
        // the padding of a 32-byte message: one bit, zeros, its length in bits
        rows[row + 8] = 0x80000000;
        for (int i = 9; i < 15; i++) {
            rows[row + i] = 0;
        }
        rows[row + 15] = 256;
    }

    @Override
    public void compress() {
        final int[] w = schedule;
        for (int j = 0; j < 16; j++) {
            IntVector.fromArray(SPECIES, rows, j, GATHER, 0).intoArray(w, j * N);
        }
        for (int t = 16; t < 64; t++) {
            final IntVector w15 = IntVector.fromArray(SPECIES, w, (t - 15) * N);
            final IntVector w2 = IntVector.fromArray(SPECIES, w, (t - 2) * N);
            final IntVector s0 = w15.lanewise(VectorOperators.ROR, 7)
                .lanewise(VectorOperators.XOR, w15.lanewise(VectorOperators.ROR, 18))
                .lanewise(VectorOperators.XOR, w15.lanewise(VectorOperators.LSHR, 3));
            final IntVector s1 = w2.lanewise(VectorOperators.ROR, 17)
                .lanewise(VectorOperators.XOR, w2.lanewise(VectorOperators.ROR, 19))
                .lanewise(VectorOperators.XOR, w2.lanewise(VectorOperators.LSHR, 10));
            IntVector.fromArray(SPECIES, w, (t - 16) * N).add(s0).add(IntVector.fromArray(SPECIES, w, (t - 7) * N)).add(s1)
                .intoArray(w, t * N);
        }
        final int[] st = state;
        IntVector a = IntVector.fromArray(SPECIES, st, 0);
        IntVector b = IntVector.fromArray(SPECIES, st, N);
        IntVector c = IntVector.fromArray(SPECIES, st, 2 * N);
        IntVector d = IntVector.fromArray(SPECIES, st, 3 * N);
        IntVector e = IntVector.fromArray(SPECIES, st, 4 * N);
        IntVector f = IntVector.fromArray(SPECIES, st, 5 * N);
        IntVector g = IntVector.fromArray(SPECIES, st, 6 * N);
        IntVector h = IntVector.fromArray(SPECIES, st, 7 * N);
        for (int t = 0; t < 64; t++) {
            final IntVector bigSigma1 = e.lanewise(VectorOperators.ROR, 6)
                .lanewise(VectorOperators.XOR, e.lanewise(VectorOperators.ROR, 11))
                .lanewise(VectorOperators.XOR, e.lanewise(VectorOperators.ROR, 25));
            final IntVector choose = g.lanewise(VectorOperators.XOR, e.and(f.lanewise(VectorOperators.XOR, g)));
            final IntVector t1 = h.add(bigSigma1).add(choose).add(K[t]).add(IntVector.fromArray(SPECIES, w, t * N));
            final IntVector bigSigma0 = a.lanewise(VectorOperators.ROR, 2)
                .lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.ROR, 13))
                .lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.ROR, 22));
            final IntVector majority = a.and(b).or(c.and(a.or(b)));
            h = g;
            g = f;
            f = e;
            e = d.add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.add(bigSigma0.add(majority));
        }
        a.add(IntVector.fromArray(SPECIES, st, 0)).intoArray(st, 0);
        b.add(IntVector.fromArray(SPECIES, st, N)).intoArray(st, N);
        c.add(IntVector.fromArray(SPECIES, st, 2 * N)).intoArray(st, 2 * N);
        d.add(IntVector.fromArray(SPECIES, st, 3 * N)).intoArray(st, 3 * N);
        e.add(IntVector.fromArray(SPECIES, st, 4 * N)).intoArray(st, 4 * N);
        f.add(IntVector.fromArray(SPECIES, st, 5 * N)).intoArray(st, 5 * N);
        g.add(IntVector.fromArray(SPECIES, st, 6 * N)).intoArray(st, 6 * N);
        h.add(IntVector.fromArray(SPECIES, st, 7 * N)).intoArray(st, 7 * N);
    }
}
