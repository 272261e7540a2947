package io.finality.tools.importer;

import io.finality.bitcoin.blk.BlkFileReader;
import io.finality.bitcoin.p2p.BlockHeader;
import io.finality.core.chain.ChainId;
import io.finality.core.pipeline.EventPublisher;
import io.finality.core.pipeline.SlotFiller;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The second pass of import-blk: publish the {@link BestChain}'s blocks into the ring, lowest first, as
 * {@code BLOCK_CONNECTED} slots with the same fields the P2P connection fills (height, block hash and
 * parent hash in internal order, the raw block as payload, the wall-clock receive time), so the scan
 * stage, the engine and the journal cannot tell an imported block from a downloaded one.
 *
 * <p>Files are loaded whole and the two most recently used kept, since a best chain mostly runs through
 * one file and steps back into the previous one near file boundaries. Each block's header is hashed
 * again before it is published: a file that changed since the index pass stops the import between
 * blocks. The blocking {@link EventPublisher#publish} paces the import to the pipeline.
 *
 * <p>One thread, the one calling {@link #run}; {@link #stop()} from any.
 */
public final class BlkImporter {
    private static final int CACHED_FILES = 2;

    private final BlkDirectory directory;
    private final EventPublisher publisher;
    private final ChainId chain;
    private final Map<Integer, BlkFileReader> files = new LinkedHashMap<>(4, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(final Map.Entry<Integer, BlkFileReader> eldest) {
            return size() > CACHED_FILES;
        }
    };
    private final SlotFiller<BlkImporter> filler = (slot, importer) -> importer.fill(slot);
    private final byte[] header = new byte[BlockHeader.LENGTH];
    private BlkFileReader current;
    private BlkBlockIndex.Entry block;
    private long height;
    private long blocksPublished;
    private long bytesPublished;
    private volatile boolean stopRequested;

    public BlkImporter(final BlkDirectory directory, final EventPublisher publisher, final ChainId chain) {
        this.directory = directory;
        this.publisher = publisher;
        this.chain = chain;
    }

    /**
     * Publish every block of {@code best}, in order.
     *
     * @throws ImportException ({@link ImportException#FAILED}) if a block cannot be published or its file
     *     changed; the blocks before it are published whole, the rest not at all.
     */
    public void run(final BestChain best, final ImportProgress progress) {
        progress.importing(best.blocks().size(), best.bytes());
        long h = best.startHeight();
        for (BlkBlockIndex.Entry e : best.blocks()) {
            if (stopRequested) {
                break;
            }
            h++;
            current = file(e.file());
            current.buffer().getBytes(e.offset(), header);
            if (e.offset() + e.length() > current.fileLength() || !Arrays.equals(BlockHeader.hash(header), e.hash())) {
                throw new ImportException(ImportException.FAILED, "block at height " + h + " changed in "
                    + directory.files().get(e.file()).getFileName() + " since it was indexed (is a node writing to the directory?)");
            }
            block = e;
            height = h;
            final int result = publisher.publish(EventKind.BLOCK_CONNECTED, chain, e.length(), filler, this);
            if (result != EventPublisher.PUBLISHED) {
                throw new ImportException(ImportException.FAILED, "block at height " + h + " (" + e.length() + " bytes) not imported: "
                    + EventPublisher.describe(result) + (result == EventPublisher.PAYLOAD_TOO_LARGE
                    ? " (raise pipeline.max_payload_bytes to at least the largest block)" : ""));
            }
            blocksPublished++;
            bytesPublished += e.length();
            progress.imported(blocksPublished, bytesPublished);
        }
        files.clear();
        current = null;
    }

    private BlkFileReader file(final int id) {
        BlkFileReader r = files.get(id);
        if (r == null) {
            r = directory.read(id);
            files.put(id, r);
        }
        return r;
    }

    private boolean fill(final ChainEvent slot) {
        final BlkBlockIndex.Entry e = block;
        slot.height(height).timestampMs(System.currentTimeMillis());
        slot.blockHash().putBytes(0, e.hash());
        slot.parentHash().putBytes(0, e.parent());
        if (!slot.reservePayload(e.length())) {
            return false;
        }
        current.buffer().getBytes(e.offset(), slot.payloadArray(), 0, e.length());
        return true;
    }

    /** Stop before the next block (a signal arrived); {@link #run} returns with what it published. Any thread. */
    public void stop() {
        stopRequested = true;
    }

    /** Whether {@link #stop()} was called. */
    public boolean stopped() {
        return stopRequested;
    }

    /** Blocks published so far. */
    public long blocksPublished() {
        return blocksPublished;
    }

    /** Bytes of blocks published so far. */
    public long bytesPublished() {
        return bytesPublished;
    }
}
