package io.finality.bitcoin.scan;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which engine hashes all txids of a block on heap buffers ({@link BitcoinBlockScanner#allTxids}): vector lanes
 * ({@link TxidVectorLanes}) or two transactions side by side on the SHA-NI intrinsic ({@link TxidLanes}). Decided once
 * per JVM, on first use, and logged.
 *
 * <p>Why measured: which is faster depends on the CPU. On the AMD EPYC of sessions 1–12 the intrinsic took ~36 ns per
 * 64-byte block; on the Intel Xeon of sessions 13–14 it takes 55–87 ns, and 16 vector lanes 25–40 ns per lane-block.
 * So under {@code auto} (the default) the vector lanes are used when this JVM has the vector API
 * ({@code --add-modules=jdk.incubator.vector}), they pass a self-test against the intrinsic, and a timing of both (once, on the
 * first all-txids call: ~0.6 s on that Xeon, at most 2 s) finds them taking at most 80 % of the intrinsic's time per
 * block in {@value #WINS_TO_DECIDE} rounds in a row. System property {@value #PROPERTY}: {@code auto}, {@code vector}
 * (whenever they work), {@code pairs} (never).
 */
final class TxidPath {
    /** The system property that overrides the choice. */
    static final String PROPERTY = "finality.bitcoin.txidPath";

    private static final System.Logger LOG = System.getLogger(TxidPath.class.getName());
    private static final String VECTOR_CLASS = "io.finality.bitcoin.scan.VectorLaneCompression";
    private static final double REQUIRED_SPEED_UP = 1.25;
    private static final long CALIBRATION_NANOS = 2_000_000_000L;
    private static final int WINS_TO_DECIDE = 20;

    private TxidPath() {
    }

    /** True when this JVM hashes all txids in vector lanes. */
    static boolean vector() {
        return Choice.VECTOR;
    }

    /**
     * A new vector compression for one scanner, self-tested against the intrinsic, whatever the choice.
     *
     * @throws IllegalStateException when this JVM cannot run one; the message says why.
     */
    static LaneCompression loadVectorCompression() {
        if (!Sha256Compression.fastPathAvailable()) {
            throw new IllegalStateException("no SHA-256 intrinsic path to finish lanes on: " + Sha256Compression.unavailableReason());
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new IllegalStateException("the vector API is not in this JVM (flag --add-modules=jdk.incubator.vector)");
        }
        final LaneCompression lanes;
        try {
            lanes = (LaneCompression)Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
        } catch (final ReflectiveOperationException | LinkageError ex) {
            throw new IllegalStateException("vector lanes failed to load: " + ex, ex);
        }
        final String failed = selfTest(lanes);
        if (failed != null) {
            throw new IllegalStateException(failed);
        }
        return lanes;
    }

    /** Initialised on the first all-txids call on heap, so scanners that never make one never pay for the timing. */
    private static final class Choice {
        private static final boolean VECTOR;

        static {
            final String mode = System.getProperty(PROPERTY, "auto").toLowerCase(Locale.ROOT);
            boolean vector = false;
            String reason;
            final boolean known = mode.equals("auto") || mode.equals("vector") || mode.equals("pairs");
            if (!known) {
                reason = "unknown " + PROPERTY + "=" + mode + " (auto, vector or pairs): using pairs";
            } else if (mode.equals("pairs")) {
                reason = PROPERTY + "=pairs";
            } else {
                try {
                    final LaneCompression probe = loadVectorCompression();
                    if (mode.equals("vector")) {
                        vector = true;
                        reason = PROPERTY + "=vector, " + probe.lanes() + " lanes";
                    } else {
                        final Timing timing = calibrate(probe);
                        vector = timing.lanesWon();
                        reason = String.format(Locale.ROOT, "%d lanes %.1f ns per block, the intrinsic %.1f", probe.lanes(),
                            timing.vectorNanos(), timing.intrinsicNanos());
                    }
                } catch (final IllegalStateException ex) {
                    reason = ex.getMessage();
                } catch (final RuntimeException | LinkageError ex) {
                    // a failure here must not fail every later allTxids call with NoClassDefFoundError: keep the pairs
                    vector = false;
                    reason = "vector lanes failed: " + ex;
                }
            }
            VECTOR = vector;
            LOG.log(known ? System.Logger.Level.INFO : System.Logger.Level.WARNING, "all-txids hashing: {0} ({1})",
                vector ? "vector lanes" : "pairs on the intrinsic", reason);
        }
    }

    /**
     * Null when every lane, each on blocks of its own, compresses to what the intrinsic gives, through two blocks and a
     * second hash staged from the state as {@link TxidVectorLanes} does; else what differs.
     */
    static String selfTest(final LaneCompression lanes) {
        final int n = lanes.lanes();
        final int[] state = lanes.state();
        final Object engine = Sha256Compression.newEngine();
        final int[] expected = Sha256Compression.state(engine);
        final byte[] message = new byte[64];
        Sha256Compression.iv(expected);
        for (int l = 0; l < n; l++) {
            for (int i = 0; i < 8; i++) {
                state[i * n + l] = expected[i];
            }
        }
        for (int round = 0; round < 2; round++) {
            for (int l = 0; l < n; l++) {
                fill(message, l, round);
                lanes.stage(l, message, 0);
            }
            lanes.compress();
        }
        for (int l = 0; l < n; l++) {
            lanes.stageDigest(l);
        }
        lanes.compress();
        final byte[] digestBlock = new byte[64];
        Sha256Compression.padDigestBlock(digestBlock, 0);
        for (int l = 0; l < n; l++) {
            Sha256Compression.iv(expected);
            for (int round = 0; round < 2; round++) {
                fill(message, l, round);
                Sha256Compression.compress(engine, message, 0);
            }
            Sha256Compression.writeState(expected, digestBlock, 0);
            Sha256Compression.iv(expected);
            Sha256Compression.compress(engine, digestBlock, 0);
            for (int i = 0; i < 8; i++) {
                if (state[i * n + l] != expected[i]) {
                    return "vector lanes failed their self-test (lane " + l + ", word " + i + ")";
                }
            }
        }
        return null;
    }

    private static void fill(final byte[] message, final int lane, final int round) {
        for (int j = 0; j < message.length; j++) {
            message[j] = (byte)(31 * lane + 7 * j + 101 * round);
        }
    }

    /**
     * Nanoseconds per 64-byte block on the intrinsic and per lane-block in the vector lanes, each the best of its
     * rounds, and whether the lanes won.
     */
    private record Timing(double intrinsicNanos, double vectorNanos, boolean lanesWon) {
    }

    /**
     * Alternated rounds of both kernels until the vector lanes have beaten the intrinsic by the required margin in
     * {@value #WINS_TO_DECIDE} rounds in a row (they won), or the time is up (they did not): the vector kernel runs
     * interpreted until C2 compiles it (~0.55 s on the Intel Xeon of session 14), so a deadline that comes first keeps
     * the pairs.
     */
    private static Timing calibrate(final LaneCompression lanes) {
        final Object engine = Sha256Compression.newEngine();
        final byte[] bytes = new byte[64 * 64];
        Arrays.fill(bytes, (byte)0x5A);
        final int calls = 128;
        final int blocksPerRound = calls * lanes.lanes();
        double intrinsic = Double.MAX_VALUE;
        double vector = Double.MAX_VALUE;
        int wins = 0;
        final long deadline = System.nanoTime() + CALIBRATION_NANOS;
        while (wins < WINS_TO_DECIDE && System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            for (int i = 0; i < blocksPerRound; i++) {
                Sha256Compression.compress(engine, bytes, (i & 63) << 6);
            }
            long t1 = System.nanoTime();
            final double intrinsicRound = (t1 - t0) / (double)blocksPerRound;
            t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                lanes.compress();
            }
            t1 = System.nanoTime();
            final double vectorRound = (t1 - t0) / (double)blocksPerRound;
            wins = vectorRound * REQUIRED_SPEED_UP <= intrinsicRound ? wins + 1 : 0;
            intrinsic = Math.min(intrinsic, intrinsicRound);
            vector = Math.min(vector, vectorRound);
        }
        return new Timing(intrinsic, vector, wins >= WINS_TO_DECIDE);
    }
}
