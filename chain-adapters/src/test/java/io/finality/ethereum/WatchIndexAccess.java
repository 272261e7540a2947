package io.finality.ethereum;

import io.finality.core.chain.ChainId;
import io.finality.core.spi.AddressIndex;
import java.util.Map;

/** Test access to the package's {@link WatchIndex} from other packages. */
public final class WatchIndexAccess {
    private WatchIndexAccess() {
    }

    /** An index of {@link ChainId#ETHEREUM_DEV} watching each address with its slot. */
    public static AddressIndex watching(final Map<String, Integer> slots) {
        final WatchIndex index = WatchIndex.of();
        slots.forEach((address, slot) -> index.watch(ChainId.ETHEREUM_DEV.code(), address, slot));
        return index;
    }
}
