package io.finality.bench.bitcoin;

import io.finality.bitcoin.scan.BitcoinBlockScanner;
import io.finality.bitcoin.scan.BlockFlyweight;
import io.finality.bitcoin.scan.ScanError;
import io.finality.bitcoin.scan.TransactionFlyweight;
import io.finality.core.chain.ChainId;
import io.finality.core.ring.MatchList;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;
import org.bitcoinj.core.Context;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Shared fixture of the Bitcoin benchmarks: the real mainnet blocks, 1,000,000 watched output scripts
 * (random P2PKH / P2WPKH / P2SH / P2TR plus every {@value #REAL_STRIDE}th real output script of the
 * blocks, so that some outputs match) in both the stand-in index and a {@link HashSet} for bitcoinj,
 * and the reused scanner state. One benchmark thread.
 */
@State(Scope.Benchmark)
public class BitcoinBenchState {
    static final int WATCHED = 1_000_000;
    static final int REAL_STRIDE = 499;
    static final long SEED = 20_261_121L;

    List<byte[]> blocks;
    UnsafeBuffer[] buffers;
    long totalBytes;
    int totalTxs;
    StandInScriptIndex index;
    /** The real off-heap matcher of the {@code matcher} module, holding the same watched scripts. */
    io.finality.matcher.index.WatchKeyIndex matcher;
    Set<ByteBuffer> watchedSet;
    BitcoinBlockScanner scanner;
    /** The same scanner probing each output as the walk reaches it (batch of 1): the before of batching. */
    BitcoinBlockScanner unbatchedScanner;
    MatchList matches;
    UnsafeBuffer txids;
    int chain;

    @Setup
    public void setUp() {
        Context.propagate(new Context());
        blocks = BitcoinBlocks.mainnet();
        buffers = new UnsafeBuffer[blocks.size()];
        final BlockFlyweight block = new BlockFlyweight();
        final TransactionFlyweight tx = new TransactionFlyweight();
        chain = ChainId.BITCOIN_MAINNET.code();
        index = new StandInScriptIndex(WATCHED, WATCHED * 34);
        matcher = new io.finality.matcher.index.WatchKeyIndex(
            new io.finality.matcher.index.WatchKeyIndexContext().expectedKeys(WATCHED));
        watchedSet = new HashSet<>(WATCHED * 2);
        final int[] outputNo = {0};
        int maxTxs = 0;
        for (int i = 0; i < blocks.size(); i++) {
            final byte[] bytes = blocks.get(i);
            buffers[i] = new UnsafeBuffer(bytes);
            totalBytes += bytes.length;
            if (block.wrap(buffers[i], 0, bytes.length) != ScanError.OK) {
                throw new IllegalStateException("block " + i + " does not parse");
            }
            totalTxs += block.txCount();
            maxTxs = Math.max(maxTxs, block.txCount());
            block.forEachTransaction(tx, (n, t) -> {
                while (t.nextOutput()) {
                    if (outputNo[0]++ % REAL_STRIDE == 0) {
                        final byte[] script = new byte[t.scriptLength()];
                        t.buffer().getBytes(t.scriptOffset(), script);
                        watch(script);
                    }
                }
            });
        }
        final Random random = new Random(SEED);
        while (index.size() < WATCHED) {
            watch(randomScript(random));
        }
        scanner = new BitcoinBlockScanner();
        unbatchedScanner = new BitcoinBlockScanner(null, 1);
        matches = new MatchList(1024);
        txids = new UnsafeBuffer(new byte[32 * maxTxs]);
        System.out.printf("%n[fixture] %d mainnet blocks, %d bytes, %d txs, %d watched scripts%n",
            blocks.size(), totalBytes, totalTxs, index.size());
    }

    private void watch(final byte[] script) {
        if (watchedSet.add(ByteBuffer.wrap(script))) {
            matcher.put(chain, new UnsafeBuffer(script), 0, script.length, index.size());
            index.put(chain, new UnsafeBuffer(script), 0, script.length, index.size());
        }
    }

    static byte[] randomScript(final Random random) {
        final byte[] s;
        switch (random.nextInt(4)) {
            case 0:
                s = new byte[25];
                random.nextBytes(s);
                s[0] = 0x76;
                s[1] = (byte)0xa9;
                s[2] = 20;
                s[23] = (byte)0x88;
                s[24] = (byte)0xac;
                return s;
            case 1:
                s = new byte[22];
                random.nextBytes(s);
                s[0] = 0;
                s[1] = 20;
                return s;
            case 2:
                s = new byte[23];
                random.nextBytes(s);
                s[0] = (byte)0xa9;
                s[1] = 20;
                s[22] = (byte)0x87;
                return s;
            default:
                s = new byte[34];
                random.nextBytes(s);
                s[0] = 0x51;
                s[1] = 32;
                return s;
        }
    }
}
