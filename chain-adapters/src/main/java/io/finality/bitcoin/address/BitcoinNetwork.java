package io.finality.bitcoin.address;

import io.finality.core.chain.ChainId;

/**
 * The Bitcoin networks Finality knows, with what tells them apart on the wire and in addresses.
 *
 * <p>Testnet3, testnet4 and signet share the testnet address prefixes (base58 versions 0x6f / 0xc4,
 * bech32 HRP {@code tb}): an address alone cannot say which of the three it is for, so the codec
 * accepts any testnet-form address on all three. Regtest has its own bech32 HRP {@code bcrt} but the
 * testnet base58 versions. The message-start magic differs for every network, which is how blk files
 * and P2P frames tell them apart.
 *
 * <p>Immutable; safe from any thread.
 */
public enum BitcoinNetwork {
    MAINNET(ChainId.BITCOIN_MAINNET, 0xf9beb4d9, 0x00, 0x05, "bc"),
    TESTNET3(ChainId.BITCOIN_TESTNET3, 0x0b110907, 0x6f, 0xc4, "tb"),
    TESTNET4(ChainId.BITCOIN_TESTNET4, 0x1c163f28, 0x6f, 0xc4, "tb"),
    SIGNET(ChainId.BITCOIN_SIGNET, 0x0a03cf40, 0x6f, 0xc4, "tb"),
    REGTEST(ChainId.BITCOIN_REGTEST, 0xfabfb5da, 0x6f, 0xc4, "bcrt");

    private final ChainId chain;
    private final int magic;
    private final int p2pkhVersion;
    private final int p2shVersion;
    private final String hrp;

    BitcoinNetwork(final ChainId chain, final int magic, final int p2pkhVersion, final int p2shVersion, final String hrp) {
        this.chain = chain;
        this.magic = magic;
        this.p2pkhVersion = p2pkhVersion;
        this.p2shVersion = p2shVersion;
        this.hrp = hrp;
    }

    public ChainId chain() {
        return chain;
    }

    /** The message-start bytes as a big-endian int (the wire order read left to right, e.g. f9 be b4 d9). */
    public int magic() {
        return magic;
    }

    /** Base58 version byte of P2PKH addresses. */
    public int p2pkhVersion() {
        return p2pkhVersion;
    }

    /** Base58 version byte of P2SH addresses. */
    public int p2shVersion() {
        return p2shVersion;
    }

    /** Bech32 human-readable part of segwit addresses. */
    public String hrp() {
        return hrp;
    }

    /** The network for a chain id, or {@code null} for a non-Bitcoin chain. */
    public static BitcoinNetwork of(final ChainId chain) {
        for (BitcoinNetwork n : values()) {
            if (n.chain == chain) {
                return n;
            }
        }
        return null;
    }

    /** The network whose magic is {@code magic} (big-endian as in {@link #magic()}), or {@code null}. */
    public static BitcoinNetwork fromMagic(final int magic) {
        for (BitcoinNetwork n : values()) {
            if (n.magic == magic) {
                return n;
            }
        }
        return null;
    }
}
