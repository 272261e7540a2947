package io.finality.tools.importer;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.p2p.BitcoinPeerContext;
import io.finality.core.chain.ChainId;
import io.finality.engine.journal.ChainPosition;
import io.finality.tools.node.FinalityNode;
import io.finality.tools.run.RunConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code finality import-blk}: catch a node up from a Bitcoin Core blocks directory at disk speed.
 *
 * <pre>
 *   blk*.dat ──1. index pass (headers, PoW)──▶ BlkBlockIndex      (no data touched yet: bad input stops here)
 *              BlkHeaderScanner reads 88 bytes a block; a file with junk or damage is read whole by BlkFileReader
 *   journal  ──chain position───────────────▶ start block         (or the config's start for a fresh node)
 *   BlkBlockIndex ──2. BestChain from start──▶ blocks in height order
 *   blocks ──3. BlkImporter: BLOCK_CONNECTED──▶ ring ▶ scan+match ▶ state engine ▶ journal
 *   4. drain the ring, snapshot, close        (a later `finality run` resumes after the imported tip over P2P)
 * </pre>
 *
 * <p>The node is the same {@link FinalityNode} {@code finality run} opens, without API, timer or P2P
 * connection. Every check of the input runs before the node opens, so a refused import leaves the data
 * directory as it was; once blocks flow, each is published whole or not at all (the journal's contract),
 * so a failure between blocks leaves a consistent journal that a later run resumes from. One thread.
 */
public final class BlkImport {
    /** How long the engine may take to apply what was published before the import counts as failed. */
    private static final long DRAIN_TIMEOUT_MS = 600_000;

    private final RunConfig config;
    private final Path blocksDir;
    private final long toHeight;
    private final ImportProgress progress;
    private volatile BlkImporter importer;
    private volatile boolean stopRequested;

    /**
     * @param toHeight the last height to import, {@link Long#MAX_VALUE} for all the files hold.
     */
    public BlkImport(final RunConfig config, final Path blocksDir, final long toHeight, final ImportProgress progress) {
        this.config = config;
        this.blocksDir = blocksDir;
        this.toHeight = toHeight;
        this.progress = progress;
    }

    /**
     * Index, import, drain and close.
     *
     * @throws ImportException with the exit code that says what went wrong.
     */
    public ImportSummary run() {
        final BitcoinPeerContext bitcoin = config.bitcoinSettings();
        if (bitcoin == null) {
            throw new ImportException(ImportException.INVALID_CONFIG,
                "the configuration has no bitcoin section: import-blk needs its network and start block");
        }
        final BitcoinNetwork network = bitcoin.network();
        final BlkDirectory directory = BlkDirectory.open(blocksDir);
        final long indexStart = System.nanoTime();
        final BlkBlockIndex index = index(directory, network, bitcoin.powLimitBits());
        final long indexNanos = System.nanoTime() - indexStart;
        if (index.records() == 0) {
            throw new ImportException(ImportException.BAD_BLOCKS_DIR, String.format(Locale.ROOT,
                "no %s block in %d blk files of %s (%d junk bytes, %d truncated and %d oversized records skipped)",
                name(network), directory.files().size(), blocksDir, index.junkBytes(), index.truncatedRecords(), index.oversizedRecords()));
        }
        final ChainId chain = network.chain();
        if (stopRequested) {
            throw new ImportException(ImportException.STOPPED, "stopped before the node opened; nothing was imported");
        }
        final FinalityNode node;
        try {
            node = new FinalityNode(config.node());
        } catch (final IllegalArgumentException ex) {
            throw new ImportException(ImportException.INVALID_CONFIG, "cannot open the node: " + ex.getMessage());
        }
        try (node) {
            final ChainPosition position = node.chainPosition(chain);
            final byte[] startHash = position.empty() ? bitcoin.startHash() : position.tipHash();
            final long startHeight = position.empty() ? bitcoin.startHeight() : position.tipHeight();
            final BestChain best = BestChain.from(index, startHash, startHeight, toHeight);
            final long firstSequence = node.firstEventSequence();
            final BlkImporter importer = new BlkImporter(directory, node.publisher(), chain);
            this.importer = importer;
            if (stopRequested) {
                importer.stop();
            }
            final long importStart = System.nanoTime();
            try {
                importer.run(best, progress);
            } finally {
                progress.close();
            }
            if (!node.awaitApplied(DRAIN_TIMEOUT_MS) || !node.healthy()) {
                throw new ImportException(ImportException.FAILED,
                    "the engine did not apply the imported blocks (journal unhealthy or stalled)");
            }
            final long importNanos = System.nanoTime() - importStart;
            final int published = (int)importer.blocksPublished();
            final long tipHeight = startHeight + published;
            final byte[] tipHash = published == 0 ? null : best.blocks().get(published - 1).hash();
            final ChainPosition after = node.chainPosition(chain);
            if (tipHash != null && (after.tipHeight() != tipHeight || !Arrays.equals(after.tipHash(), tipHash))) {
                throw new ImportException(ImportException.FAILED, "the journal ends at height " + after.tipHeight()
                    + ", not at the imported tip " + tipHeight);
            }
            return new ImportSummary(importer.blocksPublished(), importer.bytesPublished(), importNanos, indexNanos,
                node.eventsWritten() - (firstSequence - 1), startHeight, startHash, tipHeight, tipHash, index.records(),
                best.parentUnknown(), best.stale(), index.duplicates(), index.badProofOfWork(), index.truncatedRecords(),
                index.oversizedRecords(), index.junkBytes(), index.damagedFiles(), importer.stopped() && published < best.blocks().size());
        }
    }

    /**
     * Stop between blocks (SIGTERM, Ctrl-C): {@link #run} then drains, snapshots and returns a summary marked
     * {@link ImportSummary#stopped()}. Any thread.
     */
    public void stop() {
        stopRequested = true;
        final BlkImporter i = importer;
        if (i != null) {
            i.stop();
        }
    }

    private BlkBlockIndex index(final BlkDirectory directory, final BitcoinNetwork network, final int powLimitBits) {
        return BlkIndexPass.run(directory, network, powLimitBits, progress, () -> stopRequested);
    }

    private static String name(final BitcoinNetwork network) {
        return BlkIndexPass.name(network);
    }
}
