package io.finality.tools.run;

import io.finality.core.chain.Asset;
import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import io.finality.core.config.ConfigException;
import io.finality.core.config.ConfigSection;
import io.finality.ethereum.address.EthereumAddress;
import io.finality.ethereum.sync.EthereumContext;
import io.finality.tools.node.TokenBook;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The {@code ethereum:} section of {@code finality.yaml} (see {@link RunConfig}) to an {@link EthereumContext},
 * and its {@code tokens:} list into the node's {@link TokenBook}. Every key is checked; unknown keys are refused.
 * Start-up only, one thread.
 */
final class EthereumSettings {
    private EthereumSettings() {
    }

    static EthereumContext from(final ConfigSection s, final TokenBook tokens) {
        final ChainId chain;
        try {
            chain = ChainId.fromConfigName(s.string("chain", ChainId.ETHEREUM_DEV.configName()));
        } catch (final IllegalArgumentException ex) {
            throw ConfigException.of(s.keyOf("chain"), ex.getMessage());
        }
        if (chain.family() != ChainFamily.ETHEREUM) {
            throw ConfigException.of(s.keyOf("chain"), "an Ethereum chain, was " + chain.configName());
        }
        final EthereumContext context = new EthereumContext().chain(chain)
            .startHeight(s.longValue("start_height", 0, 0, Long.MAX_VALUE / 2))
            .window(s.intValue("window", EthereumContext.DEFAULT_WINDOW, 1, 256))
            .maxReorgDepth(s.intValue("max_reorg_depth", EthereumContext.DEFAULT_MAX_REORG_DEPTH, 2, 1 << 20))
            .pendingTransactions(s.bool("pending_transactions", true));
        final String node = s.string("node");
        try {
            context.rpc().uri(new URI(node));
        } catch (final URISyntaxException | IllegalArgumentException ex) {
            // the value is not echoed: a hosted node's URI carries its API key
            throw ConfigException.of(s.keyOf("node"), "ws://host:port[/path] (" + ex.getClass().getSimpleName() + ")");
        }
        context.rpc()
            .requestTimeoutMs(s.durationMs("request_timeout", 10_000, 1, 600_000))
            .maxFrameBytes((int)s.bytes("max_frame_bytes", 64 << 20, 1024, Integer.MAX_VALUE));
        for (ConfigSection t : s.sections("tokens")) {
            try {
                tokens.add(token(chain, t));
            } catch (final IllegalArgumentException ex) {
                throw ConfigException.of(s.keyOf("tokens"), ex.getMessage());
            }
        }
        s.rejectUnknownKeys();
        return context;
    }

    private static Asset token(final ChainId chain, final ConfigSection t) {
        final String symbol = t.string("symbol");
        if (!symbol.matches("[A-Za-z0-9.]{1,16}") || symbol.equalsIgnoreCase(chain.nativeSymbol())) {
            throw ConfigException.of(t.keyOf("symbol"), "1 to 16 letters, digits or dots, not the native " + chain.nativeSymbol()
                + ", was '" + symbol + "'");
        }
        final String contract = t.string("contract");
        try {
            EthereumAddress.parse(contract);
        } catch (final IllegalArgumentException ex) {
            throw ConfigException.of(t.keyOf("contract"), ex.getMessage());
        }
        final int decimals = t.intValue("decimals", 18, 0, 38);
        t.rejectUnknownKeys();
        return Asset.token(chain, contract.toLowerCase(Locale.ROOT), decimals, symbol.toUpperCase(Locale.ROOT));
    }
}
