package io.finality.ethereum;

import io.finality.core.buffer.Hex;
import io.finality.core.spi.AddressIndex;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.agrona.DirectBuffer;

/**
 * Test index: watches the addresses put into it (a HashMap reference), or every 20-byte key when built
 * with {@link #all()}, answering the key's first byte as the slot so that tests can predict it.
 */
final class WatchIndex implements AddressIndex {
    private final Map<String, Integer> map = new HashMap<>();
    private final boolean all;
    private int probes;

    private WatchIndex(final boolean all) {
        this.all = all;
    }

    static WatchIndex of() {
        return new WatchIndex(false);
    }

    static WatchIndex all() {
        return new WatchIndex(true);
    }

    /** Watch {@code address} ("0x" + 40 hex) for {@code chainCode} with {@code slot}. */
    WatchIndex watch(final int chainCode, final String address, final int slot) {
        map.put(chainCode + ":" + address.substring(2).toLowerCase(Locale.ROOT), slot);
        return this;
    }

    int probes() {
        return probes;
    }

    @Override
    public int lookup(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        probes++;
        if (length != 20) {
            throw new AssertionError("Ethereum keys are 20 bytes, got " + length);
        }
        if (all) {
            return key.getByte(offset) & 0xFF;
        }
        return map.getOrDefault(chainCode + ":" + Hex.toHex(key, offset, length), MISSING);
    }
}
