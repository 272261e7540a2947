package io.finality.bitcoin;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.blk.BlkFileReader;
import io.finality.core.buffer.Hex;
import io.finality.core.test.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Every real block of {@code bitcoin/blocks} (raw, blk-framed, bz2 and hex forms) with its expected
 * metadata from {@code BLOCK_INDEX.json}. blk files are read through {@link BlkFileReader}, so loading
 * them also exercises the reader.
 */
public final class RealBlocks {
    /** One block: where it came from, its bytes, the index entry (null when the index has none), its network. */
    public record Block(String source, int position, byte[] bytes, JsonNode expected, BitcoinNetwork network) {
        @Override
        public String toString() {
            return source + "#" + position;
        }
    }

    private static List<Block> cache;

    private RealBlocks() {
    }

    /** The block index, parsed. */
    public static JsonNode index() {
        return new ObjectMapper().readTree(TestData.path("bitcoin/blocks/BLOCK_INDEX.json"));
    }

    /** All blocks, loaded once per JVM. */
    public static synchronized List<Block> all() {
        if (cache == null) {
            cache = load();
        }
        return cache;
    }

    /** Only the blocks of 300 kB or more: the benchmark-sized ones. */
    public static List<Block> large() {
        final List<Block> out = new ArrayList<>();
        for (Block b : all()) {
            if (b.bytes().length >= 300_000) {
                out.add(b);
            }
        }
        return out;
    }

    private static List<Block> load() {
        final JsonNode files = index().get("files");
        final List<Block> out = new ArrayList<>();
        try {
            final Iterator<Map.Entry<String, JsonNode>> it = files.properties().iterator();
            while (it.hasNext()) {
                final Map.Entry<String, JsonNode> e = it.next();
                final String name = e.getKey();
                final JsonNode entries = e.getValue();
                if (name.contains("/raw/")) {
                    out.add(new Block(name, 0, TestData.bytes(name), entries.get(0), null));
                } else if (name.contains("/hex/")) {
                    final String hex = new String(TestData.bytes(name), StandardCharsets.US_ASCII).trim();
                    out.add(new Block(name, 0, Hex.fromHex(hex), entries.get(0), null));
                } else if (name.contains("/blkfiles/")) {
                    final BlkFileReader reader = BlkFileReader.open(TestData.path(name), null);
                    int i = 0;
                    while (reader.next()) {
                        if (reader.status() != BlkFileReader.OK) {
                            throw new IllegalStateException(name + ": record " + i + " status " + reader.status());
                        }
                        final byte[] bytes = Arrays.copyOfRange(
                            reader.array(), reader.blockOffset(), reader.blockOffset() + reader.blockLength());
                        final JsonNode expected = i < entries.size() && entries.get(i).has("hash") ? entries.get(i) : null;
                        out.add(new Block(name, i, bytes, expected, reader.network()));
                        i++;
                    }
                }
            }
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
        if (!Files.isDirectory(TestData.path("bitcoin/blocks/raw"))) {
            throw new IllegalStateException("no raw blocks");
        }
        return out;
    }
}
