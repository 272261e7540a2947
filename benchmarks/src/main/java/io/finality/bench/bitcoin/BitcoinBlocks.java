package io.finality.bench.bitcoin;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.blk.BlkFileReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads the real mainnet blocks the Bitcoin benchmarks run on: every block of at least 300 kB in
 * {@code bitcoin/blocks/raw} and in the mainnet blk files of {@code bitcoin/blocks/blkfiles}
 * (the shared data directory from {@code -Dfinality.data}, else {@code ../shared/data}).
 */
public final class BitcoinBlocks {
    static final int MIN_BYTES = 300_000;

    private BitcoinBlocks() {
    }

    static Path dataRoot() {
        final String configured = System.getProperty("finality.data");
        for (String candidate : new String[] {configured, "../shared/data", "../../shared/data", "/work/shared/data"}) {
            if (candidate != null && Files.isDirectory(Paths.get(candidate, "bitcoin", "blocks"))) {
                return Paths.get(candidate);
            }
        }
        throw new IllegalStateException("shared data not found: pass -Dfinality.data=<shared/data> in @Fork");
    }

    public static List<byte[]> mainnet() {
        final Path blocks = dataRoot().resolve("bitcoin/blocks");
        final List<byte[]> out = new ArrayList<>();
        try {
            for (Path p : sorted(blocks.resolve("raw"))) {
                final String name = p.getFileName().toString();
                if (!name.contains("testnet") && Files.size(p) >= MIN_BYTES) {
                    out.add(Files.readAllBytes(p));
                }
            }
            for (Path p : sorted(blocks.resolve("blkfiles"))) {
                final BlkFileReader reader = BlkFileReader.open(p, null);
                while (reader.next()) {
                    if (reader.status() == BlkFileReader.OK && reader.network() == BitcoinNetwork.MAINNET
                        && reader.blockLength() >= MIN_BYTES) {
                        out.add(Arrays.copyOfRange(reader.array(), reader.blockOffset(), reader.blockOffset() + reader.blockLength()));
                    }
                }
            }
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out;
    }

    private static List<Path> sorted(final Path dir) throws IOException {
        final List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(paths::add);
        }
        paths.sort(null);
        return paths;
    }
}
