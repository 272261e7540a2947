package io.finality.tools.importer;

import io.finality.bitcoin.blk.BlkFileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Bitcoin Core blocks directory as import-blk sees it: its {@code blkNNNNN.dat} files in file-number
 * order (Core appends blocks to the highest-numbered file) and the {@code xor.dat} obfuscation key of
 * Core 28 and later. The {@code rev*.dat} undo files and the {@code index/} LevelDB are not needed:
 * the chain is rebuilt from the headers themselves.
 *
 * <p>Immutable after {@link #open}; any thread.
 */
public final class BlkDirectory {
    /** Core's file names; {@code .bz2} is also accepted (BlkFileReader decompresses it). */
    private static final Pattern BLK_FILE = Pattern.compile("blk(\\d{1,9})\\.dat(\\.bz2)?");

    private final Path directory;
    private final List<Path> files;
    private final byte[] xorKey;

    private BlkDirectory(final Path directory, final List<Path> files, final byte[] xorKey) {
        this.directory = directory;
        this.files = files;
        this.xorKey = xorKey;
    }

    /**
     * List the blk files of {@code directory} and read its XOR key.
     *
     * @throws ImportException if the directory is missing, has no blk file or a malformed {@code xor.dat}.
     */
    public static BlkDirectory open(final Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new ImportException(ImportException.BAD_BLOCKS_DIR, "no blocks directory at " + directory);
        }
        final List<Path> found = new ArrayList<>();
        try (Stream<Path> list = Files.list(directory)) {
            list.filter(p -> BLK_FILE.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)).forEach(found::add);
        } catch (final IOException ex) {
            throw new ImportException(ImportException.BAD_BLOCKS_DIR, "cannot list " + directory + ": " + ex.getMessage());
        }
        if (found.isEmpty()) {
            throw new ImportException(ImportException.BAD_BLOCKS_DIR, "no blk*.dat files in " + directory);
        }
        found.sort(Comparator.comparingLong(BlkDirectory::number));
        final byte[] key;
        try {
            key = BlkFileReader.readXorKey(directory);
        } catch (final IOException ex) {
            throw new ImportException(ImportException.BAD_BLOCKS_DIR, "unusable obfuscation key: " + ex.getMessage());
        }
        return new BlkDirectory(directory, List.copyOf(found), key);
    }

    private static long number(final Path file) {
        final Matcher m = BLK_FILE.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
    }

    public Path directory() {
        return directory;
    }

    /** The blk files, in file-number order; an index into this list is a file's id in the block index. */
    public List<Path> files() {
        return files;
    }

    /** The 8-byte XOR key, or null when the node does not obfuscate. */
    public byte[] xorKey() {
        return xorKey == null ? null : xorKey.clone();
    }

    /** Total size of the files on disk (bz2 files count compressed), for progress. */
    public long totalBytes() {
        long total = 0;
        for (int i = 0; i < files.size(); i++) {
            total += size(i);
        }
        return total;
    }

    /** Size of file {@code index} on disk, for progress (0 if it cannot be read: reading it then fails properly). */
    public long size(final int index) {
        try {
            return Files.size(files.get(index));
        } catch (final IOException ex) {
            return 0;
        }
    }

    /**
     * Load file {@code index} (whole, de-obfuscated).
     *
     * @throws ImportException if it cannot be read.
     */
    public BlkFileReader read(final int index) {
        try {
            return BlkFileReader.open(files.get(index), xorKey);
        } catch (final IOException ex) {
            throw new ImportException(ImportException.BAD_BLOCKS_DIR, "cannot read " + files.get(index) + ": " + ex.getMessage());
        }
    }
}
