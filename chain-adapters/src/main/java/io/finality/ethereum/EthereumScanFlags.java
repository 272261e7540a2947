package io.finality.ethereum;

/**
 * Match flags the Ethereum scanner adds beside {@link io.finality.core.ring.MatchList#FLAG_TOKEN} and
 * {@link io.finality.core.ring.MatchList#FLAG_FAILED}; the overflow flag is the kernel's, which the state engine
 * refuses to credit.
 *
 * <p>Constants only; safe from any thread.
 */
public final class EthereumScanFlags {
    /**
     * The transfer's amount is at least 2<sup>128</sup> (a U256 quantity): the entry's amount is then
     * saturated to 2<sup>128</sup>-1 and must not be credited as it stands.
     */
    public static final int FLAG_AMOUNT_OVERFLOW = io.finality.core.ring.MatchList.FLAG_AMOUNT_OVERFLOW;

    private EthereumScanFlags() {
    }
}
