package io.finality.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.ring.MatchList;
import io.finality.core.test.TestScale;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Mutated real payloads (block + receipts JSON) never make the scanner throw, read out of bounds or
 * report an offset outside the payload, and a scanner that has seen garbage still scans the original
 * exactly as a fresh one does. Seeded; the seed and the case are printed on failure
 * ({@code -Dfinality.seed=<n>} to explore, {@code -Pfull} for ten times the cases).
 */
class ScannerFuzzTest {
    private static final byte[] JSON_BYTES = "{}[]\",:0x1fn \\".getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldSurviveMutatedPayloadsWithoutThrowing() {
        final long seed = TestScale.seed(0x5EED_E7E7L);
        final int cases = TestScale.pick(100_000, 1_000_000);
        final SplittableRandom random = new SplittableRandom(seed);
        final List<byte[]> originals = List.of(
            EthereumPayload.frame(EthereumBlockScannerTest.block483920(), EthereumBlockScannerTest.receipts483920()),
            EthereumPayload.frame(EthereumBlockScannerTest.block1755635(), EthFixtures.receipts1755635()),
            EthereumPayload.frame(EthFixtures.rpc("geth_golden_eth_getBlockByNumber-number-latest-1.json"),
                EthFixtures.rpc("geth_golden_eth_getBlockReceipts-block-with-legacy-contract-call-tx.json")));
        final EthereumBlockScanner scanner = new EthereumBlockScanner();
        final EthereumBlockScanner fresh = new EthereumBlockScanner();
        final WatchIndex index = WatchIndex.all();
        final MatchList matches = new MatchList(4);
        final MatchList reference = new MatchList(4);
        final int[] baseline = new int[originals.size()];
        for (int i = 0; i < baseline.length; i++) {
            final byte[] p = originals.get(i);
            baseline[i] = fresh.scanBlock(new UnsafeBuffer(p), 0, p.length, 10, index, reference);
            reference.clear();
        }
        assertEquals(JsonError.OK, baseline[0]);
        assertEquals(JsonError.OK, baseline[1]);
        int failures = 0;
        for (int n = 0; n < cases; n++) {
            final int which = random.nextInt(originals.size());
            final byte[] payload = mutate(originals.get(which), random);
            matches.clear();
            final String where = "seed=" + seed + " case=" + n;
            final int status;
            try {
                status = scanner.scanBlock(new UnsafeBuffer(payload), 0, payload.length, 10, index, matches);
            } catch (RuntimeException e) {
                throw new AssertionError(where + " threw", e);
            }
            if (status != JsonError.OK) {
                failures++;
                assertTrue(scanner.errorOffset() >= 0 && scanner.errorOffset() <= payload.length, where);
                assertTrue(JsonError.name(status).indexOf("UNKNOWN") < 0, where + " " + status);
            }
            if ((n & 1023) == 0) {
                final byte[] p = originals.get(which);
                matches.clear();
                reference.clear();
                assertEquals(baseline[which], scanner.scanBlock(new UnsafeBuffer(p), 0, p.length, 10, index, matches), where);
                fresh.scanBlock(new UnsafeBuffer(p), 0, p.length, 10, index, reference);
                assertEquals(reference.outputCount(), matches.outputCount(), where);
            }
        }
        assertTrue(failures > cases / 4, "most mutations must be rejected, got " + failures);
    }

    /**
     * Damage the block JSON, the receipts JSON or (one case in sixteen) the framed bytes themselves; the
     * JSON parts are re-framed so that mostly the decoders, not the length check, see the damage.
     */
    private static byte[] mutate(final byte[] framed, final SplittableRandom random) {
        if (random.nextInt(16) == 0) {
            return edit(framed, random);
        }
        final UnsafeBuffer b = new UnsafeBuffer(framed);
        final int blockLength = b.getInt(0, ByteOrder.LITTLE_ENDIAN);
        byte[] block = Arrays.copyOfRange(framed, 4, 4 + blockLength);
        byte[] receipts = Arrays.copyOfRange(framed, 8 + blockLength, framed.length);
        if (random.nextBoolean()) {
            block = edit(block, random);
        } else {
            receipts = edit(receipts, random);
        }
        return EthereumPayload.frame(block, receipts);
    }

    /** One to four edits: a random byte, a JSON-significant byte, a deleted or duplicated run, or a cut tail. */
    private static byte[] edit(final byte[] original, final SplittableRandom random) {
        byte[] p = original;
        final int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && p.length > 0; e++) {
            final int at = random.nextInt(p.length);
            final int n = Math.min(p.length - at, 1 + random.nextInt(16));
            switch (random.nextInt(5)) {
                case 0 -> {
                    p = p == original ? p.clone() : p;
                    p[at] = (byte)random.nextInt(256);
                }
                case 1 -> {
                    p = p == original ? p.clone() : p;
                    p[at] = JSON_BYTES[random.nextInt(JSON_BYTES.length)];
                }
                case 2 -> {
                    final byte[] q = new byte[p.length - n];
                    System.arraycopy(p, 0, q, 0, at);
                    System.arraycopy(p, at + n, q, at, p.length - at - n);
                    p = q;
                }
                case 3 -> {
                    final byte[] q = new byte[p.length + n];
                    System.arraycopy(p, 0, q, 0, at + n);
                    System.arraycopy(p, at, q, at + n, p.length - at);
                    p = q;
                }
                default -> p = Arrays.copyOf(p, at);
            }
        }
        return p;
    }
}
