package io.finality.tools.rescan;

import io.finality.core.amount.U128;
import io.finality.core.chain.ChainId;
import io.finality.core.pipeline.EventPublisher;
import io.finality.core.pipeline.SlotFiller;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.engine.journal.ChainPosition;
import io.finality.engine.journal.EventTailer;
import io.finality.tools.node.FinalityNode;
import io.finality.tools.run.RunConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.agrona.DirectBuffer;

/**
 * {@code finality rescan}: read again blocks the node already applied and credit the payments they hold that
 * the engine has not counted, typically payments made to an invoice's address before the invoice reached us.
 *
 * <pre>
 *   journal ──chain position (hashes of the last blocks)──▶ heights [from, to] → hashes
 *   RescanSource (node by hash, or blk files) ──blocks──▶ BLOCK_RESCANNED ▶ ring ▶ scan+match ▶ engine ▶ journal
 *   drain, then list the payment events the rescan wrote
 * </pre>
 *
 * <p>What the engine does with a rescanned block ({@code InvoiceEngine#blockRescanned}): only a block still on
 * the applied chain (same hash at that height) and no deeper than the engine's reorg retention is applied; a
 * payment already recorded, for any invoice, is left alone, so running a rescan twice, or over blocks the live
 * sync already counted, changes nothing; a new one gets the confirmations it has now.
 *
 * <p>Runs with the node stopped, like {@code import-blk}: it opens the same {@link FinalityNode} without API,
 * timer or chain connection (the data directory's lock refuses a second process), so the applied chain cannot
 * move during the rescan. Every check of the arguments runs before a block is published. One thread.
 */
public final class Rescan {
    /** How long the engine may take to apply what was published before the rescan counts as failed. */
    private static final long DRAIN_TIMEOUT_MS = 600_000;
    /** Payment events listed in the summary; the rest are counted. */
    private static final int LISTED_EVENTS = 50;

    /** Opens the block source for a chain. */
    @FunctionalInterface
    public interface SourceFactory {
        RescanSource open(RunConfig config, ChainId chain);
    }

    private final RunConfig config;
    private final String chainName;
    private final long fromHeight;
    private final long toHeight;
    private final SourceFactory sources;
    private final RescanProgress progress;
    private final SlotFiller<Rescan> filler = (slot, rescan) -> rescan.fill(slot);
    private volatile boolean stopRequested;
    private long height;
    private byte[] hash;
    private DirectBuffer block;
    private int blockOffset;
    private int blockLength;

    /**
     * @param chainName  the chain's configuration name, or null when only one chain is configured.
     * @param toHeight   the last height to read, {@link Long#MAX_VALUE} for the applied tip.
     */
    public Rescan(final RunConfig config, final String chainName, final long fromHeight, final long toHeight,
                  final SourceFactory sources, final RescanProgress progress) {
        this.config = config;
        this.chainName = chainName;
        this.fromHeight = fromHeight;
        this.toHeight = toHeight;
        this.sources = sources;
        this.progress = progress;
    }

    /**
     * Check the range, read and publish the blocks, drain, and summarise.
     *
     * @throws RescanException with the exit code that says what went wrong.
     */
    public RescanSummary run() {
        final ChainId chain = chain();
        if (fromHeight < 0 || toHeight < fromHeight) {
            throw new RescanException(RescanException.INVALID, "the range is empty or negative: from " + fromHeight
                + (toHeight == Long.MAX_VALUE ? "" : " to " + toHeight));
        }
        final FinalityNode node = openNode();
        try (node) {
            final ChainPosition position = node.chainPosition(chain);
            final List<byte[]> hashes = hashes(position, node.rescanDepth());
            final long firstSequence = node.firstEventSequence();
            final long start = System.nanoTime();
            final long[] done = new long[2];
            if (stopRequested) {
                throw new RescanException(RescanException.STOPPED, "stopped before the first block; nothing was rescanned");
            }
            try (RescanSource source = sources.open(config, chain)) {
                progress.starting(hashes.size());
                source.read(hashes, (index, data, offset, length) -> {
                    publish(node, chain, fromHeight + index, hashes.get(index), data, offset, length);
                    done[0]++;
                    done[1] += length;
                    progress.rescanned(done[0], done[1]);
                    return !stopRequested;
                });
            } finally {
                progress.close();
            }
            if (!node.awaitApplied(DRAIN_TIMEOUT_MS) || !node.healthy()) {
                throw new RescanException(RescanException.FAILED, "the engine did not apply the rescanned blocks (journal unhealthy"
                    + " or stalled)");
            }
            final List<String> listed = new ArrayList<>();
            final long events = node.eventsWritten() - (firstSequence - 1);
            listEvents(node, firstSequence, listed);
            return new RescanSummary(chain, fromHeight, fromHeight + done[0] - 1, hashes.size(), done[0], done[1],
                System.nanoTime() - start, node.rescannedBlocks(), node.refusedRescans(), events, listed,
                stopRequested && done[0] < hashes.size());
        }
    }

    /** Stop between blocks (SIGTERM, Ctrl-C): {@link #run} drains and returns a summary marked stopped. Any thread. */
    public void stop() {
        stopRequested = true;
    }

    private ChainId chain() {
        final List<ChainId> configured = new ArrayList<>();
        if (config.bitcoinSettings() != null) {
            configured.add(config.bitcoinSettings().network().chain());
        }
        if (config.ethereum() != null) {
            configured.add(config.ethereum().chain());
        }
        if (configured.isEmpty()) {
            throw new RescanException(RescanException.INVALID, "the configuration watches no chain (no bitcoin or ethereum section)");
        }
        if (chainName == null) {
            if (configured.size() > 1) {
                throw new RescanException(RescanException.INVALID, "the configuration watches " + names(configured)
                    + ": name one with --chain");
            }
            return configured.get(0);
        }
        for (ChainId c : configured) {
            if (c.configName().equals(chainName)) {
                return c;
            }
        }
        throw new RescanException(RescanException.INVALID, "--chain " + chainName + " is not watched by this configuration ("
            + names(configured) + ")");
    }

    private FinalityNode openNode() {
        try {
            return new FinalityNode(config.node());
        } catch (final RuntimeException ex) {
            throw new RescanException(RescanException.FAILED, "cannot open the node's data directory " + config.node().dataDirectory()
                + " (is `finality run` still running on it? stop it first): " + ex.getMessage(), ex);
        }
    }

    /** The applied hashes of [from, to], after checking the range lies within what the engine can rescan. */
    private List<byte[]> hashes(final ChainPosition position, final int depth) {
        final String chain = position.chain().configName();
        if (position.empty()) {
            throw new RescanException(RescanException.OUT_OF_RANGE, "no block of " + chain + " is applied yet: nothing to rescan");
        }
        final long tip = position.tipHeight();
        final long oldest = Math.max(position.lowestHeight(), tip - depth + 1);
        if (fromHeight > tip) {
            throw new RescanException(RescanException.OUT_OF_RANGE, String.format(Locale.ROOT,
                "height %d is above the applied tip of %s (%d): rescan reads blocks already applied; the live sync reads new ones",
                fromHeight, chain, tip));
        }
        if (fromHeight < oldest) {
            throw new RescanException(RescanException.OUT_OF_RANGE, String.format(Locale.ROOT,
                "height %d is too deep to rescan on %s: the oldest block a rescan can read is %d (the last %d blocks of the"
                    + " applied chain; deeper payments are settled and could not be told from new ones)",
                fromHeight, chain, oldest, tip - oldest + 1));
        }
        final long last = Math.min(toHeight, tip);
        if (toHeight != Long.MAX_VALUE && toHeight > tip) {
            throw new RescanException(RescanException.OUT_OF_RANGE, String.format(Locale.ROOT,
                "--to-height %d is above the applied tip of %s (%d)", toHeight, chain, tip));
        }
        final int first = (int)(fromHeight - position.lowestHeight());
        return position.hashesOldestFirst().subList(first, first + (int)(last - fromHeight + 1));
    }

    private void publish(final FinalityNode node, final ChainId chain, final long blockHeight, final byte[] blockHash,
                         final DirectBuffer data, final int offset, final int length) {
        height = blockHeight;
        hash = blockHash;
        block = data;
        blockOffset = offset;
        blockLength = length;
        final int result = node.publisher().publish(EventKind.BLOCK_RESCANNED, chain, length, filler, this);
        block = null;
        if (result != EventPublisher.PUBLISHED) {
            throw new RescanException(RescanException.FAILED, "block at height " + blockHeight + " (" + length + " bytes) not"
                + " rescanned: " + EventPublisher.describe(result) + (result == EventPublisher.PAYLOAD_TOO_LARGE
                ? " (raise pipeline.max_payload_bytes to at least the largest block)" : ""));
        }
    }

    private boolean fill(final ChainEvent slot) {
        slot.height(height).timestampMs(System.currentTimeMillis());
        slot.blockHash().putBytes(0, hash);
        return slot.payload(block, blockOffset, blockLength);
    }

    private static void listEvents(final FinalityNode node, final long firstSequence, final List<String> out) {
        try (EventTailer tailer = new EventTailer(node.journal(), firstSequence)) {
            while (tailer.poll(e -> {
                if (out.size() < LISTED_EVENTS) {
                    out.add(e.height() < 0
                        ? String.format(Locale.ROOT, "%-22s invoice %s, now %s", e.eventType(), e.invoiceId(), e.status())
                        : String.format(Locale.ROOT, "%-22s invoice %s, now %s: %s base units at height %d (%d confirmations)",
                            e.eventType(), e.invoiceId(), e.status(), e.paymentAmount(new U128()), e.height(), e.confirmations()));
                }
            }, 1_000) > 0) {
                // drain
            }
        }
    }

    private static String names(final List<ChainId> chains) {
        final List<String> names = new ArrayList<>();
        for (ChainId c : chains) {
            names.add(c.configName());
        }
        return String.join(" and ", names);
    }
}
