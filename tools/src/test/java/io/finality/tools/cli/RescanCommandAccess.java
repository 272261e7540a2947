package io.finality.tools.cli;

import io.finality.core.chain.ChainId;
import io.finality.tools.rescan.RescanSource;
import io.finality.tools.run.RunConfig;

/** Lets tests in other packages open the block source {@code finality rescan} uses. */
public final class RescanCommandAccess {
    private RescanCommandAccess() {
    }

    public static RescanSource source(final RunConfig settings, final ChainId chain) {
        return RescanCommand.source(settings, chain, null);
    }

    public static RescanSource source(final RunConfig settings, final ChainId chain, final java.nio.file.Path blocks) {
        return RescanCommand.source(settings, chain, blocks);
    }
}
