package io.finality.bitcoin.p2p;

import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.core.pipeline.EventPublisher;
import io.finality.core.pipeline.SlotFiller;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An {@link EventPublisher} that fills one real {@link ChainEvent} slot per publication and records what it held. */
final class RecordingPublisher implements EventPublisher {
    /** What one published slot held. */
    record Event(EventKind kind, ChainId chain, long height, String hash, byte[] payload) {
        @Override
        public String toString() {
            return kind + "@" + height + ":" + hash.substring(0, 12) + "(" + payload.length + "B)";
        }
    }

    private final ChainEvent slot = new ChainEvent(1 << 16, Command.BLOCK_MAX, 16);
    private final List<Event> events = new ArrayList<>();

    @Override
    public synchronized <A> int publish(final EventKind kind, final ChainId chain, final int payloadLength, final SlotFiller<A> filler,
                                        final A arg) {
        if (payloadLength > slot.maxPayloadBytes()) {
            return PAYLOAD_TOO_LARGE;
        }
        slot.reset(kind, chain);
        if (!filler.fill(slot, arg)) {
            return DISCARDED;
        }
        final byte[] hash = new byte[32];
        slot.blockHash().getBytes(0, hash);
        events.add(new Event(kind, chain, slot.height(), Hex.toHex(hash), Arrays.copyOf(slot.payloadArray(), slot.payloadLength())));
        return PUBLISHED;
    }

    @Override
    public <A> int tryPublish(final EventKind kind, final ChainId chain, final int payloadLength, final SlotFiller<A> filler, final A arg) {
        return publish(kind, chain, payloadLength, filler, arg);
    }

    synchronized int size() {
        return events.size();
    }

    synchronized List<Event> since(final int from) {
        return new ArrayList<>(events.subList(from, events.size()));
    }
}
