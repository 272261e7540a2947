package io.finality.tools.importer;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.blk.BlkFileReader;
import io.finality.bitcoin.p2p.BlockHeader;
import io.finality.core.buffer.Hex;
import io.finality.tools.rescan.RescanException;
import io.finality.tools.rescan.RescanSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Rescan blocks from a Bitcoin Core blocks directory at disk speed: an index pass over every file (as import-blk
 * does), then each asked-for block found by hash, its header hashed again, and handed over in place from the file
 * buffer. The two most recently used files stay loaded. One thread.
 */
public final class BlkRescanSource implements RescanSource {
    private final Path blocksDir;
    private final BlkDirectory directory;
    private final BlkBlockIndex index;
    private final byte[] header = new byte[BlockHeader.LENGTH];
    private int cachedId = -1;
    private BlkFileReader cached;
    private int previousId = -1;
    private BlkFileReader previous;

    /**
     * Index the directory now.
     *
     * @throws RescanException ({@link RescanException#SOURCE}) if the directory cannot be used.
     */
    public BlkRescanSource(final Path blocksDir, final BitcoinNetwork network, final int powLimitBits) {
        this.blocksDir = blocksDir;
        try {
            this.directory = BlkDirectory.open(blocksDir);
            this.index = BlkIndexPass.run(directory, network, powLimitBits, ImportProgress.NONE, () -> false);
        } catch (final ImportException ex) {
            throw new RescanException(RescanException.SOURCE, ex.getMessage(), ex);
        }
    }

    @Override
    public void read(final List<byte[]> hashes, final BlockSink sink) {
        for (int i = 0; i < hashes.size(); i++) {
            final byte[] hash = hashes.get(i);
            final BlkBlockIndex.Entry e = index.entry(hash);
            if (e == null) {
                throw new RescanException(RescanException.SOURCE, "block " + display(hash) + " is not in " + blocksDir
                    + " (a pruned node, or files from another node)");
            }
            final BlkFileReader file = file(e.file());
            file.buffer().getBytes(e.offset(), header);
            if (e.offset() + e.length() > file.fileLength() || !Arrays.equals(BlockHeader.hash(header), hash)) {
                throw new RescanException(RescanException.SOURCE, "block " + display(hash) + " changed in "
                    + directory.files().get(e.file()).getFileName() + " since it was indexed (is a node writing to the directory?)");
            }
            if (!sink.onBlock(i, file.buffer(), e.offset(), e.length())) {
                return;
            }
        }
    }

    private BlkFileReader file(final int id) {
        if (id == cachedId) {
            return cached;
        }
        if (id == previousId) {
            previousId = cachedId;
            final BlkFileReader p = previous;
            previous = cached;
            cachedId = id;
            cached = p;
            return cached;
        }
        previousId = cachedId;
        previous = cached;
        cachedId = id;
        cached = directory.read(id);
        return cached;
    }

    private static String display(final byte[] internalOrderHash) {
        return Hex.toHex(Hex.reverse(internalOrderHash.clone()));
    }

    @Override
    public String describe() {
        return "the blocks directory " + blocksDir;
    }

    @Override
    public void close() {
        cached = null;
        previous = null;
    }
}
