package io.finality.bitcoin.scan;

import io.finality.core.buffer.Hex;
import io.finality.core.spi.MutableAddressIndex;
import java.util.HashMap;
import java.util.Map;
import org.agrona.DirectBuffer;

/** A plain map-backed writable index for tests (the real one lives in the matcher module). */
final class MapIndex implements MutableAddressIndex {
    private final Map<String, Integer> map = new HashMap<>();
    /** What {@link #maintenanceDue} answers (a map has no upkeep of its own; tests set it). */
    boolean due;
    /** Slots handed to {@link #doMaintenance} so far. */
    long maintainedSlots;

    @Override
    public boolean maintenanceDue() {
        return due;
    }

    @Override
    public int doMaintenance(final int maxSlots) {
        maintainedSlots += maxSlots;
        return maxSlots;
    }

    private static String key(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        return chainCode + ":" + Hex.toHex(key, offset, length);
    }

    @Override
    public int lookup(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        return map.getOrDefault(key(chainCode, key, offset, length), MISSING);
    }

    @Override
    public int put(final int chainCode, final DirectBuffer key, final int offset, final int length, final int slot) {
        final Integer old = map.put(key(chainCode, key, offset, length), slot);
        return old == null ? MISSING : old;
    }

    @Override
    public int remove(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        final Integer old = map.remove(key(chainCode, key, offset, length));
        return old == null ? MISSING : old;
    }

    @Override
    public int size() {
        return map.size();
    }
}
