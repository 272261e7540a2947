package io.finality.matcher.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.finality.matcher.index.WatchKeyIndex;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class InvoiceStoreTest {
    @TempDir
    Path dir;

    private InvoiceStoreContext context() {
        final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        return new InvoiceStoreContext().path(dir.resolve("store")).clock(clock::incrementAndGet).progressInterval(7);
    }

    @Test
    void shouldAssignDenseSlotsAndKeepEverythingAcrossReopen() {
        final List<InvoiceRecord> accepted = new ArrayList<>();
        try (InvoiceStore store = InvoiceStore.open(context())) {
            for (int n = 0; n < 50; n++) {
                final OpenResult result = store.open(TestInvoices.request(21, n));
                assertTrue(result.created());
                assertEquals(n, result.record().slot());
                assertTrue(result.record().sameRequest(TestInvoices.request(21, n)));
                accepted.add(result.record());
            }
        }
        try (InvoiceStore store = InvoiceStore.open(context().createIfMissing(false))) {
            assertEquals(50, store.nextSlot());
            for (InvoiceRecord record : accepted) {
                assertEquals(record, store.get(record.invoiceId()));
                assertEquals(record.invoiceId(), store.invoiceIdForKey(record.chain(), record.watchKey()));
            }
            assertEquals(50, store.open(TestInvoices.request(21, 50)).record().slot());
        }
    }

    @Test
    void shouldReturnTheStoredInvoiceWhenTheSameRequestIsReplayed() {
        try (InvoiceStore store = InvoiceStore.open(context())) {
            final OpenResult first = store.open(TestInvoices.request(22, 1));
            final OpenResult replay = store.open(TestInvoices.request(22, 1));
            assertTrue(first.created());
            assertFalse(replay.created());
            assertEquals(first.record(), replay.record());
            assertEquals(1, store.nextSlot());
        }
    }

    @Test
    void shouldRejectTheSameIdWithDifferentContent() {
        try (InvoiceStore store = InvoiceStore.open(context())) {
            final InvoiceRecord original = TestInvoices.request(23, 1);
            store.open(original);
            final InvoiceRecord changed = new InvoiceRecord(original.invoiceId(), InvoiceRecord.UNASSIGNED, original.chain(),
                original.assetContract(), original.assetDecimals(), original.watchKey(), original.address(), original.amountDueHi(),
                original.amountDueLo() + 1, 0, original.expiresAtMs(), original.policy(), original.orderId(), original.correlationId(),
                InvoiceStatus.OPEN);
            final InvoiceConflictException conflict = assertThrows(InvoiceConflictException.class, () -> store.open(changed));
            assertTrue(conflict.getMessage().contains("amountDue"), conflict.getMessage());
            assertEquals(1, store.nextSlot(), "nothing written");
        }
    }

    @Test
    void shouldRejectASecondOpenInvoiceOnAWatchedKeyButAllowItAfterCancel() {
        try (InvoiceStore store = InvoiceStore.open(context())) {
            final InvoiceRecord first = TestInvoices.request(24, 1);
            store.open(first);
            final InvoiceRecord sameKey = new InvoiceRecord("other", InvoiceRecord.UNASSIGNED, first.chain(), first.assetContract(),
                first.assetDecimals(), first.watchKey(), first.address(), 0, 5, 0, 1, "default", null, null, InvoiceStatus.OPEN);
            final InvoiceConflictException conflict = assertThrows(InvoiceConflictException.class, () -> store.open(sameKey));
            assertTrue(conflict.getMessage().contains(first.invoiceId()), conflict.getMessage());

            final InvoiceRecord cancelled = store.cancel(first.invoiceId());
            assertEquals(InvoiceStatus.CANCELLED, cancelled.status());
            assertEquals(cancelled, store.cancel(first.invoiceId()), "cancel is idempotent");
            assertNull(store.cancel("unknown"));
            assertNull(store.invoiceIdForKey(first.chain(), first.watchKey()));
            assertEquals(1, store.open(sameKey).record().slot());
        }
    }

    @Test
    void shouldLoadTheKeysOfOpenAndCancelledInvoicesAsTheScanStageWatchesThem() {
        final Map<String, InvoiceRecord> open = new HashMap<>();
        final List<InvoiceRecord> cancelled = new ArrayList<>();
        try (InvoiceStore store = InvoiceStore.open(context())) {
            for (int n = 0; n < 300; n++) {
                final InvoiceRecord record = store.open(TestInvoices.request(25, n)).record();
                open.put(record.invoiceId(), record);
            }
            for (int n = 0; n < 300; n += 3) {
                cancelled.add(store.cancel(open.remove("inv-25." + n).invoiceId()));
            }
        }
        try (InvoiceStore store = InvoiceStore.open(context().createIfMissing(false));
            WatchKeyIndex index = new WatchKeyIndex()) {
            final List<long[]> reports = new ArrayList<>();
            final long loaded = store.loadInto(index, (scanned, count, done) -> reports.add(new long[] {scanned, count, done ? 1 : 0}));
            assertEquals(300, loaded);
            assertEquals(300, index.size());
            assertEquals(300 / 7 + 1, reports.size(), "a report every 7 invoices and a final one");
            assertArrayEquals(new long[] {300, 300, 1}, reports.get(reports.size() - 1));
            for (InvoiceRecord record : open.values()) {
                final UnsafeBuffer key = new UnsafeBuffer(record.watchKey());
                assertEquals(record.slot(), index.lookup(record.chain().code(), key, 0, record.watchKeyLength()), record.invoiceId());
            }
            // a cancel keeps the key watched so that a late payment is still reported: a restart must not change that
            for (InvoiceRecord record : cancelled) {
                final UnsafeBuffer key = new UnsafeBuffer(record.watchKey());
                assertEquals(record.slot(), index.lookup(record.chain().code(), key, 0, record.watchKeyLength()), record.invoiceId());
            }
        }
    }

    @Test
    void shouldLoadAReusedKeyForTheLatestInvoiceAsTheRingLeftIt() {
        final InvoiceRecord first = TestInvoices.request(31, 1);
        final InvoiceRecord second = InvoiceRecord.request("inv-31.reuse-b", first.chain(), null, first.chain().nativeDecimals(),
            first.watchKey(), first.address(), BigInteger.TEN, 1L, "default", null, null);
        final InvoiceRecord third = InvoiceRecord.request("inv-31.reuse-a", first.chain(), null, first.chain().nativeDecimals(),
            first.watchKey(), first.address(), BigInteger.TWO, 1L, "default", null, null);
        final int thirdSlot;
        try (InvoiceStore store = InvoiceStore.open(context())) {
            store.open(first);
            store.cancel(first.invoiceId());
            store.open(second);
            store.cancel(second.invoiceId());
            thirdSlot = store.open(third).record().slot();
        }
        try (InvoiceStore store = InvoiceStore.open(context().createIfMissing(false));
            WatchKeyIndex index = new WatchKeyIndex()) {
            // id order visits the newest (slot 2, "reuse-a") before the middle one (slot 1, "reuse-b"): the highest slot wins
            assertEquals(1, store.loadInto(index, LoadProgress.NONE));
            assertEquals(2, thirdSlot);
            assertEquals(thirdSlot, index.lookup(first.chain().code(), new UnsafeBuffer(first.watchKey()), 0, first.watchKeyLength()));
        }
    }

    @Test
    void shouldRefuseToLoadTwoOpenInvoicesOnOneKeyWhicheverComesFirst() throws Exception {
        for (String earlierId : List.of("a-earlier", "z-earlier")) {
            final Path path = dir.resolve("two-open-" + earlierId);
            final InvoiceRecord base = TestInvoices.request(33, 1);
            final InvoiceRecord earlier = InvoiceRecord.request(earlierId, base.chain(), null, base.chain().nativeDecimals(),
                base.watchKey(), base.address(), BigInteger.TEN, 1L, "default", null, null);
            final InvoiceRecord later = InvoiceRecord.request("m-later", base.chain(), null, base.chain().nativeDecimals(),
                base.watchKey(), base.address(), BigInteger.TWO, 1L, "default", null, null);
            final InvoiceRecord stored;
            try (InvoiceStore store = InvoiceStore.open(new InvoiceStoreContext().path(path))) {
                stored = store.open(earlier).record();
                store.cancel(earlierId);
                store.open(later);
            }
            // damage: the cancelled earlier record says OPEN again, so two open invoices claim the key
            final List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                new ColumnFamilyDescriptor(InvoiceStore.INVOICES.getBytes(StandardCharsets.UTF_8)),
                new ColumnFamilyDescriptor(InvoiceStore.BY_KEY.getBytes(StandardCharsets.UTF_8)),
                new ColumnFamilyDescriptor(InvoiceStore.SNAPSHOTS.getBytes(StandardCharsets.UTF_8)));
            final List<ColumnFamilyHandle> handles = new ArrayList<>();
            try (DBOptions options = new DBOptions();
                RocksDB db = RocksDB.open(options, path.toString(), descriptors, handles)) {
                final org.agrona.ExpandableArrayBuffer buffer = new org.agrona.ExpandableArrayBuffer(256);
                final int length = InvoiceCodec.encode(stored.withStatus(InvoiceStatus.OPEN), buffer, 0);
                final byte[] bytes = new byte[length];
                buffer.getBytes(0, bytes);
                db.put(handles.get(1), earlierId.getBytes(StandardCharsets.UTF_8), bytes);
                db.put(handles.get(2), InvoiceStore.keyRow(base.chain(), base.watchKey()), earlierId.getBytes(StandardCharsets.UTF_8));
                handles.forEach(ColumnFamilyHandle::close);
            }
            try (InvoiceStore store = InvoiceStore.open(new InvoiceStoreContext().path(path).createIfMissing(false));
                WatchKeyIndex index = new WatchKeyIndex()) {
                final StoreException ex = assertThrows(StoreException.class, () -> store.loadInto(index, LoadProgress.NONE));
                assertTrue(ex.getMessage().contains("'" + earlierId + "' is damaged") || ex.getMessage().contains("'m-later' is damaged"),
                    ex.getMessage());
                assertTrue(ex.getMessage().contains("slot"), ex.getMessage());
            }
        }
    }

    @Test
    void shouldOpenABatchLikeSequentialOpensAndRollBackTheWholeBatchOnConflict() {
        final List<InvoiceRecord> requests = new ArrayList<>();
        for (int n = 0; n < 100; n++) {
            requests.add(TestInvoices.request(28, n));
        }
        requests.add(TestInvoices.request(28, 5));
        try (InvoiceStore store = InvoiceStore.open(context())) {
            store.open(TestInvoices.request(28, 0));
            final List<OpenResult> results = store.openBatch(requests);
            assertFalse(results.get(0).created(), "already stored");
            assertFalse(results.get(100).created(), "repeated within the batch");
            assertEquals(results.get(5).record(), results.get(100).record());
            for (int n = 1; n < 100; n++) {
                assertTrue(results.get(n).created());
                assertEquals(n, results.get(n).record().slot());
                assertEquals(results.get(n).record(), store.get(requests.get(n).invoiceId()));
            }
            final InvoiceRecord base = TestInvoices.request(28, 200);
            final InvoiceRecord sameKey = new InvoiceRecord("clash", InvoiceRecord.UNASSIGNED, base.chain(), base.assetContract(),
                base.assetDecimals(), base.watchKey(), base.address(), 0, 1, 0, 1, "default", null, null, InvoiceStatus.OPEN);
            assertThrows(InvoiceConflictException.class, () -> store.openBatch(List.of(TestInvoices.request(28, 300), base, sameKey)));
            assertNull(store.get(TestInvoices.request(28, 300).invoiceId()), "nothing of a conflicting batch is written");
            assertNull(store.get(base.invoiceId()));
            assertEquals(100, store.nextSlot());
        }
    }

    @Test
    void shouldStoreSnapshotsDurably() {
        try (InvoiceStore store = InvoiceStore.open(context())) {
            assertNull(store.getSnapshot("engine"));
            store.putSnapshot("engine", new byte[] {1, 2, 3});
            store.putSnapshot("engine", new byte[] {4, 5});
        }
        try (InvoiceStore store = InvoiceStore.open(context())) {
            assertArrayEquals(new byte[] {4, 5}, store.getSnapshot("engine"));
        }
    }

    @Test
    void shouldCloseEveryHandleSoTheStoreReopensAndRefuseUseAfterClose() {
        final InvoiceStore store = InvoiceStore.open(context());
        final StoreException locked = assertThrows(StoreException.class, () -> InvoiceStore.open(context()));
        assertTrue(locked.getMessage().contains(dir.resolve("store").toAbsolutePath().toString()), locked.getMessage());
        store.close();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.get("x"));
        for (int i = 0; i < 3; i++) {
            try (InvoiceStore again = InvoiceStore.open(context().createIfMissing(false))) {
                again.open(TestInvoices.request(26, i));
            }
        }
    }

    @Test
    void shouldFailClearlyWhenTheDirectoryIsMissingAndCreationIsOff() {
        final StoreException ex = assertThrows(StoreException.class, () -> InvoiceStore.open(context().createIfMissing(false)));
        assertTrue(ex.getMessage().contains("does not exist"), ex.getMessage());
        assertFalse(Files.exists(dir.resolve("store")));
    }

    @Test
    void shouldFailWhenCurrentIsMissingInsteadOfStartingEmpty() throws Exception {
        createStoreWithOneInvoice();
        Files.delete(dir.resolve("store").resolve("CURRENT"));
        final StoreException ex = assertThrows(StoreException.class, () -> InvoiceStore.open(context()));
        assertTrue(ex.getMessage().contains("no CURRENT file"), ex.getMessage());
    }

    @Test
    void shouldFailWhenCurrentIsGarbage() throws Exception {
        createStoreWithOneInvoice();
        Files.writeString(dir.resolve("store").resolve("CURRENT"), "MANIFEST-999999\n");
        final StoreException ex = assertThrows(StoreException.class, () -> InvoiceStore.open(context()));
        assertTrue(ex.getMessage().contains("cannot open"), ex.getMessage());
        assertTrue(ex.getMessage().contains(dir.resolve("store").toAbsolutePath().toString()), ex.getMessage());
    }

    @Test
    void shouldFailOnARocksDbThatIsNotAnInvoiceStore() throws Exception {
        try (Options options = new Options().setCreateIfMissing(true);
            RocksDB db = RocksDB.open(options, dir.resolve("store").toString())) {
            db.put("a".getBytes(StandardCharsets.UTF_8), "b".getBytes(StandardCharsets.UTF_8));
        }
        final StoreException ex = assertThrows(StoreException.class, () -> InvoiceStore.open(context()));
        assertTrue(ex.getMessage().contains("invoice store"), ex.getMessage());
    }

    @Test
    void shouldNameTheDamagedRecordWhenLoading() throws Exception {
        createStoreWithOneInvoice();
        final List<ColumnFamilyDescriptor> descriptors = List.of(
            new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
            new ColumnFamilyDescriptor(InvoiceStore.INVOICES.getBytes(StandardCharsets.UTF_8)),
            new ColumnFamilyDescriptor(InvoiceStore.BY_KEY.getBytes(StandardCharsets.UTF_8)),
            new ColumnFamilyDescriptor(InvoiceStore.SNAPSHOTS.getBytes(StandardCharsets.UTF_8)));
        final List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions();
            RocksDB db = RocksDB.open(options, dir.resolve("store").toString(), descriptors, handles)) {
            db.put(handles.get(1), "broken-1".getBytes(StandardCharsets.UTF_8), new byte[] {1, 1, 1, 0, 9});
            handles.forEach(ColumnFamilyHandle::close);
        }
        try (InvoiceStore store = InvoiceStore.open(context());
            WatchKeyIndex index = new WatchKeyIndex()) {
            final StoreException onLoad = assertThrows(StoreException.class, () -> store.loadInto(index, LoadProgress.NONE));
            assertTrue(onLoad.getMessage().contains("'broken-1' is damaged: truncated record"), onLoad.getMessage());
            final StoreException onGet = assertThrows(StoreException.class, () -> store.get("broken-1"));
            assertTrue(onGet.getMessage().contains("broken-1"), onGet.getMessage());
        }
    }

    private void createStoreWithOneInvoice() {
        try (InvoiceStore store = InvoiceStore.open(context())) {
            store.open(TestInvoices.request(27, 1));
        }
    }
}
