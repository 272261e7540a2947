package io.finality.engine.journal;

import io.finality.core.event.EventRecord;
import io.finality.core.event.PaymentEventDecoder;
import org.agrona.ExpandableArrayBuffer;

/**
 * How a consumer reads payment events from the journal, in order, from a sequence of its choice
 * (its own cursor: the last sequence it processed plus one), skipping step inputs and markers.
 * Consumers dedupe by sequence: delivery after a restart starts exactly where asked.
 *
 * <p>One instance per consumer thread; allocation-free per event.
 */
public final class EventTailer implements AutoCloseable {
    /** Receives each event; the decoder is valid only during the call. */
    @FunctionalInterface
    public interface Handler {
        void onEvent(PaymentEventDecoder event);
    }

    private final EventJournal.Reader reader;
    private final ExpandableArrayBuffer document = new ExpandableArrayBuffer(64 * 1024);
    private final PaymentEventDecoder decoder = new PaymentEventDecoder();
    private long nextSequence;

    /** Deliver events with sequence {@code >= fromSequence} (1 = everything). */
    public EventTailer(final EventJournal journal, final long fromSequence) {
        this.reader = journal.reader();
        this.nextSequence = Math.max(1, fromSequence);
    }

    /**
     * Deliver events with sequence {@code >= fromSequence}, reading only the documents after journal index
     * {@code afterIndex} (e.g. the journal's last index when a process started, so it never reads the history
     * before it). Events before that index are not delivered, whatever their sequence.
     */
    public EventTailer(final EventJournal journal, final long afterIndex, final long fromSequence) {
        this.reader = journal.reader().after(afterIndex);
        this.nextSequence = Math.max(1, fromSequence);
    }

    private EventTailer(final EventJournal.Reader reader) {
        this.reader = reader;
        this.nextSequence = 0;
    }

    /**
     * A tailer whose position is kept in the journal under {@code name}: after a restart it resumes
     * after the last document it read (a document is delivered whole, so a consumer that crashed in
     * the middle of one sees its events again and dedupes by sequence).
     */
    public static EventTailer named(final EventJournal journal, final String name) {
        return new EventTailer(journal.namedReader(name));
    }

    /** The sequence the next delivered event will have (0 for a named tailer that has read nothing yet). */
    public long nextSequence() {
        return nextSequence;
    }

    /**
     * Deliver the events of up to {@code maxDocuments} journal documents.
     *
     * @return journal documents read; 0 when caught up (documents with only earlier events count too).
     * @throws IllegalStateException if a record fails to decode or a sequence is missing: the journal is damaged.
     */
    public int poll(final Handler handler, final int maxDocuments) {
        int documents = 0;
        for (int d = 0; d < maxDocuments; d++) {
            final int length = reader.next(document);
            if (length < 0) {
                break;
            }
            documents++;
            int position = 4 + document.getInt(0);
            while (position < length) {
                final int type = EventRecord.recordType(document, position);
                final long recordLength = EventRecord.recordLength(document, position);
                if (type == EventRecord.TYPE_PAYMENT_EVENT) {
                    final int result = decoder.wrap(document, position, length);
                    if (result != EventRecord.OK) {
                        throw new IllegalStateException("journal document " + reader.index() + ": "
                            + EventRecord.describe(result));
                    }
                    final long sequence = decoder.sequence();
                    if (nextSequence == 0) {
                        nextSequence = sequence;
                    }
                    if (sequence >= nextSequence) {
                        if (sequence != nextSequence) {
                            throw new IllegalStateException("journal gap: expected event " + nextSequence + ", found " + sequence);
                        }
                        handler.onEvent(decoder);
                        nextSequence++;
                    }
                }
                if (recordLength <= 0) {
                    throw new IllegalStateException("journal document " + reader.index() + " has a zero-length record");
                }
                position += (int)recordLength;
            }
        }
        return documents;
    }

    @Override
    public void close() {
        reader.close();
    }
}
