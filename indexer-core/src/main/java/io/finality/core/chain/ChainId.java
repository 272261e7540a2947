package io.finality.core.chain;

/**
 * A chain Finality can watch. The {@link #code()} is the stable wire value used in ring slots, the
 * matcher's keys and the event journal: never renumber an entry.
 *
 * <p>Immutable; safe from any thread.
 */
public enum ChainId {
    BITCOIN_MAINNET(1, ChainFamily.BITCOIN, "bitcoin-mainnet", 0, 8, "BTC"),
    BITCOIN_TESTNET3(2, ChainFamily.BITCOIN, "bitcoin-testnet3", 0, 8, "tBTC"),
    BITCOIN_TESTNET4(3, ChainFamily.BITCOIN, "bitcoin-testnet4", 0, 8, "tBTC"),
    BITCOIN_SIGNET(4, ChainFamily.BITCOIN, "bitcoin-signet", 0, 8, "sBTC"),
    BITCOIN_REGTEST(5, ChainFamily.BITCOIN, "bitcoin-regtest", 0, 8, "rBTC"),
    ETHEREUM_MAINNET(10, ChainFamily.ETHEREUM, "ethereum-mainnet", 1, 18, "ETH"),
    ETHEREUM_SEPOLIA(11, ChainFamily.ETHEREUM, "ethereum-sepolia", 11_155_111, 18, "ETH"),
    ETHEREUM_HOLESKY(12, ChainFamily.ETHEREUM, "ethereum-holesky", 17_000, 18, "ETH"),
    ETHEREUM_DEV(13, ChainFamily.ETHEREUM, "ethereum-dev", 31_337, 18, "ETH");

    private static final ChainId[] BY_CODE = new ChainId[64];

    static {
        for (ChainId id : values()) {
            BY_CODE[id.code] = id;
        }
    }

    private final int code;
    private final ChainFamily family;
    private final String configName;
    private final long evmChainId;
    private final int nativeDecimals;
    private final String nativeSymbol;

    ChainId(
        final int code,
        final ChainFamily family,
        final String configName,
        final long evmChainId,
        final int nativeDecimals,
        final String nativeSymbol) {
        this.code = code;
        this.family = family;
        this.configName = configName;
        this.evmChainId = evmChainId;
        this.nativeDecimals = nativeDecimals;
        this.nativeSymbol = nativeSymbol;
    }

    /** Stable numeric id, as stored in ring slots and journal records. */
    public int code() {
        return code;
    }

    public ChainFamily family() {
        return family;
    }

    /** The name used in configuration files and the API, e.g. {@code bitcoin-mainnet}. */
    public String configName() {
        return configName;
    }

    /** EIP-155 chain id for Ethereum chains, 0 for Bitcoin. */
    public long evmChainId() {
        return evmChainId;
    }

    /** Decimals of the native coin's base unit (8 for satoshi, 18 for wei). */
    public int nativeDecimals() {
        return nativeDecimals;
    }

    public String nativeSymbol() {
        return nativeSymbol;
    }

    /**
     * The chain for a wire code.
     *
     * @return the chain, or {@code null} if the code is not assigned (decoders report that as bad input).
     */
    public static ChainId fromCode(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * The chain for a configuration name.
     *
     * @throws IllegalArgumentException naming the accepted values.
     */
    public static ChainId fromConfigName(final String name) {
        for (ChainId id : values()) {
            if (id.configName.equals(name)) {
                return id;
            }
        }
        throw new IllegalArgumentException("unknown chain '" + name + "', expected one of " + configNames());
    }

    /** All configuration names, comma separated, for error messages. */
    public static String configNames() {
        final StringBuilder sb = new StringBuilder();
        for (ChainId id : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(id.configName);
        }
        return sb.toString();
    }
}
