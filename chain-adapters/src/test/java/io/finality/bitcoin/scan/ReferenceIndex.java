package io.finality.bitcoin.scan;

import io.finality.core.spi.AddressIndex;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.agrona.DirectBuffer;

/** A plain {@link HashMap} index for tests: the obviously-correct reference the scanner is checked with. */
final class ReferenceIndex implements AddressIndex {
    final Map<ByteBuffer, Integer> slots = new HashMap<>();
    int lookups;

    void put(final int chainCode, final byte[] script, final int slot) {
        slots.put(key(chainCode, script), slot);
    }

    static ByteBuffer key(final int chainCode, final byte[] script) {
        final ByteBuffer k = ByteBuffer.allocate(script.length + 4);
        k.putInt(chainCode).put(script).flip();
        return k;
    }

    @Override
    public int lookup(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        lookups++;
        final byte[] script = new byte[length];
        key.getBytes(offset, script);
        final Integer slot = slots.get(key(chainCode, script));
        return slot == null ? MISSING : slot;
    }
}
