package io.finality.matcher.store;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.finality.core.chain.ChainId;
import io.finality.core.spi.MutableAddressIndex;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The durable home of invoices, on RocksDB, with three column families:
 * <ul>
 *   <li>{@code invoices}: invoice id (UTF-8) to the {@link InvoiceCodec} record;</li>
 *   <li>{@code by-key}: chain code (u16, little-endian) + watch key to the id of the open invoice reserving it;</li>
 *   <li>{@code snapshots}: name to opaque bytes, for the state engine's snapshots.</li>
 * </ul>
 * The default column family holds the layout version and the next slot to assign.
 *
 * <p>Durability: {@link #open}, {@link #cancel} and {@link #putSnapshot} write one batch with a synced WAL
 * before returning, so an acknowledged invoice survives {@code kill -9} and power loss. Opening an id again
 * with the same content returns the stored invoice; with different content it is an
 * {@link InvoiceConflictException}, as is a second open invoice on a key already watched.
 *
 * <p>Failure: a missing directory (when creation is off), a directory with files but no {@code CURRENT}, a
 * garbage {@code CURRENT}, missing column families or a record that does not decode raise a
 * {@link StoreException} naming the path and the problem; the store never comes up empty and silent.
 *
 * <p>Thread rules: safe from any thread; every operation takes the store's lock (the API threads open and
 * cancel, the state engine writes snapshots, start-up loads). Not on the scan stage's path: the ring carries
 * the accepted invoice to stage 1, which updates its own index. Close it once, after all users stop.
 */
public final class InvoiceStore implements AutoCloseable {
    /** Layout version of this store's keys and meta records. */
    public static final int FORMAT_VERSION = 1;
    static final String INVOICES = "invoices";
    static final String BY_KEY = "by-key";
    static final String SNAPSHOTS = "snapshots";
    private static final byte[] META_FORMAT = "finality.format".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] META_NEXT_SLOT = "finality.next-slot".getBytes(StandardCharsets.US_ASCII);
    private static final System.Logger LOG = System.getLogger(InvoiceStore.class.getName());

    static {
        RocksDB.loadLibrary();
    }

    private final InvoiceStoreContext context;
    private final Path path;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final WriteOptions syncWrite;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle invoices;
    private final ColumnFamilyHandle byKey;
    private final ColumnFamilyHandle snapshots;
    private final ExpandableArrayBuffer encodeBuffer = new ExpandableArrayBuffer(256);
    private int nextSlot;
    private boolean closed;

    private InvoiceStore(
        final InvoiceStoreContext context, final DBOptions dbOptions, final ColumnFamilyOptions cfOptions, final WriteOptions syncWrite,
        final RocksDB db, final List<ColumnFamilyHandle> handles) {
        this.context = context;
        this.path = context.path();
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.syncWrite = syncWrite;
        this.db = db;
        this.handles = handles;
        this.meta = handles.get(0);
        this.invoices = handles.get(1);
        this.byKey = handles.get(2);
        this.snapshots = handles.get(3);
    }

    /**
     * Opens (or, if allowed and absent, creates) the store at {@link InvoiceStoreContext#path()}.
     *
     * @throws StoreException naming the path and the problem if it is missing, damaged, locked or unreadable.
     */
    public static InvoiceStore open(final InvoiceStoreContext context) {
        final Path path = context.path();
        if (path == null) {
            throw new IllegalArgumentException("InvoiceStoreContext.path is required");
        }
        final boolean fresh = checkDirectory(context);
        final DBOptions dbOptions = new DBOptions().setCreateIfMissing(fresh).setCreateMissingColumnFamilies(fresh)
            .setParanoidChecks(true).setKeepLogFileNum(4);
        final ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
        final WriteOptions syncWrite = new WriteOptions().setSync(true);
        final List<ColumnFamilyDescriptor> descriptors = List.of(
            new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
            new ColumnFamilyDescriptor(bytes(INVOICES), cfOptions),
            new ColumnFamilyDescriptor(bytes(BY_KEY), cfOptions),
            new ColumnFamilyDescriptor(bytes(SNAPSHOTS), cfOptions));
        final List<ColumnFamilyHandle> handles = new ArrayList<>(descriptors.size());
        RocksDB db = null;
        try {
            db = RocksDB.open(dbOptions, path.toString(), descriptors, handles);
            final InvoiceStore store = new InvoiceStore(context, dbOptions, cfOptions, syncWrite, db, handles);
            store.initialiseMeta(fresh);
            return store;
        } catch (final RocksDBException | RuntimeException ex) {
            for (final ColumnFamilyHandle handle : handles) {
                handle.close();
            }
            if (db != null) {
                db.close();
            }
            syncWrite.close();
            cfOptions.close();
            dbOptions.close();
            if (ex instanceof StoreException storeException) {
                throw storeException;
            }
            throw new StoreException(path, "cannot open: damaged, not an invoice store, or in use by another process", ex);
        }
    }

    /** @return {@code true} for a new, empty store; throws when the directory is missing or damaged. */
    private static boolean checkDirectory(final InvoiceStoreContext context) {
        final Path path = context.path();
        if (!Files.exists(path)) {
            if (!context.createIfMissing()) {
                throw new StoreException(path, "does not exist and createIfMissing is false (wrong path, or the store was lost)");
            }
            try {
                Files.createDirectories(path);
            } catch (final IOException ex) {
                throw new StoreException(path, "cannot create the directory", ex);
            }
            return true;
        }
        if (!Files.isDirectory(path)) {
            throw new StoreException(path, "is not a directory");
        }
        if (Files.exists(path.resolve("CURRENT"))) {
            return false;
        }
        final long files;
        try (Stream<Path> list = Files.list(path)) {
            files = list.count();
        } catch (final IOException ex) {
            throw new StoreException(path, "cannot list the directory", ex);
        }
        if (files > 0) {
            throw new StoreException(path, "has " + files + " files but no CURRENT file: damaged or not a RocksDB store;"
                + " refusing to start with an empty store");
        }
        if (!context.createIfMissing()) {
            throw new StoreException(path, "is an empty directory and createIfMissing is false");
        }
        return true;
    }

    private void initialiseMeta(final boolean fresh) throws RocksDBException {
        final byte[] format = db.get(meta, META_FORMAT);
        if (format == null) {
            if (!fresh) {
                throw new StoreException(path, "RocksDB opened but the finality.format marker is missing: not an invoice store");
            }
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(meta, META_FORMAT, intBytes(FORMAT_VERSION));
                batch.put(meta, META_NEXT_SLOT, intBytes(0));
                db.write(syncWrite, batch);
            }
            nextSlot = 0;
            LOG.log(Level.INFO, "created invoice store at {0}", path.toAbsolutePath());
            return;
        }
        if (format.length != Integer.BYTES || intOf(format) != FORMAT_VERSION) {
            throw new StoreException(path, "unsupported store format (expected version " + FORMAT_VERSION + ")");
        }
        final byte[] next = db.get(meta, META_NEXT_SLOT);
        if (next == null || next.length != Integer.BYTES || intOf(next) < 0) {
            throw new StoreException(path, "next-slot record missing or damaged");
        }
        nextSlot = intOf(next);
    }

    /**
     * Accepts an invoice: assigns its slot and creation time and writes it durably (synced WAL) before returning.
     * An identical replay of an existing id returns the stored invoice with {@code created == false}.
     *
     * @throws InvoiceConflictException if the id exists with different content, or an open invoice already watches the key.
     * @throws StoreException           if RocksDB fails (nothing was acknowledged).
     */
    public synchronized OpenResult open(final InvoiceRecord request) {
        checkOpen();
        if (request.status() != InvoiceStatus.OPEN) {
            throw new IllegalArgumentException("only OPEN invoices can be opened, was " + request.status());
        }
        try {
            final InvoiceRecord existing = get(request.invoiceId());
            if (existing != null) {
                final String difference = existing.firstDifference(request);
                if (difference != null) {
                    throw new InvoiceConflictException(path, "invoice " + request.invoiceId()
                        + " already exists with a different " + difference);
                }
                return new OpenResult(existing, false);
            }
            final byte[] keyRow = keyRow(request.chain(), request.watchKey());
            final byte[] holder = db.get(byKey, keyRow);
            if (holder != null) {
                throw new InvoiceConflictException(path, "the watch key of invoice " + request.invoiceId()
                    + " is already watched by open invoice " + new String(holder, StandardCharsets.UTF_8));
            }
            if (nextSlot == Integer.MAX_VALUE) {
                throw new StoreException(path, "invoice slots exhausted");
            }
            final InvoiceRecord accepted = request.withAssigned(nextSlot, context.clock().getAsLong());
            final byte[] id = bytes(accepted.invoiceId());
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(invoices, id, encode(accepted));
                batch.put(byKey, keyRow, id);
                batch.put(meta, META_NEXT_SLOT, intBytes(nextSlot + 1));
                db.write(syncWrite, batch);
            }
            nextSlot++;
            return new OpenResult(accepted, true);
        } catch (final RocksDBException ex) {
            throw new StoreException(path, "cannot write invoice " + request.invoiceId(), ex);
        }
    }

    /**
     * Accepts many invoices in one synced batch (bulk import, rescans, benchmarks): the same rules as
     * {@link #open} for each request, applied in order, and all-or-nothing on a conflict.
     *
     * @return one result per request, in order.
     * @throws InvoiceConflictException if any request conflicts with the store or with an earlier request of the batch.
     */
    public synchronized List<OpenResult> openBatch(final List<InvoiceRecord> requests) {
        checkOpen();
        final List<OpenResult> results = new ArrayList<>(requests.size());
        final Map<String, InvoiceRecord> batchIds = new HashMap<>();
        final Map<ByteBuffer, String> batchKeys = new HashMap<>();
        int slot = nextSlot;
        try (WriteBatch batch = new WriteBatch()) {
            for (final InvoiceRecord request : requests) {
                if (request.status() != InvoiceStatus.OPEN) {
                    throw new IllegalArgumentException("only OPEN invoices can be opened, was " + request.status());
                }
                InvoiceRecord existing = batchIds.get(request.invoiceId());
                if (existing == null) {
                    existing = get(request.invoiceId());
                }
                if (existing != null) {
                    final String difference = existing.firstDifference(request);
                    if (difference != null) {
                        throw new InvoiceConflictException(path, "invoice " + request.invoiceId()
                            + " already exists with a different " + difference);
                    }
                    results.add(new OpenResult(existing, false));
                    continue;
                }
                final byte[] keyRow = keyRow(request.chain(), request.watchKey());
                String holder = batchKeys.get(ByteBuffer.wrap(keyRow));
                if (holder == null) {
                    final byte[] stored = db.get(byKey, keyRow);
                    holder = stored == null ? null : new String(stored, StandardCharsets.UTF_8);
                }
                if (holder != null) {
                    throw new InvoiceConflictException(path, "the watch key of invoice " + request.invoiceId()
                        + " is already watched by open invoice " + holder);
                }
                if (slot == Integer.MAX_VALUE) {
                    throw new StoreException(path, "invoice slots exhausted");
                }
                final InvoiceRecord accepted = request.withAssigned(slot++, context.clock().getAsLong());
                final byte[] id = bytes(accepted.invoiceId());
                batch.put(invoices, id, encode(accepted));
                batch.put(byKey, keyRow, id);
                batchIds.put(accepted.invoiceId(), accepted);
                batchKeys.put(ByteBuffer.wrap(keyRow), accepted.invoiceId());
                results.add(new OpenResult(accepted, true));
            }
            batch.put(meta, META_NEXT_SLOT, intBytes(slot));
            db.write(syncWrite, batch);
            nextSlot = slot;
            return results;
        } catch (final RocksDBException ex) {
            throw new StoreException(path, "cannot write a batch of " + requests.size() + " invoices", ex);
        }
    }

    /**
     * Cancels an invoice durably and frees its key in {@code by-key}, so a later invoice may be opened on it. The
     * scan stage keeps watching the key (see {@link #loadInto}). Cancelling a cancelled invoice returns it unchanged.
     *
     * @return the cancelled invoice, or {@code null} if the id is unknown.
     */
    public synchronized InvoiceRecord cancel(final String invoiceId) {
        checkOpen();
        final InvoiceRecord existing = get(invoiceId);
        if (existing == null || existing.status() == InvoiceStatus.CANCELLED) {
            return existing;
        }
        final InvoiceRecord cancelled = existing.withStatus(InvoiceStatus.CANCELLED);
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(invoices, bytes(invoiceId), encode(cancelled));
            batch.delete(byKey, keyRow(existing.chain(), existing.watchKey()));
            db.write(syncWrite, batch);
            return cancelled;
        } catch (final RocksDBException ex) {
            throw new StoreException(path, "cannot cancel invoice " + invoiceId, ex);
        }
    }

    /**
     * @return the invoice, or {@code null} if unknown.
     * @throws StoreException if the stored record is damaged.
     */
    public synchronized InvoiceRecord get(final String invoiceId) {
        checkOpen();
        try {
            final byte[] value = db.get(invoices, bytes(invoiceId));
            return value == null ? null : decode(invoiceId, value);
        } catch (final RocksDBException ex) {
            throw new StoreException(path, "cannot read invoice " + invoiceId, ex);
        }
    }

    /** @return the id of the open invoice watching {@code watchKey} on {@code chain}, or {@code null}. */
    public synchronized String invoiceIdForKey(final ChainId chain, final byte[] watchKey) {
        checkOpen();
        try {
            final byte[] id = db.get(byKey, keyRow(chain, watchKey));
            return id == null ? null : new String(id, StandardCharsets.UTF_8);
        } catch (final RocksDBException ex) {
            throw new StoreException(path, "cannot read the key index", ex);
        }
    }

    /** The slot the next accepted invoice gets; slots are dense and never reused. */
    public synchronized int nextSlot() {
        return nextSlot;
    }

    /** RocksDB's estimate of the number of stored invoices (open and cancelled), to presize the index. */
    public synchronized long estimatedInvoiceCount() {
        checkOpen();
        try {
            return db.getLongProperty(invoices, "rocksdb.estimate-num-keys");
        } catch (final RocksDBException ex) {
            throw new StoreException(path, "cannot read the invoice count estimate", ex);
        }
    }

    /** Stores a named snapshot durably (synced WAL), replacing any previous one of that name. */
    public synchronized void putSnapshot(final String name, final byte[] snapshot) {
        checkOpen();
        try {
            db.put(snapshots, syncWrite, bytes(name), snapshot);
        } catch (final RocksDBException ex) {
            throw new StoreException(path, "cannot write snapshot " + name, ex);
        }
    }

    /** @return the named snapshot, or {@code null} if none was stored. */
    public synchronized byte[] getSnapshot(final String name) {
        checkOpen();
        try {
            return db.get(snapshots, bytes(name));
        } catch (final RocksDBException ex) {
            throw new StoreException(path, "cannot read snapshot " + name, ex);
        }
    }

    /**
     * Streams the watch key of every stored invoice into {@code index} (in id order), so that the index equals
     * the one the scan stage built before a restart: an OPEN on the ring starts watching a key and nothing
     * stops it (a CANCEL keeps the key watched so a late payment to a cancelled invoice is still reported, and
     * expiry or payment is the state engine's business, never the index's). Open and cancelled invoices are
     * therefore both loaded. A cancelled invoice frees its key in {@code by-key}, so a later invoice may watch
     * the same key: the later open overwrote the index entry on the ring, so here the highest slot wins.
     * Logs progress every {@link InvoiceStoreContext#progressInterval()} invoices and reports it to
     * {@code progress} (its second count is the keys loaded). Call it before the pipeline starts, on the
     * thread that then starts it.
     *
     * @return the number of keys in the index after loading (distinct keys; a reused key counts once).
     * @throws StoreException naming the invoice if a record is damaged, if the slot counter lags the records,
     *                        or if an earlier invoice on a reused key is still open.
     */
    public synchronized long loadInto(final MutableAddressIndex index, final LoadProgress progress) {
        checkOpen();
        final long start = System.nanoTime();
        final long interval = context.progressInterval();
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        long scanned = 0;
        long loaded = 0;
        try (ReadOptions readOptions = new ReadOptions().setFillCache(false).setReadaheadSize(4 << 20);
            RocksIterator it = db.newIterator(invoices, readOptions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                final byte[] value = it.value();
                view.wrap(value);
                final int valid = InvoiceCodec.validate(view, 0, value.length);
                if (valid < 0) {
                    throw damaged(it.key(), InvoiceCodec.describe(valid));
                }
                final int slot = InvoiceCodec.slot(view, 0);
                if (slot < 0 || slot >= nextSlot) {
                    throw damaged(it.key(), "slot " + slot + " outside the assigned range 0.." + (nextSlot - 1));
                }
                scanned++;
                final int chainCode = InvoiceCodec.chainCode(view, 0);
                final int keyOffset = InvoiceCodec.keyOffset(0);
                final int keyLength = InvoiceCodec.keyLength(view, 0);
                final boolean open = InvoiceCodec.statusCode(view, 0) == InvoiceStatus.OPEN.code();
                // One probe in the common case: put, and only on a reused key (rare) look at who held it.
                final int holder = index.put(chainCode, view, keyOffset, keyLength, slot);
                if (holder == MutableAddressIndex.MISSING) {
                    loaded++;
                } else if (holder < slot) {
                    // The holder opened earlier, so it must have been cancelled before this one opened.
                    checkEarlierCancelled(it.key(), chainCode, value, keyOffset, keyLength, holder);
                } else {
                    index.put(chainCode, view, keyOffset, keyLength, holder);
                    if (open) {
                        throw damaged(it.key(), "it is open but its watch key is also held by the later invoice in slot " + holder);
                    }
                }
                if (scanned % interval == 0) {
                    LOG.log(Level.INFO, "loading invoices from {0}: {1} scanned, {2} keys loaded",
                        path.toAbsolutePath(), scanned, loaded);
                    progress.onProgress(scanned, loaded, false);
                }
            }
            it.status();
        } catch (final RocksDBException ex) {
            throw new StoreException(path, "cannot read invoices while loading", ex);
        }
        LOG.log(Level.INFO, "loaded {0} watch keys of {1} invoices from {2} in {3} ms", loaded, scanned, path.toAbsolutePath(),
            (System.nanoTime() - start) / 1_000_000);
        progress.onProgress(scanned, loaded, true);
        return loaded;
    }

    /**
     * On a reused key (rare: only after a cancel), the earlier holder must not be the key's open invoice:
     * {@code by-key} names the one open invoice of a key, so read it and compare slots.
     */
    private void checkEarlierCancelled(
        final byte[] id, final int chainCode, final byte[] record, final int keyOffset, final int keyLength, final int holder)
        throws RocksDBException {
        final byte[] watchKey = Arrays.copyOfRange(record, keyOffset, keyOffset + keyLength);
        final byte[] openId = db.get(byKey, keyRow(ChainId.fromCode(chainCode), watchKey));
        if (openId == null) {
            return;
        }
        final byte[] openValue = db.get(invoices, openId);
        if (openValue != null && openValue.length > 0
            && InvoiceCodec.slot(new UnsafeBuffer(openValue), 0) == holder) {
            throw damaged(id, "its watch key is also held by the earlier open invoice in slot " + holder);
        }
    }

    /**
     * Visits every stored invoice (open and cancelled) in id order, decoded. For rare start-up repairs and
     * tools, not for loading the index ({@link #loadInto} does that without decoding).
     *
     * @throws StoreException naming the invoice if a record is damaged.
     */
    public synchronized void forEach(final Consumer<InvoiceRecord> visitor) {
        checkOpen();
        try (RocksIterator it = db.newIterator(invoices)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                visitor.accept(decode(new String(it.key(), StandardCharsets.UTF_8), it.value()));
            }
            it.status();
        } catch (final RocksDBException ex) {
            throw new StoreException(path, "cannot read invoices", ex);
        }
    }

    /** Closes every native handle; later calls fail with {@link IllegalStateException}. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (final ColumnFamilyHandle handle : handles) {
            handle.close();
        }
        db.close();
        syncWrite.close();
        cfOptions.close();
        dbOptions.close();
    }

    /** The store directory. */
    public Path path() {
        return path;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("invoice store " + path + " is closed");
        }
    }

    private StoreException damaged(final byte[] id, final String problem) {
        return new StoreException(path, "invoice record '" + new String(id, StandardCharsets.UTF_8) + "' is damaged: " + problem);
    }

    private InvoiceRecord decode(final String invoiceId, final byte[] value) {
        try {
            final InvoiceRecord record = InvoiceCodec.decode(new UnsafeBuffer(value), 0, value.length);
            if (!record.invoiceId().equals(invoiceId)) {
                throw new IllegalArgumentException("it holds invoice " + record.invoiceId());
            }
            return record;
        } catch (final IllegalArgumentException ex) {
            throw new StoreException(path, "invoice record '" + invoiceId + "' is damaged: " + ex.getMessage(), ex);
        }
    }

    private byte[] encode(final InvoiceRecord record) {
        final int length = InvoiceCodec.encode(record, encodeBuffer, 0);
        final byte[] out = new byte[length];
        encodeBuffer.getBytes(0, out);
        return out;
    }

    static byte[] keyRow(final ChainId chain, final byte[] watchKey) {
        final ByteBuffer row = ByteBuffer.allocate(2 + watchKey.length).order(ByteOrder.LITTLE_ENDIAN);
        row.putShort((short) chain.code()).put(watchKey);
        return row.array();
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] intBytes(final int value) {
        return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    private static int intOf(final byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }
}
