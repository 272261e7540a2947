package io.finality.bitcoin.scan;

import io.finality.core.buffer.Sha256;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * Streaming SHA-256 (and the double SHA-256 of Bitcoin) that drives the JDK's SHA-256 compression function directly,
 * with the padding, block staging and state reset done here: the txid path of {@link DoubleSha256}.
 *
 * <p>Why it reaches JDK internals: issue 3 asks for all txids of a block at 90 % or more of the floor (one double
 * SHA-256 over the whole block). A txid is a few hundred bytes, so the per-message cost of {@link MessageDigest}
 * dominates: measured at ~44 ns per transaction (update/digest/update/digest: bounds and state checks, padding fed back
 * through {@code engineUpdate}, then {@code engineReset} clearing the 256-byte schedule array and the buffer), which
 * capped even the minimal MessageDigest sequence at 83 % of the floor. Here the two private methods the JIT replaces
 * with the SHA-NI stub ({@code SHA2.implCompress0} for one block, {@code DigestBase.implCompressMultiBlock0} for every
 * full block of a range in place) are held in {@code static final} method handles, so C2 inlines them and the
 * intrinsic applies; the hash state is the engine's own {@code int[8]}, reset here with eight stores of the IV.
 *
 * <p>Needs {@code --add-opens=java.base/sun.security.provider=ALL-UNNAMED}. Without it, or when this JDK's internals
 * differ (names, signatures, or a self-test digest that does not match {@link MessageDigest}), every instance falls
 * back to one plain {@link MessageDigest}: the same results, only slower. That is decided once at class
 * initialisation and logged once. {@link #fastPathAvailable()} says which path is in use.
 *
 * <p>The intrinsics check no bounds, so every range is checked here before it reaches them (a bad range throws
 * {@link IndexOutOfBoundsException}, as {@link MessageDigest} would). Allocates nothing after construction.
 * Not thread-safe: one instance per thread.
 */
public final class Sha256Compression {
    /** Length of a SHA-256 digest. */
    public static final int DIGEST_LENGTH = 32;

    private static final int BLOCK = 64;
    private static final String OPENS_FLAG = "--add-opens=java.base/sun.security.provider=ALL-UNNAMED";
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** {@code SHA2$SHA256.<init>()} as {@code ()Object}. */
    private static final MethodHandle NEW_ENGINE;
    /** The engine's {@code int[] state} getter as {@code (Object)int[]}. */
    private static final MethodHandle STATE;
    /** {@code SHA2.implCompress0(byte[], int)} as {@code (Object, byte[], int)void}: one block. */
    private static final MethodHandle COMPRESS;
    /** {@code DigestBase.implCompressMultiBlock0(byte[], int, int)} as {@code (Object, byte[], int, int)int}. */
    private static final MethodHandle COMPRESS_BLOCKS;
    /** Null when the fast path works; otherwise why not, for the log line and for tests. */
    private static final String UNAVAILABLE;

    static {
        MethodHandle newEngine = null;
        MethodHandle state = null;
        MethodHandle compress = null;
        MethodHandle compressBlocks = null;
        String unavailable;
        try {
            final Class<?> sha2 = Class.forName("sun.security.provider.SHA2");
            final Class<?> digestBase = Class.forName("sun.security.provider.DigestBase");
            final Class<?> sha256 = Class.forName("sun.security.provider.SHA2$SHA256");
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            final MethodHandles.Lookup inSha2 = MethodHandles.privateLookupIn(sha2, lookup);
            final MethodHandles.Lookup inBase = MethodHandles.privateLookupIn(digestBase, lookup);
            newEngine = MethodHandles.privateLookupIn(sha256, lookup).findConstructor(sha256, MethodType.methodType(void.class))
                .asType(MethodType.methodType(Object.class));
            state = inSha2.findGetter(sha2, "state", int[].class).asType(MethodType.methodType(int[].class, Object.class));
            compress = inSha2.findVirtual(sha2, "implCompress0", MethodType.methodType(void.class, byte[].class, int.class))
                .asType(MethodType.methodType(void.class, Object.class, byte[].class, int.class));
            compressBlocks = inBase.findVirtual(digestBase, "implCompressMultiBlock0",
                    MethodType.methodType(int.class, byte[].class, int.class, int.class))
                .asType(MethodType.methodType(int.class, Object.class, byte[].class, int.class, int.class));
            unavailable = null;
        } catch (final IllegalAccessException ex) {
            unavailable = "java.base/sun.security.provider is not opened to this code (JVM flag " + OPENS_FLAG + ")";
        } catch (final ReflectiveOperationException | RuntimeException ex) {
            unavailable = "this JDK's SHA-256 internals differ from what it expects (" + ex + ")";
        }
        NEW_ENGINE = newEngine;
        STATE = state;
        COMPRESS = compress;
        COMPRESS_BLOCKS = compressBlocks;
        UNAVAILABLE = unavailable == null ? selfTest() : unavailable;
        final System.Logger log = System.getLogger(Sha256Compression.class.getName());
        if (UNAVAILABLE == null) {
            log.log(System.Logger.Level.INFO, "SHA-256: driving the JDK compression intrinsic directly");
        } else {
            log.log(System.Logger.Level.WARNING, "SHA-256: MessageDigest fallback (slower txids) because " + UNAVAILABLE);
        }
    }

    private final boolean fast;
    private final Object engine;
    private final int[] state;
    private final MessageDigest digest;
    /** The partial block of the running hash, and room for two blocks of padding at the end. */
    private final byte[] pending = new byte[2 * BLOCK];
    /** The second hash's only block: the first digest, then fixed padding for a 32-byte message. */
    private final byte[] second = digestBlock();
    private int pendingLength;
    private long length;

    /** An instance on the fast path when this JVM allows it, else on the MessageDigest fallback. */
    public Sha256Compression() {
        this(true);
    }

    /** For tests: {@code allowFastPath = false} forces the MessageDigest fallback. */
    Sha256Compression(final boolean allowFastPath) {
        fast = allowFastPath && UNAVAILABLE == null;
        engine = fast ? newEngine() : null;
        state = fast ? state(engine) : null;
        digest = fast ? null : new Sha256().digest();
        reset();
    }

    /** True when this JVM drives the compression intrinsic directly (instances may still be forced onto the fallback). */
    public static boolean fastPathAvailable() {
        return UNAVAILABLE == null;
    }

    /** Why the fast path is not available, or null when it is. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** True when this instance uses the fast path. */
    public boolean fast() {
        return fast;
    }

    /** Drop the running hash and start a new one. */
    public void reset() {
        pendingLength = 0;
        length = 0;
        if (fast) {
            iv(state);
        } else {
            digest.reset();
        }
    }

    /**
     * Add {@code src[offset, offset + length)} to the running hash: full blocks are compressed in place in
     * {@code src}, only the partial ones are copied.
     */
    public void update(final byte[] src, final int offset, final int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        if (!fast) {
            digest.update(src, offset, length);
            return;
        }
        this.length += length;
        int at = offset;
        int left = length;
        int buffered = pendingLength;
        if (buffered != 0) {
            final int n = Math.min(left, BLOCK - buffered);
            System.arraycopy(src, at, pending, buffered, n);
            buffered += n;
            at += n;
            left -= n;
            if (buffered < BLOCK) {
                pendingLength = buffered;
                return;
            }
            compress(pending, 0);
        }
        if (left >= BLOCK) {
            final int end = at + left;
            at = compressBlocks(src, at, end - BLOCK);
            left = end - at;
        }
        System.arraycopy(src, at, pending, 0, left);
        pendingLength = left;
    }

    /** Finish the running hash as SHA-256 into {@code out[outOffset, outOffset + 32)} and start a new one. */
    public void finish(final byte[] out, final int outOffset) {
        Objects.checkFromIndexSize(outOffset, DIGEST_LENGTH, out.length);
        if (!fast) {
            digestInto(out, outOffset);
            return;
        }
        pad();
        writeState(out, outOffset);
        reset();
    }

    /** Finish the running hash as SHA-256(SHA-256(data)) into {@code out[outOffset, outOffset + 32)} and start a new one. */
    public void finishTwice(final byte[] out, final int outOffset) {
        Objects.checkFromIndexSize(outOffset, DIGEST_LENGTH, out.length);
        final byte[] second = this.second;
        if (!fast) {
            digestInto(second, 0);
            digest.update(second, 0, DIGEST_LENGTH);
            digestInto(out, outOffset);
            return;
        }
        pad();
        writeState(second, 0);
        iv(state);
        compress(second, 0);
        writeState(out, outOffset);
        pendingLength = 0;
        length = 0;
        iv(state);
    }

    /** Append the padding to the pending bytes and compress it. */
    private void pad() {
        if (padFinalBlocks(pending, 0, pendingLength, length) == 1) {
            compress(pending, 0);
        } else {
            compressBlocks(pending, 0, BLOCK);
        }
    }

    /**
     * Pad the last {@code staged} bytes of a {@code messageBytes}-byte message, staged at {@code buf[at, at + staged)}:
     * 0x80, zeros, and the message's bit length as a big-endian long at the end of the first block from {@code at}, or
     * of the second when fewer than nine bytes are left in the first. The caller has checked the room (two blocks).
     *
     * @return the blocks to compress from {@code at}: 1 or 2.
     */
    static int padFinalBlocks(final byte[] buf, final int at, final int staged, final long messageBytes) {
        buf[at + staged] = (byte)0x80;
        final int blocks = staged < BLOCK - 8 ? 1 : 2;
        final int lengthAt = at + blocks * BLOCK - 8;
        Arrays.fill(buf, at + staged + 1, lengthAt, (byte)0);
        LONG_BE.set(buf, lengthAt, messageBytes << 3);
        return blocks;
    }

    /**
     * Write the fixed padding of a 32-byte message (0x80 after it, bit length 256 at the end) into the zeroed block at
     * {@code buf[at, at + 64)}: the block of every second hash, whose first 32 bytes are the first digest.
     */
    static void padDigestBlock(final byte[] buf, final int at) {
        buf[at + DIGEST_LENGTH] = (byte)0x80;
        buf[at + BLOCK - 2] = 1;
    }

    private static byte[] digestBlock() {
        final byte[] block = new byte[BLOCK];
        padDigestBlock(block, 0);
        return block;
    }

    private void writeState(final byte[] out, final int outOffset) {
        writeState(state, out, outOffset);
    }

    /** One block at {@code buf[offset, offset + 64)}; the caller has checked the range. */
    private void compress(final byte[] buf, final int offset) {
        compress(engine, buf, offset);
    }

    /** A new engine whose {@link #state} is the running hash; only when {@link #fastPathAvailable()}. */
    static Object newEngine() {
        final Object engine;
        try {
            engine = NEW_ENGINE.invokeExact();
        } catch (final Throwable ex) {
            throw new IllegalStateException(ex);
        }
        // until C2 compiles the call site, the JDK's Java body of the intrinsic runs and allocates its 64-int work array
        // on first use: make that first use now, so no hash allocates (the state is reset before every hash)
        compress(engine, new byte[BLOCK], 0);
        return engine;
    }

    /** The engine's hash state, an {@code int[8]}, read once per engine. */
    static int[] state(final Object engine) {
        try {
            return (int[])STATE.invokeExact(engine);
        } catch (final Throwable ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** One compression of {@code buf[offset, offset + 64)} into the engine's state; the caller has checked the range. */
    static void compress(final Object engine, final byte[] buf, final int offset) {
        try {
            COMPRESS.invokeExact(engine, buf, offset);
        } catch (final Throwable ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The state as a digest: eight big-endian ints at {@code out[outOffset, outOffset + 32)}; the caller has checked the range. */
    static void writeState(final int[] state, final byte[] out, final int outOffset) {
        for (int i = 0; i < 8; i++) {
            INT_BE.set(out, outOffset + 4 * i, state[i]);
        }
    }

    /** Every block starting at or before {@code lastStart}; returns the offset after the last one. Range checked by the caller. */
    private int compressBlocks(final byte[] buf, final int offset, final int lastStart) {
        try {
            return (int)COMPRESS_BLOCKS.invokeExact(engine, buf, offset, lastStart);
        } catch (final Throwable ex) {
            throw new IllegalStateException(ex);
        }
    }

    private void digestInto(final byte[] out, final int outOffset) {
        try {
            digest.digest(out, outOffset, DIGEST_LENGTH);
        } catch (final DigestException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Start a new hash: the SHA-256 initial value. */
    static void iv(final int[] state) {
        state[0] = 0x6a09e667;
        state[1] = 0xbb67ae85;
        state[2] = 0x3c6ef372;
        state[3] = 0xa54ff53a;
        state[4] = 0x510e527f;
        state[5] = 0x9b05688c;
        state[6] = 0x1f83d9ab;
        state[7] = 0x5be0cd19;
    }

    /**
     * Null when the handles hash like {@link MessageDigest} on lengths around every padding edge, split in two
     * updates at several points (so a JDK whose methods kept their names but changed meaning falls back).
     */
    private static String selfTest() {
        try {
            final MessageDigest reference = new Sha256().digest();
            final Object engine = NEW_ENGINE.invokeExact();
            final int[] state = (int[])STATE.invokeExact(engine);
            if (state == null || state.length != 8) {
                return "the SHA-256 engine's state is not an int[8]";
            }
            final byte[] data = new byte[300];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte)(i * 131 + 7);
            }
            final Sha256Compression probe = new Sha256Compression(engine, state);
            final byte[] expected = new byte[DIGEST_LENGTH];
            final byte[] actual = new byte[DIGEST_LENGTH];
            for (int len = 0; len <= data.length; len += 13) {
                reference.update(data, 0, len);
                reference.digest(expected, 0, DIGEST_LENGTH);
                probe.update(data, 0, len / 3);
                probe.update(data, len / 3, len - len / 3);
                probe.finish(actual, 0);
                if (!Arrays.equals(expected, actual)) {
                    return "the self-test digest of " + len + " bytes differs from MessageDigest";
                }
            }
            return null;
        } catch (final Throwable ex) {
            return "the self-test failed (" + ex + ")";
        }
    }

    /** For the class-init self-test only: the fast path on a given engine, before the static finals are judged. */
    private Sha256Compression(final Object engine, final int[] state) {
        this.fast = true;
        this.engine = engine;
        this.state = state;
        this.digest = null;
        reset();
    }
}
