package io.finality.tools.importer;

import io.finality.bitcoin.address.BitcoinNetwork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The first pass over a blocks directory, shared by import-blk and rescan: every file's block records into a
 * {@link BlkBlockIndex} (headers and proof of work, no block data touched). {@link BlkHeaderScanner} reads 88
 * bytes a block; a file with junk or damage is read whole by the full reader. Bad input stops here, before a
 * node is touched. One thread.
 */
public final class BlkIndexPass {
    private BlkIndexPass() {
    }

    /**
     * Index every file of {@code directory}.
     *
     * @param stopped polled between files: true stops the pass ({@link ImportException#STOPPED}).
     * @throws ImportException if a file cannot be read, holds another network's blocks, or the pass was stopped.
     */
    public static BlkBlockIndex run(final BlkDirectory directory, final BitcoinNetwork network, final int powLimitBits,
                                    final ImportProgress progress, final BooleanSupplier stopped) {
        final BlkBlockIndex index = new BlkBlockIndex(network, powLimitBits);
        progress.indexing(directory.totalBytes());
        final BlkHeaderScanner scanner = new BlkHeaderScanner();
        final byte[] key = directory.xorKey();
        long done = 0;
        try {
            for (int i = 0; i < directory.files().size(); i++) {
                if (stopped.getAsBoolean()) {
                    throw new ImportException(ImportException.STOPPED, "stopped while indexing; nothing was imported");
                }
                final String file = directory.files().get(i).getFileName().toString();
                final BlkHeaderScanner.Scan scan = scan(scanner, directory.files().get(i), key, network);
                if (scan != null) {
                    index.indexScan(i, scan);
                } else if (!index.indexFile(i, file, directory.read(i))) {
                    throw new ImportException(ImportException.BAD_BLOCKS_DIR, file + " holds " + name(index.foreignNetwork())
                        + " blocks but the configuration's network is " + name(network) + ": refusing to read it");
                }
                done += directory.size(i);
                progress.indexed(done, index.size());
            }
        } catch (final ImportException ex) {
            progress.close();
            throw ex;
        }
        return index;
    }

    /** Headers only when the file is as Core writes it; null sends it to the full reader (junk, damage, bz2). */
    private static BlkHeaderScanner.Scan scan(final BlkHeaderScanner scanner, final Path file, final byte[] key,
                                              final BitcoinNetwork network) {
        try {
            return scanner.scan(file, key, network.magic());
        } catch (final IOException ex) {
            throw new ImportException(ImportException.BAD_BLOCKS_DIR, "cannot read " + file + ": " + ex.getMessage());
        }
    }

    static String name(final BitcoinNetwork network) {
        return network.name().toLowerCase(Locale.ROOT);
    }
}
