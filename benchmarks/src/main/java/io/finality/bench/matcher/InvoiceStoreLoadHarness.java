package io.finality.bench.matcher;

import java.math.BigInteger;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.finality.core.chain.ChainId;
import io.finality.core.spi.AddressIndex;
import io.finality.matcher.index.WatchKeyIndex;
import io.finality.matcher.index.WatchKeyIndexContext;
import io.finality.matcher.store.InvoiceRecord;
import io.finality.matcher.store.InvoiceStore;
import io.finality.matcher.store.InvoiceStoreContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Question: how long does start-up take to stream N open invoices from RocksDB into the index, and how much
 * resident memory does the process then hold? {@code build} fills a store (batched synced writes, run once);
 * {@code load} is the measurement, in a fresh JVM. Single-shot by nature, so a main() rather than JMH.
 *
 * <p>Run: {@code java -Xmx2g --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
 * -cp benchmarks.jar io.finality.bench.matcher.InvoiceStoreLoadHarness build|load <dir> [count]}.
 */
public final class InvoiceStoreLoadHarness {
    private static final int BATCH = 20_000;

    private InvoiceStoreLoadHarness() {
    }

    public static void main(final String[] args) {
        final String mode = args[0];
        final Path dir = Paths.get(args[1]);
        final int count = args.length > 2 ? Integer.parseInt(args[2]) : 10_000_000;
        final long seed = WatchKeyIndexProbeBenchmark.SEED;
        if ("build".equals(mode)) {
            build(dir, count, seed);
        } else {
            load(dir, seed);
        }
    }

    private static void build(final Path dir, final int count, final long seed) {
        final long start = System.nanoTime();
        try (InvoiceStore store = InvoiceStore.open(new InvoiceStoreContext().path(dir))) {
            final byte[] key = new byte[WatchKeys.STRIDE];
            final List<InvoiceRecord> batch = new ArrayList<>(BATCH);
            for (int i = store.nextSlot(); i < count; i++) {
                final int length = WatchKeys.key(seed, i, key);
                final ChainId chain = ChainId.fromCode(WatchKeys.chain(i));
                final byte[] watchKey = java.util.Arrays.copyOf(key, length);
                batch.add(InvoiceRecord.request("inv-" + i, chain, null, chain.nativeDecimals(), watchKey,
                    HexFormat.of().formatHex(watchKey), BigInteger.valueOf(1_000 + i), 1_800_000_000_000L, "default",
                    "order-" + i, null));
                if (batch.size() == BATCH || i == count - 1) {
                    store.openBatch(batch);
                    batch.clear();
                }
                if (i % 1_000_000 == 0) {
                    System.out.printf("built %,d invoices in %.1f s%n", i, (System.nanoTime() - start) / 1e9);
                }
            }
        }
        System.out.printf("built %,d invoices in %.1f s%n", count, (System.nanoTime() - start) / 1e9);
    }

    private static void load(final Path dir, final long seed) {
        System.out.println("before open: " + ProcessMemory.residentSummary());
        final long start = System.nanoTime();
        try (InvoiceStore store = InvoiceStore.open(new InvoiceStoreContext().path(dir).createIfMissing(false))) {
            final long estimate = store.estimatedInvoiceCount();
            try (WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext()
                .expectedKeys((int) Math.min(WatchKeyIndex.MAX_KEYS, estimate + estimate / 8)))) {
                final long loaded = store.loadInto(index, (scanned, open, done) -> {
                });
                final double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("loaded %,d open invoices (estimate %,d) in %.2f s (%,.0f/s); index %,d slots, off-heap %,d MiB; %s%n",
                    loaded, estimate, seconds, loaded / seconds, index.capacity(), index.offHeapBytes() >> 20,
                    ProcessMemory.residentSummary());
                final UnsafeBuffer key = new UnsafeBuffer(new byte[WatchKeys.STRIDE]);
                int wrong = 0;
                for (int i = 0; i < loaded; i += 997) {
                    final int length = WatchKeys.key(seed, i, key.byteArray());
                    if (index.lookup(WatchKeys.chain(i), key, 0, length) != i) {
                        wrong++;
                    }
                }
                final int missLength = WatchKeys.key(seed, loaded + 5, key.byteArray());
                System.out.println("sampled lookups wrong: " + wrong + "; a never-opened key "
                    + (index.lookup(WatchKeys.chain(loaded + 5), key, 0, missLength) == AddressIndex.MISSING ? "misses" : "HITS"));
            }
        }
    }
}
