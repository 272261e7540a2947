package io.finality.bench.bitcoin;

import java.security.DigestException;
import java.util.function.LongSupplier;

/**
 * One contender of {@link JarAbHarness}, created by reflection inside the class loader of the jar under test so that
 * it runs that jar's scanner: one op of the named benchmark method on the shared fixture (built once per loader).
 * Uses only public methods of the benchmark classes, which older jars have too. Single-threaded.
 */
public final class JarAbContender implements LongSupplier {
    /** Bytes of the fixture, to turn time per op into MB/s (checked against the fixture at setup). */
    static final long FIXTURE_BYTES = 15_796_064L;

    private static BitcoinBenchState state;
    private static BitcoinTxidBenchmark.Floor floor;

    private final String mode;
    private final BitcoinWatchScanBenchmark watch = new BitcoinWatchScanBenchmark();
    private final BitcoinTxidBenchmark txids = new BitcoinTxidBenchmark();

    public JarAbContender(final String mode) throws Exception {
        this.mode = mode;
        synchronized (JarAbContender.class) {
            if (state == null) {
                state = new BitcoinBenchState();
                state.setUp();
                if (state.totalBytes != FIXTURE_BYTES) {
                    throw new IllegalStateException("fixture has " + state.totalBytes + " bytes, not " + FIXTURE_BYTES);
                }
                floor = new BitcoinTxidBenchmark.Floor();
                floor.setUp();
            }
        }
    }

    @Override
    public long getAsLong() {
        switch (mode) {
            case "a":
                return watch.finalityScannerWithMatcher(state);
            case "noprobe":
                return watch.finalityScannerNoProbe(state);
            case "seq":
                return watch.sequentialRead(state);
            case "txid":
                return txids.allTxids(state);
            case "floor":
                try {
                    return txids.hashingFloor(state, floor);
                } catch (final DigestException ex) {
                    throw new IllegalStateException(ex);
                }
            default:
                throw new IllegalArgumentException("mode " + mode);
        }
    }
}
