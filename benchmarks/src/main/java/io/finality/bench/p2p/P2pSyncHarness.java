package io.finality.bench.p2p;

import io.finality.bitcoin.p2p.BitcoinPeerConnection;
import io.finality.bitcoin.p2p.BitcoinPeerContext;
import io.finality.bitcoin.p2p.LoopbackPeer;
import io.finality.bitcoin.regtest.RawTransactionBuilder;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.bitcoin.scan.BitcoinBlockScanner;
import io.finality.bitcoin.scan.OutpointWatch;
import io.finality.core.chain.ChainFamily;
import io.finality.core.pipeline.MatchingScanStage;
import io.finality.core.pipeline.Pipeline;
import io.finality.core.pipeline.PipelineContext;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.spi.StateEngine;
import io.finality.engine.command.InvoiceWatchCommands;
import io.finality.matcher.index.WatchKeyIndex;
import io.finality.matcher.index.WatchKeyIndexContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Question: how fast does our Bitcoin P2P connection sync real-size blocks from a node, through the
 * ring and the real scan stage?
 *
 * <p>A {@link LoopbackPeer} on 127.0.0.1 serves a regtest chain of {@code blocks} blocks of about 1 MB
 * each (real PoW at regtest difficulty, real merkle roots; ~700 transactions of 1 input and 40 P2WPKH
 * outputs per block, built with {@link RawTransactionBuilder}). Each run starts a NEW
 * {@link BitcoinPeerConnection} from genesis (handshake, headers-first, pipelined getdata with the
 * default window) publishing into a {@link Pipeline} whose stage 1 is the real {@link MatchingScanStage}
 * with the {@link BitcoinBlockScanner} (every output script looked up in an off-heap index of 10,000
 * watched scripts) and whose stage 2 only counts blocks and checks their heights arrive in order
 * (the state engine is measured by {@code PipelineReplayHarness}). The clock runs from {@code start()}
 * until stage 2 has seen the last block. One warm-up run, then {@code runs} measured runs.
 *
 * <p>Run: {@code java -Xmx3g <flags> -cp benchmarks/target/benchmarks.jar io.finality.bench.p2p.P2pSyncHarness [blocks] [runs]}
 * (see docs/BENCHMARKS.md). Main thread only; the peer, the connection and the stages run their own threads.
 */
public final class P2pSyncHarness {
    private static final int OUTPUTS_PER_TX = 40;
    private static final int TARGET_BLOCK_BYTES = 1_000_000;

    private P2pSyncHarness() {
    }

    public static void main(final String[] args) throws Exception {
        final int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        final int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        final long buildStart = System.nanoTime();
        final RegtestChain chain = new RegtestChain();
        final Random rnd = new Random(7);
        long totalBytes = 0;
        for (int b = 0; b < blocks; b++) {
            final RegtestChain.BuiltBlock built = chain.mine(transactions(rnd, b));
            totalBytes += built.raw().length;
        }
        System.out.printf("fixture: %d regtest blocks, %.1f MB (%.2f MB/block), built in %.1f s%n", blocks, totalBytes / 1e6,
            totalBytes / 1e6 / blocks, (System.nanoTime() - buildStart) / 1e9);

        final WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(1 << 14));
        final WatchKeyIndex outpoints = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(1 << 16));
        final byte[] key = new byte[22];
        key[1] = 0x14;
        final org.agrona.concurrent.UnsafeBuffer keyBuffer = new org.agrona.concurrent.UnsafeBuffer(key);
        for (int i = 0; i < 10_000; i++) {
            for (int j = 2; j < key.length; j++) {
                key[j] = (byte)rnd.nextInt();
            }
            index.put(io.finality.core.chain.ChainId.BITCOIN_REGTEST.code(), keyBuffer, 0, key.length, i);
        }
        final CountingEngine counter = new CountingEngine();
        final MatchingScanStage scan = new MatchingScanStage(index, new InvoiceWatchCommands())
            .scanner(ChainFamily.BITCOIN, new BitcoinBlockScanner(new OutpointWatch(outpoints, 1_000)));
        final Pipeline pipeline = new Pipeline(new PipelineContext().ringSize(64).maxPayloadBytes(4 << 20)
            .memoryBudgetBytes(512L << 20).initialPayloadBytes(2 << 20)
            .waitStrategy(PipelineContext.WaitStrategyKind.YIELDING), scan, counter).start();
        try (LoopbackPeer peer = new LoopbackPeer(chain).start()) {
            for (int run = 0; run <= runs; run++) {
                counter.reset();
                final long start = System.nanoTime();
                try (BitcoinPeerConnection c = new BitcoinPeerConnection(new BitcoinPeerContext()
                    .node(new InetSocketAddress("127.0.0.1", peer.port())).startHash(RegtestChain.GENESIS_HASH).startHeight(0))) {
                    c.start(pipeline);
                    while (counter.blocks() < blocks) {
                        if (System.nanoTime() - start > 600_000_000_000L) {
                            throw new IllegalStateException("sync did not finish: " + counter.blocks() + " blocks");
                        }
                        Thread.sleep(1);
                    }
                }
                final double seconds = (counter.lastNanos() - start) / 1e9;
                if (counter.outOfOrder() != 0 || counter.unscanned() != 0 || counter.bytes() != totalBytes) {
                    throw new IllegalStateException("bad sync: " + counter.outOfOrder() + " out of order, " + counter.unscanned()
                        + " unscanned, " + counter.bytes() + " of " + totalBytes + " bytes");
                }
                System.out.printf("%s %d: %d blocks in %.2f s -> %.0f blocks/s, %.0f MB/s%n", run == 0 ? "warm-up" : "run", run,
                    blocks, seconds, blocks / seconds, totalBytes / 1e6 / seconds);
            }
        } finally {
            pipeline.close();
            index.close();
            outpoints.close();
        }
    }

    /** About 1 MB of transactions: each spends a random outpoint and pays 40 random P2WPKH scripts. */
    private static List<byte[]> transactions(final Random rnd, final int height) {
        final List<byte[]> txs = new ArrayList<>();
        int bytes = 0;
        final byte[] prev = new byte[32];
        final byte[] script = new byte[22];
        script[1] = 0x14;
        while (bytes < TARGET_BLOCK_BYTES - 2_000) {
            rnd.nextBytes(prev);
            final RawTransactionBuilder tx = new RawTransactionBuilder().spend(prev, rnd.nextInt(4));
            for (int o = 0; o < OUTPUTS_PER_TX; o++) {
                for (int j = 2; j < script.length; j++) {
                    script[j] = (byte)rnd.nextInt();
                }
                tx.pay(1_000L + rnd.nextInt(1_000_000) + height, script.clone());
            }
            final byte[] raw = tx.build();
            bytes += raw.length;
            txs.add(raw);
        }
        return txs;
    }

    /** Stage 2 stand-in: counts connected blocks and their bytes and checks heights arrive one by one. */
    private static final class CountingEngine implements StateEngine {
        private volatile long blocks;
        private volatile long lastNanos;
        private long bytes;
        private long expectedHeight = 1;
        private long outOfOrder;
        private long unscanned;

        void reset() {
            blocks = 0;
            bytes = 0;
            expectedHeight = 1;
            outOfOrder = 0;
            unscanned = 0;
        }

        long blocks() {
            return blocks;
        }

        long lastNanos() {
            return lastNanos;
        }

        long bytes() {
            return bytes;
        }

        long outOfOrder() {
            return outOfOrder;
        }

        long unscanned() {
            return unscanned;
        }

        @Override
        public void onStep(final ChainEvent event, final long sequence, final boolean endOfBatch) {
            if (event.kind() != EventKind.BLOCK_CONNECTED) {
                return;
            }
            if (event.height() != expectedHeight++) {
                outOfOrder++;
            }
            if (event.scanStatus() != 0) {
                unscanned++;
            }
            bytes += event.payloadLength();
            lastNanos = System.nanoTime();
            blocks = blocks + 1;
        }
    }
}
