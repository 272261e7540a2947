package io.finality.tools.run;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.p2p.BitcoinPeerContext;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.buffer.Hex;
import io.finality.core.config.ConfigException;
import io.finality.core.config.ConfigSection;
import io.finality.core.config.YamlConfig;
import io.finality.core.pipeline.PipelineConfig;
import io.finality.engine.journal.JournalContext;
import io.finality.engine.policy.PolicyConfig;
import io.finality.ethereum.sync.EthereumContext;
import io.finality.matcher.index.WatchKeyIndex;
import io.finality.tools.api.ApiContext;
import io.finality.tools.node.NodeContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code finality.yaml} as {@code finality run} reads it, shared with {@code check-config} so the
 * two can never disagree:
 *
 * <pre>
 * data_dir: ./finality-data          # store (RocksDB) and journal (Chronicle Queue)
 * api:                               # optional: no section, no HTTP API
 *   bind: 127.0.0.1
 *   port: 8080
 *   token_file: ./api.token          # or token_env: FINALITY_API_TOKEN (exactly one)
 * ethereum:                          # optional: no section, no Ethereum connection
 *   chain: ethereum-dev              # ethereum-mainnet | ethereum-sepolia | ethereum-holesky | ethereum-dev
 *   node: ws://127.0.0.1:8545        # WebSocket JSON-RPC endpoint
 *   start_height: 0                  # sync starts after this block
 *   window: 8                        # blocks fetched at once while behind
 *   request_timeout: 10s
 *   max_frame_bytes: 64MiB           # larger answers are refused
 *   max_reorg_depth: 1024
 *   pending_transactions: true       # report payments seen in the node's pool (where it offers them)
 *   tokens:                          # ERC-20 tokens invoices may be opened in
 *     - { symbol: USDC, contract: 0x..., decimals: 6 }
 * bitcoin:                           # optional: no section, no Bitcoin connection
 *   network: regtest                 # mainnet | testnet3 | testnet4 | signet | regtest
 *   node: 127.0.0.1:18444
 *   start_hash: 0f91...2206          # display order; sync starts after it (default: regtest genesis)
 *   start_height: 0
 * pipeline: { ... }                  # PipelineConfig
 * policies: [ ... ]                  # PolicyConfig
 * policy_defaults: [ ... ]           # PolicyConfig: the default policy per chain and asset
 * journal:
 *   durability: async                # none | async | sync
 *   snapshot_every_steps: 10000
 *   pretouch_cpu: -1                 # pin the journal's read-ahead thread, off a pinned stage CPU (-1: unpinned)
 * </pre>
 *
 * <p>Every key is validated and unknown keys are refused ({@link ConfigException} naming the key).
 * The token itself is not read here (it may live in another environment): {@link #apiContext()} reads it.
 * Built at start-up, from one thread.
 */
public final class RunConfig {
    private static final Pattern HOST_PORT = Pattern.compile("(.+):(\\d{1,5})");

    private final NodeContext node;
    private final ApiSettings api;
    private final BitcoinPeerContext bitcoin;
    private final EthereumContext ethereum;

    private RunConfig(final NodeContext node, final ApiSettings api, final BitcoinPeerContext bitcoin, final EthereumContext ethereum) {
        this.node = node;
        this.api = api;
        this.bitcoin = bitcoin;
        this.ethereum = ethereum;
    }

    /** Load and validate a file. */
    public static RunConfig load(final Path file) {
        final ConfigSection root = YamlConfig.load(file);
        final Path base = file.toAbsolutePath().getParent();
        return from(root, base);
    }

    /** Validate a parsed root section; relative paths resolve against {@code base}. */
    public static RunConfig from(final ConfigSection root, final Path base) {
        final NodeContext node = new NodeContext()
            .dataDirectory(base.resolve(root.string("data_dir", "finality-data")).normalize())
            .pipeline(PipelineConfig.from(root.section("pipeline")))
            .policies(PolicyConfig.from(root));
        final ConfigSection journal = root.section("journal");
        node.durability(journal.enumValue("durability", JournalContext.Durability.class, JournalContext.Durability.ASYNC))
            .snapshotEverySteps(journal.longValue("snapshot_every_steps", 10_000, 1, Long.MAX_VALUE))
            .pretouchCpu(journal.intValue("pretouch_cpu", -1, -1, 1023));
        journal.rejectUnknownKeys();
        final ConfigSection matcher = root.section("matcher");
        // the script index is sized for this many keys, or for the invoices already stored and an eighth more if more
        node.expectedKeys(matcher.intValue("expected_keys", node.expectedKeys(), 16, WatchKeyIndex.MAX_KEYS));
        matcher.rejectUnknownKeys();
        final int scanCpu = node.pipeline().scanCpu();
        if (node.pretouchCpu() >= 0 && node.pretouchCpu() == scanCpu) {
            // pinned beside the scan thread, its long first reads stall exactly the thread it should spare
            throw new ConfigException("journal.pretouch_cpu", node.pretouchCpu(), "another CPU than pipeline.scan_cpu (" + scanCpu + ")");
        }
        final ApiSettings api = root.has("api") ? apiSettings(root.section("api"), base) : null;
        final BitcoinPeerContext bitcoin = root.has("bitcoin") ? bitcoin(root.section("bitcoin")) : null;
        final EthereumContext ethereum = root.has("ethereum") ? EthereumSettings.from(root.section("ethereum"), node.tokens()) : null;
        root.rejectUnknownKeys();
        return new RunConfig(node, api, bitcoin, ethereum);
    }

    private static ApiSettings apiSettings(final ConfigSection s, final Path base) {
        final String bind = s.string("bind", "127.0.0.1");
        final int port = s.intValue("port", 8080, 0, 65_535);
        final String file = s.string("token_file", null);
        final String env = s.string("token_env", null);
        final int maxBody = s.intValue("max_body_bytes", ApiContext.DEFAULT_MAX_BODY_BYTES, 1024, 16 << 20);
        if ((file == null) == (env == null)) {
            throw ConfigException.of(s.keyOf("token_file"), "give exactly one of token_file or token_env (a bearer token is required)");
        }
        s.rejectUnknownKeys();
        return new ApiSettings(bind, port, file == null ? null : base.resolve(file), env, maxBody);
    }

    private static BitcoinPeerContext bitcoin(final ConfigSection s) {
        final BitcoinNetwork network = s.enumValue("network", BitcoinNetwork.class, null);
        if (network == null) {
            throw ConfigException.of(s.keyOf("network"), "required");
        }
        final String node = s.string("node");
        final Matcher m = HOST_PORT.matcher(node);
        if (!m.matches() || Integer.parseInt(m.group(2)) > 65_535) {
            throw ConfigException.of(s.keyOf("node"), "host:port, was '" + node + "'");
        }
        final BitcoinPeerContext context = new BitcoinPeerContext().network(network)
            .node(InetSocketAddress.createUnresolved(m.group(1), Integer.parseInt(m.group(2))));
        final String startHash = s.string("start_hash", null);
        final long startHeight = s.longValue("start_height", 0, 0, Integer.MAX_VALUE);
        if (startHash == null) {
            if (network != BitcoinNetwork.REGTEST) {
                throw ConfigException.of(s.keyOf("start_hash"), "required on " + network.name().toLowerCase(Locale.ROOT));
            }
            context.startHash(RegtestChain.GENESIS_HASH).startHeight(0);
        } else {
            if (!startHash.matches("[0-9a-fA-F]{64}")) {
                throw ConfigException.of(s.keyOf("start_hash"), "64 hex characters (display order)");
            }
            context.startHash(Hex.reverse(Hex.fromHex(startHash))).startHeight(startHeight);
        }
        s.rejectUnknownKeys();
        return context;
    }

    /** The node's settings. */
    public NodeContext node() {
        return node;
    }

    /** Whether an HTTP API is configured. */
    public boolean hasApi() {
        return api != null;
    }

    /** Bind address and port of the API, for messages (no token). */
    public String apiAddress() {
        return api == null ? "none" : api.bind() + ":" + api.port();
    }

    /**
     * The API settings with the token read from its file or environment variable.
     *
     * @throws IllegalArgumentException if the token cannot be read or is too short.
     */
    public ApiContext apiContext() {
        final ApiContext context = new ApiContext().bind(api.bind()).port(api.port()).maxBodyBytes(api.maxBodyBytes());
        return api.tokenFile() != null ? context.tokenFile(api.tokenFile()) : context.tokenEnv(api.tokenEnv());
    }

    /** The Bitcoin connection settings (host resolved when the connection is built), or null. */
    public BitcoinPeerContext bitcoin() {
        if (bitcoin == null) {
            return null;
        }
        final InetSocketAddress unresolved = bitcoin.node();
        return bitcoin.node(new InetSocketAddress(unresolved.getHostString(), unresolved.getPort()));
    }

    /**
     * The Bitcoin settings as configured, the node address left unresolved (for commands that never dial it,
     * e.g. import-blk), or null.
     */
    public BitcoinPeerContext bitcoinSettings() {
        return bitcoin;
    }

    /** The Ethereum connection settings, or null. */
    public EthereumContext ethereum() {
        return ethereum;
    }

    private record ApiSettings(String bind, int port, Path tokenFile, String tokenEnv, int maxBodyBytes) {
    }
}
