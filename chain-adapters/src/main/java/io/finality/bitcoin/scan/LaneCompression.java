package io.finality.bitcoin.scan;

/**
 * SHA-256 compressions of several independent messages at once, one 64-byte block of each per call: the hashing
 * engine of {@link TxidVectorLanes}. The state is transposed (one array index per lane) so that an implementation can
 * load a word of every lane as one vector.
 */
interface LaneCompression {
    /** Messages compressed per call. */
    int lanes();

    /** The hash states: word {@code i} of lane {@code l} at {@code [i * lanes() + l]}; compressed in place. */
    int[] state();

    /** Make {@code bytes[offset, offset + 64)} the next block of {@code lane} (bounds checked). */
    void stage(int lane, byte[] bytes, int offset);

    /**
     * Make lane {@code lane}'s state, a finished first hash, the next block of that lane (the second hash of a double
     * SHA-256: the 32-byte digest and its padding), and start the lane's state anew.
     */
    void stageDigest(int lane);

    /** One compression of every lane's staged block into {@link #state()}. */
    void compress();
}
