package io.finality.ethereum;

import io.finality.core.chain.ChainId;
import io.finality.core.spi.AddressIndex;

/** Test access to the package's {@link WatchIndex} from other packages. */
public final class WatchIndexAccess {
    private WatchIndexAccess() {
    }

    public static AddressIndex watching(final String address, final int slot) {
        return WatchIndex.of().watch(ChainId.ETHEREUM_DEV.code(), address, slot);
    }
}
