package io.finality.bitcoin.scan;

import java.util.Arrays;

/**
 * A {@link LaneCompression} of any number of lanes on the SHA-NI intrinsic, one lane after another: drives
 * {@link TxidVectorLanes} in tests with lane counts no vector unit has (1, 3), so the driver's logic is checked apart
 * from the vector kernel.
 */
final class ScalarLaneCompression implements LaneCompression {
    private final int lanes;
    private final int[] state;
    private final byte[][] rows;
    private final Object engine = Sha256Compression.newEngine();
    private final int[] engineState = Sha256Compression.state(engine);
    private final int[] iv = new int[8];

    ScalarLaneCompression(final int lanes) {
        this.lanes = lanes;
        state = new int[8 * lanes];
        rows = new byte[lanes][64];
        Sha256Compression.iv(iv);
    }

    @Override
    public int lanes() {
        return lanes;
    }

    @Override
    public int[] state() {
        return state;
    }

    @Override
    public void stage(final int lane, final byte[] bytes, final int offset) {
        System.arraycopy(bytes, offset, rows[lane], 0, 64);
    }

    @Override
    public void stageDigest(final int lane) {
        final byte[] row = rows[lane];
        for (int i = 0; i < 8; i++) {
            engineState[i] = state[i * lanes + lane];
            state[i * lanes + lane] = iv[i];
        }
        Sha256Compression.writeState(engineState, row, 0);
        Arrays.fill(row, 32, 64, (byte)0);
        Sha256Compression.padDigestBlock(row, 0);
    }

    @Override
    public void compress() {
        for (int l = 0; l < lanes; l++) {
            for (int i = 0; i < 8; i++) {
                engineState[i] = state[i * lanes + l];
            }
            Sha256Compression.compress(engine, rows[l], 0);
            for (int i = 0; i < 8; i++) {
                state[i * lanes + l] = engineState[i];
            }
        }
    }
}
