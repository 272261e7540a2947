package io.finality.tools.demo;

import io.finality.core.chain.Asset;
import io.finality.core.chain.ChainId;
import io.finality.ethereum.devnet.AnvilRpc;
import io.finality.tools.node.TokenBook;
import java.math.BigInteger;

/**
 * The contracts the Ethereum act deploys on anvil before the node starts (the node's token list is fixed at start):
 * DUSD, the token the invoices ask for; OTHR, another token (sent to a DUSD invoice, it is the wrong asset); and a
 * contract that refuses ether.
 *
 * @param dusd    DUSD's contract.
 * @param other   OTHR's contract.
 * @param refuser the RevertingReceiver's address.
 */
record DemoTokens(String dusd, String other, String refuser) {
    private static final BigInteger SUPPLY = BigInteger.TEN.pow(24);

    static DemoTokens deploy(final AnvilRpc rpc) {
        final String from = rpc.accounts().get(0);
        return new DemoTokens(rpc.deployToken(from, SUPPLY), rpc.deployToken(from, SUPPLY), rpc.deployRevertingReceiver(from));
    }

    /** The tokens as the node's configuration lists them (OTHR too: a token the shop accepts, just not on that invoice). */
    TokenBook book() {
        return new TokenBook().add(Asset.token(ChainId.ETHEREUM_DEV, dusd, 18, "DUSD"))
            .add(Asset.token(ChainId.ETHEREUM_DEV, other, 18, "OTHR"));
    }
}
