package io.finality.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import io.finality.ethereum.devnet.AnvilNode;
import io.finality.ethereum.devnet.AnvilRpc;
import io.finality.ethereum.node.Anvil;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Smoke test against a real node: starts anvil on a free loopback port, pays a watched address from a
 * dev account over plain JSON-RPC, fetches the mined block (full transactions) and its receipts as raw
 * bytes, and checks that the scanner finds exactly that payment. Anvil is found by {@link io.finality.ethereum.node.Anvil#locate()}
 * (skipped locally, failing in CI when missing). Only 127.0.0.1 is ever contacted.
 */
class AnvilSmokeTest {
    private static final String RECIPIENT = "0x5eed00000000000000000000000000000000c0de";
    private static final BigInteger ONE_ETH = BigInteger.TEN.pow(18);

    @Test
    void shouldFindANativePaymentMinedByARealAnvil() {
        final AnvilNode node = Anvil.start();
        try (node) {
            final AnvilRpc rpc = node.rpc();
            final String from = rpc.accounts().get(0);
            final String txHash = rpc.sendEth(from, RECIPIENT, ONE_ETH);
            final String blockNumber = rpc.awaitReceipt(txHash).get("blockNumber").asString();

            final byte[] block = rpc.rawCall("eth_getBlockByNumber", "[\"" + blockNumber + "\",true]");
            final byte[] receipts = rpc.rawCall("eth_getBlockReceipts", "[\"" + blockNumber + "\"]");
            final byte[] payload = EthereumPayload.frame(block, receipts);
            final ChainEvent event = new ChainEvent(payload.length, 1 << 20, 4);
            event.reset(EventKind.BLOCK_CONNECTED, ChainId.ETHEREUM_DEV).payload(payload, 0, payload.length);
            final WatchIndex index = WatchIndex.of().watch(ChainId.ETHEREUM_DEV.code(), RECIPIENT, 42);
            final EthereumBlockScanner scanner = new EthereumBlockScanner();

            assertEquals(JsonError.OK, scanner.scan(event, index), () -> JsonError.name(event.scanStatus()) + " at "
                + event.scanErrorOffset() + " in " + new String(payload, StandardCharsets.UTF_8));
            assertEquals(new BigInteger(blockNumber.substring(2), 16).longValueExact(), scanner.block().number());
            final MatchList m = event.matches();
            assertEquals(1, m.outputCount());
            assertEquals(txHash, EthFixtures.hex(m.txids(), 0, 32));
            assertEquals(ONE_ETH, EthFixtures.u128(m.amountHi(0), m.amountLo(0)));
            assertEquals(42, m.invoiceSlot(0));
            assertEquals(EthereumPayload.NATIVE_OUTPUT_INDEX, m.outputIndex(0));
            assertEquals(0, m.flags(0));
            assertTrue(index.probes() >= 1);
        }
        assertFalse(node.isAlive(), "anvil must be stopped");
    }
}
