package io.finality.engine.journal;

/**
 * Where engine snapshots are kept (the RocksDB {@code snapshots} column family in production; a
 * file in tests). A save replaces the previous snapshot atomically: a crash during a save leaves
 * the previous one readable.
 *
 * <p>Called from the state-engine thread (save) and at start-up (load).
 */
public interface SnapshotStore {
    /** Durably replace the snapshot with {@code data[0, length)}. */
    void save(byte[] data, int length);

    /** The last saved snapshot, or null if none was ever saved. */
    byte[] load();
}
