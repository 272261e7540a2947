package io.finality.engine.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableArrayBuffer;

/**
 * The Chronicle Queue holding one document per engine step (the write-ahead log of DESIGN.md).
 * A document is written whole or not at all: a process killed mid-append leaves a document that
 * readers never see and that the next append reclaims after {@link JournalContext#recoveryTimeoutMs()}.
 *
 * <p>A writable journal also starts a {@link JournalPretoucher} thread (unless
 * {@link JournalContext#pretouchBytes()} is 0) that reads the file ahead of the appender, so that appends do
 * not stall on creating new page-cache pages.
 *
 * <p>Thread rules: {@link #append} on the state-engine thread only (Chronicle appenders are
 * single-threaded); open readers with {@link #reader()} on any thread, one per thread.
 */
public final class EventJournal implements AutoCloseable {
    static {
        ChronicleGuard.disableAnalytics();
    }

    private final SingleChronicleQueue queue;
    private final JournalPretoucher pretoucher;
    private ExcerptAppender appender;
    private java.util.function.Supplier<java.io.File> appenderFile;
    /** The appender's bytes store at its last append: a new one is announced to the pretouch thread. */
    private BytesStore<?, ?> mappedStore;

    /** A journal over {@code queue}, with the pretouch thread {@code context} asks for (none when null: read-only). */
    private EventJournal(final SingleChronicleQueue queue, final JournalContext context) {
        this.queue = queue;
        this.pretoucher = context != null && context.pretouchBytes() > 0 ? new JournalPretoucher(context) : null;
    }

    /** Open (creating if needed) the journal of a context. */
    public static EventJournal open(final JournalContext context) {
        ChronicleGuard.disableAnalytics();
        final SyncMode sync = switch (context.durability()) {
            case NONE -> SyncMode.NONE;
            case ASYNC -> SyncMode.ASYNC;
            case SYNC -> SyncMode.SYNC;
        };
        return new EventJournal(SingleChronicleQueueBuilder.binary(context.directory())
            .rollCycle(RollCycles.FAST_DAILY)
            .timeoutMS(context.recoveryTimeoutMs())
            .syncMode(sync)
            .build(), context);
    }

    /** Open an existing journal for reading only (e.g. {@code finality tail}). */
    public static EventJournal openReadOnly(final java.nio.file.Path directory) {
        ChronicleGuard.disableAnalytics();
        return new EventJournal(SingleChronicleQueueBuilder.binary(directory).rollCycle(RollCycles.FAST_DAILY)
            .readOnly(true).build(), null);
    }

    /**
     * Append one document of {@code length} bytes from the array-backed buffer.
     *
     * @return the document's queue index.
     */
    public long append(final ExpandableArrayBuffer document, final int length) {
        if (appender == null) {
            appender = queue.createAppender();
            appenderFile = appender::currentFile;
        }
        try (DocumentContext dc = appender.writingDocument()) {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.write(document.byteArray(), 0, length);
            if (pretoucher != null) {
                final BytesStore<?, ?> store = bytes.bytesStore();
                if (store != mappedStore && pretoucher.prefaults()) {
                    mappedStore = store;
                    announceMapping(store);
                }
                pretoucher.onAppend(appender.cycle(), appenderFile, bytes.writePosition());
            }
        }
        return appender.lastIndexAppended();
    }

    /** Tell the pretouch thread where the appender's writes now go, if they go to a mapped file (a hint only). */
    private void announceMapping(final BytesStore<?, ?> store) {
        if (store instanceof MappedBytesStore mapped) {
            try {
                pretoucher.onMapping(mapped.addressForWrite(mapped.start()), mapped.start(), mapped.safeLimit());
            } catch (final RuntimeException ex) {
                // no prefault for this mapping: the appends themselves are unaffected
            }
        }
    }

    /** Index of the last document, or -1 when the journal is empty. */
    public long lastIndex() {
        final long last = queue.lastIndex();
        return last < 0 || queue.firstIndex() == Long.MAX_VALUE ? -1 : last;
    }

    /** A new reader positioned at the start. */
    public Reader reader() {
        return new Reader(queue.createTailer());
    }

    /** A reader whose position is persisted under {@code name} (a consumer's own cursor). */
    public Reader namedReader(final String name) {
        return new Reader(queue.createTailer(name));
    }

    @Override
    public void close() {
        if (pretoucher != null) {
            pretoucher.close();
        }
        if (appender != null) {
            appender.close();
        }
        queue.close();
    }

    /** How far the appender's current mapping is populated (-1: not, or prefault off); for tests. */
    long prefaultedUpTo() {
        return pretoucher == null ? -1 : pretoucher.prefaultedUpTo();
    }

    /** How far ahead of the appender the journal file has been read (0 when not pretouching); for tests. */
    long pretouchedUpTo() {
        return pretoucher == null ? 0 : pretoucher.touchedUpTo();
    }

    /** Reads documents in order into a reusable buffer. Not thread-safe. */
    public static final class Reader implements AutoCloseable {
        private final ExcerptTailer tailer;
        private long index = -1;

        Reader(final ExcerptTailer tailer) {
            this.tailer = tailer;
        }

        /** Position so that the next read returns the document after {@code queueIndex}. */
        public Reader after(final long queueIndex) {
            if (queueIndex < 0) {
                tailer.toStart();
            } else if (!tailer.moveToIndex(queueIndex + 1)) {
                // The successor is not written yet: sit at the end, which is right after queueIndex.
                tailer.toEnd();
            }
            return this;
        }

        /**
         * Read the next document into {@code into}.
         *
         * @return its length, or -1 if no complete document is available.
         */
        public int next(final ExpandableArrayBuffer into) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return -1;
                }
                final Bytes<?> bytes = dc.wire().bytes();
                final int length = (int)bytes.readRemaining();
                into.checkLimit(length);
                bytes.read(into.byteArray(), 0, length);
                index = dc.index();
                return length;
            }
        }

        /** Queue index of the document last returned by {@link #next}. */
        public long index() {
            return index;
        }

        @Override
        public void close() {
            tailer.close();
        }
    }
}
