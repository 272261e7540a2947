package io.finality.tools.node;

import io.finality.engine.journal.SnapshotStore;
import io.finality.matcher.store.InvoiceStore;
import java.util.Arrays;

/** Engine snapshots kept in the invoice store's RocksDB {@code snapshots} column family (synced writes). */
final class StoreSnapshotStore implements SnapshotStore {
    static final String ENGINE = "engine";

    private final InvoiceStore store;

    StoreSnapshotStore(final InvoiceStore store) {
        this.store = store;
    }

    @Override
    public void save(final byte[] data, final int length) {
        store.putSnapshot(ENGINE, Arrays.copyOf(data, length));
    }

    @Override
    public byte[] load() {
        return store.getSnapshot(ENGINE);
    }
}
