package io.finality.ethereum.sync;

import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.core.pipeline.EventPublisher;
import io.finality.core.pipeline.SlotFiller;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import io.finality.core.spi.AddressIndex;
import io.finality.ethereum.EthereumBlockScanner;
import io.finality.ethereum.JsonError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link EventPublisher} that plays the ring and stage 1 for the sync tests: it fills one real
 * {@link ChainEvent} per publication, scans every connected block with the real {@link EthereumBlockScanner}
 * against {@code index}, and keeps (a) the log of what was published and (b) the chain and the payments it
 * implies, applying disconnects. Fails the publication (and the test) if a block is not the child of the
 * recorded tip, a disconnect is not the tip, or a payload does not scan cleanly.
 */
final class ChainRecorder implements EventPublisher {
    /** One publication. */
    record Published(EventKind kind, long height, String hash, String parentHash, long finalized) {
        @Override
        public String toString() {
            return (kind == EventKind.BLOCK_CONNECTED ? "+" : "-") + height + ":" + hash.substring(0, 8);
        }
    }

    /** One match found in a connected block. */
    record Payment(long height, String txHash, int outputIndex, java.math.BigInteger amount, int slot, int flags, String token) {
    }

    private final ChainEvent slot = new ChainEvent(1 << 16, 64 << 20, 16);
    private final EthereumBlockScanner scanner = new EthereumBlockScanner();
    private final AddressIndex index;
    private final List<Published> log = new ArrayList<>();
    private final Map<Long, String> chain = new LinkedHashMap<>();
    private final Map<Long, List<Payment>> payments = new LinkedHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final List<Payment> seen = new ArrayList<>();
    private final List<String> gone = new ArrayList<>();

    ChainRecorder(final AddressIndex index) {
        this.index = index;
    }

    @Override
    public synchronized <A> int publish(final EventKind kind, final ChainId id, final int payloadLength, final SlotFiller<A> filler,
                                        final A arg) {
        slot.reset(kind, id);
        if (!filler.fill(slot, arg)) {
            return DISCARDED;
        }
        final String hash = Hex.toHex(slot.blockHash(), 0, 32);
        final String parent = Hex.toHex(slot.parentHash(), 0, 32);
        final long h = slot.height();
        log.add(new Published(kind, h, hash, parent, slot.finalizedHeight()));
        if (kind == EventKind.BLOCK_CONNECTED) {
            if (!chain.isEmpty()) {
                final long tip = tipHeight();
                if (h != tip + 1 || !chain.get(tip).equals(parent)) {
                    violations.add("block " + h + " " + hash + " does not extend tip " + tip + " " + chain.get(tip));
                }
            }
            if (scanner.scan(slot, index) != JsonError.OK) {
                violations.add("block " + h + " does not scan: " + JsonError.name(slot.scanStatus()));
            }
            chain.put(h, hash);
            payments.put(h, matches(h, slot.matches()));
        } else if (kind == EventKind.MEMPOOL_TX) {
            if (scanner.scan(slot, index) != JsonError.OK) {
                violations.add("pending transaction does not scan: " + JsonError.name(slot.scanStatus()));
            }
            seen.addAll(matches(-1, slot.matches()));
        } else if (kind == EventKind.MEMPOOL_TX_GONE) {
            gone.add("0x" + Hex.toHex(slot.payloadBuffer(), 0, 32));
        } else if (kind == EventKind.BLOCK_DISCONNECTED) {
            if (chain.isEmpty() || h != tipHeight() || !chain.get(h).equals(hash)) {
                violations.add("disconnect of " + h + " " + hash + " is not the tip");
            }
            chain.remove(h);
            payments.remove(h);
        }
        return PUBLISHED;
    }

    private static List<Payment> matches(final long height, final MatchList m) {
        final List<Payment> out = new ArrayList<>();
        for (int i = 0; i < m.outputCount(); i++) {
            final byte[] contract = new byte[MatchList.CONTRACT_LENGTH];
            final boolean token = (m.flags(i) & MatchList.FLAG_TOKEN) != 0;
            if (token) {
                m.copyTokenContract(i, new org.agrona.concurrent.UnsafeBuffer(contract), 0);
            }
            final java.math.BigInteger amount = new java.math.BigInteger(1, java.nio.ByteBuffer.allocate(16)
                .putLong(m.amountHi(i)).putLong(m.amountLo(i)).array());
            out.add(new Payment(height, "0x" + Hex.toHex(m.txids(), i * 32, 32), m.outputIndex(i), amount,
                m.invoiceSlot(i), m.flags(i), token ? "0x" + Hex.toHex(contract) : null));
        }
        return out;
    }

    /** Start from a chain recorded earlier (a restart of our side). */
    synchronized void seed(final Map<Long, String> earlier) {
        chain.putAll(earlier);
        earlier.keySet().forEach(h -> payments.put(h, List.of()));
    }

    @Override
    public <A> int tryPublish(final EventKind kind, final ChainId id, final int payloadLength, final SlotFiller<A> filler, final A arg) {
        return publish(kind, id, payloadLength, filler, arg);
    }

    synchronized long tipHeight() {
        long tip = -1;
        for (long h : chain.keySet()) {
            tip = Math.max(tip, h);
        }
        return tip;
    }

    synchronized List<Published> log() {
        return new ArrayList<>(log);
    }

    /** Height to hash of the chain as published, after disconnects. */
    synchronized Map<Long, String> chain() {
        return new LinkedHashMap<>(chain);
    }

    /** Payments on the chain as published, in height order. */
    synchronized List<Payment> payments() {
        final List<Payment> all = new ArrayList<>();
        payments.keySet().stream().sorted().forEach(h -> all.addAll(payments.get(h)));
        return all;
    }

    /** Payments in pending transactions, in the order published (height -1). */
    synchronized List<Payment> seen() {
        return new ArrayList<>(seen);
    }

    /** Pending transactions reported gone, as 0x hashes. */
    synchronized List<String> gone() {
        return new ArrayList<>(gone);
    }

    synchronized List<String> violations() {
        return new ArrayList<>(violations);
    }
}
